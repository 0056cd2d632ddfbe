//! Regressions of the wrong answers issue 18's review found, against moto_server (PyPI
//! `moto[server]`): each misconfiguration as the review met it, and the check's answer.
//! The pagination regressions need more items than moto puts on a page and live with the
//! recorded responses (`crates/yagura-collect/tests/recorded.rs`, "Pagination").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use yagura_testkit::{moto_available, Moto};

/// Security groups and buckets as the review found them; prints their ids.
const SEED: &str = r#"
import json, sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1")
ec2, s3 = boto3.client("ec2", **kw), boto3.client("s3", **kw)
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
def group(name, perms):
    g = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=perms)
    return g
world = [{"CidrIp": "0.0.0.0/0"}]
out = {
    "udp22": group("udp-22", [{"IpProtocol": "udp", "FromPort": 22, "ToPort": 22, "IpRanges": world}]),
    "icmp": group("icmp", [{"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": world}]),
    "all": group("all-traffic", [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]),
    "halves": group("ssh-halves", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "0.0.0.0/1"}, {"CidrIp": "128.0.0.0/1"}]}]),
    "office": group("ssh-office", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}]),
}
def bucket(name, condition):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*", "Condition": condition}]}))
bucket("tls-only-but-public", {"Bool": {"aws:SecureTransport": "true"}})
bucket("vpce-only", {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})
def acl(blocks):
    a = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for n, (cidr, allow) in enumerate(blocks):
        ec2.create_network_acl_entry(NetworkAclId=a, RuleNumber=100 + n, Protocol="6",
            RuleAction="allow" if allow else "deny", Egress=False, CidrBlock=cidr,
            PortRange={"From": 22, "To": 22})
    return a
out["acl_halves"] = acl([("0.0.0.0/1", True), ("128.0.0.0/1", True)])
out["acl_holed"] = acl([("198.51.100.0/24", False), ("0.0.0.0/1", True), ("128.0.0.0/1", True)])
print(json.dumps(out))
"#;

/// Each finding of `check` whose resource contains `part`: (status, English message).
fn results<'a>(report: &'a Value, check: &str, part: &str) -> Vec<(&'a str, &'a str)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check_id"] == check && r["resource"].as_str().unwrap().contains(part))
        .map(|r| {
            (
                r["status"].as_str().unwrap(),
                r["message"].as_str().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn protocols_ranges_and_public_policies_are_judged_as_they_are() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let ids = moto.python(SEED);
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("report.json");
    let out = yagura_testkit::aws_env(
        &mut yagura_testkit::yagura_cmd(),
        &moto.endpoint(),
        ("testing", "testing"),
    )
    .args(["--data-dir", dir.path().to_str().unwrap(), "--quiet"])
    .args(["audit", "--regions", "us-east-1", "--format", "json", "-o"])
    .arg(&out_file)
    .output()
    .unwrap();
    let report: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap_or_default())
        .unwrap_or_else(|_| panic!("no report: {}", String::from_utf8_lossy(&out.stderr)));
    let id = |k: &str| ids[k].as_str().unwrap();
    let admin = "security-group-admin-port-open-to-world";
    let port = "security-group-port-open-to-world";

    // UDP 22 is not SSH; it is an open port, said as UDP.
    assert_eq!(results(&report, admin, id("udp22"))[0].0, "PASS");
    let r = results(&report, port, id("udp22"));
    assert_eq!(r[0].0, "FAIL");
    assert!(r[0].1.contains("opens UDP 22 to the internet"), "{r:?}");
    // ICMP and all traffic are said as they are.
    let r = results(&report, port, id("icmp"));
    assert!(
        r[0].0 == "FAIL" && r[0].1.contains("opens ICMP to the internet"),
        "{r:?}"
    );
    assert!(!r[0].1.contains("0-65535"), "{r:?}");
    let r = results(&report, port, id("all"));
    assert!(
        r[0].0 == "FAIL" && r[0].1.contains("opens all traffic to the internet"),
        "{r:?}"
    );
    let r = results(&report, admin, id("all"));
    assert!(
        r[0].0 == "FAIL" && r[0].1.contains("TCP port(s) 20, 21, 22"),
        "{r:?}"
    );
    // Two halves of the internet are the internet.
    let r = results(&report, admin, id("halves"));
    assert!(
        r[0].0 == "FAIL" && r[0].1.contains("TCP port(s) 22 "),
        "{r:?}"
    );
    assert_eq!(results(&report, admin, id("office"))[0].0, "PASS");

    // `aws:SecureTransport` says how, not who: the policy is public. A fixed VPC endpoint is not.
    let policy = "s3-bucket-policy-public";
    assert_eq!(results(&report, policy, "tls-only-but-public")[0].0, "FAIL");
    assert_eq!(results(&report, policy, "vpce-only")[0].0, "PASS");
    // Network ACLs: SSH admitted as two halves is admitted to the internet; a deny of a block
    // before the halves keeps the world out.
    let nacl = "network-acl-admin-port-open-to-world";
    assert_eq!(results(&report, nacl, id("acl_halves"))[0].0, "FAIL");
    assert_eq!(results(&report, nacl, id("acl_holed"))[0].0, "PASS");
}
