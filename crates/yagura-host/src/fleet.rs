//! What a fleet scan runs on each host (HOST-07): the shell commands sent through SSM Run
//! Command, the same steps as an SSM document of its own, and a user-data snippet that scans
//! an instance at launch. The commands print the JSON report on stdout (SSM keeps it in S3)
//! and everything else on stderr.

/// Where the binary comes from and how each host scans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanScript {
    /// `https://…` (fetched with curl) or `s3://bucket/key` (fetched with the AWS CLI).
    pub binary_url: String,
    /// The binary's SHA-256, checked before it runs.
    pub sha256: Option<String>,
    /// A feed mirror for `db update` on the host (`--mirror`).
    pub mirror: Option<String>,
    /// Refresh the vulnerability data on the host before scanning (needs egress to the feeds
    /// or the mirror; without it the host's package-manager metadata is used).
    pub update_db: bool,
}

/// Single-quotes a string for `sh`.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl ScanScript {
    /// The commands (`AWS-RunShellScript`'s `commands`, run by `sh` as root).
    pub fn commands(&self) -> Vec<String> {
        let mut c = vec![
            "set -eu".to_string(),
            "d=\"$(mktemp -d)\"; trap 'rm -rf \"$d\"' EXIT".to_string(),
            format!("u={}", sh_quote(&self.binary_url)),
            "case \"$u\" in s3://*) aws s3 cp --quiet \"$u\" \"$d/yagura\" >&2 ;; *) curl -fsSL --retry 3 -o \"$d/yagura\" \"$u\" ;; esac".to_string(),
        ];
        if let Some(sum) = &self.sha256 {
            c.push(format!(
                "printf '%s  %s\\n' {} \"$d/yagura\" | sha256sum -c - >&2",
                sh_quote(sum)
            ));
        }
        c.push("chmod 0700 \"$d/yagura\"".to_string());
        c.push("mkdir -p /var/lib/yagura && chmod 0700 /var/lib/yagura".to_string());
        if self.update_db {
            let mirror = self
                .mirror
                .as_deref()
                .map(|m| format!(" --mirror {}", sh_quote(m)))
                .unwrap_or_default();
            c.push(format!(
                "\"$d/yagura\" --quiet --data-dir /var/lib/yagura db update{mirror} >&2 || echo 'yagura: db update failed, scanning with the package manager metadata' >&2"
            ));
        }
        // exit 1 means findings at or above --fail-on: the scan itself worked
        c.push(
            "\"$d/yagura\" --quiet --data-dir /var/lib/yagura host --format json --no-store --allow-incomplete --fail-on critical || [ \"$?\" -eq 1 ]"
                .to_string(),
        );
        c
    }

    /// An SSM document (schema 2.2, JSON) running the same commands, for users who prefer a
    /// document of their own to `AWS-RunShellScript`.
    pub fn ssm_document(&self) -> serde_json::Value {
        serde_json::json!({
            "schemaVersion": "2.2",
            "description": "yagura: assess this host (packages, vulnerabilities, configuration, keys) and print the JSON report",
            "mainSteps": [{
                "action": "aws:runShellScript",
                "name": "yaguraScan",
                "precondition": {"StringEquals": ["platformType", "Linux"]},
                "inputs": {"timeoutSeconds": "1800", "runCommand": self.commands()}
            }]
        })
    }

    /// A user-data script (cloud-init runs it once at first boot) that scans the instance and
    /// puts the report where `yagura host fleet --collect` reads it:
    /// `s3://BUCKET/PREFIX/launch/INSTANCE_ID/awsrunShellScript/user-data/stdout`.
    pub fn user_data(&self, bucket: &str, prefix: &str) -> String {
        let mut s = String::from("#!/bin/sh\n# yagura: scan this instance at launch (HOST-07)\n");
        s.push_str("exec 2>>/var/log/yagura-launch.log\n");
        s.push_str("scan() {\n");
        for c in self.commands() {
            s.push_str("  ");
            s.push_str(&c);
            s.push('\n');
        }
        s.push_str("}\n");
        s.push_str("t=\"$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)\"\n");
        s.push_str("iid=\"$(curl -fsS -H \"X-aws-ec2-metadata-token: $t\" http://169.254.169.254/latest/meta-data/instance-id)\"\n");
        s.push_str(&format!(
            "(scan) > /var/tmp/yagura-report.json && aws s3 cp --quiet /var/tmp/yagura-report.json \"s3://{}/{}/launch/$iid/awsrunShellScript/user-data/stdout\"\n",
            bucket,
            prefix.trim_matches('/')
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_hostile_urls() {
        assert_eq!(sh_quote("a'b"), r"'a'\''b'");
        let s = ScanScript {
            binary_url: "https://example.com/y'; rm -rf /".to_string(),
            sha256: None,
            mirror: None,
            update_db: false,
        };
        let c = s.commands();
        assert!(c
            .iter()
            .any(|l| l == r"u='https://example.com/y'\''; rm -rf /'"));
    }
}
