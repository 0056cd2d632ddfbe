//! Security group rules: which are open to the world and which ports they cover.

use yagura_inventory::IngressRule;

/// The rule admits `0.0.0.0/0` or `::/0`.
pub(crate) fn is_world(r: &IngressRule) -> bool {
    r.ipv4_ranges.iter().any(|c| c == "0.0.0.0/0") || r.ipv6_ranges.iter().any(|c| c == "::/0")
}

/// The ports of the rule, both ends included (every port for all protocols).
pub(crate) fn port_range(r: &IngressRule) -> (i32, i32) {
    if r.protocol == "-1" {
        return (0, 65535);
    }
    match (r.from_port, r.to_port) {
        (Some(f), Some(t)) if f >= 0 && t >= f => (f, t),
        (Some(f), None) => (f, f),
        _ => (0, 65535),
    }
}

/// The rule admits TCP or UDP traffic to `port`.
pub(crate) fn covers(r: &IngressRule, port: u16) -> bool {
    if r.protocol != "-1"
        && r.protocol != "tcp"
        && r.protocol != "6"
        && r.protocol != "udp"
        && r.protocol != "17"
    {
        return false;
    }
    let (f, t) = port_range(r);
    (f..=t).contains(&i32::from(port))
}
