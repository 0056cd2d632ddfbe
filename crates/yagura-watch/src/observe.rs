//! From an inventory snapshot to configuration items.
//!
//! What a snapshot could not read is never taken for "gone": every resource type of every
//! account and region is either *recorded* (read whole, so a resource missing from it was
//! deleted) or *unrecorded* with the reason, and then its resources keep their last known
//! configuration.

use crate::item::{types, ConfigurationItem, ItemStatus, Relationship, Scope, GLOBAL_REGION};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use yagura_inventory::{
    Account, Bucket, CollectError, Collected, IngressRule, Inventory, PublicAccessBlock, Region,
    Tags,
};

/// A resource type (or one resource) a snapshot could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unrecorded {
    #[serde(flatten)]
    pub scope: Scope,
    /// Set when only this resource could not be read whole (its type was listed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    /// The collector's error (saved as its English `Display`: operation, code, message).
    #[serde(serialize_with = "english")]
    pub reason: CollectError,
}

fn english<S: serde::Serializer>(e: &CollectError, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

/// What one snapshot saw.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    /// The snapshot's time (RFC 3339), every item's capture time.
    pub captured_at: String,
    /// Every resource read, with status [`ItemStatus::Ok`] until compared with the past.
    pub items: Vec<ConfigurationItem>,
    /// Resource types read whole: a known resource of these scopes that is missing was deleted.
    pub recorded: BTreeSet<Scope>,
    /// What could not be read, with the reason.
    pub unrecorded: Vec<Unrecorded>,
}

impl Observation {
    /// Whether every resource type of every account and region was read.
    pub fn complete(&self) -> bool {
        self.unrecorded.is_empty()
    }
}

/// The configuration items of every resource type of the timeline in `inv`.
pub fn observe(inv: &Inventory) -> Observation {
    let mut o = Observer {
        obs: Observation {
            captured_at: inv.collected_at.clone(),
            ..Observation::default()
        },
    };
    for account in &inv.accounts {
        o.account(account);
    }
    o.obs
        .items
        .sort_by(|a, b| a.key().cmp(&b.key()).then(a.arn.cmp(&b.arn)));
    o.obs.items.dedup_by(|a, b| a.key() == b.key());
    o.obs.unrecorded.sort_by(|a, b| {
        (&a.scope, &a.resource_id)
            .cmp(&(&b.scope, &b.resource_id))
            .then_with(|| a.reason.to_string().cmp(&b.reason.to_string()))
    });
    o.obs
}

struct Observer {
    obs: Observation,
}

/// The parts of an item that differ per resource type.
struct Parts {
    resource_type: &'static str,
    resource_id: String,
    name: Option<String>,
    arn: Option<String>,
    availability_zone: Option<String>,
    created: Option<String>,
    tags: Tags,
    relationships: Vec<Relationship>,
    configuration: Value,
}

fn rel(resource_type: &str, id: &str, name: &str) -> Relationship {
    Relationship {
        resource_type: resource_type.to_string(),
        resource_id: id.to_string(),
        relationship_name: name.to_string(),
    }
}

/// `Is associated with SecurityGroup` for each group id.
fn with_groups(groups: &[String]) -> Vec<Relationship> {
    groups
        .iter()
        .map(|g| {
            rel(
                types::EC2_SECURITY_GROUP,
                g,
                "Is associated with SecurityGroup",
            )
        })
        .collect()
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn rules(rules: &[IngressRule]) -> Value {
    Value::Array(
        rules
            .iter()
            .map(|r| {
                json!({
                    "ipProtocol": r.protocol,
                    "fromPort": r.from_port,
                    "toPort": r.to_port,
                    "ipv4Ranges": r.ipv4_ranges.iter().map(|c| json!({"cidrIp": c})).collect::<Vec<_>>(),
                    "ipv6Ranges": r.ipv6_ranges.iter().map(|c| json!({"cidrIpv6": c})).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

fn public_access_block(b: &PublicAccessBlock) -> Value {
    json!({
        "blockPublicAcls": b.block_public_acls,
        "ignorePublicAcls": b.ignore_public_acls,
        "blockPublicPolicy": b.block_public_policy,
        "restrictPublicBuckets": b.restrict_public_buckets,
    })
}

/// A policy document as JSON when it parses, else as the text it is.
fn document(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

impl Observer {
    fn scope(account: &str, region: &str, resource_type: &str) -> Scope {
        Scope {
            account: account.to_string(),
            region: region.to_string(),
            resource_type: resource_type.to_string(),
        }
    }

    /// Records a whole resource type: either every item, or the reason it is unknown.
    fn list<T>(
        &mut self,
        account: &str,
        region: &str,
        resource_type: &'static str,
        list: &Collected<Vec<T>>,
        mut parts: impl FnMut(&T) -> Parts,
    ) {
        let scope = Observer::scope(account, region, resource_type);
        match list {
            Collected::Ok(list) => {
                for x in list {
                    let p = parts(x);
                    self.push(account, region, p);
                }
                self.obs.recorded.insert(scope);
            }
            Collected::Error(e) => self.obs.unrecorded.push(Unrecorded {
                scope,
                resource_id: None,
                reason: e.clone(),
            }),
        }
    }

    fn push(&mut self, account: &str, region: &str, p: Parts) {
        let mut relationships = p.relationships;
        relationships.sort();
        relationships.dedup();
        self.obs.items.push(ConfigurationItem {
            version: crate::item::ITEM_VERSION.to_string(),
            configuration_item_capture_time: self.obs.captured_at.clone(),
            configuration_item_status: ItemStatus::Ok,
            account_id: account.to_string(),
            aws_region: region.to_string(),
            resource_type: p.resource_type.to_string(),
            resource_id: p.resource_id,
            resource_name: p.name,
            arn: p.arn,
            availability_zone: p.availability_zone,
            resource_creation_time: p.created,
            tags: p.tags,
            relationships,
            configuration: p.configuration,
        });
    }

    fn account(&mut self, a: &Account) {
        let acct = a.account_id.as_str();
        self.list(acct, GLOBAL_REGION, types::IAM_USER, &a.iam.users, |u| {
            let mut relationships: Vec<Relationship> = u
                .groups
                .iter()
                .map(|g| rel("AWS::IAM::Group", g, "Is attached to Group"))
                .collect();
            relationships.extend(
                u.attached_policies
                    .iter()
                    .map(|p| rel("AWS::IAM::Policy", &p.arn, "Is attached to Policy")),
            );
            Parts {
                resource_type: types::IAM_USER,
                resource_id: u.name.clone(),
                name: Some(u.name.clone()),
                arn: non_empty(&u.arn),
                availability_zone: None,
                created: non_empty(&u.created),
                tags: u.tags.clone(),
                relationships,
                configuration: json!({
                    "userName": u.name,
                    "arn": u.arn,
                    "path": u.path,
                    "createDate": u.created,
                    "groupList": u.groups,
                    "attachedManagedPolicies": u.attached_policies.iter().map(|p| json!({"policyName": p.name, "policyArn": p.arn})).collect::<Vec<_>>(),
                    "userPolicyList": u.inline_policies.iter().map(|p| json!({"policyName": p.name, "policyDocument": document(&p.document)})).collect::<Vec<_>>(),
                    "permissionsBoundary": u.permissions_boundary,
                }),
            }
        });
        self.list(acct, GLOBAL_REGION, types::IAM_ROLE, &a.iam.roles, |r| Parts {
            resource_type: types::IAM_ROLE,
            resource_id: r.name.clone(),
            name: Some(r.name.clone()),
            arn: non_empty(&r.arn),
            availability_zone: None,
            created: None,
            tags: r.tags.clone(),
            relationships: r
                .attached_policies
                .iter()
                .map(|p| rel("AWS::IAM::Policy", &p.arn, "Is attached to Policy"))
                .collect(),
            configuration: {
                let mut c = json!({
                    "roleName": r.name,
                    "arn": r.arn,
                    "path": r.path,
                    "assumeRolePolicyDocument": document(&r.trust_policy),
                    "attachedManagedPolicies": r.attached_policies.iter().map(|p| json!({"policyName": p.name, "policyArn": p.arn})).collect::<Vec<_>>(),
                    "rolePolicyList": r.inline_policies.iter().map(|p| json!({"policyName": p.name, "policyDocument": document(&p.document)})).collect::<Vec<_>>(),
                });
                // only when set: roles recorded before the field existed do not all change
                if let Some(b) = &r.permissions_boundary {
                    c["permissionsBoundary"] = json!({
                        "permissionsBoundaryArn": b,
                        "permissionsBoundaryType": "Policy",
                    });
                }
                c
            },
        });
        self.buckets(acct, &a.s3.buckets);
        for region in &a.regions {
            self.region(acct, region);
        }
    }

    fn buckets(&mut self, acct: &str, buckets: &Collected<Vec<Bucket>>) {
        // Buckets are global in name but live in a region; AWS Config records each in its
        // region. A bucket some part of which could not be read is unrecorded by itself.
        let list = match buckets {
            Collected::Ok(list) => list,
            Collected::Error(e) => {
                self.obs.unrecorded.push(Unrecorded {
                    scope: Observer::scope(acct, GLOBAL_REGION, types::S3_BUCKET),
                    resource_id: None,
                    reason: e.clone(),
                });
                return;
            }
        };
        self.obs
            .recorded
            .insert(Observer::scope(acct, GLOBAL_REGION, types::S3_BUCKET));
        for b in list {
            let pab = b.public_access_block.as_ref();
            let policy = b.policy.as_ref();
            let acl = b.acl_grants.as_ref();
            let (pab, policy, acl) = match (pab, policy, acl) {
                (Ok(pab), Ok(policy), Ok(acl)) => (pab, policy, acl),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
                    self.obs.unrecorded.push(Unrecorded {
                        scope: Observer::scope(acct, GLOBAL_REGION, types::S3_BUCKET),
                        resource_id: Some(b.name.clone()),
                        reason: e.clone(),
                    });
                    continue;
                }
            };
            self.push(
                acct,
                GLOBAL_REGION,
                Parts {
                    resource_type: types::S3_BUCKET,
                    resource_id: b.name.clone(),
                    name: Some(b.name.clone()),
                    arn: Some(format!("arn:aws:s3:::{}", b.name)),
                    availability_zone: None,
                    created: None,
                    tags: Tags::new(),
                    relationships: Vec::new(),
                    configuration: json!({
                        "name": b.name,
                        "region": b.region,
                        "publicAccessBlockConfiguration": pab.as_ref().map(public_access_block),
                        "bucketPolicy": policy.as_deref().map(document),
                        "grants": acl.iter().map(|g| json!({"grantee": g.grantee, "permission": g.permission})).collect::<Vec<_>>(),
                    }),
                },
            );
        }
    }

    fn region(&mut self, acct: &str, r: &Region) {
        let region = r.name.as_str();
        self.list(acct, region, types::EC2_VPC, &r.ec2.vpcs, |v| {
            let mut cidrs = vec![v.cidr_block.clone()];
            cidrs.extend(v.extra_cidr_blocks.iter().cloned());
            Parts {
                resource_type: types::EC2_VPC,
                resource_id: v.id.clone(),
                name: v.tags.get("Name").cloned(),
                arn: None,
                availability_zone: None,
                created: None,
                tags: v.tags.clone(),
                relationships: Vec::new(),
                configuration: json!({
                    "vpcId": v.id,
                    "cidrBlock": v.cidr_block,
                    "cidrBlockAssociationSet": cidrs.iter().map(|c| json!({"cidrBlock": c})).collect::<Vec<_>>(),
                    "ipv6CidrBlockAssociationSet": v.ipv6_cidr_blocks.iter().map(|c| json!({"ipv6CidrBlock": c})).collect::<Vec<_>>(),
                    "isDefault": v.is_default,
                    "state": v.state,
                }),
            }
        });
        self.list(acct, region, types::EC2_SUBNET, &r.ec2.subnets, |s| Parts {
            resource_type: types::EC2_SUBNET,
            resource_id: s.id.clone(),
            name: s.tags.get("Name").cloned(),
            arn: None,
            availability_zone: non_empty(&s.availability_zone),
            created: None,
            tags: s.tags.clone(),
            relationships: vec![rel(types::EC2_VPC, &s.vpc_id, "Is contained in Vpc")],
            configuration: json!({
                "subnetId": s.id,
                "vpcId": s.vpc_id,
                "cidrBlock": s.cidr_block,
                "ipv6CidrBlockAssociationSet": s.ipv6_cidr_blocks.iter().map(|c| json!({"ipv6CidrBlock": c})).collect::<Vec<_>>(),
                "availabilityZone": s.availability_zone,
                "mapPublicIpOnLaunch": s.map_public_ip_on_launch,
                "state": s.state,
            }),
        });
        self.list(
            acct,
            region,
            types::EC2_SECURITY_GROUP,
            &r.ec2.security_groups,
            |g| Parts {
                resource_type: types::EC2_SECURITY_GROUP,
                resource_id: g.id.clone(),
                name: Some(g.name.clone()),
                arn: None,
                availability_zone: None,
                created: None,
                tags: g.tags.clone(),
                relationships: g
                    .vpc_id
                    .iter()
                    .map(|v| rel(types::EC2_VPC, v, "Is contained in Vpc"))
                    .collect(),
                configuration: json!({
                    "groupId": g.id,
                    "groupName": g.name,
                    "description": g.description,
                    "vpcId": g.vpc_id,
                    "ipPermissions": rules(&g.ingress),
                    "ipPermissionsEgress": rules(&g.egress),
                }),
            },
        );
        self.list(acct, region, types::EC2_INSTANCE, &r.ec2.instances, |i| {
            let mut relationships = with_groups(&i.security_groups);
            relationships.extend(
                i.subnet_id
                    .iter()
                    .map(|s| rel(types::EC2_SUBNET, s, "Is contained in Subnet")),
            );
            relationships.extend(
                i.vpc_id
                    .iter()
                    .map(|v| rel(types::EC2_VPC, v, "Is contained in Vpc")),
            );
            Parts {
                resource_type: types::EC2_INSTANCE,
                resource_id: i.id.clone(),
                name: i.tags.get("Name").cloned(),
                arn: None,
                availability_zone: None,
                created: i.launch_time.clone(),
                tags: i.tags.clone(),
                relationships,
                configuration: json!({
                    "instanceId": i.id,
                    "imageId": i.image_id,
                    "instanceType": i.instance_type,
                    "state": {"name": i.state},
                    "vpcId": i.vpc_id,
                    "subnetId": i.subnet_id,
                    "privateIpAddress": i.private_ip,
                    "publicIpAddress": i.public_ip,
                    "keyName": i.key_name,
                    "iamInstanceProfile": i.instance_profile_arn.as_ref().map(|a| json!({"arn": a})),
                    "securityGroups": i.security_groups.iter().map(|g| json!({"groupId": g})).collect::<Vec<_>>(),
                    "launchTime": i.launch_time,
                }),
            }
        });
        self.list(
            acct,
            region,
            types::ELBV2_LOAD_BALANCER,
            &r.load_balancers,
            |lb| {
                let mut relationships = with_groups(&lb.security_groups);
                relationships.extend(
                    lb.subnets
                        .iter()
                        .map(|s| rel(types::EC2_SUBNET, s, "Is attached to Subnet")),
                );
                relationships.extend(
                    lb.vpc_id
                        .iter()
                        .map(|v| rel(types::EC2_VPC, v, "Is contained in Vpc")),
                );
                relationships.extend(
                    lb.targets
                        .iter()
                        .map(|t| rel(types::EC2_INSTANCE, t, "Is associated with Instance")),
                );
                let mut protocols = lb.listener_protocols.clone();
                protocols.sort();
                let mut targets = lb.targets.clone();
                targets.sort();
                Parts {
                    resource_type: types::ELBV2_LOAD_BALANCER,
                    resource_id: lb.arn.clone(),
                    name: Some(lb.name.clone()),
                    arn: non_empty(&lb.arn),
                    availability_zone: None,
                    created: None,
                    tags: Tags::new(),
                    relationships,
                    configuration: json!({
                        "loadBalancerArn": lb.arn,
                        "loadBalancerName": lb.name,
                        "type": lb.kind,
                        "scheme": lb.scheme,
                        "dNSName": lb.dns_name,
                        "state": {"code": lb.state},
                        "vpcId": lb.vpc_id,
                        "securityGroups": lb.security_groups,
                        "availabilityZones": lb.subnets.iter().map(|s| json!({"subnetId": s})).collect::<Vec<_>>(),
                        "listenerProtocols": protocols,
                        "targets": targets,
                    }),
                }
            },
        );
        self.list(acct, region, types::RDS_DB_INSTANCE, &r.rds, |d| Parts {
            resource_type: types::RDS_DB_INSTANCE,
            resource_id: d.id.clone(),
            name: Some(d.id.clone()),
            arn: non_empty(&d.arn),
            availability_zone: None,
            created: None,
            tags: d.tags.clone(),
            relationships: Vec::new(),
            configuration: json!({
                "dBInstanceIdentifier": d.id,
                "engine": d.engine,
                "multiAZ": d.multi_az,
                "autoMinorVersionUpgrade": d.auto_minor_version_upgrade,
            }),
        });
    }
}

/// Counts of items per resource type, for summaries.
pub fn count_by_type(items: &[ConfigurationItem]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for i in items {
        *out.entry(i.resource_type.clone()).or_insert(0) += 1;
    }
    out
}
