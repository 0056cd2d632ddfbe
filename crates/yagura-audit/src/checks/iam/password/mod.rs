//! What the password-policy checks share (a folder, so that `build.rs` registers no check here):
//! the profiles of the frameworks and the one judgement of a policy against a profile.

use crate::checks::prelude::*;
use yagura_inventory::PasswordPolicy;

/// What a framework asks of the account password policy.
pub(in crate::checks) struct Profile {
    pub(in crate::checks) min_length: u32,
    pub(in crate::checks) reuse: u32,
    /// Longest allowed password age in days (`None`: the profile does not ask for expiry).
    pub(in crate::checks) max_age: Option<u32>,
    pub(in crate::checks) uppercase: bool,
    pub(in crate::checks) lowercase: bool,
    pub(in crate::checks) numbers: bool,
    pub(in crate::checks) symbols: bool,
}

/// CIS v3.0 1.8/1.9, v7.0 2.8/2.9: 14 characters, 24 remembered.
pub(in crate::checks) const CIS: Profile = Profile {
    min_length: 14,
    reuse: 24,
    max_age: None,
    uppercase: false,
    lowercase: false,
    numbers: false,
    symbols: false,
};

/// FSBP IAM.7 with Security Hub's default parameters.
pub(in crate::checks) const FSBP_IAM_7: Profile = Profile {
    min_length: 8,
    reuse: 12,
    max_age: Some(90),
    uppercase: true,
    lowercase: true,
    numbers: true,
    symbols: true,
};

/// FSBP IAM.10, the PCI DSS minimum.
pub(in crate::checks) const FSBP_IAM_10: Profile = Profile {
    min_length: 7,
    reuse: 4,
    max_age: Some(90),
    uppercase: true,
    lowercase: true,
    numbers: true,
    symbols: false,
};

/// Judges the account's policy against `want`: FAIL without a policy or naming every shortfall,
/// PASS otherwise.
pub(in crate::checks) fn judge(cx: &mut Cx<'_>, at: At<'_>, want: &Profile) -> Outcome {
    let Some(p) = cx.need(&data::PASSWORD_POLICY)? else {
        cx.emit(
            at,
            Status::Fail,
            text!(
                "the account has no IAM password policy",
                "アカウントに IAM パスワードポリシーがありません"
            ),
        );
        return Ok(());
    };
    let short = shortfalls(p, want);
    if short.is_empty() {
        let r = p.reuse_prevention.unwrap_or(0);
        cx.emit(
            at,
            Status::Pass,
            text!(
                "the password policy requires {l} characters and prevents reuse of {r}, as asked",
                "パスワードポリシーは {l} 文字以上と過去 {r} 世代の再利用防止を求めており、基準を満たしています",
                l = p.minimum_length,
                r = r
            ),
        );
    } else {
        let en: Vec<&str> = short.iter().map(|t| t.get(yagura_core::Lang::En)).collect();
        let ja: Vec<&str> = short.iter().map(|t| t.get(yagura_core::Lang::Ja)).collect();
        cx.emit(
            at,
            Status::Fail,
            Text::owned(
                format!("the password policy falls short: {}", en.join("; ")),
                format!(
                    "パスワードポリシーが基準に達していません: {}",
                    ja.join("、")
                ),
            ),
        );
    }
    Ok(())
}

/// What `p` lacks of `want`, in the order of the console's settings.
fn shortfalls(p: &PasswordPolicy, want: &Profile) -> Vec<Text> {
    let mut out = Vec::new();
    if p.minimum_length < want.min_length {
        out.push(text!(
            "minimum length {l} (want {w})",
            "最小文字数 {l}(基準 {w})",
            l = p.minimum_length,
            w = want.min_length
        ));
    }
    let classes = [
        (
            want.uppercase && !p.require_uppercase,
            text!("no uppercase letter required", "大文字を必須にしていない"),
        ),
        (
            want.lowercase && !p.require_lowercase,
            text!("no lowercase letter required", "小文字を必須にしていない"),
        ),
        (
            want.numbers && !p.require_numbers,
            text!("no number required", "数字を必須にしていない"),
        ),
        (
            want.symbols && !p.require_symbols,
            text!("no symbol required", "記号を必須にしていない"),
        ),
    ];
    out.extend(
        classes
            .into_iter()
            .filter(|(short, _)| *short)
            .map(|(_, t)| t),
    );
    if let Some(max) = want.max_age {
        match p.max_age_days {
            None => out.push(text!(
                "passwords never expire (want at most {max} days)",
                "パスワードの有効期限がない(基準 {max} 日以内)",
                max = max
            )),
            Some(d) if d > max => out.push(text!(
                "passwords expire after {d} days (want at most {max})",
                "パスワードの有効期限が {d} 日(基準 {max} 日以内)",
                d = d,
                max = max
            )),
            Some(_) => {}
        }
    }
    let r = p.reuse_prevention.unwrap_or(0);
    if r < want.reuse {
        out.push(text!(
            "reuse prevention {r} (want {w})",
            "再利用防止 {r} 世代(基準 {w})",
            r = r,
            w = want.reuse
        ));
    }
    out
}
