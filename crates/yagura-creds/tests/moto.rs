#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end against moto's STS (python3 + moto[server] + boto3 + awscli, from PyPI):
//! login → MFA session → AssumeRole → `exec` env seen by `aws sts get-caller-identity`, and
//! the `credential_process` JSON accepted by the AWS CLI. The STS calls go through boto3 in
//! a small Python helper, standing in for the collector's SDK implementation of `Sts`.

use std::io::Write;
use std::process::{Command, Stdio};

use jiff::Timestamp;
use yagura_creds::*;

fn have_tools() -> bool {
    let py = Command::new("python3")
        .args(["-c", "import moto.server, boto3, flask"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let aws = Command::new("aws")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    py && aws
}

/// moto on a free loopback port, from the project's test kit (dies with the test process).
fn start_moto() -> (yagura_testkit::Moto, String) {
    let moto = yagura_testkit::Moto::start();
    let endpoint = moto.endpoint();
    (moto, endpoint)
}

const HELPER: &str = r#"
import json, sys, boto3
a = json.load(sys.stdin)
c = boto3.client("sts", endpoint_url=a["endpoint"], region_name="us-east-1",
                 aws_access_key_id=a["id"], aws_secret_access_key=a["secret"],
                 aws_session_token=a.get("token"))
if a["op"] == "GetSessionToken":
    kw = {"DurationSeconds": a["duration"]}
    if a.get("serial"):
        kw.update(SerialNumber=a["serial"], TokenCode=a["code"])
    r = c.get_session_token(**kw)
else:
    kw = {"RoleArn": a["role_arn"], "RoleSessionName": a["session_name"], "DurationSeconds": a["duration"]}
    if a.get("serial"):
        kw.update(SerialNumber=a["serial"], TokenCode=a["code"])
    r = c.assume_role(**kw)
cr = r["Credentials"]
json.dump({"id": cr["AccessKeyId"], "secret": cr["SecretAccessKey"], "token": cr["SessionToken"],
           "exp": cr["Expiration"].isoformat()}, sys.stdout)
"#;

struct BotoSts {
    endpoint: String,
    calls: std::sync::Mutex<Vec<String>>,
}

impl BotoSts {
    fn call(&self, mut args: serde_json::Value, with: &Credentials) -> Result<Credentials, String> {
        args["endpoint"] = self.endpoint.clone().into();
        args["id"] = with.access_key_id.clone().into();
        args["secret"] = with.secret_access_key.expose().into();
        if let Some(t) = &with.session_token {
            args["token"] = t.expose().into();
        }
        self.calls
            .lock()
            .unwrap()
            .push(args["op"].as_str().unwrap().to_string());
        let mut child = Command::new("python3")
            .args(["-c", HELPER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(args.to_string().as_bytes())
            .unwrap();
        let out = child.wait_with_output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
        Ok(Credentials {
            access_key_id: v["id"].as_str().unwrap().to_string(),
            secret_access_key: Secret::new(v["secret"].as_str().unwrap()),
            session_token: Some(Secret::new(v["token"].as_str().unwrap())),
            expiration: Some(v["exp"].as_str().unwrap().parse::<Timestamp>().unwrap()),
        })
    }
}

impl Sts for BotoSts {
    type Error = String;
    fn get_session_token(
        &self,
        source: &Credentials,
        mfa: Option<&MfaCode>,
        d: u32,
    ) -> Result<Credentials, String> {
        let mut a = serde_json::json!({"op": "GetSessionToken", "duration": d});
        if let Some(m) = mfa {
            a["serial"] = m.serial.clone().into();
            a["code"] = m.code.expose().into();
        }
        self.call(a, source)
    }
    fn assume_role(
        &self,
        with: &Credentials,
        r: &AssumeRoleRequest,
    ) -> Result<Credentials, String> {
        let mut a = serde_json::json!({"op": "AssumeRole", "role_arn": r.role_arn,
            "session_name": r.role_session_name, "duration": r.duration_seconds});
        if let Some(m) = &r.mfa {
            a["serial"] = m.serial.clone().into();
            a["code"] = m.code.expose().into();
        }
        self.call(a, with)
    }
}

fn aws_cli(endpoint: &str, dir: &std::path::Path) -> Command {
    let mut c = Command::new("aws");
    c.args([
        "sts",
        "get-caller-identity",
        "--output",
        "text",
        "--query",
        "Arn",
        "--endpoint-url",
        endpoint,
    ])
    .env("AWS_CONFIG_FILE", dir.join("cli-config"))
    .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("cli-credentials"))
    .env("AWS_DEFAULT_REGION", "us-east-1")
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY")
    .env_remove("AWS_SESSION_TOKEN");
    c
}

#[test]
fn login_assume_exec_and_process_against_moto() {
    if !have_tools() {
        if std::env::var_os("CI").is_some() {
            panic!("python3 with moto[server], boto3 and the aws CLI are required in CI");
        }
        eprintln!("skip: moto/boto3/awscli not installed");
        return;
    }
    let (_server, endpoint) = start_moto();
    let dir = tempfile::tempdir().unwrap();
    let config = "[profile bastion]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n\
                  [profile dev-admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = bastion\nregion = ap-northeast-1\n";
    let creds = "[bastion]\naws_access_key_id = AKIAEXAMPLEBASTION\naws_secret_access_key = bastionsecret\n";
    let files = AwsFiles::parse(Some((config, "config")), Some((creds, "credentials"))).unwrap();
    let cache = SessionCache::open(dir.path().join("cache")).unwrap();
    let sts = BotoSts {
        endpoint: endpoint.clone(),
        calls: Default::default(),
    };
    let mut prompts = 0;
    let mut ask = |_: &str| {
        prompts += 1;
        Ok(Secret::new("123456"))
    };
    let r = credentials_for(
        &files,
        "dev-admin",
        &cache,
        &sts,
        &mut ask,
        Timestamp::now(),
        &FlowOptions::default(),
    )
    .unwrap();
    assert!(r.credentials.session_token.is_some());
    assert_eq!(r.region.as_deref(), Some("ap-northeast-1"));
    // again: all from the cache
    let mut ask2 = |_: &str| -> Result<Secret, String> { panic!("no second prompt") };
    credentials_for(
        &files,
        "dev-admin",
        &cache,
        &sts,
        &mut ask2,
        Timestamp::now(),
        &FlowOptions::default(),
    )
    .unwrap();
    assert_eq!(
        *sts.calls.lock().unwrap(),
        vec!["GetSessionToken", "AssumeRole"]
    );
    assert_eq!(prompts, 1);

    // exec: the child sees the assumed identity
    let mut cmd = aws_cli(&endpoint, dir.path());
    cmd.env("AWS_PROFILE", "some-other-profile");
    exec_env(&r.credentials, r.region.as_deref(), "dev-admin").apply(&mut cmd);
    let out = cmd.output().unwrap();
    let arn = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        arn.trim(),
        "arn:aws:sts::123456789012:assumed-role/Admin/yagura"
    );

    // process: the AWS CLI accepts the JSON through a credential_process profile
    let json_path = dir.path().join("process.json");
    std::fs::write(
        &json_path,
        credential_process_json(&r.credentials).unwrap().expose(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cli-config"),
        format!(
            "[profile viaproc]\ncredential_process = cat {}\n",
            json_path.display()
        ),
    )
    .unwrap();
    let out = aws_cli(&endpoint, dir.path())
        .args(["--profile", "viaproc"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "arn:aws:sts::123456789012:assumed-role/Admin/yagura"
    );
    assert!(!stderr.contains(r.credentials.secret_access_key.expose()));
}
