//! Host identity (HOST-07): the EC2 instance id from the instance metadata service (IMDSv2)
//! when there is one, else the hostname.

use crate::rootfs::Root;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Where the instance id comes from; injectable so tests never reach the network.
pub trait MetadataSource {
    /// The instance id, or `None` when not on EC2 (or the service did not answer in time).
    fn instance_id(&self) -> Option<String>;
}

/// No metadata service (tests, `--root` scans of images).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoMetadata;

impl MetadataSource for NoMetadata {
    fn instance_id(&self) -> Option<String> {
        None
    }
}

/// IMDSv2 with a short timeout: a token by `PUT`, then the instance id.
#[derive(Debug, Clone, Copy)]
pub struct Imds {
    /// 169.254.169.254:80 (a test may point it at a local fake).
    pub addr: SocketAddr,
    pub timeout: Duration,
}

impl Default for Imds {
    fn default() -> Self {
        Imds {
            addr: SocketAddr::from(([169, 254, 169, 254], 80)),
            timeout: Duration::from_millis(500),
        }
    }
}

fn http(addr: &SocketAddr, timeout: Duration, request: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(addr, timeout).ok()?;
    s.set_read_timeout(Some(timeout)).ok()?;
    s.set_write_timeout(Some(timeout)).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut buf = Vec::new();
    s.take(64 * 1024).read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let code = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((code, body.to_string()))
}

impl MetadataSource for Imds {
    fn instance_id(&self) -> Option<String> {
        let addr = self.addr;
        let (code, token) = http(
            &addr,
            self.timeout,
            "PUT /latest/api/token HTTP/1.1\r\nHost: 169.254.169.254\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?;
        if code != 200 {
            return None;
        }
        let req = format!(
            "GET /latest/meta-data/instance-id HTTP/1.1\r\nHost: 169.254.169.254\r\nX-aws-ec2-metadata-token: {}\r\nConnection: close\r\n\r\n",
            token.trim()
        );
        let (code, id) = http(&addr, self.timeout, &req)?;
        let id = id.trim().to_string();
        (code == 200
            && id.starts_with("i-")
            && id.len() < 32
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some(id)
    }
}

/// True when the AWS SDK's `AWS_EC2_METADATA_DISABLED` turns the metadata service off
/// (`true`, any case), read through `env`.
pub fn imds_disabled(env: impl Fn(&str) -> Option<String>) -> bool {
    env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

/// Who the host is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// The instance id or the hostname: findings carry it as their `account`.
    pub id: String,
    pub instance_id: Option<String>,
    pub hostname: String,
}

/// The hostname: `/etc/hostname` of the root (the kernel's on the live system).
pub fn hostname(root: &Root) -> String {
    let live = root
        .is_live()
        .then(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .flatten();
    live.or_else(|| root.read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// Resolves the identity. The metadata service describes the machine yagura runs on, so it is
/// asked only when the root is that machine's (`/`); an image or snapshot is named by its own
/// `/etc/hostname`.
pub fn identify(root: &Root, meta: &dyn MetadataSource) -> Identity {
    let hostname = hostname(root);
    let instance_id = if root.is_live() {
        meta.instance_id()
    } else {
        None
    };
    Identity {
        id: instance_id.clone().unwrap_or_else(|| hostname.clone()),
        instance_id,
        hostname,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;
    impl MetadataSource for Fake {
        fn instance_id(&self) -> Option<String> {
            Some("i-0abc".into())
        }
    }

    #[test]
    fn the_sdk_variable_turns_the_metadata_service_off() {
        let env = |v: Option<&'static str>| {
            move |k: &str| {
                (k == "AWS_EC2_METADATA_DISABLED")
                    .then_some(v)
                    .flatten()
                    .map(str::to_string)
            }
        };
        assert!(imds_disabled(env(Some("true"))));
        assert!(imds_disabled(env(Some(" TRUE "))));
        assert!(!imds_disabled(env(Some("false"))));
        assert!(!imds_disabled(env(None)));
    }

    #[test]
    #[allow(clippy::panic)]
    fn metadata_only_for_the_live_root() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(tmp.path().join("etc")).unwrap_or_default();
        std::fs::write(tmp.path().join("etc/hostname"), "web-1\n").unwrap_or_default();
        let id = identify(&Root::new(tmp.path()), &Fake);
        assert_eq!(id.id, "web-1");
        assert_eq!(id.instance_id, None);
        let live = identify(&Root::new("/"), &Fake);
        assert_eq!(live.id, "i-0abc");
    }

    /// A fake metadata service on a local port: IMDSv2's token, then the id with the token.
    #[test]
    #[allow(clippy::panic, clippy::unwrap_used)]
    fn imdsv2_flow_against_a_local_fake() {
        use std::io::{BufRead, BufReader};
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for _ in 0..2 {
                let (mut s, _) = l.accept().unwrap();
                let mut head = Vec::new();
                let mut r = BufReader::new(s.try_clone().unwrap());
                loop {
                    let mut line = String::new();
                    r.read_line(&mut line).unwrap();
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                    head.push(line);
                }
                let first = head[0].clone();
                let body = if first.starts_with("PUT /latest/api/token") {
                    assert!(head
                        .iter()
                        .any(|h| h.starts_with("X-aws-ec2-metadata-token-ttl-seconds")));
                    "TOKEN123"
                } else {
                    assert!(first.starts_with("GET /latest/meta-data/instance-id"));
                    assert!(head
                        .iter()
                        .any(|h| h.trim() == "X-aws-ec2-metadata-token: TOKEN123"));
                    "i-0123456789abcdef0"
                };
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                s.write_all(resp.as_bytes()).unwrap();
                seen.push(first);
            }
            seen
        });
        let imds = Imds {
            addr,
            timeout: Duration::from_secs(2),
        };
        assert_eq!(imds.instance_id().as_deref(), Some("i-0123456789abcdef0"));
        assert_eq!(server.join().unwrap().len(), 2);
        // nothing listening: no id, quickly
        let closed = Imds {
            addr: SocketAddr::from(([127, 0, 0, 1], 9)),
            timeout: Duration::from_millis(200),
        };
        assert_eq!(closed.instance_id(), None);
    }
}
