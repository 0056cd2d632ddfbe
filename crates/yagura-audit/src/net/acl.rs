//! Network ACLs: what their inbound rules let the whole internet reach. Rules are evaluated in
//! rule-number order and the first that matches a packet decides. The traffic is open to the
//! internet when either
//! - the first rule of a whole-space block (`0.0.0.0/0`, `::/0`) that matches it allows it (a
//!   deny of a smaller block before it, say `10.0.0.0/8`, leaves the internet reaching the port),
//!   or
//! - walking the rules in order over the address space, each deciding the addresses of its block
//!   no earlier rule decided, the allowed addresses make up the whole space: two allowed halves
//!   (`0.0.0.0/1` and `128.0.0.0/1`) open the internet as one `0.0.0.0/0` does.
//!
//! Protocols, ports and blocks are read as the security group rules are ([`Proto`], [`covers`],
//! [`alone`]).

use super::{alone, covers, covers_all, span, Proto};
use std::net::{Ipv4Addr, Ipv6Addr};
use yagura_inventory::{IngressRule, NetworkAcl, NetworkAclEntry};

/// The entry as a rule of one address family (`v6`), or `None` when it has no block of it.
fn as_rule(e: &NetworkAclEntry, v6: bool) -> Option<IngressRule> {
    let block = if v6 { &e.ipv6_cidr } else { &e.cidr };
    let block = block.as_ref()?.clone();
    let (ipv4_ranges, ipv6_ranges) = if v6 {
        (Vec::new(), vec![block])
    } else {
        (vec![block], Vec::new())
    };
    Some(IngressRule {
        protocol: e.protocol.clone(),
        from_port: e.from_port,
        to_port: e.to_port,
        ipv4_ranges,
        ipv6_ranges,
    })
}

/// The block of a rule of family `v6` as its first and last address.
fn block(r: &IngressRule, v6: bool) -> Option<(u128, u128)> {
    if v6 {
        let c = r.ipv6_ranges.first()?;
        span(c, 128, |a| a.parse::<Ipv6Addr>().ok().map(u128::from))
    } else {
        let c = r.ipv4_ranges.first()?;
        span(c, 32, |a| {
            a.parse::<Ipv4Addr>().ok().map(|a| u32::from(a).into())
        })
    }
}

/// `span` without the addresses of `decided` (sorted, disjoint).
fn minus((mut first, last): (u128, u128), decided: &[(u128, u128)]) -> Vec<(u128, u128)> {
    let mut out = Vec::new();
    for &(a, b) in decided {
        if b < first || a > last {
            continue;
        }
        if a > first {
            out.push((first, a - 1));
        }
        if b >= last {
            return out;
        }
        first = b + 1;
    }
    out.push((first, last));
    out
}

/// Adds `piece` to the sorted, disjoint `set`, merging neighbours.
fn insert(set: &mut Vec<(u128, u128)>, piece: (u128, u128)) {
    set.push(piece);
    set.sort_unstable();
    let mut merged: Vec<(u128, u128)> = Vec::with_capacity(set.len());
    for &(a, b) in set.iter() {
        match merged.last_mut() {
            Some(last) if a <= last.1.saturating_add(1) => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    *set = merged;
}

/// Whether every address of family `v6` is let in: walking the inbound entries in rule-number
/// order, the entries that `decides` (with whether each allows) decide the addresses of their
/// block not yet decided; the allowed ones must cover the whole space.
fn world_let_in(acl: &NetworkAcl, v6: bool, decides: impl Fn(&IngressRule, bool) -> bool) -> bool {
    let mut entries: Vec<&NetworkAclEntry> = acl.entries.iter().filter(|e| !e.egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    let (mut decided, mut allowed) = (Vec::new(), Vec::new());
    for e in entries {
        let Some(r) = as_rule(e, v6) else { continue };
        let Some(b) = block(&r, v6).filter(|_| decides(&r, e.allow)) else {
            continue;
        };
        for piece in minus(b, &decided) {
            if e.allow {
                allowed.push(piece);
            }
        }
        insert(&mut decided, b);
    }
    let max = if v6 { u128::MAX } else { u128::from(u32::MAX) };
    covers_all(allowed, max)
}

/// Whether the first rule of a whole-space block of family `v6` that `decides` allows.
fn first_whole_allows(
    acl: &NetworkAcl,
    v6: bool,
    decides: impl Fn(&IngressRule, bool) -> bool,
) -> bool {
    let mut entries: Vec<&NetworkAclEntry> = acl.entries.iter().filter(|e| !e.egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    entries
        .into_iter()
        .filter_map(|e| as_rule(e, v6).map(|r| (r, e.allow)))
        .find(|(r, allow)| alone(r) && decides(r, *allow))
        .is_some_and(|(_, allow)| allow)
}

/// The traffic that `decides` describes is open to the internet (see the module's comment).
fn open(acl: &NetworkAcl, decides: impl Fn(&IngressRule, bool) -> bool + Copy) -> bool {
    [false, true]
        .into_iter()
        .any(|v6| first_whole_allows(acl, v6, decides) || world_let_in(acl, v6, decides))
}

/// The ACL lets TCP traffic from the whole internet (IPv4 or IPv6) reach `port`.
pub(crate) fn world_tcp(acl: &NetworkAcl, port: u16) -> bool {
    open(acl, |r, _| {
        matches!(Proto::of(r), Some(Proto::All | Proto::Tcp)) && covers(r, port)
    })
}

/// The ACL lets every protocol and port in from the whole internet: an allow-all rule comes
/// before any rule that denies something.
pub(crate) fn world_all(acl: &NetworkAcl) -> bool {
    open(acl, |r, allow| !allow || Proto::of(r) == Some(Proto::All))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        n: i32,
        proto: &str,
        ports: Option<(i32, i32)>,
        cidr: &str,
        allow: bool,
    ) -> NetworkAclEntry {
        let v6 = cidr.contains(':');
        NetworkAclEntry {
            rule_number: n,
            egress: false,
            protocol: proto.to_string(),
            allow,
            cidr: (!v6).then(|| cidr.to_string()),
            ipv6_cidr: v6.then(|| cidr.to_string()),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
        }
    }

    fn acl(entries: Vec<NetworkAclEntry>) -> NetworkAcl {
        NetworkAcl {
            id: "acl-1".into(),
            vpc_id: "vpc-1".into(),
            entries,
            ..NetworkAcl::default()
        }
    }

    #[test]
    fn the_default_acl_opens_everything() {
        let a = acl(vec![
            entry(100, "-1", None, "0.0.0.0/0", true),
            entry(32767, "-1", None, "0.0.0.0/0", false),
        ]);
        assert!(world_all(&a));
        assert!(world_tcp(&a, 22) && world_tcp(&a, 3389));
    }

    #[test]
    fn the_first_matching_rule_decides() {
        // A deny of SSH before an allow of everything: SSH is closed, RDP open, not all.
        let a = acl(vec![
            entry(90, "6", Some((22, 22)), "0.0.0.0/0", false),
            entry(100, "-1", None, "0.0.0.0/0", true),
        ]);
        assert!(!world_tcp(&a, 22));
        assert!(world_tcp(&a, 3389));
        assert!(!world_all(&a));
        // Rule numbers, not the order of the list, decide.
        let b = acl(vec![
            entry(200, "-1", None, "0.0.0.0/0", true),
            entry(100, "-1", None, "0.0.0.0/0", false),
        ]);
        assert!(!world_all(&b) && !world_tcp(&b, 22));
    }

    #[test]
    fn udp_smaller_blocks_and_other_ports_do_not_open_ssh() {
        let a = acl(vec![
            entry(100, "17", Some((22, 22)), "0.0.0.0/0", true),
            entry(110, "6", Some((22, 22)), "203.0.113.0/24", true),
            entry(120, "6", Some((443, 443)), "0.0.0.0/0", true),
            entry(32767, "-1", None, "0.0.0.0/0", false),
        ]);
        assert!(!world_tcp(&a, 22));
        assert!(world_tcp(&a, 443));
        assert!(!world_all(&a));
    }

    #[test]
    fn ipv6_is_judged_on_its_own() {
        let a = acl(vec![
            entry(100, "-1", None, "0.0.0.0/0", false),
            entry(101, "6", Some((3389, 3389)), "::/0", true),
        ]);
        assert!(world_tcp(&a, 3389));
        assert!(!world_tcp(&a, 22));
        let egress_only = acl(vec![NetworkAclEntry {
            egress: true,
            ..entry(100, "-1", None, "0.0.0.0/0", true)
        }]);
        assert!(!world_all(&egress_only));
    }

    #[test]
    fn halves_of_the_internet_add_up_and_earlier_denies_take_their_block() {
        // Issue 18's review: SSH admitted as two halves is admitted to the whole internet.
        let halves = acl(vec![
            entry(100, "6", Some((22, 22)), "0.0.0.0/1", true),
            entry(110, "6", Some((22, 22)), "128.0.0.0/1", true),
            entry(32767, "-1", None, "0.0.0.0/0", false),
        ]);
        assert!(world_tcp(&halves, 22));
        assert!(!world_tcp(&halves, 3389) && !world_all(&halves));
        // A deny of part of one half before it: that part stays shut, the world is not let in.
        let holed = acl(vec![
            entry(90, "6", Some((22, 22)), "192.0.2.0/24", false),
            entry(100, "6", Some((22, 22)), "0.0.0.0/1", true),
            entry(110, "6", Some((22, 22)), "128.0.0.0/1", true),
        ]);
        assert!(!world_tcp(&holed, 22));
        // ... but a small deny before an allow of 0.0.0.0/0 leaves the internet reaching it.
        let private_denied = acl(vec![
            entry(90, "-1", None, "10.0.0.0/8", false),
            entry(100, "-1", None, "0.0.0.0/0", true),
        ]);
        assert!(world_tcp(&private_denied, 22) && world_all(&private_denied));
        // IPv6 halves, all traffic.
        let v6 = acl(vec![
            entry(100, "-1", None, "::/1", true),
            entry(101, "-1", None, "8000::/1", true),
        ]);
        assert!(world_all(&v6) && world_tcp(&v6, 3389));
        // Quarters in any order of rule numbers.
        let quarters = acl(vec![
            entry(140, "6", Some((0, 65535)), "192.0.0.0/2", true),
            entry(110, "6", Some((3389, 3389)), "0.0.0.0/2", true),
            entry(120, "6", Some((3000, 4000)), "64.0.0.0/2", true),
            entry(130, "-1", None, "128.0.0.0/2", true),
        ]);
        assert!(world_tcp(&quarters, 3389) && !world_tcp(&quarters, 22));
    }

    #[test]
    fn interval_arithmetic() {
        assert_eq!(
            minus((0, 100), &[(10, 20), (50, 60)]),
            [(0, 9), (21, 49), (61, 100)]
        );
        assert_eq!(minus((10, 20), &[(0, 100)]), []);
        assert_eq!(minus((0, u128::MAX), &[]), [(0, u128::MAX)]);
        let mut set = vec![(0, 9)];
        insert(&mut set, (10, 20));
        insert(&mut set, (30, 40));
        insert(&mut set, (25, 35));
        assert_eq!(set, [(0, 20), (25, 40)]);
        insert(&mut set, (u128::MAX - 1, u128::MAX));
        assert_eq!(set.last(), Some(&(u128::MAX - 1, u128::MAX)));
    }
}
