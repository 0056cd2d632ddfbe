//! What a security group opens to the world: protocols, ranges and unions.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use super::*;

fn rule(protocol: &str, ports: Option<(i32, i32)>, v4: &[&str], v6: &[&str]) -> IngressRule {
    IngressRule {
        protocol: protocol.to_string(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ipv4_ranges: v4.iter().map(|s| s.to_string()).collect(),
        ipv6_ranges: v6.iter().map(|s| s.to_string()).collect(),
    }
}

fn group(rules: Vec<IngressRule>) -> SecurityGroup {
    SecurityGroup {
        id: "sg-1".to_string(),
        ingress: rules,
        ..SecurityGroup::default()
    }
}

fn said(g: &SecurityGroup) -> Vec<String> {
    exposures(g).iter().map(|e| e.describe().0).collect()
}

#[test]
fn udp_22_is_not_ssh() {
    let g = group(vec![rule("udp", Some((22, 22)), &["0.0.0.0/0"], &[])]);
    assert!(!world_tcp(&g, 22));
    assert_eq!(said(&g), ["UDP 22"]);
    let g = group(vec![rule("6", Some((22, 22)), &["0.0.0.0/0"], &[])]);
    assert!(world_tcp(&g, 22));
    assert_eq!(said(&g), ["TCP 22"]);
}

#[test]
fn icmp_and_all_traffic_are_said_as_they_are() {
    let g = group(vec![rule("icmp", Some((-1, -1)), &["0.0.0.0/0"], &[])]);
    assert_eq!(said(&g), ["ICMP"]);
    assert_eq!(exposures(&g)[0].describe().1, "ICMP");
    let g = group(vec![rule("1", Some((8, -1)), &["0.0.0.0/0"], &[])]);
    assert_eq!(said(&g), ["ICMP type 8"]);
    let g = group(vec![rule("-1", None, &[], &["::/0"])]);
    assert_eq!(said(&g), ["all traffic"]);
    assert_eq!(exposures(&g)[0].describe().1, "全トラフィック");
    assert!(world_tcp(&g, 3389));
    let g = group(vec![rule("47", None, &["0.0.0.0/0"], &[])]);
    assert_eq!(said(&g), ["protocol 47"]);
}

#[test]
fn the_world_split_in_halves_is_the_world() {
    let g = group(vec![
        rule("tcp", Some((22, 22)), &["0.0.0.0/1"], &[]),
        rule("tcp", Some((0, 1024)), &["128.0.0.0/1"], &[]),
    ]);
    assert!(world_tcp(&g, 22));
    assert!(!world_tcp(&g, 23));
    assert_eq!(said(&g), ["TCP 22"]);
    let g = group(vec![rule(
        "tcp",
        Some((3389, 3389)),
        &[],
        &["::/1", "8000::/1"],
    )]);
    assert!(world_tcp(&g, 3389));
    // Halves of different families, or a gap, are not the world.
    let g = group(vec![rule(
        "tcp",
        Some((22, 22)),
        &["0.0.0.0/1", "128.0.0.0/2"],
        &["8000::/1"],
    )]);
    assert!(!world_tcp(&g, 22));
    assert!(said(&g).is_empty());
    // All traffic from one half and TCP 22 from the other: TCP 22 is open.
    let g = group(vec![
        rule("-1", None, &["0.0.0.0/1"], &[]),
        rule("tcp", Some((22, 22)), &["128.0.0.0/1"], &[]),
    ]);
    assert_eq!(said(&g), ["TCP 22"]);
}

/// The shortcut for groups that cannot make up the world from smaller blocks answers as
/// the union does, on every group of up to three of these rules.
#[test]
fn the_shortcut_agrees_with_the_union() {
    let world = &["0.0.0.0/0"][..];
    let some = &["10.0.0.0/8"][..];
    let menu = [
        rule("tcp", Some((22, 22)), world, &[]),
        rule("tcp", Some((20, 23)), &[], &["::/0"]),
        rule("tcp", Some((24, 30)), world, &[]),
        rule("tcp", Some((443, 443)), some, &[]),
        rule("6", Some((0, 65535)), some, &["::/0"]),
        rule("udp", Some((53, 53)), world, &[]),
        rule("icmp", Some((-1, -1)), world, &[]),
        rule("icmp", Some((8, -1)), world, &[]),
        rule("icmpv6", Some((128, -1)), &[], &["::/0"]),
        rule("47", None, world, &[]),
        rule("-1", None, some, &[]),
        rule("-1", None, world, &[]),
    ];
    let n = menu.len();
    for a in 0..n {
        for b in a..n {
            for c in b..n {
                let g = group(vec![menu[a].clone(), menu[b].clone(), menu[c].clone()]);
                assert!(!split_possible(&g));
                assert_eq!(alone_exposures(&g), union_exposures(&g), "{a} {b} {c}");
                for port in [22, 25, 443, 3389] {
                    assert_eq!(
                        world_tcp(&g, port),
                        union_exposures(&g).iter().any(|e| e.tcp_port(port))
                    );
                }
            }
        }
    }
}

#[test]
fn adjacent_ranges_merge_and_bad_blocks_cover_nothing() {
    let g = group(vec![
        rule("tcp", Some((1000, 1999)), &["0.0.0.0/0"], &[]),
        rule("tcp", Some((2000, 2999)), &["0.0.0.0/0"], &[]),
        rule(
            "udp",
            Some((53, 53)),
            &["0.0.0.0/0", "nonsense", "1.2.3.4/33"],
            &[],
        ),
    ]);
    assert_eq!(said(&g), ["TCP 1000-2999", "UDP 53"]);
    assert!(!world(&["0.0.0.0/33", "x/0"], &["::/129"]));
    assert!(world(&["10.0.0.1/0"], &[]));
}
