//! Security group rules: what a group opens to the whole internet, judged on the union of its
//! rules' address ranges (`0.0.0.0/1` + `128.0.0.0/1` is the world too), per protocol and port.

use std::net::{Ipv4Addr, Ipv6Addr};
use yagura_inventory::{IngressRule, SecurityGroup};

pub(crate) mod acl;

/// The protocol of a rule, from its `IpProtocol` (a name or an IANA number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Proto {
    /// `-1`: every protocol and port.
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Another IANA protocol number (GRE is 47, ESP 50 …), without ports.
    Number(u8),
}

impl Proto {
    pub(crate) fn of(r: &IngressRule) -> Option<Proto> {
        let p = r.protocol.as_str();
        let is = |name: &str, number: &str| p == number || p.eq_ignore_ascii_case(name);
        if is("all", "-1") {
            Some(Proto::All)
        } else if is("tcp", "6") {
            Some(Proto::Tcp)
        } else if is("udp", "17") {
            Some(Proto::Udp)
        } else if is("icmp", "1") {
            Some(Proto::Icmp)
        } else if is("icmpv6", "58") {
            Some(Proto::Icmpv6)
        } else {
            p.parse().ok().map(Proto::Number)
        }
    }

    /// TCP and UDP have ports; the others are judged as one range (ICMP's type and code).
    fn has_ports(self) -> bool {
        matches!(self, Proto::Tcp | Proto::Udp)
    }
}

/// What a group opens to the world: a protocol and, for TCP and UDP, a port range (both ends
/// included); for ICMP the type (`None` for every type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Exposure {
    pub proto: Proto,
    pub from: i32,
    pub to: i32,
}

impl Exposure {
    /// The exposure as a person says it: `all traffic`, `TCP 22`, `UDP 1000-2000`, `ICMP`,
    /// `ICMP type 8`, `protocol 47` (English and Japanese).
    pub(crate) fn describe(&self) -> (String, String) {
        let ports = if self.from == self.to {
            self.from.to_string()
        } else {
            format!("{}-{}", self.from, self.to)
        };
        let icmp_type = |name: &str| {
            if self.from < 0 {
                (name.to_string(), name.to_string())
            } else {
                (
                    format!("{name} type {}", self.from),
                    format!("{name} タイプ {}", self.from),
                )
            }
        };
        match self.proto {
            Proto::All => ("all traffic".to_string(), "全トラフィック".to_string()),
            Proto::Tcp => (format!("TCP {ports}"), format!("TCP {ports}")),
            Proto::Udp => (format!("UDP {ports}"), format!("UDP {ports}")),
            Proto::Icmp => icmp_type("ICMP"),
            Proto::Icmpv6 => icmp_type("ICMPv6"),
            Proto::Number(n) => (format!("protocol {n}"), format!("プロトコル {n}")),
        }
    }

    /// The exposure lets TCP traffic reach `port`.
    pub(crate) fn tcp_port(&self, port: u16) -> bool {
        matches!(self.proto, Proto::All | Proto::Tcp)
            && (self.from..=self.to).contains(&i32::from(port))
    }
}

/// The ports of the rule, both ends included (every port for all protocols). For ICMP the
/// first is the type (-1: any).
fn port_range(r: &IngressRule, proto: Proto) -> (i32, i32) {
    if !proto.has_ports() {
        return match proto {
            Proto::Icmp | Proto::Icmpv6 => (r.from_port.unwrap_or(-1), r.from_port.unwrap_or(-1)),
            _ => (-1, -1),
        };
    }
    match (r.from_port, r.to_port) {
        (Some(f), Some(t)) if f >= 0 && t >= f => (f.min(65535), t.min(65535)),
        (Some(f), None) if f >= 0 => (f, f),
        _ => (0, 65535),
    }
}

/// The CIDR blocks of a rule cover the whole IPv4 or the whole IPv6 address space.
fn world(cidrs4: &[&str], cidrs6: &[&str]) -> bool {
    let v4: Vec<(u128, u128)> = cidrs4
        .iter()
        .filter_map(|c| {
            span(c, 32, |a| {
                a.parse::<Ipv4Addr>().ok().map(|a| u32::from(a).into())
            })
        })
        .collect();
    let v6: Vec<(u128, u128)> = cidrs6
        .iter()
        .filter_map(|c| span(c, 128, |a| a.parse::<Ipv6Addr>().ok().map(u128::from)))
        .collect();
    covers_all(v4, u128::from(u32::MAX)) || covers_all(v6, u128::MAX)
}

/// The prefix length of a CIDR block, without reading its address.
fn prefix_len(cidr: &str) -> Option<u32> {
    cidr.trim().rsplit_once('/')?.1.parse().ok()
}

/// The first and last address of a CIDR block, as numbers; `None` when it does not parse.
fn span(cidr: &str, bits: u32, parse: impl Fn(&str) -> Option<u128>) -> Option<(u128, u128)> {
    let (addr, len) = cidr.trim().split_once('/')?;
    let len: u32 = len.parse().ok()?;
    if len > bits {
        return None;
    }
    let addr = parse(addr)?;
    let host_bits = bits - len;
    let host = if host_bits == 0 {
        0
    } else {
        u128::MAX >> (128 - host_bits)
    };
    let first = addr & !host;
    Some((first, first | host))
}

/// The merged blocks cover `0..=max`.
fn covers_all(mut blocks: Vec<(u128, u128)>, max: u128) -> bool {
    blocks.sort_unstable();
    let mut next = 0u128; // the first address not yet covered
    for (first, last) in blocks {
        if first > next {
            return false;
        }
        if last >= max {
            return true;
        }
        next = next.max(last + 1);
    }
    false
}

/// Everything the group opens to the world, protocol by protocol: when all traffic is open,
/// only that; TCP and UDP as merged port ranges; ICMP per type; other protocols whole. A rule
/// of an unknown protocol is left out.
pub(crate) fn exposures(g: &SecurityGroup) -> Vec<Exposure> {
    if split_possible(g) {
        union_exposures(g)
    } else {
        alone_exposures(g)
    }
}

/// [`exposures`] of a group whose smaller blocks cannot make up the world: the rules with a
/// `/0` of their own, merged (no address is compared; no allocation when there are none).
fn alone_exposures(g: &SecurityGroup) -> Vec<Exposure> {
    let mut out = Vec::new();
    for r in &g.ingress {
        let Some(proto) = Proto::of(r) else {
            continue;
        };
        if !alone(r) {
            continue;
        }
        if proto == Proto::All {
            return vec![Exposure {
                proto,
                from: 0,
                to: 65535,
            }];
        }
        let (from, to) = port_range(r, proto);
        out.push(Exposure { proto, from, to });
    }
    // The order of `union_exposures`: TCP, UDP, then the others; an any-type ICMP (-1) first,
    // covering the types after it.
    out.sort_unstable_by_key(|e| (e.proto, e.from, e.to));
    out.dedup_by(|e, kept| {
        if e.proto != kept.proto {
            false
        } else if e.proto.has_ports() {
            let joins = e.from <= kept.to.saturating_add(1);
            if joins {
                kept.to = kept.to.max(e.to);
            }
            joins
        } else {
            kept.from < 0 || kept.from == e.from
        }
    });
    out
}

/// [`exposures`] judged on the union of the rules' blocks, for the groups whose smaller blocks
/// may add up to the world.
fn union_exposures(g: &SecurityGroup) -> Vec<Exposure> {
    let rules: Vec<(Proto, &IngressRule)> = g
        .ingress
        .iter()
        .filter_map(|r| Proto::of(r).map(|p| (p, r)))
        .collect();
    let ranges = |want: Proto, lo: i32, hi: i32| -> bool {
        let mut v4 = Vec::new();
        let mut v6 = Vec::new();
        for (p, r) in &rules {
            let (f, t) = port_range(r, *p);
            let applies = match *p {
                Proto::All => true,
                p if p != want => false,
                p if p.has_ports() => f <= lo && hi <= t,
                // ICMP: an any-type rule (-1) opens every type.
                _ => f < 0 || f == lo,
            };
            if applies {
                v4.extend(r.ipv4_ranges.iter().map(String::as_str));
                v6.extend(r.ipv6_ranges.iter().map(String::as_str));
            }
        }
        world(&v4, &v6)
    };
    if ranges(Proto::All, 0, 65535) {
        return vec![Exposure {
            proto: Proto::All,
            from: 0,
            to: 65535,
        }];
    }
    let mut out = Vec::new();
    for proto in [Proto::Tcp, Proto::Udp] {
        // Without a rule of its own, only all traffic opens it (answered above).
        if !rules.iter().any(|r| r.0 == proto) {
            continue;
        }
        // The port space cut where a rule of this protocol starts or ends; each piece is
        // covered by the same rules throughout.
        let mut cuts = vec![0, 65536];
        for (p, r) in &rules {
            if *p == proto {
                let (f, t) = port_range(r, proto);
                cuts.extend([f, t + 1]);
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        for w in cuts.windows(2) {
            let (lo, hi) = match w {
                [a, b] => (*a, *b - 1),
                _ => continue,
            };
            if !ranges(proto, lo, hi) {
                continue;
            }
            match out.last_mut() {
                Some(Exposure { proto: p, to, .. }) if *p == proto && *to + 1 == lo => *to = hi,
                _ => out.push(Exposure {
                    proto,
                    from: lo,
                    to: hi,
                }),
            }
        }
    }
    // ICMP by type (an any-type rule first), then other protocols whole.
    let mut others: Vec<(Proto, i32)> = rules
        .iter()
        .filter(|(p, _)| !p.has_ports() && *p != Proto::All)
        .map(|(p, r)| (*p, port_range(r, *p).0))
        .collect();
    others.sort_unstable();
    others.dedup();
    for (proto, kind) in others {
        let any_open = out
            .iter()
            .any(|e| e.proto == proto && e.from < 0 && kind >= 0);
        if !any_open && ranges(proto, kind, kind) {
            out.push(Exposure {
                proto,
                from: kind,
                to: kind,
            });
        }
    }
    out
}

/// The group lets the world reach TCP `port` (or every protocol).
pub(crate) fn world_tcp(g: &SecurityGroup, port: u16) -> bool {
    // Only the rules that let TCP reach the port count: one with a `/0` answers; else their
    // blocks together may, when their sizes add up to the world.
    let (mut v4, mut v6) = (0u128, 0u128);
    for r in &g.ingress {
        if !matches!(Proto::of(r), Some(Proto::All | Proto::Tcp)) || !covers(r, port) {
            continue;
        }
        if alone(r) {
            return true;
        }
        add_sizes(r, &mut v4, &mut v6);
    }
    (v4 >= 1u128 << 32 || v6 == u128::MAX) && exposures(g).iter().any(|e| e.tcp_port(port))
}

/// Adds the sizes of the rule's blocks smaller than the world to the IPv4 and IPv6 sums
/// (saturating).
fn add_sizes(r: &IngressRule, v4: &mut u128, v6: &mut u128) {
    for l in r.ipv4_ranges.iter().filter_map(|c| prefix_len(c)) {
        if (1..=32).contains(&l) {
            *v4 = v4.saturating_add(1u128 << (32 - l));
        }
    }
    for l in r.ipv6_ranges.iter().filter_map(|c| prefix_len(c)) {
        if (1..=128).contains(&l) {
            *v6 = v6.saturating_add(1u128 << (128 - l));
        }
    }
}

/// The rule names a block that is the whole IPv4 or IPv6 space by itself.
fn alone(r: &IngressRule) -> bool {
    let whole = |c: &str, v6: bool| {
        if c == "0.0.0.0/0" || c == "::/0" {
            return true;
        }
        prefix_len(c) == Some(0)
            && if v6 {
                world(&[], &[c])
            } else {
                world(&[c], &[])
            }
    };
    r.ipv4_ranges.iter().any(|c| whole(c, false)) || r.ipv6_ranges.iter().any(|c| whole(c, true))
}

/// Whether the group's blocks smaller than the world add up to the size of the IPv4 or IPv6
/// space, so that their union may be the world (a sum of IPv6 blocks that saturates may be).
fn split_possible(g: &SecurityGroup) -> bool {
    let (mut v4, mut v6) = (0u128, 0u128);
    for r in &g.ingress {
        add_sizes(r, &mut v4, &mut v6);
    }
    v4 >= 1u128 << 32 || v6 == u128::MAX
}

/// The rule admits TCP or UDP traffic to `port`.
pub(crate) fn covers(r: &IngressRule, port: u16) -> bool {
    match Proto::of(r) {
        Some(p @ (Proto::Tcp | Proto::Udp)) => {
            let (f, t) = port_range(r, p);
            (f..=t).contains(&i32::from(port))
        }
        Some(Proto::All) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
