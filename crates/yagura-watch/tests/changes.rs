//! The timeline's items and diffs over small hand-built inventories (WATCH-01).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use yagura_inventory::*;
use yagura_watch::{changes, observe, ChangeType, ItemStatus};

fn ok<T>(v: T) -> Collected<T> {
    Collected::Ok(v)
}

fn tags(kv: &[(&str, &str)]) -> Tags {
    kv.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn rule(port: i32, cidr: &str) -> IngressRule {
    IngressRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        ipv4_ranges: vec![cidr.into()],
        ipv6_ranges: vec![],
    }
}

/// One account, one region: a VPC with a subnet, a security group, an instance, a load
/// balancer, a database, a bucket and two users.
fn base(at: &str) -> Inventory {
    let region = Region {
        name: "ap-northeast-1".into(),
        ec2: Ec2 {
            instances: ok(vec![Instance {
                id: "i-0a".into(),
                image_id: "ami-1".into(),
                instance_type: "t3.micro".into(),
                state: "running".into(),
                security_groups: vec!["sg-1".into()],
                launch_time: Some("2026-11-01T00:00:00Z".into()),
                tags: tags(&[("Name", "web"), ("Env", "dev")]),
                vpc_id: Some("vpc-1".into()),
                subnet_id: Some("subnet-1".into()),
                private_ip: Some("10.0.0.10".into()),
                ..Instance::default()
            }]),
            security_groups: ok(vec![SecurityGroup {
                id: "sg-1".into(),
                name: "web".into(),
                vpc_id: Some("vpc-1".into()),
                ingress: vec![rule(443, "0.0.0.0/0")],
                description: "web servers".into(),
                egress: vec![IngressRule {
                    protocol: "-1".into(),
                    ipv4_ranges: vec!["0.0.0.0/0".into()],
                    ..IngressRule::default()
                }],
                ..SecurityGroup::default()
            }]),
            groups_in_use: ok(vec!["sg-1".into()]),
            images: ok(vec![]),
            scheduled_events: ok(vec![]),
            vpcs: ok(vec![Vpc {
                id: "vpc-1".into(),
                cidr_block: "10.0.0.0/16".into(),
                state: "available".into(),
                tags: tags(&[("Name", "main")]),
                ..Vpc::default()
            }]),
            subnets: ok(vec![Subnet {
                id: "subnet-1".into(),
                vpc_id: "vpc-1".into(),
                cidr_block: "10.0.0.0/24".into(),
                availability_zone: "ap-northeast-1a".into(),
                state: "available".into(),
                ..Subnet::default()
            }]),
            ..Ec2::default()
        },
        load_balancers: ok(vec![LoadBalancer {
            arn: "arn:aws:elasticloadbalancing:ap-northeast-1:111122223333:loadbalancer/app/web/1"
                .into(),
            name: "web".into(),
            kind: "application".into(),
            listener_protocols: vec!["HTTPS".into()],
            targets: vec!["i-0a".into()],
            scheme: "internal".into(),
            state: "active".into(),
            vpc_id: Some("vpc-1".into()),
            security_groups: vec!["sg-1".into()],
            subnets: vec!["subnet-1".into()],
            ..LoadBalancer::default()
        }]),
        rds: ok(vec![DbInstance {
            id: "db1".into(),
            arn: "arn:aws:rds:ap-northeast-1:111122223333:db:db1".into(),
            engine: "postgres".into(),
            multi_az: true,
            auto_minor_version_upgrade: true,
            tags: Tags::new(),
            ..DbInstance::default()
        }]),
        ..Region::default()
    };
    let user = |name: &str| User {
        name: name.into(),
        arn: format!("arn:aws:iam::111122223333:user/{name}"),
        created: "2026-01-01T00:00:00Z".into(),
        groups: vec!["developers".into()],
        ..User::default()
    };
    Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: at.into(),
        accounts: vec![Account {
            account_id: "111122223333".into(),
            iam: Iam {
                users: ok(vec![user("alice"), user("bob")]),
                roles: ok(vec![Role {
                    name: "deploy".into(),
                    arn: "arn:aws:iam::111122223333:role/deploy".into(),
                    path: "/".into(),
                    trust_policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.into(),
                    ..Role::default()
                }]),
                ..Iam::default()
            },
            s3: S3 {
                account_public_access_block: ok(None),
                buckets: ok(vec![Bucket {
                    name: "logs".into(),
                    region: "ap-northeast-1".into(),
                    public_access_block: ok(None),
                    policy: ok(None),
                    acl_grants: ok(vec![]),
                    ..Bucket::default()
                }]),
            },
            regions: vec![region],
            ..Account::default()
        }],
    }
}

fn region(inv: &mut Inventory) -> &mut Region {
    &mut inv.accounts[0].regions[0]
}

fn summary(cs: &[yagura_watch::Change]) -> Vec<String> {
    cs.iter()
        .flat_map(|c| {
            let i = &c.configuration_item;
            let r = yagura_watch::rate(c);
            let head = format!(
                "{} {} {} [{}] {:?}: {}",
                c.configuration_item_diff.change_type.as_str(),
                i.resource_type,
                i.resource_id,
                i.configuration_item_status,
                r.severity,
                r.reason
            );
            std::iter::once(head).chain(c.configuration_item_diff.changed_properties.iter().map(
                |(k, v)| {
                    format!(
                        "    {k} {}: {} -> {}",
                        v.change_type.as_str(),
                        v.previous_value,
                        v.updated_value
                    )
                },
            ))
        })
        .collect()
}

#[test]
fn first_snapshot_discovers_every_resource_of_every_type() {
    let now = observe(&base("2026-11-24T00:00:00Z"));
    assert!(now.complete(), "{:?}", now.unrecorded);
    let cs = changes([], &now);
    assert!(cs.iter().all(
        |c| c.configuration_item_diff.change_type == ChangeType::Create
            && c.configuration_item.configuration_item_status == ItemStatus::ResourceDiscovered
    ));
    let types: std::collections::BTreeSet<&str> = cs
        .iter()
        .map(|c| c.configuration_item.resource_type.as_str())
        .collect();
    // The six types WATCH-01 names, and the extra ones.
    for t in yagura_watch::types::ALL {
        assert!(types.contains(t), "{t} missing");
    }
    insta::assert_json_snapshot!(
        "instance_item",
        cs.iter()
            .find(|c| c.configuration_item.resource_type == "AWS::EC2::Instance")
            .unwrap()
    );
}

#[test]
fn the_same_snapshot_twice_changes_nothing() {
    let a = observe(&base("t0"));
    let b = observe(&base("t1"));
    assert!(changes(a.items.iter(), &b).is_empty());
}

#[test]
fn changes_are_config_style_diffs_per_resource() {
    let before = observe(&base("2026-11-24T00:00:00Z"));
    let mut inv = base("2026-11-24T01:00:00Z");
    {
        let r = region(&mut inv);
        let Collected::Ok(is) = &mut r.ec2.instances else {
            unreachable!()
        };
        is[0].state = "stopped".into();
        is[0].tags.insert("Env".into(), "prod".into());
        is[0].security_groups.push("sg-2".into());
        let Collected::Ok(gs) = &mut r.ec2.security_groups else {
            unreachable!()
        };
        gs[0].ingress.push(rule(22, "0.0.0.0/0"));
        let Collected::Ok(ss) = &mut r.ec2.subnets else {
            unreachable!()
        };
        ss[0].map_public_ip_on_launch = true;
        let Collected::Ok(lbs) = &mut r.load_balancers else {
            unreachable!()
        };
        lbs[0].scheme = "internet-facing".into();
        r.ec2.vpcs = ok(vec![]);
    }
    {
        let Collected::Ok(us) = &mut inv.accounts[0].iam.users else {
            unreachable!()
        };
        us.retain(|u| u.name != "bob");
        us.push(User {
            name: "mallory".into(),
            arn: "arn:aws:iam::111122223333:user/mallory".into(),
            attached_policies: vec![AttachedPolicy {
                name: "AdministratorAccess".into(),
                arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
            }],
            ..User::default()
        });
    }
    let cs = changes(before.items.iter(), &observe(&inv));
    insta::assert_snapshot!("changes", summary(&cs).join("\n"));
    // The deleted VPC's item has no configuration, as in AWS Config.
    let vpc = cs
        .iter()
        .find(|c| c.configuration_item.resource_type == "AWS::EC2::VPC")
        .unwrap();
    assert_eq!(
        vpc.configuration_item.configuration_item_status,
        ItemStatus::ResourceDeleted
    );
    assert!(vpc.configuration_item.configuration.is_null());
}

#[test]
fn a_rule_replaced_in_place_is_one_update_of_that_index() {
    let before = observe(&base("t0"));
    let mut inv = base("t1");
    let Collected::Ok(gs) = &mut region(&mut inv).ec2.security_groups else {
        unreachable!()
    };
    gs[0].ingress[0] = rule(8443, "0.0.0.0/0");
    let cs = changes(before.items.iter(), &observe(&inv));
    assert_eq!(cs.len(), 1);
    let props = &cs[0].configuration_item_diff.changed_properties;
    assert_eq!(props.len(), 1, "{props:?}");
    let p = &props["Configuration.IpPermissions.0"];
    assert_eq!(p.change_type, ChangeType::Update);
    assert_eq!(p.previous_value["fromPort"], 443);
    assert_eq!(p.updated_value["fromPort"], 8443);
}

/// What could not be read is not "deleted": its resources keep their last item, and the
/// observation says which scope was unrecorded and why.
#[test]
fn unreadable_types_and_resources_are_never_taken_for_deleted() {
    let before = observe(&base("t0"));
    let mut inv = base("t1");
    let denied = CollectError::new(
        "ec2:DescribeInstances",
        "AccessDenied",
        "not authorized to perform ec2:DescribeInstances",
    );
    region(&mut inv).ec2.instances = Collected::Error(denied);
    let Collected::Ok(bs) = &mut inv.accounts[0].s3.buckets else {
        unreachable!()
    };
    bs[0].policy = Collected::Error(CollectError::new(
        "s3:GetBucketPolicy",
        "AccessDenied",
        "denied",
    ));
    inv.accounts[0].iam.users = Collected::default();
    let now = observe(&inv);
    assert!(!now.complete());
    let cs = changes(before.items.iter(), &now);
    assert!(cs.is_empty(), "{:?}", summary(&cs));
    let unrecorded: Vec<String> = now
        .unrecorded
        .iter()
        .map(|u| format!("{} {:?}: {}", u.scope, u.resource_id, u.reason))
        .collect();
    insta::assert_snapshot!("unrecorded", unrecorded.join("\n"));
    // A region that was not scanned this time (other --regions) deletes nothing either.
    let mut inv = base("t2");
    inv.accounts[0].regions.clear();
    let cs = changes(before.items.iter(), &observe(&inv));
    assert!(cs
        .iter()
        .all(|c| c.configuration_item.aws_region == "global"));
    assert!(cs.is_empty(), "{:?}", summary(&cs));
}

#[test]
fn a_resource_deleted_then_recreated_is_discovered_again() {
    let t0 = observe(&base("t0"));
    let mut inv = base("t1");
    region(&mut inv).rds = ok(vec![]);
    let t1 = observe(&inv);
    let c1 = changes(t0.items.iter(), &t1);
    assert_eq!(
        summary(&c1)[0],
        "DELETE AWS::RDS::DBInstance db1 [ResourceDeleted] Low: resource deleted"
    );
    // The store passes the latest item per resource: here the deleted one.
    let mut latest: Vec<_> = t0
        .items
        .iter()
        .filter(|i| i.resource_type != "AWS::RDS::DBInstance")
        .cloned()
        .collect();
    latest.push(c1[0].configuration_item.clone());
    let c2 = changes(latest.iter(), &observe(&base("t2")));
    assert_eq!(c2.len(), 1);
    assert_eq!(
        c2[0].configuration_item_diff.change_type,
        ChangeType::Create
    );
}

#[test]
fn items_serialise_with_aws_config_field_names() {
    let now = observe(&base("2026-11-24T00:00:00Z"));
    let v = serde_json::to_value(&now.items[0]).unwrap();
    for k in [
        "configurationItemVersion",
        "configurationItemCaptureTime",
        "configurationItemStatus",
        "awsAccountId",
        "awsRegion",
        "resourceType",
        "resourceId",
        "configuration",
        "relationships",
        "tags",
    ] {
        assert!(v.get(k).is_some(), "{k} missing in {v}");
    }
    // and read back
    let back: yagura_watch::ConfigurationItem = serde_json::from_value(v).unwrap();
    assert_eq!(back, now.items[0]);
}

proptest! {
    /// Diffs are exact: no change iff the items are equal, and the diff of a changed instance
    /// names only paths under Configuration, Tags, Relationships or ResourceName.
    #[test]
    fn diff_is_empty_iff_equal(state in "[a-z]{1,8}", ty in "[a-z0-9.]{1,8}",
                               tag in proptest::option::of("[ -~]{0,12}"),
                               sgs in proptest::collection::vec("sg-[0-9]{1,3}", 0..4)) {
        let before = observe(&base("t0"));
        let mut inv = base("t1");
        let Collected::Ok(is) = &mut region(&mut inv).ec2.instances else { unreachable!() };
        is[0].state = state;
        is[0].instance_type = ty;
        if let Some(t) = tag { is[0].tags.insert("Owner".into(), t); }
        is[0].security_groups = sgs;
        let now = observe(&inv);
        let prev = before.items.iter().find(|i| i.resource_type == "AWS::EC2::Instance").unwrap();
        let next = now.items.iter().find(|i| i.resource_type == "AWS::EC2::Instance").unwrap();
        let cs = changes(before.items.iter(), &now);
        prop_assert_eq!(cs.is_empty(), prev == next);
        for c in &cs {
            for k in c.configuration_item_diff.changed_properties.keys() {
                prop_assert!(k.starts_with("Configuration") || k.starts_with("Tags.")
                    || k.starts_with("Relationships.") || k == "ResourceName", "{}", k);
            }
        }
    }
}
