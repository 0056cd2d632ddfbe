//! The FSBP Systems Manager compliance checks (SSM.2 patch, SSM.3 association) against
//! moto_server: moto 5.2.6 has no ListResourceComplianceSummaries (HTTP 500, "not
//! implemented"), so on one `yagura audit` of us-east-1 both checks must be UNKNOWN with moto's
//! error as the reason, never PASS. Their FAIL/PASS pairs (two pages) and the refused call are
//! RECORDED RESPONSES in `crates/yagura-collect/tests/recorded.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_testkit::{moto_available, Moto};

const CHECKS: &[&str] = &[
    "ssm-instance-patch-non-compliant",
    "ssm-instance-association-non-compliant",
];

#[test]
fn ssm_compliance_is_unknown_with_motos_error() {
    if !moto_available() {
        return;
    }
    let moto = Moto::start();
    let report = yagura_testkit::audit_json(&moto.endpoint(), "us-east-1", &CHECKS.join(","));
    let results = report["results"].as_array().unwrap();
    for check in CHECKS {
        let of: Vec<_> = results.iter().filter(|r| r["check_id"] == *check).collect();
        assert_eq!(of.len(), 1, "{check}: {of:?}");
        let message = of[0]["message"].as_str().unwrap_or_default();
        assert_eq!(of[0]["status"], "UNKNOWN", "{check}: {message}");
        assert_eq!(of[0]["region"], "us-east-1", "{check}: {:?}", of[0]);
        assert!(
            message.contains("ssm:ListResourceComplianceSummaries") && message.contains("500"),
            "{check}: {message}"
        );
    }
}
