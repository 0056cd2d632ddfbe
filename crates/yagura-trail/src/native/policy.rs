//! The policy questions of the detections (is a granted policy admin-equivalent, does it deny
//! everything, is a bucket policy public, who outside the account does a trust policy let in),
//! answered by `yagura-iam`'s parser and `facts` (the same answers as the account audit's).
//! CloudTrail logs policies as JSON text (sometimes percent-encoded) or as objects.

use serde_json::Value;
use yagura_iam::facts;
use yagura_iam::policy::Policy;

/// The largest policy document parsed (IAM's own limit is 10,240 characters for managed
/// policies; trust and bucket policies are smaller).
const MAX_POLICY_BYTES: usize = 64 << 10;

/// The policy a request parameter holds, parsed; `None` when it is not a policy.
fn parse(doc: &Value) -> Option<Policy> {
    let text = match doc {
        Value::String(s) => yagura_iam::analyze::url_decode(s),
        Value::Object(_) => doc.to_string(),
        _ => return None,
    };
    if text.len() > MAX_POLICY_BYTES {
        return None;
    }
    Policy::parse("policy", &text).ok()
}

/// True when a granted policy is admin-equivalent: `*` on `*`, or an action that lets the
/// holder grant itself anything (conditions assumed to hold, as the audit does).
pub(crate) fn is_admin(doc: &Value) -> bool {
    parse(doc).is_some_and(|p| facts::is_admin(facts::PolicyFacts::of(&p).granted()))
}

/// True when a policy denies `*` on `*`.
pub(crate) fn denies_all(doc: &Value) -> bool {
    parse(doc).is_some_and(|p| facts::denies_all(facts::PolicyFacts::of(&p)))
}

/// True when a resource policy is public as S3 Block Public Access judges it
/// ([`facts::allows_anyone`]).
pub(crate) fn is_public(doc: &Value) -> bool {
    parse(doc).is_some_and(|p| facts::allows_anyone(&p))
}

/// The principals outside `own_account` (or `*`) that a trust policy lets assume a role, as
/// one text; `None` when there are none.
pub(crate) fn outside_trust(doc: &Value, own_account: &str, _role: &str) -> Option<String> {
    let p = parse(doc)?;
    let foreign = facts::foreign_principals(&p, own_account);
    (!foreign.is_empty()).then(|| foreign.join(", "))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn admin_deny_public_and_trust() {
        let admin = Value::String(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#
                .into(),
        );
        assert!(is_admin(&admin));
        let enc = Value::String("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22*%22%5D%2C%22Resource%22%3A%22*%22%7D%5D%7D".into());
        assert!(is_admin(&enc));
        let narrow = Value::String(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#.into(),
        );
        assert!(!is_admin(&narrow));
        // able to grant itself anything: admin-equivalent
        let self_grant = Value::String(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:AttachUserPolicy","Resource":"*"}]}"#.into(),
        );
        assert!(is_admin(&self_grant));
        let deny = Value::String(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#
                .into(),
        );
        assert!(denies_all(&deny) && !denies_all(&admin));
        let public = serde_json::json!({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]});
        assert!(is_public(&public));
        let trust = Value::String(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::193672423079:root"},"Action":"sts:AssumeRole"}]}"#.into());
        assert_eq!(
            outside_trust(&trust, "111122223333", "r").as_deref(),
            Some("arn:aws:iam::193672423079:root")
        );
        assert_eq!(outside_trust(&trust, "193672423079", "r"), None);
        assert!(!is_admin(&Value::String("not a policy".into())));
    }
}
