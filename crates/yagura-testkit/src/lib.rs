//! Test support shared by the integration tests. Not part of the product.
//!
//! - [`Moto`] starts `moto_server` (PyPI `moto[server]`) on a free loopback port and stops it on
//!   drop. The venv is found at `$YAGURA_VENV`, else `~/.cache/yagura-venv` (what `.ci/run` and
//!   `scripts/test.sh` create).
//! - [`yagura_cmd`] is the one way a test runs the yagura binary: a hermetic command that no
//!   variable of the developer's environment reaches (YAGURA_*, AWS_*, locale);
//!   [`yagura_limited`] is the same under a memory and a time limit, for hostile input;
//!   [`run`] runs either and keeps a [`Run`] (code, stdout, stderr, time).
//! - [`aws_env`] points a yagura process at an endpoint with fixed credentials, shut off from
//!   the user's own AWS configuration.
//! - [`sinks`]: a scripted HTTP server and aiosmtpd, for the notification tests.
//! - [`feeds`]: a file server with ETags, conditional answers and injected faults, standing in
//!   for the upstream hosts of the vulnerability feeds behind `--mirror`.
//! - [`hostile`]: the crafted inputs of issue 16, for the hostile-input tests and
//!   `bench/hostile.sh` (`examples/hostile_cases.rs`).
//! - [`ja`]: the rule of Japanese output (no English word outside a small allowed list);
//!   [`command_paths`] lists every subcommand from the binary's help.
//! - [`mutate`]: grown, edited and random inputs for the hostile-input property tests.
//! - [`host`]: the shared Debian advisories as OSV records; [`put_objects`] fills a moto bucket.
//! - [`yagura_against`]: the binary against moto with a store; [`cloudtrail_testdata`] and
//!   [`gzip`] for the CloudTrail-from-S3 tests.
//! - [`FaultProxy`] sits between yagura and moto and answers some requests with throttling, a
//!   5xx or a dropped connection, to show that the SDK retries and nothing unread becomes PASS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod feeds;
pub mod host;
pub mod hostile;
pub mod ja;
pub mod mutate;
pub mod sinks;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub fn venv() -> PathBuf {
    if let Some(v) = std::env::var_os("YAGURA_VENV") {
        return PathBuf::from(v);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    home.join(".cache/yagura-venv")
}

/// The yagura binary of this build: `target/PROFILE/yagura`, next to the directory of the test
/// executable (Cargo builds a package's binaries before its integration tests); the
/// `YAGURA_TEST_BIN` variable overrides it, for a copy taken out of a target directory that other
/// builds share.
pub fn yagura_bin() -> PathBuf {
    if let Some(b) = std::env::var_os("YAGURA_TEST_BIN") {
        return PathBuf::from(b);
    }
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("the test executable lives in target/PROFILE/deps");
    profile_dir.join(format!("yagura{}", std::env::consts::EXE_SUFFIX))
}

/// A command running the yagura binary, hermetic: no variable of the developer's environment
/// that yagura or the AWS SDK reads passes through (every `YAGURA_*` and `AWS_*`, `LANG`,
/// `LANGUAGE`, `LC_*`, `RUST_LOG`, `NO_COLOR`), the AWS configuration files point nowhere and the instance metadata
/// service is off. Language is English unless the test asks (`--lang`); a test adds the data
/// directory, [`aws_env`] and whatever variable it means to set.
pub fn yagura_cmd() -> Command {
    hermetic(Command::new(yagura_bin()))
}

/// [`yagura_cmd`] with its store in `data_dir` and English output, the shape most tests run.
pub fn yagura_at(data_dir: &std::path::Path) -> Command {
    let mut c = yagura_cmd();
    c.arg("--data-dir").arg(data_dir).arg("--lang").arg("en");
    c
}

/// [`yagura_cmd`] under an address-space limit (`ulimit -v`, in KiB) and a wall-clock limit
/// (`timeout -s KILL`, in seconds), for hostile input: an allocation storm or a hang ends the run
/// (a failed allocation, or exit 137) instead of taking the machine. The arguments the caller
/// adds go to yagura.
pub fn yagura_limited(memory_kib: u64, seconds: u64) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!(
            "ulimit -v {memory_kib} && exec timeout -s KILL {seconds} \"$0\" \"$@\""
        ))
        .arg(yagura_bin());
    hermetic(c)
}

/// What a run of the binary gave: the exit code (-1 when a signal ended it), stdout and stderr
/// as text, and the wall time.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub secs: f64,
}

/// Runs `cmd` (from [`yagura_cmd`] or [`yagura_limited`]) to its end and keeps what it gave.
pub fn run(cmd: &mut Command) -> Run {
    let start = Instant::now();
    let out = cmd.output().expect("the yagura binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        secs: start.elapsed().as_secs_f64(),
    }
}

/// `c` with no variable of the developer's environment that yagura or the AWS SDK reads.
fn hermetic(mut c: Command) -> Command {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("YAGURA_")
            || k.starts_with("AWS_")
            || k.starts_with("LC_")
            || k == "LANG"
            || k == "LANGUAGE"
            || k == "RUST_LOG"
            || k == "NO_COLOR"
        {
            c.env_remove(k);
        }
    }
    c.env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

/// Points a process at `endpoint` (moto) with the access key `key` and secret `secret` in
/// us-east-1, and shuts it off from the user's own AWS configuration: no profile, no session
/// token, no config or credentials file, no instance metadata.
pub fn aws_env<'c>(
    c: &'c mut Command,
    endpoint: &str,
    (key, secret): (&str, &str),
) -> &'c mut Command {
    c.env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", key)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
}

/// Puts objects (key, body) into a bucket of moto (created when missing) with boto3 from the
/// venv, the same client family as the AWS CLI.
pub fn put_objects(endpoint: &str, bucket: &str, objs: &[(String, Vec<u8>)]) {
    let dir = tempfile::tempdir().unwrap();
    let mut manifest = Vec::new();
    for (i, (key, body)) in objs.iter().enumerate() {
        let p = dir.path().join(format!("{i}.bin"));
        std::fs::write(&p, body).unwrap();
        manifest.push(serde_json::json!([p, key]));
    }
    let script = r#"
import boto3, json, sys
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
try:
    s3.create_bucket(Bucket=sys.argv[2])
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
for path, key in json.load(sys.stdin):
    with open(path, "rb") as f:
        s3.put_object(Bucket=sys.argv[2], Key=key, Body=f.read())
"#;
    let mut child = Command::new(venv().join("bin/python"))
        .arg("-c")
        .arg(script)
        .arg(endpoint)
        .arg(bucket)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&manifest).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "upload: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// [`yagura_cmd`] pointed at `endpoint` ([`aws_env`], key `test`), its store in `data_dir`,
/// English output, running `args` with the variables `env` set.
pub fn yagura_against(
    endpoint: &str,
    data_dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Command {
    let mut c = yagura_cmd();
    aws_env(&mut c, endpoint, ("test", "test"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("YAGURA_LANG", "en");
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// One `yagura audit` against `endpoint` of `regions` with `checks` (comma-separated), nothing
/// stored, as its JSON report; panics with yagura's stderr when it wrote none.
pub fn audit_json(endpoint: &str, regions: &str, checks: &str) -> serde_json::Value {
    audit_json_with(endpoint, regions, checks, &[])
}

/// [`audit_json`] with more arguments.
pub fn audit_json_with(
    endpoint: &str,
    regions: &str,
    checks: &str,
    more: &[&str],
) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("report.json");
    let mut args = vec![
        "--quiet",
        "audit",
        "--regions",
        regions,
        "--no-store",
        "--checks",
        checks,
        "-f",
        "json",
        "-o",
        file.to_str().unwrap_or_default(),
    ];
    args.extend_from_slice(more);
    let out = yagura_against(endpoint, dir.path(), &args, &[])
        .output()
        .expect("run yagura");
    let report = std::fs::read(&file)
        .unwrap_or_else(|e| panic!("no report ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    serde_json::from_slice(&report).expect("a JSON report")
}

/// The shared CloudTrail test data (`../shared/testdata/cloudtrail`, read-only).
pub fn cloudtrail_testdata() -> PathBuf {
    repo_root().join("../shared/testdata/cloudtrail")
}

/// `bytes` gzip-compressed, as CloudTrail writes its objects.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The repository's root directory.
///
/// Found at run time from the `CARGO_MANIFEST_DIR` cargo gives the test process: the one baked in
/// at compile time names wherever this crate was first built, and cargo does not rebuild a crate
/// when its workspace moves (a target dir shared by two clones ran the other clone's scripts).
pub fn repo_root() -> PathBuf {
    let is_root = |d: &Path| d.join("Cargo.lock").is_file() && d.join("crates").is_dir();
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .and_then(|dir| dir.ancestors().find(|d| is_root(d)).map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// Whether moto is installed; tests that need it fail in CI and skip elsewhere without it.
pub fn moto_available() -> bool {
    required_in_ci(venv().join("bin/moto_server").exists(), "moto_server")
}

/// `ok`, after failing the test when `what` (a tool in the venv) is missing under CI and saying
/// the test is skipped elsewhere.
pub fn required_in_ci(ok: bool, what: &str) -> bool {
    if !ok && std::env::var_os("CI").is_some() {
        panic!(
            "{what} is not installed in {} (run scripts/test.sh)",
            venv().display()
        );
    }
    if !ok {
        eprintln!("skipping: {what} not found in {}", venv().display());
    }
    ok
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running moto_server. It also dies with the test process (a watchdog shell polls the
/// parent), so a server kept in a `static` does not outlive the tests.
pub struct Moto {
    watchdog: Child,
    pid: String,
    pub port: u16,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(true)
    }

    /// A moto_server without the AWS managed policies loaded into each account's IAM: an
    /// Organization of many accounts is seeded in seconds instead of minutes (each new account
    /// would load ~1,300 policy documents).
    pub fn start_without_managed_policies() -> Moto {
        Moto::start_with(false)
    }

    fn start_with(managed_policies: bool) -> Moto {
        let port = free_port();
        let script = r#""$0" -H 127.0.0.1 -p "$1" >/dev/null 2>&1 & m=$!; echo $m; while kill -0 "$2" 2>/dev/null && kill -0 $m 2>/dev/null; do sleep 1; done; kill $m 2>/dev/null"#;
        let mut watchdog = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(venv().join("bin/moto_server"))
            .arg(port.to_string())
            .arg(std::process::id().to_string())
            .env(
                "MOTO_IAM_LOAD_MANAGED_POLICIES",
                if managed_policies { "true" } else { "false" },
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let mut pid = String::new();
        if let Some(out) = watchdog.stdout.as_mut() {
            let mut byte = [0u8; 1];
            while out.read(&mut byte).map(|n| n == 1).unwrap_or(false) && byte[0] != b'\n' {
                pid.push(byte[0] as char);
            }
        }
        let moto = Moto {
            watchdog,
            pid,
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(90);
        while Instant::now() < deadline {
            if http(port, "GET", "/moto-api/data.json", "").is_some() {
                return moto;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("moto_server did not start on port {port}");
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Seeds the sample estate (`scripts/seed_moto.py`) and returns what it printed.
    pub fn seed(&self, extra: &[&str]) -> serde_json::Value {
        let mut cmd = Command::new(venv().join("bin/python"));
        cmd.arg(repo_root().join("scripts/seed_moto.py"))
            .arg(self.endpoint())
            .args(extra);
        printed_json(&mut cmd, "seed_moto.py")
    }

    /// Runs a Python (boto3) script against this moto: the endpoint is `sys.argv[1]`, the
    /// credentials `testing`; returns what it printed as JSON (`null` when it printed nothing).
    pub fn python(&self, script: &str) -> serde_json::Value {
        let mut cmd = Command::new(venv().join("bin/python"));
        cmd.arg("-c")
            .arg(script)
            .arg(self.endpoint())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1");
        printed_json(&mut cmd, "the script")
    }

    /// Makes moto enforce IAM from now on.
    pub fn enforce_iam(&self) {
        http(self.port, "POST", "/moto-api/reset-auth", "0").expect("reset-auth");
    }
}

/// Runs a Python program that must succeed and returns what it printed as JSON (`null` when it
/// printed nothing).
fn printed_json(cmd: &mut Command, what: &str) -> serde_json::Value {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.iter().all(u8::is_ascii_whitespace) {
        return serde_json::Value::Null;
    }
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{what} printed no JSON: {e}"))
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(&self.pid).status();
        let _ = self.watchdog.kill();
        let _ = self.watchdog.wait();
    }
}

/// A minimal HTTP/1.1 request; returns the status line and body.
pub fn http(port: u16, method: &str, path: &str, body: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    out.starts_with("HTTP/").then_some(out)
}

/// The faults a [`FaultProxy`] injects, in turn, on every `every`-th request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Throttle,
    ServerError,
    Drop,
}

/// A proxy that forwards to moto and breaks every `every`-th request.
pub struct FaultProxy {
    pub port: u16,
    pub requests: Arc<AtomicUsize>,
    pub faults: Arc<AtomicUsize>,
}

impl FaultProxy {
    pub fn start(upstream: u16, every: usize) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let faults = Arc::new(AtomicUsize::new(0));
        let (r, f) = (requests.clone(), faults.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (r, f) = (r.clone(), f.clone());
                std::thread::spawn(move || serve(conn, upstream, every, &r, &f));
            }
        });
        FaultProxy {
            port,
            requests,
            faults,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Reads one HTTP request (headers and Content-Length body).
fn read_request(conn: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = conn.read(&mut chunk).ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf);
        }
    }
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn serve(
    mut conn: TcpStream,
    upstream: u16,
    every: usize,
    requests: &AtomicUsize,
    faults: &AtomicUsize,
) {
    while let Some(req) = read_request(&mut conn) {
        let n = requests.fetch_add(1, Ordering::SeqCst) + 1;
        if every > 0 && n.is_multiple_of(every) {
            let kind = [Fault::Throttle, Fault::ServerError, Fault::Drop][(n / every) % 3];
            faults.fetch_add(1, Ordering::SeqCst);
            let head = String::from_utf8_lossy(&req).to_ascii_lowercase();
            let resp = match kind {
                Fault::Drop => {
                    let _ = conn.shutdown(Shutdown::Both);
                    return;
                }
                Fault::ServerError => {
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n".to_string()
                }
                Fault::Throttle => throttle(&head),
            };
            if conn.write_all(resp.as_bytes()).is_err() {
                return;
            }
            continue;
        }
        // Forward on a fresh upstream connection that closes after one response.
        let req =
            String::from_utf8_lossy(&req).replacen("\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1);
        let mut bytes = req.into_bytes();
        // Content is forwarded as-is: the body is binary-safe only when it is UTF-8, which
        // every AWS protocol used here is.
        let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)) else {
            return;
        };
        if up.write_all(&bytes).is_err() {
            return;
        }
        bytes.clear();
        if up.read_to_end(&mut bytes).is_err() {
            return;
        }
        // Tell the client this connection closes too, so it never reuses it.
        if conn.write_all(&bytes).is_err() {
            return;
        }
        let _ = conn.shutdown(Shutdown::Both);
        return;
    }
}

/// A throttling answer in the shape of the service's protocol.
fn throttle(head: &str) -> String {
    let (ctype, body) = if head.contains("x-amz-json") {
        (
            "application/x-amz-json-1.1",
            r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_string(),
        )
    } else if head.contains("/ec2/aws4_request") {
        ("text/xml", "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>x</RequestID></Response>".to_string())
    } else if head.contains("x-www-form-urlencoded") {
        ("text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>".to_string())
    } else {
        ("application/xml", "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>".to_string())
    };
    let status = if ctype == "application/xml" {
        "503 Slow Down"
    } else {
        "400 Bad Request"
    };
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// A saved inventory (`--from-inventory`) of one account (`111122223333`) and one region
/// (`ap-northeast-1`, VPC `vpc-1`) holding `users` and `security_groups` (JSON arrays of the
/// inventory's shapes) and nothing else, for the tests of `watch`, `timeline` and `findings`.
pub fn small_inventory(
    at: &str,
    users: serde_json::Value,
    security_groups: serde_json::Value,
) -> serde_json::Value {
    serde_json::json!({
        "schema_version": 1,
        "collected_at": at,
        "accounts": [{
            "account_id": "111122223333",
            "iam": {"users": {"ok": users}, "roles": {"ok": []}},
            "s3": {"account_public_access_block": {"ok": null}, "buckets": {"ok": []}},
            "regions": [{
                "name": "ap-northeast-1",
                "ec2": {
                    "instances": {"ok": []},
                    "security_groups": {"ok": security_groups},
                    "groups_in_use": {"ok": []},
                    "images": {"ok": []},
                    "scheduled_events": {"ok": []},
                    "vpcs": {"ok": [{"id": "vpc-1", "cidr_block": "10.0.0.0/16"}]},
                    "subnets": {"ok": []}
                },
                "load_balancers": {"ok": []},
                "rds": {"ok": []}
            }]
        }]
    })
}

/// Every command path of the binary (`[]`, `["audit"]`, `["creds", "login"]`…), read from the
/// `Commands:` sections of its help, so a new subcommand is covered by the tests that walk them.
pub fn command_paths() -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    let mut i = 0;
    while i < out.len() {
        let path = out[i].clone();
        let o = yagura_cmd().args(&path).arg("--help").output().unwrap();
        let help = String::from_utf8_lossy(&o.stdout).into_owned();
        if let Some(rest) = help.split("\nCommands:\n").nth(1) {
            for line in rest.lines().take_while(|l| !l.trim().is_empty()) {
                // `  name  description`; a wrapped description line starts further in
                if line.starts_with("  ") && !line.starts_with("   ") {
                    let name = line.split_whitespace().next().unwrap();
                    if name != "help" {
                        let mut p = path.clone();
                        p.push(name.to_string());
                        out.push(p);
                    }
                }
            }
        }
        i += 1;
    }
    out
}
