use crate::checks::prelude::*;
use yagura_iam::facts::TrustVerdict;

declare_check! {
    pub static META = "iam-role-cross-account-trust-without-mfa" {
        severity: High,
        service: "iam",
        spec: ["AUD-19", "IAM-04"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["003"],
        },
        needs: [data::ROLES.name],
        title: ("Role trusts another account without requiring MFA",
            "ロールが MFA を要求せずに他アカウントを信頼している"),
        what: ("Finds roles whose trust policy lets principals of another account assume them without `aws:MultiFactorAuthPresent` true.",
            "信頼ポリシーが `aws:MultiFactorAuthPresent` を要求せずに他アカウントのプリンシパルの引き受けを許すロールを検出します。"),
        why: ("Switch-role without MFA lets a leaked key of the identity account reach every resource account.",
            "MFA なしのロール切替では、ID アカウントの漏洩キー一つで全リソースアカウントに到達できます。"),
        fix: ("Add `\"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}` to the trust statement (see `yagura iam bastion plan`).",
            "信頼ステートメントに `\"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}` を追加してください(`yagura iam bastion plan` 参照)。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Principal {
        kinds: &[Kind::Role],
        applies: |_| true,
        eval,
    },
};

fn eval<'a>(cx: &mut Cx<'a>, p: &Principal<'a>, at: At<'_>) -> Outcome {
    let Some(r) = p.role else { return Ok(()) };
    let account = cx.account;
    let verdict = match cx.docs.trust(&r.trust_policy, &account.account_id, &r.arn) {
        Ok(TrustVerdict::NotCrossAccount) => return Ok(()),
        Ok(TrustVerdict::MfaRequired) => None,
        Ok(TrustVerdict::WithoutMfa { trusted, how }) => Some((trusted.join(", "), *how)),
        Err(e) => return Err(Missing::new(e.clone())),
    };
    match verdict {
        None => cx.emit(
            at,
            Status::Pass,
            msg!(
                "role `{n}` requires MFA of the accounts it trusts",
                "ロール `{n}` は信頼するアカウントに MFA を要求しています",
                n = r.name
            ),
        ),
        Some((who, how)) => {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "role `{n}` may be assumed from another account without MFA",
                    "ロール `{n}` は MFA なしで他アカウントから引き受けられます",
                    n = r.name
                ),
            );
            cx.evidence("trusted", who);
            cx.evidence("without_mfa", how);
        }
    }
    Ok(())
}
