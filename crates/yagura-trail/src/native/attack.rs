//! The MITRE ATT&CK tags of the native detections (Sigma's `attack.*` tag form), so that native
//! and Sigma detections are triaged alike.

/// Check id → tactic and technique tags.
pub static TAGS: &[(&str, &[&str])] = &[
    (
        "root-account-used",
        &["attack.privilege-escalation", "attack.t1078.004"],
    ),
    (
        "console-login-without-mfa",
        &["attack.initial-access", "attack.t1078.004"],
    ),
    (
        "iam-user-created",
        &["attack.persistence", "attack.t1136.003"],
    ),
    (
        "iam-access-key-created",
        &["attack.persistence", "attack.t1098.001"],
    ),
    (
        "iam-login-profile-created",
        &["attack.persistence", "attack.t1098"],
    ),
    (
        "iam-admin-policy-attached",
        &["attack.privilege-escalation", "attack.t1098.003"],
    ),
    (
        "iam-user-or-login-profile-deleted",
        &["attack.impact", "attack.t1531"],
    ),
    ("iam-user-locked-out", &["attack.impact", "attack.t1531"]),
    (
        "ec2-large-instance-launch-burst",
        &["attack.impact", "attack.t1496"],
    ),
    (
        "cloudtrail-logging-tampered",
        &["attack.defense-evasion", "attack.t1562.008"],
    ),
    (
        "config-recorder-stopped",
        &["attack.defense-evasion", "attack.t1562.008"],
    ),
    (
        "guardduty-detector-disabled",
        &["attack.defense-evasion", "attack.t1562.001"],
    ),
    (
        "security-group-opened-to-world",
        &["attack.defense-evasion", "attack.t1562.007"],
    ),
    ("access-denied-burst", &["attack.discovery", "attack.t1580"]),
    (
        "secrets-retrieval-burst",
        &["attack.credential-access", "attack.t1555.006"],
    ),
    (
        "s3-bucket-policy-made-public",
        &["attack.exfiltration", "attack.t1537"],
    ),
    ("s3-bucket-deleted", &["attack.impact", "attack.t1485"]),
    (
        "ec2-image-or-snapshot-shared",
        &["attack.exfiltration", "attack.t1537"],
    ),
    (
        "organization-leave-attempted",
        &["attack.defense-evasion", "attack.t1666"],
    ),
    (
        "vpc-flow-logs-deleted",
        &["attack.defense-evasion", "attack.t1562.008"],
    ),
    (
        "account-takeover-sequence",
        &[
            "attack.initial-access",
            "attack.persistence",
            "attack.impact",
        ],
    ),
    (
        "iam-role-trust-opened",
        &["attack.persistence", "attack.t1098.003"],
    ),
    (
        "sts-federation-token-issued",
        &["attack.persistence", "attack.t1550.001"],
    ),
    (
        "lambda-permission-granted-outside",
        &["attack.persistence", "attack.t1546"],
    ),
    (
        "lambda-function-code-updated",
        &["attack.persistence", "attack.t1546"],
    ),
    (
        "lambda-layer-added",
        &["attack.persistence", "attack.t1546"],
    ),
    (
        "rolesanywhere-trust-anchor-created",
        &["attack.persistence", "attack.t1098"],
    ),
    (
        "rds-snapshot-shared",
        &["attack.exfiltration", "attack.t1537"],
    ),
    (
        "route53-query-logging-deleted",
        &["attack.defense-evasion", "attack.t1562.008"],
    ),
    (
        "ec2-user-data-modified",
        &["attack.execution", "attack.t1059"],
    ),
    ("ssm-session-started", &["attack.execution", "attack.t1651"]),
    (
        "ec2-ssh-key-pushed",
        &["attack.lateral-movement", "attack.t1021.004"],
    ),
    (
        "bedrock-model-access-enabled",
        &["attack.impact", "attack.t1496"],
    ),
    (
        "ec2-instance-credentials-used-elsewhere",
        &["attack.credential-access", "attack.t1552.005"],
    ),
];

/// The tags of a native check (none for an unknown id).
pub fn tags(id: &str) -> Vec<String> {
    TAGS.iter()
        .find(|(i, _)| *i == id)
        .map(|(_, t)| t.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    #[test]
    fn every_native_check_has_tags() {
        for c in crate::CHECKS {
            assert!(!super::tags(c.id).is_empty(), "{}", c.id);
        }
    }
}
