//! `yagura watch` and `yagura timeline` (WATCH-01): offline over saved inventories, and against
//! a real local AWS endpoint (moto_server) changed between two snapshots with boto3.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use yagura_testkit::{moto_available, venv, Moto};

use yagura_testkit::sinks as common;

fn yagura(data_dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = yagura_testkit::yagura_cmd();
    c.args(["--data-dir", data_dir.to_str().unwrap()])
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run yagura")
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// (changeType, resourceType, resourceId) of every change.
fn changed(v: &Value) -> Vec<(String, String, String)> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["configurationItemDiff"]["changeType"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                c["configurationItem"]["resourceType"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                c["configurationItem"]["resourceId"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

fn inventory(at: &str, sg_rules: &[(i32, &str)], extra_tag: Option<&str>) -> Value {
    let rules: Vec<Value> = sg_rules
        .iter()
        .map(|(port, cidr)| {
            serde_json::json!({"protocol": "tcp", "from_port": port, "to_port": port,
                               "ipv4_ranges": [cidr], "ipv6_ranges": []})
        })
        .collect();
    let mut tags = serde_json::json!({"Name": "web"});
    if let Some(t) = extra_tag {
        tags["Owner"] = Value::String(t.to_string());
    }
    yagura_testkit::small_inventory(
        at,
        serde_json::json!([{"name": "alice", "arn": "arn:aws:iam::111122223333:user/alice"}]),
        serde_json::json!([{"id": "sg-0123", "name": "web", "vpc_id": "vpc-1",
                            "ingress": rules, "tags": tags}]),
    )
}

#[test]
fn offline_snapshots_build_a_timeline_and_hostile_tags_stay_inert() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let write = |name: &str, v: &Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
        p
    };
    let t0 = write(
        "t0.json",
        &inventory("2026-11-24T00:00:00Z", &[(443, "0.0.0.0/0")], None),
    );
    let hostile = "\u{1b}[31m<script>alert(1)</script>=HYPERLINK(\"x\")";
    let t1 = write(
        "t1.json",
        &inventory(
            "2026-11-24T01:00:00Z",
            &[(443, "0.0.0.0/0"), (22, "0.0.0.0/0")],
            Some(hostile),
        ),
    );

    let first = yagura(
        &data,
        &[],
        &["watch", "--from-inventory", t0.to_str().unwrap()],
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("baseline recorded"), "{text}");

    let second = yagura(
        &data,
        &[],
        &[
            "watch",
            "--from-inventory",
            t1.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(second.status.success());
    let v = json_of(&second);
    assert_eq!(v["baseline"], false);
    assert_eq!(
        changed(&v),
        vec![(
            "UPDATE".into(),
            "AWS::EC2::SecurityGroup".into(),
            "sg-0123".into()
        )]
    );
    let props = &v["changes"][0]["configurationItemDiff"]["changedProperties"];
    assert_eq!(
        props["Configuration.IpPermissions.1"]["changeType"],
        "CREATE"
    );
    assert_eq!(props["Tags.Owner"]["updatedValue"], hostile);

    assert_eq!(v["changes"][0]["severity"], "high");
    // The same snapshot again: nothing changed.
    let again = yagura(
        &data,
        &[],
        &["watch", "--from-inventory", t1.to_str().unwrap()],
    );
    assert!(String::from_utf8_lossy(&again.stdout).contains("no changes"));

    // The timeline of the group, in text (no raw escape reaches the terminal) and JSON.
    let tl = yagura(&data, &[], &["timeline", "sg-0123"]);
    assert!(
        tl.status.success(),
        "{}",
        String::from_utf8_lossy(&tl.stderr)
    );
    let text = String::from_utf8_lossy(&tl.stdout);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        text.contains("ResourceDiscovered") && text.contains("IpPermissions.1"),
        "{text}"
    );
    let tl = json_of(&yagura(
        &data,
        &[],
        &["timeline", "sg-0123", "--format", "json"],
    ));
    let items = tl["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0]["configurationItem"]["configurationItemStatus"],
        "ResourceDiscovered"
    );
    assert_eq!(
        items[1]["configurationItem"]["configurationItemStatus"],
        "OK"
    );

    // A resource never seen: a clear error.
    let none = yagura(&data, &[], &["timeline", "sg-nope"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no recorded history for `sg-nope`"));

    // A corrupt snapshot file: named, nothing stored lost.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, b"{\"schema_version\": 1, \"accounts\": [").unwrap();
    let o = yagura(
        &data,
        &[],
        &["watch", "--from-inventory", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad.json"));
    let tl = json_of(&yagura(
        &data,
        &[],
        &["timeline", "sg-0123", "--format", "json"],
    ));
    assert_eq!(tl["items"].as_array().unwrap().len(), 2);
}

#[test]
fn an_unreadable_type_keeps_its_resources_and_the_run_says_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let t0 = dir.path().join("t0.json");
    std::fs::write(
        &t0,
        serde_json::to_vec(&inventory(
            "2026-11-24T00:00:00Z",
            &[(443, "0.0.0.0/0")],
            None,
        ))
        .unwrap(),
    )
    .unwrap();
    let mut denied = inventory("2026-11-24T01:00:00Z", &[], None);
    denied["accounts"][0]["regions"][0]["ec2"]["security_groups"] = serde_json::json!({"error": {
        "operation": "ec2:DescribeSecurityGroups", "code": "AccessDenied", "message": "denied",
        "hint": "access_denied"}});
    let t1 = dir.path().join("t1.json");
    std::fs::write(&t1, serde_json::to_vec(&denied).unwrap()).unwrap();
    assert!(yagura(
        &data,
        &[],
        &["watch", "--from-inventory", t0.to_str().unwrap()]
    )
    .status
    .success());
    let o = yagura(
        &data,
        &[],
        &[
            "watch",
            "--from-inventory",
            t1.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("incomplete"));
    let v = json_of(&o);
    assert_eq!(v["complete"], false);
    assert!(changed(&v).is_empty(), "{:?}", changed(&v));
    assert_eq!(
        v["unrecorded"][0]["resource_type"],
        "AWS::EC2::SecurityGroup"
    );
    let reason = v["unrecorded"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("AccessDenied: denied (the credentials' policies"),
        "{reason}"
    );
    // Issue 19: the reason in Japanese, AWS's words quoted and yagura's hint translated.
    let o = yagura(
        &data,
        &[],
        &[
            "watch",
            "--lang",
            "ja",
            "--from-inventory",
            t1.to_str().unwrap(),
        ],
    );
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("未記録"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("`ec2:DescribeSecurityGroups` が失敗しました(`AccessDenied`): 「denied」(認証情報のポリシー")
            && !line.contains("the credentials"),
        "{line}"
    );
    let o = yagura(
        &data,
        &[],
        &[
            "watch",
            "--from-inventory",
            t1.to_str().unwrap(),
            "--allow-incomplete",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
}

const SETUP: &str = r#"
import boto3, json, sys
ep = sys.argv[1]
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
ec2 = boto3.client("ec2", **kw)
iam = boto3.client("iam", **kw)
elb = boto3.client("elbv2", **kw)
state = {}
if sys.argv[2] == "create":
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sub2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="watched", Description="watched", VpcId=vpc)["GroupId"]
    inst = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=sub, SecurityGroupIds=[sg])["Instances"][0]["InstanceId"]
    iam.create_user(UserName="watched-user")
    iam.create_user(UserName="leaver")
    lb = elb.create_load_balancer(Name="watched-lb", Subnets=[sub, sub2], SecurityGroups=[sg], Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]
    state = dict(vpc=vpc, subnet=sub, sg=sg, instance=inst, lb=lb)
else:
    s = json.loads(sys.argv[3])
    ec2.authorize_security_group_ingress(GroupId=s["sg"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.stop_instances(InstanceIds=[s["instance"]])
    ec2.modify_subnet_attribute(SubnetId=s["subnet"], MapPublicIpOnLaunch={"Value": True})
    ec2.create_tags(Resources=[s["vpc"]], Tags=[{"Key": "Owner", "Value": "mallory"}])
    iam.delete_user(UserName="leaver")
    iam.create_user(UserName="backdoor")
    iam.attach_user_policy(UserName="backdoor", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    elb.delete_load_balancer(LoadBalancerArn=s["lb"])
print(json.dumps(state))
"#;

fn boto(moto: &Moto, args: &[&str]) -> Value {
    let o = Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(SETUP)
        .arg(moto.endpoint())
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn changes_made_on_moto_between_two_snapshots_are_reported_per_resource() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let state = boto(&moto, &["create"]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let ep = moto.endpoint();
    let env = [
        ("AWS_ENDPOINT_URL", ep.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let watch = || {
        yagura(
            &data,
            &env,
            &[
                "--quiet",
                "watch",
                "--regions",
                "us-east-1",
                "--format",
                "json",
                "--allow-incomplete",
                "--max-attempts",
                "1",
            ],
        )
    };
    let first = watch();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let v = json_of(&first);
    assert_eq!(v["baseline"], true);
    let discovered = changed(&v);
    for id in ["vpc", "subnet", "sg", "instance", "lb"] {
        let want = state[id].as_str().unwrap();
        assert!(
            discovered
                .iter()
                .any(|(t, _, r)| t == "CREATE" && r == want),
            "{id} {want} not discovered"
        );
    }
    assert!(discovered
        .iter()
        .any(|(_, t, r)| t == "AWS::IAM::User" && r == "leaver"));

    boto(&moto, &["change", &state.to_string()]);
    let second = json_of(&watch());
    let got = changed(&second);
    let has =
        |ct: &str, ty: &str, id: &str| got.iter().any(|(c, t, r)| c == ct && t == ty && r == id);
    let s = |k: &str| state[k].as_str().unwrap().to_string();
    assert!(
        has("UPDATE", "AWS::EC2::SecurityGroup", &s("sg")),
        "{got:?}"
    );
    assert!(
        has("UPDATE", "AWS::EC2::Instance", &s("instance")),
        "{got:?}"
    );
    assert!(has("UPDATE", "AWS::EC2::Subnet", &s("subnet")), "{got:?}");
    assert!(has("UPDATE", "AWS::EC2::VPC", &s("vpc")), "{got:?}");
    assert!(has("DELETE", "AWS::IAM::User", "leaver"), "{got:?}");
    assert!(has("CREATE", "AWS::IAM::User", "backdoor"), "{got:?}");
    assert!(
        has(
            "DELETE",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            &s("lb")
        ),
        "{got:?}"
    );
    let change = |id: &str| {
        second["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["configurationItem"]["resourceId"] == id)
            .unwrap()["configurationItemDiff"]["changedProperties"]
            .clone()
    };
    let sg = change(&s("sg"));
    let rule = sg
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| k.starts_with("Configuration.IpPermissions."))
        .unwrap()
        .1;
    assert_eq!(rule["changeType"], "CREATE");
    assert_eq!(rule["updatedValue"]["fromPort"], 22);
    let inst = change(&s("instance"));
    assert_eq!(inst["Configuration.State.Name"]["updatedValue"], "stopped");
    assert_eq!(
        change(&s("subnet"))["Configuration.MapPublicIpOnLaunch"]["updatedValue"],
        true
    );
    assert_eq!(change(&s("vpc"))["Tags.Owner"]["updatedValue"], "mallory");
    // Rated so that a threshold keeps noise out: the open group is high, the admin user critical.
    let severity = |id: &str| {
        second["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["configurationItem"]["resourceId"] == id)
            .unwrap()["severity"]
            .clone()
    };
    assert_eq!(severity(&s("sg")), "high");
    assert_eq!(severity("backdoor"), "critical");
    assert_eq!(severity("leaver"), "medium");
    assert_eq!(severity(&s("vpc")), "info");

    // The instance's timeline: discovered, then stopped; found by id.
    let tl = json_of(&yagura(
        &data,
        &[],
        &["timeline", &s("instance"), "--format", "json"],
    ));
    let items = tl["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{tl}");
    assert_eq!(
        items[1]["configurationItem"]["configuration"]["state"]["name"],
        "stopped"
    );
    // The load balancer's, found by ARN, ends deleted.
    let tl = json_of(&yagura(
        &data,
        &[],
        &["timeline", &s("lb"), "--format", "json"],
    ));
    let items = tl["items"].as_array().unwrap();
    assert_eq!(
        items.last().unwrap()["configurationItem"]["configurationItemStatus"],
        "ResourceDeleted"
    );
}

#[test]
fn interval_runs_take_several_snapshots() {
    // --interval with --max-runs: a daemon that a test can stop. Offline collection is not
    // possible with --interval (it needs AWS), so this runs against moto when available.
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let ep = moto.endpoint();
    let env = [
        ("AWS_ENDPOINT_URL", ep.as_str()),
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_REGION", "us-east-1"),
    ];
    let o = yagura(
        &data,
        &env,
        &[
            "watch",
            "--regions",
            "us-east-1",
            "--interval",
            "1s",
            "--max-runs",
            "2",
            "--allow-incomplete",
            "--max-attempts",
            "1",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("snapshot of").count(), 2, "{err}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("baseline recorded") && out.contains("no changes"),
        "{out}"
    );
}

#[test]
fn durations_and_formats_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    for (args, msg) in [
        (
            vec!["watch", "--interval", "soon", "--regions", "us-east-1"],
            "is not a duration",
        ),
        (
            vec!["watch", "--interval", "0s", "--regions", "us-east-1"],
            "at least 1s",
        ),
        (
            vec!["timeline", "x", "--format", "xml"],
            "invalid value 'xml' for '--format",
        ),
    ] {
        let o = yagura(dir.path(), &[], &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains(msg), "{args:?}");
    }
}

/// WATCH-02: changes go to the destinations whose threshold they meet; the baseline is not sent.
#[test]
fn changes_are_sent_to_destinations_above_their_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let sink = common::HttpSink::start(vec![]);
    let config = dir.path().join("notify.yaml");
    std::fs::write(
        &config,
        format!(
            "version: 1\ndestinations:\n  - name: loud\n    kind: webhook\n    url: {}\n    min_severity: high\n  - name: all\n    kind: webhook\n    url: {}\n    min_severity: info\n",
            sink.url("/high"),
            sink.url("/all")
        ),
    )
    .unwrap();
    let snap = |name: &str, v: &Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
        p
    };
    let t0 = snap(
        "t0.json",
        &inventory("2026-11-24T00:00:00Z", &[(443, "10.0.0.0/8")], None),
    );
    let t1 = snap(
        "t1.json",
        &inventory(
            "2026-11-24T01:00:00Z",
            &[(443, "10.0.0.0/8"), (22, "0.0.0.0/0")],
            None,
        ),
    );
    let t2 = snap(
        "t2.json",
        &inventory(
            "2026-11-24T02:00:00Z",
            &[(443, "10.0.0.0/8"), (22, "0.0.0.0/0")],
            Some("sre"),
        ),
    );
    let cfg = config.to_str().unwrap();
    for t in [&t0, &t1, &t2] {
        let o = yagura(
            &data,
            &[],
            &[
                "watch",
                "--from-inventory",
                t.to_str().unwrap(),
                "--notify",
                cfg,
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let reqs = sink.requests();
    let mut paths: Vec<&str> = reqs.iter().map(|r| r.path.as_str()).collect();
    paths.sort_unstable();
    // t0 is the baseline (nothing sent); t1 opens port 22 to the world (high: both);
    // t2 only adds a tag (info: only the destination that wants everything).
    assert_eq!(paths, vec!["/all", "/all", "/high"], "{paths:?}");
    let body = reqs
        .iter()
        .find(|r| r.path == "/high")
        .unwrap()
        .json()
        .to_string();
    assert!(
        body.contains("sg-0123") && body.contains("0.0.0.0/0"),
        "{body}"
    );
}
