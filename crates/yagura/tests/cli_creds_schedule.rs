//! `yagura creds` and `yagura schedule` against moto_server (PyPI `moto[server]`, `awscli`):
//! login → MFA session → AssumeRole → `exec` sees the assumed role; `process` output accepted
//! by the AWS CLI through `credential_process`; ten parallel `process` calls share one session;
//! no secret on any stream but `process`'s stdout; schedules stop development instances and
//! refuse production ones, every action in the store.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use yagura_testkit::{moto_available, venv, Moto};

const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/admin";
const MFA: &str = "arn:aws:iam::123456789012:mfa/alice";

fn aws_cli() -> Option<PathBuf> {
    let v = venv().join("bin/aws");
    if v.exists() {
        return Some(v);
    }
    let ok = Command::new("aws")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(PathBuf::from("aws"))
    } else if std::env::var_os("CI").is_some() {
        panic!("the AWS CLI (PyPI awscli) is not installed");
    } else {
        eprintln!("skipping: the AWS CLI (PyPI awscli) is not installed");
        None
    }
}

struct Env {
    dir: tempfile::TempDir,
    endpoint: String,
}

impl Env {
    fn new(moto: &Moto) -> Env {
        let dir = tempfile::tempdir().unwrap();
        let bin = yagura_testkit::yagura_bin().display().to_string();
        std::fs::write(
            dir.path().join("config"),
            format!(
                "[profile dev]\nregion = us-east-1\nmfa_serial = {MFA}\n\n\
                 [profile admin]\nrole_arn = {ROLE_ARN}\nsource_profile = dev\nmfa_serial = {MFA}\nregion = us-east-1\n\n\
                 [profile viaproc]\ncredential_process = {bin} creds process admin --mfa-code 123456\nregion = us-east-1\n"
            ),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("credentials"),
            concat!(
                "[dev]\naws_access_key_id = AKIA",
                "IOSFODNN7EXAMPLE\n",
                "aws_secret_access_key = wJalrXUtnFEMIsourceSECRETxxxxxxxxxxxxxxx\n"
            ),
        )
        .unwrap();
        Env {
            dir,
            endpoint: moto.endpoint(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn cmd(&self, program: &Path) -> Command {
        self.with_env(Command::new(program))
    }

    /// The yagura binary (`yagura_testkit::yagura_cmd`) in this environment.
    fn yagura_cmd(&self) -> Command {
        self.with_env(yagura_testkit::yagura_cmd())
    }

    fn with_env(&self, mut c: Command) -> Command {
        c.env("AWS_CONFIG_FILE", self.dir.path().join("config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.path().join("credentials"),
            )
            .env("YAGURA_DATA_DIR", self.data())
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("YAGURA_PROFILE");
        c
    }

    fn yagura(&self, args: &[&str]) -> Output {
        self.yagura_cmd().args(args).output().unwrap()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The secrets in the cache file (secret keys, session tokens) and the source secret.
fn secrets(env: &Env) -> Vec<String> {
    let mut out = vec!["wJalrXUtnFEMIsourceSECRETxxxxxxxxxxxxxxx".to_string()];
    let path = env.data().join("sessions");
    for f in std::fs::read_dir(&path).unwrap() {
        let p = f.unwrap().path();
        let Ok(t) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&t) else {
            continue;
        };
        collect_secrets(&v, &mut out);
    }
    out
}

fn collect_secrets(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if (k == "secret_access_key" || k == "session_token") && x.is_string() {
                    out.push(x.as_str().unwrap().to_string());
                } else {
                    collect_secrets(x, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_secrets(x, out)),
        _ => {}
    }
}

fn assert_no_secret(label: &str, s: &str, secrets: &[String]) {
    for x in secrets {
        assert!(
            x.len() < 8 || !s.contains(x.as_str()),
            "{label} leaks a secret: {s}"
        );
    }
}

#[test]
fn login_exec_process_and_parallel_cache() {
    if !moto_available() {
        return;
    }
    let Some(aws) = aws_cli() else { return };
    let moto = Moto::start();
    let env = Env::new(&moto);
    let mut streams: Vec<(String, String)> = Vec::new();

    // login: MFA session, then the role
    let login = env.yagura(&[
        "creds",
        "login",
        "--profile",
        "admin",
        "--mfa-code",
        "123456",
    ]);
    assert!(login.status.success(), "{}", text(&login.stderr));
    streams.push(("login stdout".into(), text(&login.stdout)));
    streams.push(("login stderr".into(), text(&login.stderr)));

    // exec: the child sees the assumed role (from the cache: no code needed)
    let exec = env.yagura(&[
        "creds",
        "exec",
        "admin",
        "--",
        aws.to_str().unwrap(),
        "sts",
        "get-caller-identity",
        "--output",
        "json",
    ]);
    assert!(exec.status.success(), "{}", text(&exec.stderr));
    let id: serde_json::Value = serde_json::from_slice(&exec.stdout).unwrap();
    let arn = id["Arn"].as_str().unwrap();
    assert!(arn.contains(":assumed-role/admin/"), "{arn}");
    streams.push(("exec stdout".into(), text(&exec.stdout)));
    streams.push(("exec stderr".into(), text(&exec.stderr)));

    // credential_process through the AWS CLI
    let via = env
        .cmd(&aws)
        .args([
            "sts",
            "get-caller-identity",
            "--profile",
            "viaproc",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert!(via.status.success(), "{}", text(&via.stderr));
    let id: serde_json::Value = serde_json::from_slice(&via.stdout).unwrap();
    assert!(id["Arn"].as_str().unwrap().contains(":assumed-role/admin/"));

    // cache file mode 0600
    let cache_file = std::fs::read_dir(env.data().join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("a cache file");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", cache_file.display());
    }

    // ten parallel `process` calls on a fresh cache: one session, one role session
    let fresh = Env::new(&moto);
    let handles: Vec<_> = (0..10)
        .map(|_| {
            let mut c = fresh.yagura_cmd();
            c.args(["creds", "process", "admin", "--mfa-code", "654321"]);
            std::thread::spawn(move || c.output().unwrap())
        })
        .collect();
    let outs: Vec<Output> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut key_ids = std::collections::BTreeSet::new();
    for o in &outs {
        assert!(o.status.success(), "{}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["Version"], 1);
        assert!(v["Expiration"].is_string());
        key_ids.insert(v["AccessKeyId"].as_str().unwrap().to_string());
        streams.push(("process stderr".into(), text(&o.stderr)));
    }
    assert_eq!(
        key_ids.len(),
        1,
        "one AssumeRole for ten calls: {key_ids:?}"
    );
    let cache: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::fs::read_dir(fresh.data().join("sessions"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|x| x == "json"))
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let entries = cache["entries"].as_object().unwrap();
    assert_eq!(
        entries.len(),
        2,
        "one MFA session and one role session: {:?}",
        entries.keys()
    );

    // no secret on any stream except process's stdout
    let mut all = secrets(&env);
    all.extend(secrets(&fresh));
    for (label, s) in &streams {
        assert_no_secret(label, s, &all);
    }
}

#[test]
fn wrong_profile_and_missing_code_are_clear() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let env = Env::new(&moto);
    let out = env.yagura(&["creds", "process", "nope"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).contains("nope"), "{}", text(&out.stderr));
    // stdin is not a terminal: no prompt, a clear error
    let out = env.yagura(&["creds", "login", "--profile", "admin"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--mfa-code"),
        "{}",
        text(&out.stderr)
    );
}

const SEED: &str = r#"
import json, sys, boto3
endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name="ap-northeast-1",
          aws_access_key_id="testing", aws_secret_access_key="testing")
ec2 = boto3.client("ec2", **kw)
def tags(d): return [{"Key": k, "Value": v} for k, v in d.items()]
ids = {}
for name, t in [("dev-web", {"yagura:schedule": "office-hours", "env": "dev"}),
                ("dev-batch", {"yagura:schedule": "office-hours"}),
                ("prod-web", {"yagura:schedule": "office-hours", "env": "production"}),
                ("untagged", {})]:
    t = dict(t, Name=name)
    r = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          TagSpecifications=[{"ResourceType": "instance", "Tags": tags(t)}])
    ids[name] = r["Instances"][0]["InstanceId"]
print(json.dumps(ids))
"#;

fn states(endpoint: &str) -> serde_json::Value {
    let script = r#"
import json, sys, boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="ap-northeast-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
print(json.dumps({i["InstanceId"]: i["State"]["Name"] for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]}))
"#;
    let out = Command::new(venv().join("bin/python"))
        .args(["-c", script, endpoint])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn schedule_stops_dev_and_refuses_production() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let seed = Command::new(venv().join("bin/python"))
        .args(["-c", SEED, &moto.endpoint()])
        .output()
        .unwrap();
    assert!(seed.status.success(), "{}", text(&seed.stderr));
    let ids: serde_json::Value = serde_json::from_slice(&seed.stdout).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schedule.toml");
    std::fs::write(
        &config,
        "timezone = \"Asia/Tokyo\"\n[schedules.office-hours]\nstart = \"0 9 * * MON-FRI\"\nstop = \"0 20 * * MON-FRI\"\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut c = yagura_testkit::yagura_cmd();
        yagura_testkit::aws_env(&mut c, &moto.endpoint(), ("testing", "testing"))
            .args(["--data-dir", dir.path().to_str().unwrap()])
            .args(["schedule"])
            .args(extra)
            .args([
                "--config",
                config.to_str().unwrap(),
                "--region",
                "ap-northeast-1",
            ])
            // Wednesday 2026-11-25 22:00 in Tokyo: after the 20:00 stop
            .args(["--now", "2026-11-25T13:00:00Z"]);
        c.output().unwrap()
    };
    let id = |n: &str| ids[n].as_str().unwrap().to_string();

    // plan and dry run change nothing
    let plan = run(&["plan"]);
    assert!(plan.status.success(), "{}", text(&plan.stderr));
    let p = text(&plan.stdout);
    assert!(p.contains("STOP") && p.contains(&id("dev-web")), "{p}");
    assert!(p.contains("REFUSED") && p.contains(&id("prod-web")), "{p}");
    assert!(!p.contains(&id("untagged")), "{p}");
    let dry = run(&["run"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(
        text(&dry.stdout).contains("DRY-RUN"),
        "{}",
        text(&dry.stdout)
    );
    let s = states(&moto.endpoint());
    assert!(
        s.as_object().unwrap().values().all(|v| v == "running"),
        "{s}"
    );

    // apply: dev stopped, production running and reported
    let applied = run(&["run", "--apply"]);
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    let out = text(&applied.stdout);
    assert!(
        out.contains("REFUSED") && out.contains(&id("prod-web")),
        "{out}"
    );
    assert!(
        text(&applied.stderr).contains("refused"),
        "{}",
        text(&applied.stderr)
    );
    let s = states(&moto.endpoint());
    for n in ["dev-web", "dev-batch"] {
        assert!(
            matches!(s[&id(n)].as_str(), Some("stopped" | "stopping")),
            "{n}: {s}"
        );
    }
    assert_eq!(s[&id("prod-web")], "running");
    assert_eq!(s[&id("untagged")], "running");

    // the actions are in the store
    let store = yagura_store::Store::open(&yagura_store::Store::path_in(dir.path())).unwrap();
    let actions = store.actions(100).unwrap();
    let done: Vec<_> = actions
        .iter()
        .filter(|a| a.record.result == "ok")
        .map(|a| a.record.resource.clone())
        .collect();
    assert_eq!(done.len(), 2, "{actions:?}");
    assert!(done
        .iter()
        .any(|r| r == &format!("123456789012/ap-northeast-1/ec2:{}", id("dev-web"))));
    assert!(actions
        .iter()
        .any(|a| a.record.result == "refused" && a.record.resource.contains(&id("prod-web"))));
    assert!(actions.iter().any(|a| a.record.result == "dry-run"));
}

const ORG_SEED: &str = r#"
import json, sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="testing", aws_secret_access_key="testing")
org = boto3.client("organizations", **kw)
org.create_organization(FeatureSet="ALL")
boto3.client("iam", **kw).create_account_alias(AccountAlias="acme-root")
sts = boto3.client("sts", **kw)
ids = {}
for name, alias in [("Prod Web", "acme-prod-web"), ("dev", None), ("Dev", None),
                    ("]\n[profile evil", None), ("Locked Account", None)]:
    r = org.create_account(Email=f"a{len(ids)}@example.com", AccountName=name)
    i = r["CreateAccountStatus"]["AccountId"]
    ids[name] = i
    if alias:
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{i}:role/OrganizationAccountAccessRole",
                            RoleSessionName="seed")["Credentials"]
        boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                     aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                     aws_session_token=c["SessionToken"]).create_account_alias(AccountAlias=alias)
print(json.dumps(ids))
"#;

/// A proxy to `moto` that answers AssumeRole into `account` with STS's AccessDenied.
fn deny_assume_role(moto: &Moto, account: &str) -> String {
    use std::io::{Read, Write};
    let upstream = moto.endpoint().trim_start_matches("http://").to_string();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let account = account.to_string();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let (upstream, account) = (upstream.clone(), account.clone());
            std::thread::spawn(move || {
                // one request per connection: headers, then a Content-Length body
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let complete = |b: &[u8]| {
                    let end = b.windows(4).position(|w| w == b"\r\n\r\n")?;
                    let head = String::from_utf8_lossy(&b[..end]).to_ascii_lowercase();
                    let len = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    (b.len() >= end + 4 + len).then_some(())
                };
                while complete(&buf).is_none() {
                    match conn.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let req = String::from_utf8_lossy(&buf).into_owned();
                if req.contains("Action=AssumeRole")
                    && req.contains(&format!("iam%3A%3A{account}%3Arole"))
                {
                    let body = format!(
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/moto is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{account}:role/OrganizationAccountAccessRole</Message></Error><RequestId>4c2a8f0e-0000-4000-8000-000000000000</RequestId></ErrorResponse>"
                    );
                    let _ = write!(
                        conn,
                        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    return;
                }
                let req = req.replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1);
                let Ok(mut up) = std::net::TcpStream::connect(upstream.as_str()) else {
                    return;
                };
                let mut resp = Vec::new();
                if up.write_all(req.as_bytes()).is_ok() && up.read_to_end(&mut resp).is_ok() {
                    let _ = conn.write_all(&resp);
                }
            });
        }
    });
    url
}

/// CRED-03: `creds profiles --org` names each account's profile by its IAM alias (read
/// through OrganizationAccountAccessRole in that account), else by its Organizations name,
/// with duplicates and hostile names made safe; the profiles work.
#[test]
fn org_profiles_are_named_by_alias() {
    if !moto_available() {
        return;
    }
    let Some(aws) = aws_cli() else { return };
    let moto = Moto::start();
    let seed = Command::new(venv().join("bin/python"))
        .args(["-c", ORG_SEED, &moto.endpoint()])
        .output()
        .unwrap();
    assert!(seed.status.success(), "{}", text(&seed.stderr));
    let ids: serde_json::Value = serde_json::from_slice(&seed.stdout).unwrap();
    let id = |n: &str| ids[n].as_str().unwrap().to_string();
    let env = Env::new(&moto);
    // RECORDED RESPONSE: AssumeRole into "Locked Account" answers STS's AccessDenied (moto lets
    // every role be assumed), as for an invited account without the role
    let proxy = deny_assume_role(&moto, &id("Locked Account"));

    let out = env
        .yagura_cmd()
        .args([
            "creds",
            "profiles",
            "--org",
            "--profile",
            "dev",
            "--mfa-code",
            "123456",
        ])
        .env("AWS_ENDPOINT_URL", &proxy)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let block = text(&out.stdout);
    let names: Vec<&str> = block
        .lines()
        .filter_map(|l| l.strip_prefix("[profile ")?.strip_suffix(']'))
        .collect();
    let mut want = vec![
        "acme-root".to_string(),
        "acme-prod-web".to_string(),
        format!("dev-{}", id("dev")),
        format!("dev-{}", id("Dev")),
        "profile-evil".to_string(),
        "locked-account".to_string(),
    ];
    want.sort();
    assert_eq!(names, want, "{block}");
    // the profiles call yagura through credential_process (one MFA session for every tool),
    // the role in keys the AWS CLI ignores
    assert!(block.contains(&format!(
        "[profile acme-prod-web]\ncredential_process = {} creds process acme-prod-web\nyagura_role_arn = arn:aws:iam::{}:role/OrganizationAccountAccessRole\nyagura_source_profile = dev\nregion = us-east-1\n",
        env!("CARGO_BIN_EXE_yagura"),
        id("Prod Web")
    )), "{block}");
    assert!(!block.contains("\n[profile evil"), "{block}");
    // only the alias that could not be read is noted, with the reason and the fallback
    let notes: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("note:"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        notes,
        vec![format!(
            "note: account {}: cannot read its IAM alias through role \
             `OrganizationAccountAccessRole` (AccessDenied: User: \
             arn:aws:iam::123456789012:user/moto is not authorized to perform: sts:AssumeRole \
             on resource: arn:aws:iam::{}:role/OrganizationAccountAccessRole); its profile is \
             named after its Organizations name (`locked-account`)",
            id("Locked Account"),
            id("Locked Account")
        )]
    );

    // the generated profiles work: append them and use one
    let config = env.dir.path().join("config");
    let mut c = std::fs::read_to_string(&config).unwrap();
    c.push('\n');
    c.push_str(&block);
    std::fs::write(&config, c).unwrap();
    let exec = env.yagura(&[
        "creds",
        "exec",
        "acme-prod-web",
        "--",
        aws.to_str().unwrap(),
        "sts",
        "get-caller-identity",
        "--output",
        "json",
    ]);
    assert!(exec.status.success(), "{}", text(&exec.stderr));
    let who: serde_json::Value = serde_json::from_slice(&exec.stdout).unwrap();
    assert_eq!(who["Account"], id("Prod Web"));
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(if b[i] == b'+' { b' ' } else { b[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A stand-in for the federation endpoint: answers one request with a sign-in token and
/// hands back the request line it received.
fn federation_stand_in() -> (String, std::thread::JoinHandle<String>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/federation", listener.local_addr().unwrap());
    let h = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        loop {
            let mut l = String::new();
            if reader.read_line(&mut l).unwrap() == 0 || l == "\r\n" {
                break;
            }
        }
        let body = r#"{"SigninToken":"tok+en/=="}"#;
        let mut w = stream;
        write!(
            w,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        request_line
    });
    (url, h)
}

/// CRED-02: `creds console` sends the role session to the federation endpoint's
/// getSigninToken and prints the login URL with the token and the destination; no secret is
/// printed except the sign-in token inside that URL.
#[test]
fn console_url_from_a_federation_stand_in() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let env = Env::new(&moto);
    let (federation, server) = federation_stand_in();
    let out = env
        .yagura_cmd()
        .args(["creds", "console", "admin", "--mfa-code", "123456"])
        .env("YAGURA_FEDERATION_URL", &federation)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let request = server.join().unwrap();

    // the request: GET getSigninToken with the role's session as JSON
    let target = request
        .strip_prefix("GET /federation?")
        .and_then(|r| r.strip_suffix(" HTTP/1.1\r\n"))
        .unwrap_or_else(|| panic!("{request}"));
    let (action, session) = target.split_once('&').unwrap();
    assert_eq!(action, "Action=getSigninToken");
    let session: serde_json::Value =
        serde_json::from_str(&percent_decode(session.strip_prefix("Session=").unwrap())).unwrap();
    // the same role credentials `process` hands over (from the cache now)
    let p = env.yagura(&["creds", "process", "admin"]);
    assert!(p.status.success(), "{}", text(&p.stderr));
    let creds: serde_json::Value = serde_json::from_slice(&p.stdout).unwrap();
    assert_eq!(session["sessionId"], creds["AccessKeyId"]);
    assert_eq!(session["sessionKey"], creds["SecretAccessKey"]);
    assert_eq!(session["sessionToken"], creds["SessionToken"]);

    // the printed URL: login at the same endpoint, the console of the profile's region, the
    // token
    assert_eq!(
        text(&out.stdout),
        format!(
            "{federation}?Action=login&Issuer=yagura&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dus-east-1&SigninToken=tok%2Ben%2F%3D%3D\n"
        )
    );
    // no key or session token on either stream
    let secrets = secrets(&env);
    assert_no_secret("console stdout", &text(&out.stdout), &secrets);
    assert_no_secret("console stderr", &text(&out.stderr), &secrets);
    assert!(!text(&out.stderr).contains("tok"), "{}", text(&out.stderr));

    // plain http is refused for anything but a loopback stand-in
    let far = env
        .yagura_cmd()
        .args(["creds", "console", "admin"])
        .env("YAGURA_FEDERATION_URL", "http://example.com/federation")
        .output()
        .unwrap();
    assert!(!far.status.success());
    assert!(
        text(&far.stderr).contains("only https"),
        "{}",
        text(&far.stderr)
    );
    assert_no_secret("refused console stderr", &text(&far.stderr), &secrets);
}

const RDS_SEED: &str = r#"
import json, sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="ap-northeast-1",
          aws_access_key_id="testing", aws_secret_access_key="testing")
rds = boto3.client("rds", **kw)
for name, t in [("dev-db", {"yagura:schedule": "office-hours", "env": "dev"}),
                ("prod-db", {"yagura:schedule": "office-hours", "env": "production"}),
                ("other-db", {})]:
    rds.create_db_instance(DBInstanceIdentifier=name, Engine="postgres",
                           DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                           MasterUsername="yagura", MasterUserPassword="moto-only-password",
                           Tags=[{"Key": k, "Value": v} for k, v in t.items()])
print(json.dumps({"ok": True}))
"#;

fn rds_states(endpoint: &str) -> serde_json::Value {
    let script = r#"
import json, sys, boto3
rds = boto3.client("rds", endpoint_url=sys.argv[1], region_name="ap-northeast-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
print(json.dumps({d["DBInstanceIdentifier"]: d["DBInstanceStatus"] for d in rds.describe_db_instances()["DBInstances"]}))
"#;
    let out = Command::new(venv().join("bin/python"))
        .args(["-c", script, endpoint])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn python(script: &str, endpoint: &str) -> serde_json::Value {
    python_args(script, &[endpoint])
}

/// Runs a Python script of the test venv with arguments; its stdout is JSON.
fn python_args(script: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `yagura schedule ...` against `moto` with an office-hours schedule in Tokyo.
fn schedule_cmd(moto: &Moto, dir: &Path, args: &[&str]) -> Output {
    let config = dir.join("schedule.toml");
    std::fs::write(
        &config,
        "timezone = \"Asia/Tokyo\"\n[schedules.office-hours]\nstart = \"0 9 * * MON-FRI\"\nstop = \"0 20 * * MON-FRI\"\n",
    )
    .unwrap();
    yagura_testkit::aws_env(
        &mut yagura_testkit::yagura_cmd(),
        &moto.endpoint(),
        ("testing", "testing"),
    )
    .args(["--data-dir", dir.to_str().unwrap(), "schedule"])
    .args(args)
    .args([
        "--config",
        config.to_str().unwrap(),
        "--region",
        "ap-northeast-1",
    ])
    .output()
    .unwrap()
}

/// OPS-01 for RDS: a development DB instance is stopped, a production one refused and
/// reported, an untagged one left alone.
#[test]
fn schedule_stops_dev_rds_and_refuses_production_rds() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    python(RDS_SEED, &moto.endpoint());
    let dir = tempfile::tempdir().unwrap();
    // Wednesday 2026-11-25 22:00 in Tokyo: after the 20:00 stop
    let now = ["--now", "2026-11-25T13:00:00Z"];
    let plan = schedule_cmd(&moto, dir.path(), &[&["plan"][..], &now].concat());
    assert!(plan.status.success(), "{}", text(&plan.stderr));
    let p = text(&plan.stdout);
    assert!(p.contains("dev-db") && p.contains("prod-db"), "{p}");
    assert!(!p.contains("other-db"), "{p}");

    let applied = schedule_cmd(&moto, dir.path(), &[&["run", "--apply"][..], &now].concat());
    assert!(applied.status.success(), "{}", text(&applied.stderr));
    let out = text(&applied.stdout);
    let line = |id: &str| {
        out.lines()
            .find(|l| l.contains(&format!("rds {id} ")))
            .unwrap_or_else(|| panic!("no line for {id}: {out}"))
            .to_string()
    };
    assert!(line("dev-db").starts_with("OK       stop"), "{out}");
    assert!(line("prod-db").starts_with("REFUSED"), "{out}");
    assert!(
        text(&applied.stderr).contains("1 production-guarded resource(s) refused"),
        "{}",
        text(&applied.stderr)
    );
    let s = rds_states(&moto.endpoint());
    assert!(
        matches!(s["dev-db"].as_str(), Some("stopped" | "stopping")),
        "{s}"
    );
    assert_eq!(s["prod-db"], "available");
    assert_eq!(s["other-db"], "available");
    let store = yagura_store::Store::open(&yagura_store::Store::path_in(dir.path())).unwrap();
    let actions = store.actions(100).unwrap();
    assert!(actions
        .iter()
        .any(|a| a.record.result == "ok" && a.record.resource.ends_with("/rds:dev-db")));
    assert!(actions
        .iter()
        .any(|a| a.record.result == "refused" && a.record.resource.ends_with("/rds:prod-db")));
}

/// `run --daemon` acts at the schedule's cron boundaries: on a simulated clock starting
/// Wednesday 19:00 in Tokyo, three rounds fall at 19:00 (inside the window: nothing to do),
/// 20:00 (stop; production refused) and Thursday 09:00 (start).
#[test]
fn schedule_daemon_acts_on_cron_boundaries() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let ids = python(SEED, &moto.endpoint());
    python(RDS_SEED, &moto.endpoint());
    let id = |n: &str| ids[n].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();

    // --now with --daemon needs an end
    let endless = schedule_cmd(
        &moto,
        dir.path(),
        &["run", "--daemon", "--now", "2026-11-25T10:00:00Z"],
    );
    assert!(!endless.status.success());
    assert!(text(&endless.stderr).contains("--max-ticks"));

    let out = schedule_cmd(
        &moto,
        dir.path(),
        &[
            "run",
            "--daemon",
            "--apply",
            "--max-ticks",
            "3",
            "--now",
            "2026-11-25T10:00:00Z",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let rounds: Vec<&str> = stdout.split("== ").skip(1).collect();
    assert_eq!(rounds.len(), 3, "{stdout}");
    // 19:00 JST, 20:00 JST (the stop), 09:00 JST next day (the start)
    assert!(rounds[0].starts_with("2026-11-25T10:00:00Z\n"), "{stdout}");
    assert!(rounds[1].starts_with("2026-11-25T11:00:00Z\n"), "{stdout}");
    assert!(rounds[2].starts_with("2026-11-26T00:00:00Z\n"), "{stdout}");
    assert!(
        !rounds[0].contains("OK "),
        "nothing to do inside the window: {stdout}"
    );
    for (round, action) in [(1, "stop"), (2, "start")] {
        for r in [format!("ec2 {}", id("dev-web")), "rds dev-db".to_string()] {
            assert!(
                rounds[round]
                    .lines()
                    .any(|l| l.starts_with(&format!("OK       {action}")) && l.contains(&r)),
                "{action} {r} at round {round}: {stdout}"
            );
        }
    }
    assert!(
        rounds[1]
            .lines()
            .any(|l| l.starts_with("REFUSED") && l.contains(&id("prod-web"))),
        "{stdout}"
    );
    // after the last round everything scheduled runs again
    let s = states(&moto.endpoint());
    assert_eq!(s[&id("dev-web")], "running", "{s}");
    assert_eq!(s[&id("prod-web")], "running", "{s}");
    let r = rds_states(&moto.endpoint());
    assert_eq!(r["dev-db"], "available", "{r}");
}

const FLEET_SEED: &str = r#"
import json, sys, boto3
endpoint = sys.argv[1]
base = dict(endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")
org = boto3.client("organizations", region_name="us-east-1", **base)
org.create_organization(FeatureSet="ALL")
member = org.create_account(Email="m@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
c = boto3.client("sts", region_name="us-east-1", **base).assume_role(
    RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="seed")["Credentials"]
creds = {"123456789012": dict(aws_access_key_id="testing", aws_secret_access_key="testing"),
         member: dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                      aws_session_token=c["SessionToken"])}
out = {"member": member, "places": []}
sched = {"Key": "yagura:schedule", "Value": "office-hours"}
for account, kw in creds.items():
    for region in ["us-east-1", "ap-northeast-1"]:
        cl = lambda s: boto3.client(s, region_name=region, endpoint_url=endpoint, **kw)
        ec2, asg, rds = cl("ec2"), cl("autoscaling"), cl("rds")
        i = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                              TagSpecifications=[{"ResourceType": "instance", "Tags": [sched]}])["Instances"][0]["InstanceId"]
        asg.create_launch_configuration(LaunchConfigurationName="lc", ImageId="ami-12c6146b", InstanceType="t3.micro")
        asg.create_auto_scaling_group(AutoScalingGroupName="web", LaunchConfigurationName="lc", MinSize=1, MaxSize=4,
                                      DesiredCapacity=2, AvailabilityZones=[region + "a"],
                                      Tags=[dict(sched, PropagateAtLaunch=True, ResourceId="web",
                                                 ResourceType="auto-scaling-group")])
        rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql", MasterUsername="yagura",
                              MasterUserPassword="moto-only-password", Tags=[sched])
        out["places"].append({"account": account, "region": region, "instance": i})
print(json.dumps(out))
"#;

const FLEET_STATE: &str = r#"
import json, sys, boto3
endpoint, places, member = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
base = dict(endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing")
c = boto3.client("sts", region_name="us-east-1", **base).assume_role(
    RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="check")["Credentials"]
creds = {"123456789012": dict(aws_access_key_id="testing", aws_secret_access_key="testing"),
         member: dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                      aws_session_token=c["SessionToken"])}
out = []
for p in places:
    kw = creds[p["account"]]
    cl = lambda s: boto3.client(s, region_name=p["region"], endpoint_url=endpoint, **kw)
    i = cl("ec2").describe_instances(InstanceIds=[p["instance"]])["Reservations"][0]["Instances"][0]["State"]["Name"]
    g = cl("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=["web"])["AutoScalingGroups"][0]
    a = cl("rds").describe_db_clusters(DBClusterIdentifier="aurora")["DBClusters"][0]["Status"]
    saved = [t["Value"] for t in g.get("Tags", []) if t["Key"] == "yagura:saved-capacity"]
    out.append({"account": p["account"], "region": p["region"], "ec2": i, "aurora": a,
                "asg": [g["MinSize"], g["DesiredCapacity"], g["MaxSize"]], "saved": saved})
print(json.dumps(out))
"#;

fn fleet_state(moto: &Moto, seeded: &serde_json::Value) -> Vec<serde_json::Value> {
    python_args(
        FLEET_STATE,
        &[
            &moto.endpoint(),
            &seeded["places"].to_string(),
            seeded["member"].as_str().unwrap(),
        ],
    )
    .as_array()
    .unwrap()
    .clone()
}

/// OPS-01 across an Organization: two accounts (the management account and a member reached
/// through OrganizationAccountAccessRole) and two regions in one run; in each, an EC2
/// instance, an Auto Scaling group (its capacity saved in a tag and restored) and an Aurora
/// cluster are stopped at 20:00 and started at 09:00.
#[test]
fn schedule_org_two_accounts_two_regions_asg_and_aurora() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let seeded = python(FLEET_SEED, &moto.endpoint());
    let dir = tempfile::tempdir().unwrap();
    let run = |now: &str| {
        schedule_cmd(
            &moto,
            dir.path(),
            &[
                "run",
                "--apply",
                "--org",
                "--region",
                "us-east-1,ap-northeast-1",
                "--now",
                now,
            ],
        )
    };
    // Wednesday 2026-11-25 20:30 JST
    let stop = run("2026-11-25T11:30:00Z");
    assert!(
        stop.status.success(),
        "{}\n{}",
        text(&stop.stdout),
        text(&stop.stderr)
    );
    let out = text(&stop.stdout);
    for account in ["123456789012", seeded["member"].as_str().unwrap()] {
        for region in ["us-east-1", "ap-northeast-1"] {
            for kind in ["ec2 i-", "asg web", "aurora aurora"] {
                let want = format!("OK       stop  {account} {region} {kind}");
                assert!(out.lines().any(|l| l.starts_with(&want)), "{want}:\n{out}");
            }
        }
    }
    let states = fleet_state(&moto, &seeded);
    assert_eq!(states.len(), 4);
    for s in &states {
        assert!(
            matches!(s["ec2"].as_str(), Some("stopped" | "stopping")),
            "{s}"
        );
        assert_eq!(s["aurora"], "stopped", "{s}");
        assert_eq!(s["asg"], serde_json::json!([0, 0, 4]), "{s}");
        assert_eq!(
            s["saved"],
            serde_json::json!(["min=1 desired=2 max=4"]),
            "{s}"
        );
    }
    // Thursday 09:30 JST: everything back, the group at its saved sizes, the tag gone
    let start = run("2026-11-26T00:30:00Z");
    assert!(
        start.status.success(),
        "{}\n{}",
        text(&start.stdout),
        text(&start.stderr)
    );
    for s in fleet_state(&moto, &seeded) {
        assert!(
            matches!(s["ec2"].as_str(), Some("running" | "pending")),
            "{s}"
        );
        assert_eq!(s["aurora"], "available", "{s}");
        assert_eq!(s["asg"], serde_json::json!([1, 2, 4]), "{s}");
        assert_eq!(s["saved"], serde_json::json!([]), "{s}");
    }
}

/// The seed's complaint: an instance started by hand after the 20:00 stop must stay up at
/// the 22:15 run, and the next evening's stop applies again.
#[test]
fn schedule_hand_started_instance_stays_up() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let ids = python(SEED, &moto.endpoint());
    let id = ids["dev-web"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let run = |now: &str| {
        let o = schedule_cmd(&moto, dir.path(), &["run", "--apply", "--now", now]);
        assert!(
            o.status.success(),
            "{}\n{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        text(&o.stdout)
    };
    // Wednesday 20:00 JST: stopped
    let out = run("2026-11-25T11:00:00Z");
    assert!(
        out.contains(&format!("ec2 {id}")) && out.contains("OK       stop"),
        "{out}"
    );
    // started by hand at 21:00
    let script = r#"
import sys, boto3
boto3.client("ec2", endpoint_url=sys.argv[1], region_name="ap-northeast-1", aws_access_key_id="testing",
             aws_secret_access_key="testing").start_instances(InstanceIds=[sys.argv[2]])
"#;
    let st = Command::new(venv().join("bin/python"))
        .args(["-c", script, &moto.endpoint(), &id])
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", text(&st.stderr));
    // 22:15: left running
    let out = run("2026-11-25T13:15:00Z");
    assert!(
        !out.contains(&format!("stop  123456789012 ap-northeast-1 ec2 {id}")),
        "{out}"
    );
    assert_eq!(states(&moto.endpoint())[&id], "running");
    let plan = schedule_cmd(
        &moto,
        dir.path(),
        &["plan", "--now", "2026-11-25T13:15:00Z"],
    );
    let p = text(&plan.stdout);
    assert!(
        p.lines()
            .any(|l| l.starts_with("keep") && l.contains(&id) && l.contains("already applied")),
        "{p}"
    );
    // Thursday 20:00: stopped again
    let out = run("2026-11-26T11:00:00Z");
    assert!(
        out.lines()
            .any(|l| l.starts_with("OK       stop") && l.contains(&id)),
        "{out}"
    );
}

/// A tag naming a schedule the file does not define is an error in the output and the exit
/// code; the file format is in `--help`.
#[test]
fn schedule_unknown_name_fails_and_help_documents_the_format() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let script = r#"
import json, sys, boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="ap-northeast-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                  TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "yagura:schedule", "Value": "office-hour"}]}])
print(json.dumps({}))
"#;
    python(script, &moto.endpoint());
    let dir = tempfile::tempdir().unwrap();
    for cmd in [&["plan"][..], &["run", "--apply"][..]] {
        let o = schedule_cmd(
            &moto,
            dir.path(),
            &[cmd, &["--now", "2026-11-25T13:00:00Z"][..]].concat(),
        );
        assert_eq!(o.status.code(), Some(1), "{cmd:?}: {}", text(&o.stderr));
        assert!(text(&o.stdout).contains("ERROR"), "{}", text(&o.stdout));
        assert!(text(&o.stdout).contains("`office-hour`, which the config does not define"));
    }
    let help = Command::new(env!("CARGO_BIN_EXE_yagura"))
        .args(["schedule", "--help"])
        .output()
        .unwrap();
    let h = text(&help.stdout);
    for want in [
        "[schedules.office-hours]",
        "jp-holidays",
        "until:",
        "start=09:00 stop=20:00",
        "yagura:saved-capacity",
    ] {
        assert!(h.contains(want), "{want}: {h}");
    }
}

impl Env {
    fn append_config(&self, text: &str) {
        let path = self.dir.path().join("config");
        let mut c = std::fs::read_to_string(&path).unwrap();
        c.push('\n');
        c.push_str(text);
        std::fs::write(&path, c).unwrap();
    }

    /// A shell script in the test's directory.
    fn script(&self, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = self.dir.path().join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }
}

fn caller(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "{}\n{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o.stdout)))
}

/// CRED-01 sources: a `credential_process` source (a script printing the CLI's JSON), a role
/// whose `source_profile` is that profile, `credential_source = Environment`; the role
/// session is named after the caller (moto answers `user/moto` for a key it does not know),
/// not `yagura`; a credential_process that calls yagura for itself is stopped.
#[test]
fn creds_process_source_role_chain_and_session_names() {
    if !moto_available() {
        return;
    }
    let Some(aws) = aws_cli() else { return };
    let moto = Moto::start();
    let env = Env::new(&moto);
    let printer = env.script(
        "print-creds",
        concat!(
            "printf '{\"Version\":1,\"AccessKeyId\":\"AKIA",
            "IOSFODNN7EXAMPLE\",\"SecretAccessKey\":\"processSECRETxxxxxxxxxxxxxxxxxxxx\"}'"
        ),
    );
    env.append_config(&format!(
        "[profile proc]\ncredential_process = {}\nregion = us-east-1\n\n\
         [profile proc-admin]\nrole_arn = {ROLE_ARN}\nsource_profile = proc\nregion = us-east-1\n\n\
         [profile envrole]\nrole_arn = {ROLE_ARN}\ncredential_source = Environment\nregion = us-east-1\n\n\
         [profile loop]\ncredential_process = {} creds process loop\n",
        printer.display(),
        env!("CARGO_BIN_EXE_yagura")
    ));
    let who = |profile: &str, extra: &[(&str, &str)]| {
        let mut c = env.cmd(Path::new(env!("CARGO_BIN_EXE_yagura")));
        c.args(["creds", "exec", profile, "--", aws.to_str().unwrap()])
            .args(["sts", "get-caller-identity", "--output", "json"]);
        for (k, v) in extra {
            c.env(k, v);
        }
        caller(&c.output().unwrap())
    };
    let direct = who("proc", &[]);
    assert_eq!(
        direct["Arn"], "arn:aws:sts::123456789012:user/moto",
        "{direct}"
    );
    let role = who("proc-admin", &[]);
    assert_eq!(
        role["Arn"], "arn:aws:sts::123456789012:assumed-role/admin/moto",
        "the session is named after the caller: {role}"
    );
    let from_env = who(
        "envrole",
        &[
            ("AWS_ACCESS_KEY_ID", concat!("AKIA", "IOSFODNN7EXAMPLE")),
            (
                "AWS_SECRET_ACCESS_KEY",
                "envSECRETxxxxxxxxxxxxxxxxxxxxxxxxxx",
            ),
        ],
    );
    assert!(
        from_env["Arn"]
            .as_str()
            .unwrap()
            .contains(":assumed-role/admin/"),
        "{from_env}"
    );
    let looped = env.yagura(&["creds", "process", "loop"]);
    assert!(!looped.status.success());
    assert!(
        text(&looped.stderr).contains("nested more than"),
        "{}",
        text(&looped.stderr)
    );
    assert!(!text(&looped.stderr).contains("processSECRET"));
}

/// A FIDO security key as `mfa_serial` is explained: STS needs a one-time code.
#[test]
fn creds_fido_device_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile fido]\nmfa_serial = arn:aws:iam::123456789012:u2f/user/alice/yubikey-EXAMPLE\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        concat!(
            "[fido]\naws_access_key_id = AKIA",
            "IOSFODNN7EXAMPLE\naws_secret_access_key = x\n"
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_yagura"))
        .args(["creds", "login", "--profile", "fido"])
        .env("AWS_CONFIG_FILE", dir.path().join("config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("credentials"),
        )
        .env("YAGURA_DATA_DIR", dir.path().join("data"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let e = text(&out.stderr);
    assert!(
        e.contains("is a FIDO security key") && e.contains("one-time codes"),
        "{e}"
    );
}

/// `creds exec PROFILE` without a command opens `$SHELL` with the credentials and a marker.
#[test]
fn creds_exec_opens_a_marked_shell() {
    if !moto_available() {
        return;
    }
    let Some(aws) = aws_cli() else { return };
    let moto = Moto::start();
    let env = Env::new(&moto);
    let mut c = env.cmd(Path::new(env!("CARGO_BIN_EXE_yagura")));
    c.args(["creds", "exec", "admin", "--mfa-code", "123456"])
        .env("SHELL", "/bin/sh")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(
            stdin,
            "echo \"marker=$YAGURA_PROFILE ps1=$PS1\"; {} sts get-caller-identity --output text --query Arn; exit 3",
            aws.display()
        )
        .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let so = text(&out.stdout);
    assert!(so.contains("marker=admin ps1=(yagura:admin)"), "{so}");
    assert!(so.contains(":assumed-role/admin/"), "{so}");
    assert!(
        text(&out.stderr).contains("a shell with profile `admin`"),
        "{}",
        text(&out.stderr)
    );
}

/// `creds server`: the AWS CLI gets the role's credentials from the container credentials
/// endpoint (with the token) and, with --imds, from the EC2 metadata endpoint; a request
/// without the token is refused.
#[test]
fn creds_server_answers_the_cli_container_and_imds_providers() {
    if !moto_available() {
        return;
    }
    let Some(aws) = aws_cli() else { return };
    let moto = Moto::start();
    let env = Env::new(&moto);
    for imds in [false, true] {
        let mut c = env.cmd(Path::new(env!("CARGO_BIN_EXE_yagura")));
        c.args(["creds", "server", "admin", "--mfa-code", "123456"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        if imds {
            c.arg("--imds");
        }
        let mut child = c.spawn().unwrap();
        let mut vars = Vec::new();
        {
            use std::io::BufRead;
            let mut r = std::io::BufReader::new(child.stdout.take().unwrap());
            for _ in 0..(if imds { 3 } else { 2 }) {
                let mut l = String::new();
                r.read_line(&mut l).unwrap();
                let (k, v) = l.trim().split_once('=').unwrap();
                vars.push((k.to_string(), v.to_string()));
            }
        }
        let var = |k: &str| vars.iter().find(|(n, _)| n == k).unwrap().1.clone();
        let uri = var("AWS_CONTAINER_CREDENTIALS_FULL_URI");
        assert!(uri.starts_with("http://127.0.0.1:"), "{uri}");
        let mut cli = Command::new(&aws);
        cli.args(["sts", "get-caller-identity", "--output", "json"])
            .env("AWS_ENDPOINT_URL", moto.endpoint())
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            .env_remove("AWS_EC2_METADATA_DISABLED");
        if imds {
            cli.env(
                "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                var("AWS_EC2_METADATA_SERVICE_ENDPOINT"),
            )
            .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
            .env_remove("AWS_CONTAINER_AUTHORIZATION_TOKEN");
        } else {
            cli.env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri).env(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                var("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
            );
        }
        let who = caller(&cli.output().unwrap());
        assert!(
            who["Arn"]
                .as_str()
                .unwrap()
                .contains(":assumed-role/admin/"),
            "{who}"
        );
        // without the token: refused
        let port: u16 = uri
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches("/creds")
            .parse()
            .unwrap();
        let r = yagura_testkit::http(port, "GET", "/creds", "").unwrap();
        assert!(r.starts_with("HTTP/1.1 401"), "{r}");
        child.kill().unwrap();
        let _ = child.wait();
    }
    // `exec --server`: the child gets the endpoint, not the keys
    let mut c = env.cmd(Path::new(env!("CARGO_BIN_EXE_yagura")));
    c.args(["creds", "exec", "admin", "--server", "--", "sh", "-c"]).arg(format!(
        "test -z \"$AWS_SECRET_ACCESS_KEY\" && test -n \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\" && {} sts get-caller-identity --output json",
        aws.display()
    ));
    let who = caller(&c.output().unwrap());
    assert!(
        who["Arn"]
            .as_str()
            .unwrap()
            .contains(":assumed-role/admin/"),
        "{who}"
    );
}

/// CRED-03 + CRED-01: `creds profiles --org --write` puts the profiles into the config file,
/// and ten AWS CLI calls started at once through them (several accounts) ask for one code:
/// the MFA command (a stand-in for the user at the prompt) runs once.
#[test]
fn creds_written_profiles_share_one_mfa_prompt() {
    if !moto_available() {
        return;
    }
    let Some(aws) = aws_cli() else { return };
    let moto = Moto::start();
    let seed = Command::new(venv().join("bin/python"))
        .args(["-c", ORG_SEED, &moto.endpoint()])
        .output()
        .unwrap();
    assert!(seed.status.success(), "{}", text(&seed.stderr));
    let env = Env::new(&moto);
    let count = env.dir.path().join("prompts");
    // a new six-digit code at every prompt, as a device would show
    let prompt = env.script(
        "prompt",
        &format!(
            "n=$(cat {0} 2>/dev/null | wc -l); echo x >> {0}; printf '%06d\\n' $((n + 100001))",
            count.display()
        ),
    );
    env.append_config(&format!(
        "[profile bastion]\nregion = us-east-1\nmfa_serial = {MFA}\nyagura_mfa_command = {}\n",
        prompt.display()
    ));
    std::fs::write(
        env.dir.path().join("credentials"),
        concat!(
            "[bastion]\naws_access_key_id = AKIA",
            "IOSFODNN7EXAMPLE\n",
            "aws_secret_access_key = wJalrXUtnFEMIsourceSECRETxxxxxxxxxxxxxxx\n"
        ),
    )
    .unwrap();
    let w = env.yagura(&[
        "creds",
        "profiles",
        "--org",
        "--profile",
        "bastion",
        "--write",
    ]);
    assert!(w.status.success(), "{}", text(&w.stderr));
    assert!(w.stdout.is_empty(), "--write prints nothing on stdout");
    let config = std::fs::read_to_string(env.dir.path().join("config")).unwrap();
    assert!(
        config.starts_with("[profile dev]"),
        "the user's profiles are kept: {config}"
    );
    let names: Vec<String> = config
        .split("# BEGIN yagura")
        .nth(1)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("[profile ")?.strip_suffix(']'))
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 5, "{config}");
    // writing again replaces the block instead of adding one
    let again = env.yagura(&[
        "creds",
        "profiles",
        "--org",
        "--profile",
        "bastion",
        "--write",
    ]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let config2 = std::fs::read_to_string(env.dir.path().join("config")).unwrap();
    assert_eq!(config2.matches("# BEGIN yagura").count(), 1);

    let clear = env.yagura(&["creds", "clear"]);
    assert!(clear.status.success(), "{}", text(&clear.stderr));
    let before = std::fs::read_to_string(&count).unwrap().lines().count();
    let handles: Vec<_> = (0..10)
        .map(|i| {
            let name = names[i % names.len()].clone();
            let mut c = env.cmd(&aws);
            c.args([
                "sts",
                "get-caller-identity",
                "--output",
                "json",
                "--profile",
                &name,
            ]);
            std::thread::spawn(move || (name, c.output().unwrap()))
        })
        .collect();
    for h in handles {
        let (name, o) = h.join().unwrap();
        let who = caller(&o);
        assert!(
            who["Arn"]
                .as_str()
                .unwrap()
                .contains(":assumed-role/OrganizationAccountAccessRole/"),
            "{name}: {who}"
        );
    }
    let after = std::fs::read_to_string(&count).unwrap().lines().count();
    assert_eq!(after - before, 1, "one MFA prompt for ten parallel tools");
}

/// `creds rotate`: a new key is created, works, is stored, and the old one is deleted in IAM.
#[test]
fn creds_rotate_replaces_the_stored_key() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let script = r#"
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
iam.create_user(UserName="alice")
k = iam.create_access_key(UserName="alice")["AccessKey"]
print(json.dumps({"id": k["AccessKeyId"], "secret": k["SecretAccessKey"]}))
"#;
    let key = python(script, &moto.endpoint());
    let env = Env::new(&moto);
    env.append_config("[profile rot]\nregion = us-east-1\n");
    let mut add = env.cmd(Path::new(env!("CARGO_BIN_EXE_yagura")));
    add.args(["creds", "add", "rot", "--backend", "file", "--env"])
        .env("AWS_ACCESS_KEY_ID", key["id"].as_str().unwrap())
        .env("AWS_SECRET_ACCESS_KEY", key["secret"].as_str().unwrap());
    let o = add.output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let list = env.yagura(&["creds", "list"]);
    let l = text(&list.stdout);
    assert!(
        l.lines()
            .any(|x| x.starts_with("rot ") && x.contains("in the file") && x.contains("AKIA")),
        "{l}"
    );
    assert!(
        !l.contains(key["id"].as_str().unwrap()),
        "key ids are masked: {l}"
    );
    let rot = env.yagura(&["creds", "rotate", "rot"]);
    assert!(rot.status.success(), "{}", text(&rot.stderr));
    let keys = r#"
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
print(json.dumps([k["AccessKeyId"] for k in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]]))
"#;
    let left = python(keys, &moto.endpoint());
    let left = left.as_array().unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_ne!(left[0], key["id"]);
    let index = std::fs::read_to_string(env.data().join("keys.json")).unwrap();
    assert!(
        index.contains(left[0].as_str().unwrap()),
        "the new key is stored"
    );
    // and it works
    let p = env.yagura(&["creds", "process", "rot"]);
    let v: serde_json::Value = serde_json::from_slice(&p.stdout).unwrap();
    assert_eq!(v["AccessKeyId"], left[0]);
}

/// The OS keyring, for real: a private D-Bus session (`dbus-run-session`) with
/// gnome-keyring-daemon's Secret Service (Debian `gnome-keyring`, `dbus`, `libsecret-tools`;
/// `.ci/run` installs them), started by this test in a temporary HOME. `creds add` stores the
/// key there (nothing secret on disk), `list` shows it masked, `exec` uses it against moto,
/// `secret-tool` finds the entry, `remove` deletes it. Where the daemon is not installed the
/// test says so and stops (outside CI); the store's calls are also covered with the keyring
/// crate's mock in `yagura-creds` (`keystore::tests`).
#[test]
fn creds_keyring_backend_against_gnome_keyring() {
    if !moto_available() {
        return;
    }
    let Some(aws) = aws_cli() else { return };
    let have = |c: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let ok = have("dbus-run-session") && have("gnome-keyring-daemon") && have("secret-tool");
    if !yagura_testkit::required_in_ci(ok, "gnome-keyring-daemon, dbus-run-session and secret-tool (Debian gnome-keyring, dbus, libsecret-tools)") {
        eprintln!("skipping the Secret Service test: gnome-keyring-daemon is not installed");
        return;
    }
    let moto = Moto::start();
    let env = Env::new(&moto);
    env.append_config("[profile kr]\nregion = us-east-1\n");
    let home = env.dir.path().join("home");
    let runtime = env.dir.path().join("run");
    for d in [&home, &runtime] {
        std::fs::create_dir_all(d).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let secret = "keyringSECRETwJalrXUtnFEMIxxxxxxxxxxxxxx";
    let script = r#"set -u
printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets > "$OUT/daemon" 2>&1
"$Y" creds add kr --env > "$OUT/add.out" 2> "$OUT/add.err"; echo $? > "$OUT/add.rc"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$Y" creds list > "$OUT/list.out" 2>&1
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$Y" creds exec kr -- "$AWS" sts get-caller-identity --output json > "$OUT/who.json" 2> "$OUT/who.err"
secret-tool search --all service yagura > "$OUT/search" 2>&1
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$Y" creds remove kr > "$OUT/remove" 2>&1; echo $? > "$OUT/remove.rc"
secret-tool search --all service yagura > "$OUT/search2" 2>&1
"#;
    let out_dir = env.dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let run = env
        .cmd(Path::new("dbus-run-session"))
        .args(["--", "sh", "-c", script])
        .env("HOME", &home)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("OUT", &out_dir)
        .env("Y", env!("CARGO_BIN_EXE_yagura"))
        .env("AWS", &aws)
        .env("AWS_ACCESS_KEY_ID", concat!("AKIA", "IOSFODNN7EXAMPLE"))
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .output()
        .unwrap();
    let read = |n: &str| std::fs::read_to_string(out_dir.join(n)).unwrap_or_default();
    let context = format!(
        "dbus-run-session: {}\ndaemon: {}\nadd: {}{}\nlist: {}\nwho: {}\nsearch: {}",
        text(&run.stderr),
        read("daemon"),
        read("add.out"),
        read("add.err"),
        read("list.out"),
        read("who.err"),
        read("search")
    );
    assert_eq!(read("add.rc").trim(), "0", "{context}");
    assert!(
        read("add.err").contains("stored in the OS keyring"),
        "{context}"
    );
    assert!(
        read("list.out")
            .lines()
            .any(|l| l.starts_with("kr ") && l.contains("AKIA************MPLE in the keyring")),
        "{context}"
    );
    let who: serde_json::Value =
        serde_json::from_str(&read("who.json")).unwrap_or_else(|e| panic!("{e}: {context}"));
    assert_eq!(who["Account"], "123456789012", "{context}");
    // the secret is in the keyring, and nowhere in yagura's data directory
    assert!(read("search").contains(secret), "{context}");
    for f in walk(&env.data()) {
        let bytes = std::fs::read(&f).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{} holds the secret",
            f.display()
        );
    }
    assert_eq!(read("remove.rc").trim(), "0", "{}", read("remove"));
    assert!(!read("search2").contains(secret), "{}", read("search2"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
