//! Real local servers for the notification tests (yagura-notify's and the binary's): an HTTP
//! server on a loopback port that answers from a script and records every request, aiosmtpd
//! (PyPI) as the SMTP sink (`smtp_sink.py` beside this crate's manifest), and proxy.py (PyPI) as
//! a forward proxy.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use crate::venv;
use std::time::{Duration, Instant};

/// One scripted answer; after the script, every request gets `200 ok`.
#[derive(Debug, Clone, Copy)]
pub enum Reply {
    Status(u16),
    /// 429 with `Retry-After: secs`.
    TooMany(u64),
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

/// An HTTP server on 127.0.0.1 acting as Slack or a webhook receiver.
pub struct HttpSink {
    pub port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl HttpSink {
    pub fn start(script: Vec<Reply>) -> HttpSink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let script = Arc::new(Mutex::new(script.into_iter()));
        let r = requests.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (r, script) = (r.clone(), script.clone());
                std::thread::spawn(move || serve(conn, &r, &script));
            }
        });
        HttpSink { port, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    conn: TcpStream,
    requests: &Mutex<Vec<Request>>,
    script: &Mutex<std::vec::IntoIter<Reply>>,
) {
    conn.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    let Some((method, path, headers)) = read_head(&mut reader) else {
        return;
    };
    let len = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    requests.lock().unwrap().push(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let reply = script.lock().unwrap().next();
    let (status, extra, body) = match reply {
        None => ("200 OK".to_string(), String::new(), "ok"),
        Some(Reply::Status(s)) => (format!("{s} Scripted"), String::new(), "failed"),
        Some(Reply::TooMany(secs)) => (
            "429 Too Many Requests".to_string(),
            format!("Retry-After: {secs}\r\n"),
            "rate_limited",
        ),
    };
    let resp = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(resp.as_bytes());
    let _ = conn.flush();
}

/// A request's method, path and headers (names lower-cased).
pub(crate) type Head = (String, String, Vec<(String, String)>);

/// The request line and headers of the next request on a connection; `None` when the
/// connection closes first.
pub(crate) fn read_head(reader: &mut BufReader<TcpStream>) -> Option<Head> {
    let mut first = String::new();
    if reader.read_line(&mut first).unwrap_or(0) == 0 {
        return None;
    }
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    Some((method, path, headers))
}

/// A loopback port where nothing listens: a destination that stays down.
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Whether aiosmtpd is installed in the venv; in CI its absence is a failure.
pub fn aiosmtpd_available() -> bool {
    let ok = Command::new(venv().join("bin/python"))
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    crate::required_in_ci(ok, "aiosmtpd")
}

/// aiosmtpd on a free loopback port, writing each accepted message as JSON into a directory.
/// It refuses the first `refuse` messages with 451, and requires AUTH when given a login.
/// It stops when this value is dropped (its stdin closes) or the test process dies.
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub fn start(refuse: u32, login: Option<(&str, &str)>) -> SmtpSink {
        SmtpSink::start_with(refuse, login, &[])
    }

    /// [`SmtpSink::start`] with the sink's environment options (`SMTP_SINK_TLS`,
    /// `SMTP_SINK_CERT`, `SMTP_SINK_KEY`, `SMTP_SINK_XOAUTH2`: see `smtp_sink.py`).
    pub fn start_with(refuse: u32, login: Option<(&str, &str)>, env: &[(&str, &str)]) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let port = closed_port();
        let script = crate::repo_root().join("crates/yagura-testkit/smtp_sink.py");
        let (user, pass) = login.unwrap_or(("", ""));
        let mut child = Command::new(venv().join("bin/python"))
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .arg(refuse.to_string())
            .arg(user)
            .arg(pass)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start smtp_sink.py");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "READY", "smtp sink did not start");
        SmtpSink { port, dir, child }
    }

    /// The accepted messages (as decoded by Python's `email` package), waiting up to 10 s for
    /// `n` of them.
    pub fn messages(&self, n: usize) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
                .unwrap()
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            files.sort();
            if files.len() >= n || Instant::now() > deadline {
                return files
                    .iter()
                    .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
                    .collect();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test CA and a server certificate it signed for `127.0.0.1` and `localhost`, made with the
/// `openssl` command line in `dir`: (CA certificate, server certificate, server key), PEM files.
pub fn test_certificates(dir: &std::path::Path) -> (PathBuf, PathBuf, PathBuf) {
    let p = |n: &str| dir.join(n);
    let ext = p("server.ext");
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output();
        let out = out.expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=yagura test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    (p("ca.pem"), p("server.pem"), p("server.key"))
}

/// proxy.py, a real HTTP forward proxy (PyPI, pinned in scripts/pins), on a free loopback port,
/// logging each request it forwarded. `None` (a failure in CI) when it is not installed. It
/// stops when this value is dropped.
pub struct ForwardProxy {
    pub port: u16,
    log: PathBuf,
    _dir: tempfile::TempDir,
    child: Child,
}

impl ForwardProxy {
    pub fn start() -> Option<ForwardProxy> {
        let python = venv().join("bin/python");
        let installed = Command::new(&python)
            .args(["-c", "import proxy"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !crate::required_in_ci(installed, "proxy.py") {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("proxy.log");
        let port = closed_port();
        let child = Command::new(python)
            .args(["-m", "proxy", "--hostname", "127.0.0.1", "--port"])
            .arg(port.to_string())
            .args(["--num-workers", "1", "--num-acceptors", "1", "--log-file"])
            .arg(&log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start proxy.py");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "proxy.py did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(ForwardProxy {
            port,
            log,
            _dir: dir,
            child,
        })
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The proxy's log: one access line per forwarded request (`POST 127.0.0.1:PORT/path`).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
