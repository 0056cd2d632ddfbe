use super::feature_enabled;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "guardduty-s3-protection-off" {
        severity: High,
        service: "guardduty",
        spec: ["AUD-14"],
        compliance: {
            "aws-fsbp": ["GuardDuty.10"],
        },
        needs: [data::GUARDDUTY.name],
        title: ("GuardDuty S3 Protection is off",
            "GuardDuty の S3 保護が無効"),
        what: ("Finds regions whose enabled GuardDuty detector does not have S3 Protection (`S3_DATA_EVENTS`) enabled, and regions where GuardDuty is not enabled at all.",
            "有効な GuardDuty 検出器で S3 保護(`S3_DATA_EVENTS`)が有効になっていないリージョンと、GuardDuty 自体が有効でないリージョンを検出します。"),
        why: ("Without it, GuardDuty does not read S3 data events: data being exfiltrated from buckets, or read from unusual places, raises no finding.",
            "これがないと GuardDuty は S3 のデータイベントを読まず、バケットからのデータの持ち出しや普段と違う場所からの読み取りが検出されません。"),
        fix: ("Enable S3 Protection on the detector (`aws guardduty update-detector --features Name=S3_DATA_EVENTS,Status=ENABLED`), for every member account through the delegated administrator.",
            "検出器で S3 保護を有効にしてください(`aws guardduty update-detector --features Name=S3_DATA_EVENTS,Status=ENABLED`)。メンバーアカウントには委任管理者から有効にしてください。"),
        references: ["https://docs.aws.amazon.com/guardduty/latest/ug/s3-protection.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("guardduty", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    feature_enabled(cx, reg, at, "S3_DATA_EVENTS", ("S3 Protection", "S3 保護"))
}
