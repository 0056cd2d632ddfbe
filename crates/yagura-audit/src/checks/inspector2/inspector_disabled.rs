use crate::checks::prelude::*;

declare_check! {
    pub static META = "inspector-disabled" {
        severity: Medium,
        service: "inspector2",
        spec: ["AUD-11"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["001", "002"],
        },
        needs: [data::INSPECTOR.name],
        title: ("Amazon Inspector is not enabled",
            "Amazon Inspector が有効になっていない"),
        what: ("Checks that Amazon Inspector scans EC2 in each region.",
            "各リージョンで Amazon Inspector が EC2 をスキャンしているか確認します。"),
        why: ("Without vulnerability scanning, known-exploitable packages stay installed unnoticed.",
            "脆弱性スキャンがないと、悪用可能なパッケージが気付かれずに残ります。"),
        fix: ("Enable Amazon Inspector for EC2 (or run `yagura host` on every instance).",
            "Amazon Inspector の EC2 スキャンを有効にしてください(または全インスタンスで `yagura host` を実行してください)。"),
        references: ["https://docs.aws.amazon.com/inspector/latest/user/getting_started_tutorial.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("inspector2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    let i = cx.need_in(&data::INSPECTOR, reg.region)?;
    let r = reg.name();
    if i.state == "ENABLED" && i.resources.get("EC2").is_none_or(|s| s == "ENABLED") {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "Amazon Inspector is enabled in {r}",
                "{r} で Amazon Inspector が有効です",
                r = r
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            yagura_core::Text::owned(
                format!("Amazon Inspector is {} in {r}", i.state),
                format!(
                    "{r} の Amazon Inspector は有効ではありません(状態 `{}`)",
                    i.state
                ),
            ),
        );
    }
    Ok(())
}
