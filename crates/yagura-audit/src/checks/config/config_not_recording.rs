use crate::checks::prelude::*;

declare_check! {
    pub static META = "config-not-recording" {
        severity: Medium,
        service: "config",
        spec: ["AUD-10"],
        compliance: {
            "cis-aws-foundations-3.0": ["3.3"],
            "cis-aws-foundations-7.0": ["4.3"],
            "aws-fsbp": ["Config.1"],
            "yagura-guideline": ["001", "004"],
        },
        needs: [data::CONFIG.name],
        title: ("AWS Config is not recording all resources",
            "AWS Config がすべてのリソースを記録していない"),
        what: ("Checks each region for a Config recorder that records all supported resources and is running.",
            "各リージョンに、すべてのリソースを記録し動作中の Config レコーダーがあるか確認します。"),
        why: ("Without Config there is no configuration history: changes by an intruder cannot be seen or reconstructed.",
            "Config がないと設定履歴が残らず、侵入者による変更を把握も再現もできません。"),
        fix: ("Enable AWS Config in every region with all supported resource types (global types in one region).",
            "すべてのリージョンで全リソースタイプを記録するよう AWS Config を有効にしてください(グローバルリソースは 1 リージョンで)。"),
        references: ["https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("config", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    let c = cx.need_in(&data::CONFIG, reg.region)?;
    let r = reg.name();
    if c.recorders.iter().any(|r| r.recording && r.all_supported) {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "AWS Config records all resources in {r}",
                "{r} で AWS Config が全リソースを記録しています",
                r = r
            ),
        );
    } else if c.recorders.is_empty() {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "AWS Config has no recorder in {r}",
                "{r} に AWS Config のレコーダーがありません",
                r = r
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "the AWS Config recorder in {r} is stopped or does not record all resources",
                "{r} の AWS Config レコーダーが停止中か、全リソースを記録していません",
                r = r
            ),
        );
    }
    Ok(())
}
