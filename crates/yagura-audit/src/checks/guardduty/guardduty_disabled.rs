use crate::checks::prelude::*;

declare_check! {
    pub static META = "guardduty-disabled" {
        severity: High,
        service: "guardduty",
        spec: ["AUD-14"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "aws-fsbp": ["GuardDuty.1"],
            "yagura-guideline": ["001"],
        },
        needs: [data::GUARDDUTY.name],
        title: ("GuardDuty is not enabled",
            "GuardDuty が有効になっていない"),
        what: ("Checks each region for an enabled GuardDuty detector.",
            "各リージョンに有効な GuardDuty ディテクターがあるか確認します。"),
        why: ("GuardDuty detects compromised credentials and instances from CloudTrail, DNS and flow logs; attackers use the regions you do not watch.",
            "GuardDuty は CloudTrail・DNS・フローログから侵害を検出します。攻撃者は監視していないリージョンを使います。"),
        fix: ("Enable GuardDuty in every region, including regions you do not use.",
            "使っていないリージョンも含め、すべてのリージョンで GuardDuty を有効にしてください。"),
        references: ["https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("guardduty", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    let g = cx.need_in(&data::GUARDDUTY, reg.region)?;
    let r = reg.name();
    if g.detectors.iter().any(|(_, on)| *on) {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "GuardDuty is enabled in {r}",
                "{r} で GuardDuty が有効です",
                r = r
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "GuardDuty is not enabled in {r}",
                "{r} で GuardDuty が有効になっていません",
                r = r
            ),
        );
    }
    Ok(())
}
