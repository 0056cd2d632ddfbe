//! A real local HTTP server for `yagura db update` tests: it serves the files of a directory
//! (`GET /HOST/PATH` → `DIR/HOST/PATH`, the `--mirror` layout) with an ETag and Last-Modified,
//! answers conditional requests with 304, records every request, and can be told to fail a path
//! (an HTTP status, or a body cut short after some bytes while `Content-Length` promises all).

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the server does instead of serving a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status.
    Status(u16),
    /// Promise the whole file, send this many bytes, close.
    CutAt(usize),
}

/// One request seen: method, path, and the request's `If-None-Match` / `If-Modified-Since`,
/// with the status answered.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    pub status: u16,
}

#[derive(Default)]
struct State {
    faults: HashMap<String, Fault>,
    headers: HashMap<String, Vec<(String, String)>>,
    seen: Vec<Seen>,
}

/// The file server on 127.0.0.1.
pub struct FeedServer {
    pub port: u16,
    pub dir: PathBuf,
    state: Arc<Mutex<State>>,
}

impl FeedServer {
    pub fn start(dir: PathBuf) -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state: Arc<Mutex<State>> = Arc::default();
        let (st, d) = (state.clone(), dir.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (st, d) = (st.clone(), d.clone());
                std::thread::spawn(move || serve(conn, &d, &st));
            }
        });
        FeedServer { port, dir, state }
    }

    /// The `--mirror` base URL.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Fails `path` (`/HOST/PATH`) from now on; `None` serves it again.
    pub fn fault(&self, path: &str, fault: Option<Fault>) {
        let mut st = self.state.lock().unwrap();
        match fault {
            Some(f) => st.faults.insert(path.to_string(), f),
            None => st.faults.remove(path),
        };
    }

    /// Sends an extra header with `path` (a publisher's checksum header), replacing an earlier
    /// one of the same name.
    pub fn header(&self, path: &str, name: &str, value: &str) {
        let mut st = self.state.lock().unwrap();
        let list = st.headers.entry(path.to_string()).or_default();
        list.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        list.push((name.to_string(), value.to_string()));
    }

    /// The requests seen so far, and forgets them.
    pub fn take_seen(&self) -> Vec<Seen> {
        std::mem::take(&mut self.state.lock().unwrap().seen)
    }
}

/// A strong validator from the file's content (FNV-1a, 64 bits).
fn etag(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{h:016x}-{}\"", bytes.len())
}

fn serve(conn: TcpStream, dir: &std::path::Path, state: &Mutex<State>) {
    conn.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    loop {
        let Some((_method, path, headers)) = crate::sinks::read_head(&mut reader) else {
            return;
        };
        let get = |k: &str| headers.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone());
        let (inm, ims) = (get("if-none-match"), get("if-modified-since"));
        let decoded = path.replace("%20", " ");
        let file = dir.join(decoded.trim_start_matches('/'));
        let (fault, extra) = {
            let st = state.lock().unwrap();
            (
                st.faults.get(&path).copied(),
                st.headers.get(&path).cloned().unwrap_or_default(),
            )
        };
        let record = |status: u16| {
            state.lock().unwrap().seen.push(Seen {
                path: path.clone(),
                if_none_match: inm.clone(),
                if_modified_since: ims.clone(),
                status,
            })
        };
        let send = |conn: &mut TcpStream, status: &str, head: &str, body: &[u8]| {
            let _ = conn.write_all(format!("HTTP/1.1 {status}\r\n{head}\r\n").as_bytes());
            let _ = conn.write_all(body);
            let _ = conn.flush();
        };
        if let Some(Fault::Status(s)) = fault {
            record(s);
            send(
                &mut conn,
                &format!("{s} Failing"),
                "Content-Length: 6\r\n",
                b"failed",
            );
            continue;
        }
        let Ok(bytes) = std::fs::read(&file) else {
            record(404);
            send(
                &mut conn,
                "404 Not Found",
                "Content-Length: 9\r\n",
                b"not found",
            );
            continue;
        };
        let tag = etag(&bytes);
        let modified = std::fs::metadata(&file)
            .and_then(|m| m.modified())
            .ok()
            .map(http_date)
            .unwrap_or_default();
        if inm.as_deref() == Some(tag.as_str())
            || (inm.is_none() && ims.as_deref() == Some(modified.as_str()))
        {
            record(304);
            send(
                &mut conn,
                "304 Not Modified",
                &format!("ETag: {tag}\r\nLast-Modified: {modified}\r\n"),
                b"",
            );
            continue;
        }
        let mut head = format!(
            "ETag: {tag}\r\nLast-Modified: {modified}\r\nContent-Length: {}\r\n",
            bytes.len()
        );
        for (k, v) in &extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        match fault {
            Some(Fault::CutAt(n)) => {
                record(200);
                head.push_str("Connection: close\r\n");
                send(&mut conn, "200 OK", &head, &bytes[..n.min(bytes.len())]);
                return;
            }
            _ => {
                record(200);
                send(&mut conn, "200 OK", &head, &bytes);
            }
        }
    }
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // civil from days (Howard Hinnant's algorithm)
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if mo <= 2 { y + 1 } else { y };
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(mo - 1) as usize];
    format!("{weekday}, {d:02} {month} {y} {h:02}:{m:02}:{s:02} GMT")
}
