use super::feature_enabled;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "guardduty-rds-protection-off" {
        severity: High,
        service: "guardduty",
        spec: ["AUD-14"],
        compliance: {
            "aws-fsbp": ["GuardDuty.9"],
        },
        needs: [data::GUARDDUTY.name],
        title: ("GuardDuty RDS Protection is off",
            "GuardDuty の RDS 保護が無効"),
        what: ("Finds regions whose enabled GuardDuty detector does not have RDS Protection (`RDS_LOGIN_EVENTS`) enabled, and regions where GuardDuty is not enabled at all.",
            "有効な GuardDuty 検出器で RDS 保護(`RDS_LOGIN_EVENTS`)が有効になっていないリージョンと、GuardDuty 自体が有効でないリージョンを検出します。"),
        why: ("Without it, brute-force and anomalous logins to Aurora and RDS databases (stolen credentials, logins from unusual places) raise no finding.",
            "これがないと、Aurora や RDS のデータベースへの総当たりや異常なログイン(盗まれた認証情報、普段と違う場所からのログイン)が検出されません。"),
        fix: ("Enable RDS Protection on the detector (`aws guardduty update-detector --features Name=RDS_LOGIN_EVENTS,Status=ENABLED`), for every member account through the delegated administrator.",
            "検出器で RDS 保護を有効にしてください(`aws guardduty update-detector --features Name=RDS_LOGIN_EVENTS,Status=ENABLED`)。メンバーアカウントには委任管理者から有効にしてください。"),
        references: ["https://docs.aws.amazon.com/guardduty/latest/ug/rds-protection.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("guardduty", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    feature_enabled(
        cx,
        reg,
        at,
        "RDS_LOGIN_EVENTS",
        ("RDS Protection", "RDS 保護"),
    )
}
