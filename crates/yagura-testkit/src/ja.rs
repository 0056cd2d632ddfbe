//! The rule of "Japanese everywhere" (issue 19): a text meant for a Japanese reader has no
//! English word left in it. A word here is a run of ASCII letters standing alone; what is not a
//! word of a sentence passes: identifiers (a run with a digit or one of `-_./:@*$=+%#~\`, so
//! ARNs, ids, paths, check ids, versions and numbers), `CamelCase` names (API operations,
//! managed policies, product names such as `GuardDuty`), anything quoted in backticks (an
//! outside value), the words of [`ALLOWED`]: service and product names, acronyms, format
//! names and the finding statuses, which AWS's Japanese console keeps in Latin letters too, and
//! the names of [`NAMES`], product names made of ordinary words that pass only whole.

/// Words that stay in Latin letters in Japanese text, as in AWS's Japanese console and
/// documentation (`docs/glossary-ja.tsv` gives the translated terms).
pub const ALLOWED: &[&str] = &[
    // statuses of a finding and values the user types (kept as they are in every report)
    "PASS",
    "FAIL",
    "UNKNOWN",
    "MUTED",
    "critical",
    "high",
    "medium",
    "low",
    "info",
    // AWS and its services, as the Japanese console names them
    "AWS",
    "Amazon",
    "IAM",
    "MFA",
    "ARN",
    "STS",
    "SSO",
    "KMS",
    "SNS",
    "SQS",
    "SSM",
    "RDS",
    "EFS",
    "Aurora",
    "Auto",
    "Scaling",
    "VPC",
    "VPN",
    "Elastic",
    "NAT",
    "ELB",
    "Elastic",
    "Load",
    "Balancing",
    "Balancer",
    "Application",
    "Network",
    "Gateway",
    "Classic",
    "DB",
    "ACL",
    "CloudTrail",
    "Config",
    "Inspector",
    "Macie",
    "Bedrock",
    "Lambda",
    "Glue",
    "Organizations",
    "Organization",
    "Access",
    "Analyzer",
    "Security",
    "Hub",
    "GuardDuty",
    "EventBridge",
    "Budgets",
    "Health",
    "Run",
    "Command",
    "Identity",
    "Center",
    "Control",
    "Tower",
    "Trusted",
    "Advisor",
    "ID",
    "AZ",
    "Multi",
    "AMI",
    "EBS",
    "Systems",
    "Roles",
    "Anywhere",
    "Cost",
    "Explorer",
    "Anomaly",
    "Detection",
    "App",
    "Runner",
    "Route",
    "CloudWatch",
    "Logs",
    "CloudFront",
    "Secrets",
    "Certificate",
    "ACM",
    "WAF",
    "SCP",
    "RCP",
    "Session",
    "Kernel",
    "Live",
    "Patching",
    // the elements and values of a policy document, as the IAM documentation writes them
    "Allow",
    "Deny",
    "Effect",
    "Action",
    "Resource",
    "Principal",
    "Condition",
    "Statement",
    "Bool",
    "true",
    "false",
    // other products, protocols and formats
    "Slack",
    "Microsoft",
    "Teams",
    "Gmail",
    "Sigma",
    "ATT",
    "CK",
    "MITRE",
    "Debian",
    "Ubuntu",
    "Alpine",
    "RHEL",
    "Rocky",
    "Amazon",
    "Linux",
    "OS",
    "CPU",
    "GPU",
    "Oracle",
    "SQL",
    "Server",
    "OSV",
    "OVAL",
    "CVE",
    "GHSA",
    "CIS",
    "FSBP",
    "NIST",
    "PCI",
    "DSS",
    "ISO",
    "JSON",
    "gzip",
    "YAML",
    "TOML",
    "CSV",
    "SARIF",
    "OCSF",
    "ASFF",
    "JUnit",
    "HTML",
    "XML",
    "CIFS",
    "GET",
    "SQLite",
    "URL",
    "URI",
    "HTTP",
    "HTTPS",
    "SMTP",
    "TLS",
    "SSL",
    "STARTTLS",
    "SSH",
    "RDP",
    "VNC",
    "Telnet",
    "FTP",
    "TFTP",
    "rsh",
    "rlogin",
    "rexec",
    "TCP",
    "UDP",
    "ICMP",
    "IP",
    "DNS",
    "UTC",
    "PAM",
    "ASLR",
    "ELF",
    "PIE",
    "RELRO",
    "NX",
    "PID",
    "API",
    "CLI",
    "SDK",
    "TOTP",
    "FIDO",
    "IMDS",
    "IMDSv",
    "Keychain",
    "Credential",
    "Manager",
    "Secret",
    "Service",
    "Windows",
    "macOS",
    "Docker",
    "dpkg",
    "rpm",
    "apk",
    "apt",
    "dnf",
    "yum",
    "sshd",
    "sysctl",
    "cron",
    "systemd",
    "root",
    "yagura",
    "bash",
    "zsh",
    "fish",
    "elvish",
    "powershell",
    "ja",
    "en",
    "stdin",
    "stdout",
    "stderr",
];

/// Product names whose words are ordinary English words: each passes only as the whole name, as
/// AWS's Japanese documentation writes it (the words alone are still English words).
pub const NAMES: &[&str] = &[
    "EC2 Image Builder",
    "EC2 Instance Connect",
    "Route 53 Resolver",
];

/// The English words left in `text` (each once, in order of appearance).
pub fn untranslated(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for piece in &outside_backticks(text) {
        let piece = NAMES
            .iter()
            .fold(piece.clone(), |p, name| p.replace(name, " "));
        let mut run = String::new();
        for c in piece.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphanumeric() || "-_./:@*$=+%#~\\".contains(c) {
                run.push(c);
                continue;
            }
            if is_english_word(&run) && !found.contains(&run) {
                found.push(run.clone());
            }
            run.clear();
        }
    }
    found
}

fn is_english_word(run: &str) -> bool {
    if run.len() < 2 || !run.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let camel = run.chars().skip(1).any(|c| c.is_ascii_uppercase())
        && run.chars().any(|c| c.is_ascii_lowercase());
    !camel && !ALLOWED.contains(&run)
}

/// The parts of `text` outside `` `quoted` `` spans (per line: an unpaired backtick quotes
/// nothing) and outside 「」, where Japanese text quotes an outside text (AWS's message, a
/// user's reason) in the language it was written in.
fn outside_backticks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut kept = String::new();
        let mut depth = 0usize;
        for c in line.chars() {
            match c {
                '「' => depth += 1,
                '」' => depth = depth.saturating_sub(1),
                _ if depth == 0 => kept.push(c),
                _ => {}
            }
        }
        let line = kept.as_str();
        let parts: Vec<&str> = line.split('`').collect();
        if parts.len().is_multiple_of(2) {
            out.push(line.to_string());
            continue;
        }
        out.extend(parts.iter().step_by(2).map(|s| s.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::untranslated;

    #[test]
    fn finds_english_words_and_passes_identifiers() {
        assert_eq!(
            untranslated("role `ci-admin` は管理者になれます (made admin)"),
            ["role", "made", "admin"]
        );
        assert!(untranslated(
            "us-east-1 の Amazon Inspector は無効です: arn:aws:iam::1:root GuardDuty AUD-01 2026-01-01 `any words` 「AWS's own message」"
        )
        .is_empty());
        assert_eq!(untranslated("2026-01-01 Thu 元日"), ["Thu"]);
        assert!(untranslated("EC2 Image Builder と Route 53 Resolver").is_empty());
        assert_eq!(
            untranslated("Image Builder と EC2 Instance"),
            ["Image", "Builder", "Instance"]
        );
    }
}
