#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Against moto (python3 + moto[server] + boto3, from PyPI): development instances stop,
//! production-tagged ones keep running and the refusal is reported; without apply nothing
//! changes. boto3 in a small helper stands in for the collector's SDK `Executor`.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use yagura_schedule::*;

/// moto on a free loopback port, from the project's test kit (dies with the test process);
/// `None` when python3 with boto3 is missing.
fn start_moto() -> Option<(yagura_testkit::Moto, String)> {
    let ok = Command::new("python3")
        .args(["-c", "import boto3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok || !yagura_testkit::moto_available() {
        return None;
    }
    let moto = yagura_testkit::Moto::start();
    let endpoint = moto.endpoint();
    Some((moto, endpoint))
}

const HELPER: &str = r#"
import json, sys, boto3
op, endpoint = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=endpoint, region_name="ap-northeast-1",
          aws_access_key_id="testing", aws_secret_access_key="testing")
ec2, rds = boto3.client("ec2", **kw), boto3.client("rds", **kw)
def tags(d): return [{"Key": k, "Value": v} for k, v in d.items()]
if op == "setup":
    for t in json.loads(sys.argv[3]):
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          TagSpecifications=[{"ResourceType": "instance", "Tags": tags(t)}])
    rds.create_db_instance(DBInstanceIdentifier="dev-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                           Tags=tags({"yagura:schedule": "office-hours", "env": "dev"}))
    rds.create_db_instance(DBInstanceIdentifier="prod-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="u", MasterUserPassword="password123", AllocatedStorage=20,
                           Tags=tags({"yagura:schedule": "office-hours", "env": "production"}))
elif op == "list":
    out = []
    for r in ec2.describe_instances()["Reservations"]:
        for i in r["Instances"]:
            out.append({"kind": "Ec2Instance", "id": i["InstanceId"], "state": i["State"]["Name"],
                        "tags": {t["Key"]: t["Value"] for t in i.get("Tags", [])}})
    for d in rds.describe_db_instances()["DBInstances"]:
        t = rds.list_tags_for_resource(ResourceName=d["DBInstanceArn"])["TagList"]
        out.append({"kind": "RdsInstance", "id": d["DBInstanceIdentifier"], "state": d["DBInstanceStatus"],
                    "tags": {x["Key"]: x["Value"] for x in t}})
    json.dump(out, sys.stdout)
elif op in ("stop", "start"):
    kind, rid = sys.argv[3], sys.argv[4]
    if kind == "Ec2Instance":
        (ec2.stop_instances if op == "stop" else ec2.start_instances)(InstanceIds=[rid])
    else:
        (rds.stop_db_instance if op == "stop" else rds.start_db_instance)(DBInstanceIdentifier=rid)
"#;

fn helper(endpoint: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new("python3")
        .args(["-c", HELPER])
        .args([args[0], endpoint])
        .args(&args[1..])
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .last()
            .unwrap_or("")
            .to_string())
    }
}

#[derive(serde::Deserialize)]
struct Listed {
    kind: String,
    id: String,
    state: String,
    tags: BTreeMap<String, String>,
}

fn list(endpoint: &str) -> Vec<Resource> {
    let v: Vec<Listed> = serde_json::from_str(&helper(endpoint, &["list"]).unwrap()).unwrap();
    v.into_iter()
        .map(|l| {
            let kind = if l.kind == "Ec2Instance" {
                ResourceKind::Ec2Instance
            } else {
                ResourceKind::RdsInstance
            };
            Resource::new(kind, l.id, ResourceState::from_aws(kind, &l.state), l.tags)
        })
        .collect()
}

struct BotoExecutor(String);

impl Executor for BotoExecutor {
    type Error = String;
    fn stop(&self, r: &Resource) -> Result<(), String> {
        helper(&self.0, &["stop", &format!("{:?}", r.kind), &r.id]).map(|_| ())
    }
    fn start(&self, r: &Resource) -> Result<(), String> {
        helper(&self.0, &["start", &format!("{:?}", r.kind), &r.id]).map(|_| ())
    }
}

fn name_of(r: &Resource) -> String {
    r.tags.get("Name").cloned().unwrap_or_else(|| r.id.clone())
}

#[test]
fn dev_stops_prod_is_refused_against_moto() {
    let Some((_server, endpoint)) = start_moto() else {
        if std::env::var_os("CI").is_some() {
            panic!("python3 with moto[server] and boto3 is required in CI");
        }
        eprintln!("skip: moto/boto3 not installed");
        return;
    };
    let setup = r#"[{"Name": "dev-web", "yagura:schedule": "office-hours", "env": "dev"},
                    {"Name": "prod-web", "yagura:schedule": "office-hours", "env": "production"},
                    {"Name": "bastion", "env": "dev"}]"#;
    helper(&endpoint, &["setup", setup]).unwrap();
    let config = Config::parse(
        "[schedules.office-hours]\nstart = \"0 9 * * MON-FRI\"\nstop = \"0 20 * * MON-FRI\"\n",
        "schedule.toml",
    )
    .unwrap();
    // Tuesday 21:00 JST
    let now: jiff::Timestamp = "2026-11-24T12:00:00Z".parse().unwrap();
    let exec = BotoExecutor(endpoint.clone());

    // dry run: nothing changes
    let p = plan(now, &config, &list(&endpoint));
    let actions = run(&p, &exec, false, now).actions;
    assert!(actions
        .iter()
        .all(|a| matches!(a.result, ActionResult::DryRun | ActionResult::Refused)));
    assert!(list(&endpoint)
        .iter()
        .all(|r| r.state == ResourceState::Running));

    // apply
    let actions = run(&p, &exec, true, now).actions;
    let mut summary: Vec<(String, ActionResult)> = actions
        .iter()
        .map(|a| {
            let r = p
                .entries
                .iter()
                .find(|e| e.resource.id == a.resource_id)
                .unwrap();
            (name_of(&r.resource), a.result.clone())
        })
        .collect();
    summary.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        summary,
        vec![
            ("dev-db".to_string(), ActionResult::Done),
            ("dev-web".to_string(), ActionResult::Done),
            ("prod-db".to_string(), ActionResult::Refused),
            ("prod-web".to_string(), ActionResult::Refused),
        ]
    );
    let refused: Vec<&str> = actions
        .iter()
        .filter(|a| a.result == ActionResult::Refused)
        .map(|a| a.reason.as_str())
        .collect();
    assert!(
        refused
            .iter()
            .all(|r| r.starts_with("refused: tag `env=production` marks it as production")),
        "{refused:?}"
    );

    let mut states: Vec<(String, ResourceState)> = list(&endpoint)
        .iter()
        .map(|r| (name_of(r), r.state.clone()))
        .collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        states,
        vec![
            ("bastion".to_string(), ResourceState::Running),
            ("dev-db".to_string(), ResourceState::Stopped),
            ("dev-web".to_string(), ResourceState::Stopped),
            ("prod-db".to_string(), ResourceState::Running),
            ("prod-web".to_string(), ResourceState::Running),
        ]
    );

    // next morning they start again; prod still refused
    let morning: jiff::Timestamp = "2026-11-25T00:30:00Z".parse().unwrap();
    let p = plan(morning, &config, &list(&endpoint));
    let started: Vec<String> = p.to_start().iter().map(|e| name_of(&e.resource)).collect();
    assert_eq!(started.len(), 2, "{started:?}");
    run(&p, &exec, true, morning);
    assert!(list(&endpoint)
        .iter()
        .all(|r| r.state == ResourceState::Running));
}
