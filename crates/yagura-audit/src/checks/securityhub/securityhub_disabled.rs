use crate::checks::prelude::*;

declare_check! {
    pub static META = "securityhub-disabled" {
        severity: Medium,
        service: "securityhub",
        spec: ["AUD-12"],
        compliance: {
            "cis-aws-foundations-3.0": ["4.16"],
            "cis-aws-foundations-7.0": ["5.16"],
            "yagura-guideline": ["001"],
        },
        needs: [data::SECURITY_HUB.name],
        title: ("Security Hub is not enabled with a standard",
            "Security Hub が標準付きで有効になっていない"),
        what: ("Checks each region for Security Hub with at least one enabled standard.",
            "各リージョンで Security Hub が有効で、標準が一つ以上有効か確認します。"),
        why: ("Security Hub gathers findings in one place and scores the account against a standard continuously.",
            "Security Hub は検出結果を集約し、標準に対する準拠状況を継続的に評価します。"),
        fix: ("Enable Security Hub and the AWS Foundational Security Best Practices or CIS standard.",
            "Security Hub と AWS 基礎セキュリティのベストプラクティスまたは CIS 標準を有効にしてください。"),
        references: ["https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-standards.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("securityhub", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    let h = cx.need_in(&data::SECURITY_HUB, reg.region)?;
    let r = reg.name();
    if h.enabled && !h.standards.is_empty() {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "Security Hub is enabled in {r} with {n} standard(s)",
                "{r} で Security Hub が {n} 個の標準とともに有効です",
                r = r,
                n = h.standards.len()
            ),
        );
    } else if h.enabled {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "Security Hub is enabled in {r} but no standard is",
                "{r} で Security Hub は有効ですが標準が有効になっていません",
                r = r
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "Security Hub is not enabled in {r}",
                "{r} で Security Hub が有効になっていません",
                r = r
            ),
        );
    }
    Ok(())
}
