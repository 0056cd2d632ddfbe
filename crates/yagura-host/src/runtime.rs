//! Runtime behaviour on a live host (HOST-05): listening TCP ports mapped to processes through
//! /proc, insecure protocols, root processes mapping files writable by non-root users.

use serde::Serialize;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// A listening TCP socket and the processes holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listener {
    pub addr: IpAddr,
    pub port: u16,
    pub inode: u64,
    pub uid: u32,
    /// (pid, process name)
    pub processes: Vec<(u32, String)>,
}

/// One parsed line of /proc/net/tcp or tcp6.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpEntry {
    pub addr: IpAddr,
    pub port: u16,
    pub state: u8,
    pub uid: u32,
    pub inode: u64,
}

/// TCP state `LISTEN` in /proc/net/tcp.
pub const TCP_LISTEN: u8 = 0x0A;

fn parse_addr(hex: &str) -> Option<(IpAddr, u16)> {
    let (a, p) = hex.split_once(':')?;
    let port = u16::from_str_radix(p, 16).ok()?;
    let words: Vec<u32> = (0..a.len() / 8)
        .map(|i| {
            a.get(i * 8..i * 8 + 8)
                .and_then(|w| u32::from_str_radix(w, 16).ok())
        })
        .collect::<Option<Vec<_>>>()?;
    // each 32-bit word is in host (little-endian) order
    let addr = match words.as_slice() {
        [w] if a.len() == 8 => IpAddr::V4(Ipv4Addr::from(w.swap_bytes())),
        [a0, a1, a2, a3] if a.len() == 32 => {
            let mut b = [0u8; 16];
            for (i, w) in [a0, a1, a2, a3].iter().enumerate() {
                b[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
            }
            IpAddr::V6(Ipv6Addr::from(b))
        }
        _ => return None,
    };
    Some((addr, port))
}

/// Parses /proc/net/tcp or /proc/net/tcp6 text; malformed lines are skipped.
pub fn parse_proc_net_tcp(text: &str) -> Vec<TcpEntry> {
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (Some(local), Some(st), Some(uid), Some(inode)) =
            (f.get(1), f.get(3), f.get(7), f.get(9))
        else {
            continue;
        };
        let (Some((addr, port)), Ok(state), Ok(uid), Ok(inode)) = (
            parse_addr(local),
            u8::from_str_radix(st, 16),
            uid.parse::<u32>(),
            inode.parse::<u64>(),
        ) else {
            continue;
        };
        out.push(TcpEntry {
            addr,
            port,
            state,
            uid,
            inode,
        });
    }
    out
}

/// Socket inode → processes, from /proc/PID/fd links `socket:[INODE]`. Processes that cannot be
/// read (other users' without privileges) are skipped.
pub fn socket_owners(proc_dir: &Path) -> BTreeMap<u64, Vec<(u32, String)>> {
    let mut map: BTreeMap<u64, Vec<(u32, String)>> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(proc_dir) else {
        return map;
    };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(e.path().join("fd")) else {
            continue;
        };
        let name = process_name(proc_dir, pid);
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let t = target.to_string_lossy();
            if let Some(inode) = t
                .strip_prefix("socket:[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|r| r.parse::<u64>().ok())
            {
                let v = map.entry(inode).or_default();
                if !v.iter().any(|(p, _)| *p == pid) {
                    v.push((pid, name.clone()));
                }
            }
        }
    }
    map
}

/// The process name (`comm`).
pub fn process_name(proc_dir: &Path, pid: u32) -> String {
    std::fs::read_to_string(proc_dir.join(pid.to_string()).join("comm"))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Listening TCP sockets (IPv4 and IPv6) with their processes.
pub fn listeners(proc_dir: &Path) -> Vec<Listener> {
    let owners = socket_owners(proc_dir);
    let mut out = Vec::new();
    for f in ["net/tcp", "net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(proc_dir.join(f)) else {
            continue;
        };
        for e in parse_proc_net_tcp(&text) {
            if e.state != TCP_LISTEN {
                continue;
            }
            out.push(Listener {
                addr: e.addr,
                port: e.port,
                inode: e.inode,
                uid: e.uid,
                processes: owners.get(&e.inode).cloned().unwrap_or_default(),
            });
        }
    }
    out.sort_by_key(|l| (l.port, l.addr));
    out
}

/// Server ports of cleartext remote-login and file-transfer protocols.
pub const INSECURE_PORTS: &[(u16, &str)] = &[
    (21, "ftp"),
    (23, "telnet"),
    (512, "rexec"),
    (513, "rlogin"),
    (514, "rsh"),
];

/// Server process names of insecure protocols.
pub const INSECURE_SERVER_PROCS: &[&str] = &[
    "telnetd",
    "in.telnetd",
    "vsftpd",
    "proftpd",
    "pure-ftpd",
    "in.ftpd",
    "ftpd",
    "rshd",
    "in.rshd",
    "rlogind",
    "in.rlogind",
    "rexecd",
    "in.rexecd",
    "tftpd",
    "in.tftpd",
];

/// Client process names of insecure protocols.
pub const INSECURE_CLIENT_PROCS: &[&str] = &["telnet", "ftp", "rsh", "rlogin", "rexec", "tftp"];

/// Server packages of insecure protocols.
pub const INSECURE_SERVER_PACKAGES: &[&str] = &[
    "telnetd",
    "inetutils-telnetd",
    "telnetd-ssl",
    "telnet-server",
    "vsftpd",
    "proftpd",
    "proftpd-basic",
    "proftpd-core",
    "pure-ftpd",
    "inetutils-ftpd",
    "ftpd",
    "rsh-server",
    "rsh-redone-server",
    "tftpd",
    "tftpd-hpa",
    "tftp-server",
    "atftpd",
];

/// Client packages of insecure protocols.
pub const INSECURE_CLIENT_PACKAGES: &[&str] = &[
    "telnet",
    "inetutils-telnet",
    "ftp",
    "inetutils-ftp",
    "tnftp",
    "rsh-client",
    "rsh-redone-client",
    "rsh",
    "tftp",
    "tftp-hpa",
    "atftp",
];

/// A file mapped by a root process that non-root users can write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WritableMap {
    pub pid: u32,
    pub process: String,
    pub file: String,
    pub mode: u32,
    pub owner: u32,
}

fn real_uid(proc_dir: &Path, pid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(proc_dir.join(pid.to_string()).join("status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|u| u.parse().ok())
}

/// Files mapped by processes running as root that a non-root user may write (owner not root,
/// or group/world-writable).
pub fn root_writable_maps(proc_dir: &Path) -> Vec<WritableMap> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    let mut checked: BTreeMap<String, Option<(u32, u32)>> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(proc_dir) else {
        return out;
    };
    for e in entries.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if real_uid(proc_dir, pid) != Some(0) {
            continue;
        }
        let Ok(maps) = std::fs::read_to_string(e.path().join("maps")) else {
            continue;
        };
        let mut files: Vec<String> = maps
            .lines()
            .filter_map(|l| l.split_whitespace().nth(5))
            .filter(|f| f.starts_with('/'))
            .map(str::to_string)
            .collect();
        files.sort();
        files.dedup();
        for f in files {
            let info = checked
                .entry(f.clone())
                .or_insert_with(|| std::fs::metadata(&f).ok().map(|m| (m.mode(), m.uid())));
            if let Some((mode, owner)) = *info {
                if owner != 0 || mode & 0o022 != 0 {
                    out.push(WritableMap {
                        pid,
                        process: process_name(proc_dir, pid),
                        file: f,
                        mode: mode & 0o7777,
                        owner,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_proc_net_tcp_lines() {
        let t = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 100 0 0 10 0\n garbage\n";
        let e = parse_proc_net_tcp(t);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].addr, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(e[0].port, 8080);
        assert_eq!(e[0].state, TCP_LISTEN);
        assert_eq!(e[0].inode, 12345);
        let t6 = "h\n 0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1\n";
        let e = parse_proc_net_tcp(t6);
        assert_eq!(e[0].addr, IpAddr::V6(Ipv6Addr::LOCALHOST));
        assert_eq!(e[0].port, 22);
    }
}
