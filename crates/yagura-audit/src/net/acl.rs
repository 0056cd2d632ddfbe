//! Network ACLs: what their inbound rules let the whole internet reach. Rules are evaluated in
//! rule-number order and the first that matches a packet decides; a packet from anywhere is
//! matched by the rules whose block is the whole address space of its family (`0.0.0.0/0`,
//! `::/0`), so the first such rule that covers the traffic decides for the world. Protocols,
//! ports and `/0` blocks are read as the security group rules are ([`Proto`], [`covers`],
//! [`alone`]).

use super::{alone, covers, Proto};
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

/// The inbound entries that match a packet from anywhere of family `v6`, in evaluation order,
/// as rules with whether each allows.
fn world_entries(acl: &NetworkAcl, v6: bool) -> Vec<(IngressRule, bool)> {
    let mut entries: Vec<&NetworkAclEntry> = acl.entries.iter().filter(|e| !e.egress).collect();
    entries.sort_by_key(|e| e.rule_number);
    entries
        .into_iter()
        .filter_map(|e| as_rule(e, v6).map(|r| (r, e.allow)))
        .filter(|(r, _)| alone(r))
        .collect()
}

/// The ACL lets TCP traffic from the whole internet (IPv4 or IPv6) reach `port`.
pub(crate) fn world_tcp(acl: &NetworkAcl, port: u16) -> bool {
    [false, true].into_iter().any(|v6| {
        world_entries(acl, v6)
            .iter()
            .find(|(r, _)| matches!(Proto::of(r), Some(Proto::All | Proto::Tcp)) && covers(r, port))
            .is_some_and(|(_, allow)| *allow)
    })
}

/// The ACL lets every protocol and port in from the whole internet: an allow-all rule of a `/0`
/// comes before any rule of a `/0` that denies.
pub(crate) fn world_all(acl: &NetworkAcl) -> bool {
    [false, true].into_iter().any(|v6| {
        world_entries(acl, v6)
            .iter()
            .find(|(r, allow)| !allow || Proto::of(r) == Some(Proto::All))
            .is_some_and(|(_, allow)| *allow)
    })
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
}
