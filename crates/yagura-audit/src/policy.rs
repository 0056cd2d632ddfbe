//! A small reader of IAM policy documents, enough for the audit's admin-equivalence, IAM
//! management, public-principal and MFA-trust questions. The full evaluator lives in `yagura-iam`.

use serde_json::Value;

/// One statement, normalised: lists are lists, absent fields empty.
#[derive(Debug, Clone, Default)]
pub struct Statement {
    pub allow: bool,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    /// `*`, or the principal ARNs / account ids / service names.
    pub principals: Vec<String>,
    pub condition: Option<Value>,
}

/// Parses a policy document; `None` when it is not a JSON policy.
pub fn parse(doc: &str) -> Option<Vec<Statement>> {
    let v: Value = serde_json::from_str(doc).ok()?;
    let stmts = match v.get("Statement")? {
        Value::Array(a) => a.clone(),
        s @ Value::Object(_) => vec![s.clone()],
        _ => return None,
    };
    Some(
        stmts
            .iter()
            .map(|s| Statement {
                allow: s.get("Effect").and_then(Value::as_str) == Some("Allow"),
                actions: strings(s.get("Action")),
                not_actions: strings(s.get("NotAction")),
                resources: strings(s.get("Resource")),
                not_resources: strings(s.get("NotResource")),
                principals: principals(s.get("Principal")),
                condition: s.get("Condition").cloned(),
            })
            .collect(),
    )
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn principals(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Object(m)) => m.values().flat_map(|x| strings(Some(x))).collect(),
        _ => Vec::new(),
    }
}

/// Case-insensitive IAM action wildcard match (`*` any run, `?` one character).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard(
        pattern.to_ascii_lowercase().as_bytes(),
        action.to_ascii_lowercase().as_bytes(),
    )
}

fn wildcard(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while si < s.len() {
        match p.get(pi) {
            Some(b'*') => {
                star = Some(pi);
                mark = si;
                pi += 1;
            }
            Some(&c) if c == b'?' || Some(&c) == s.get(si) => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some(sp) => {
                    pi = sp + 1;
                    mark += 1;
                    si = mark;
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

impl Statement {
    /// Whether an unconditional Allow of this statement covers `action` on every resource.
    fn allows_everywhere(&self, action: &str) -> bool {
        if !self.allow || self.condition.is_some() {
            return false;
        }
        let on_all = self.resources.iter().any(|r| r == "*")
            || (!self.not_resources.is_empty() && self.resources.is_empty());
        if !on_all {
            return false;
        }
        if !self.not_actions.is_empty() {
            return !self.not_actions.iter().any(|p| action_matches(p, action));
        }
        self.actions.iter().any(|p| action_matches(p, action))
    }
}

/// `*` on `*`, or equivalent: it allows any action of an unrelated service on every resource
/// and the IAM write actions that let a principal grant itself anything.
pub fn is_admin_equivalent(stmts: &[Statement]) -> bool {
    let all = stmts.iter().any(|s| {
        s.allows_everywhere("ec2:RunInstances")
            && s.allows_everywhere("zzz:AnyAction")
            && s.allows_everywhere("iam:CreateUser")
    });
    all || may_grant_itself_anything(stmts)
}

/// Actions that let a principal give itself any permission.
const SELF_GRANT: [&str; 5] = [
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:CreatePolicyVersion",
];

fn may_grant_itself_anything(stmts: &[Statement]) -> bool {
    SELF_GRANT
        .iter()
        .any(|a| stmts.iter().any(|s| s.allows_everywhere(a)))
}

/// Whether the policy allows any IAM write (create, attach, put, delete, update) on all resources.
pub fn may_manage_iam(stmts: &[Statement]) -> bool {
    const IAM_WRITES: [&str; 8] = [
        "iam:CreateUser",
        "iam:CreateAccessKey",
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "iam:CreateRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:AttachUserPolicy",
        "iam:CreatePolicyVersion",
    ];
    IAM_WRITES
        .iter()
        .any(|a| stmts.iter().any(|s| s.allows_everywhere(a)))
}

/// Whether a resource policy lets anyone (`*`) in without a restricting condition.
pub fn is_public(stmts: &[Statement]) -> bool {
    stmts
        .iter()
        .any(|s| s.allow && s.condition.is_none() && s.principals.iter().any(|p| p == "*"))
}

/// Whether a condition block requires MFA (`Bool`/`BoolIfExists` `aws:MultiFactorAuthPresent`
/// true, or `NumericLessThan aws:MultiFactorAuthAge`).
pub fn requires_mfa(condition: Option<&Value>) -> bool {
    let Some(Value::Object(ops)) = condition else {
        return false;
    };
    ops.iter().any(|(op, keys)| {
        let Value::Object(keys) = keys else {
            return false;
        };
        keys.iter().any(|(k, v)| {
            let k = k.to_ascii_lowercase();
            (op == "Bool" && k == "aws:multifactorauthpresent" && strings(Some(v)) == ["true"])
                || (op.starts_with("NumericLessThan") && k == "aws:multifactorauthage")
        })
    })
}

/// The account id a principal string belongs to (`arn:aws:iam::123:root`, `123`), if any.
pub fn principal_account(p: &str) -> Option<&str> {
    if p.len() == 12 && p.bytes().all(|b| b.is_ascii_digit()) {
        return Some(p);
    }
    let rest = p.strip_prefix("arn:")?;
    let acct = rest.split(':').nth(3)?;
    (!acct.is_empty()).then_some(acct)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn wildcards() {
        assert!(action_matches("*", "s3:GetObject"));
        assert!(action_matches("S3:Get*", "s3:getobject"));
        assert!(action_matches("iam:*Policy*", "iam:AttachUserPolicy"));
        assert!(!action_matches("iam:Get*", "iam:CreateUser"));
        assert!(action_matches("ec2:?unInstances", "ec2:RunInstances"));
    }

    #[test]
    fn admin_forms() {
        let admin =
            parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#).unwrap();
        assert!(is_admin_equivalent(&admin));
        let selfgrant =
            parse(r#"{"Statement":[{"Effect":"Allow","Action":["iam:Put*"],"Resource":"*"}]}"#)
                .unwrap();
        assert!(is_admin_equivalent(&selfgrant));
        let power = parse(
            r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}"#,
        )
        .unwrap();
        assert!(!is_admin_equivalent(&power));
        assert!(!may_manage_iam(&power));
        let ro = parse(r#"{"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#)
            .unwrap();
        assert!(!is_admin_equivalent(&ro));
    }

    #[test]
    fn mfa_and_accounts() {
        let c: Value =
            serde_json::from_str(r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#).unwrap();
        assert!(requires_mfa(Some(&c)));
        assert_eq!(
            principal_account("arn:aws:iam::111122223333:root"),
            Some("111122223333")
        );
        assert_eq!(principal_account("ec2.amazonaws.com"), None);
    }
}
