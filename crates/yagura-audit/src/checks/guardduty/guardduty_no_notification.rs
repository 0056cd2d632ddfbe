use crate::checks::prelude::*;

declare_check! {
    pub static META = "guardduty-no-notification" {
        severity: Medium,
        service: "guardduty",
        spec: ["AUD-14"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["001"],
        },
        needs: [data::GUARDDUTY.name, data::EVENT_RULES.name],
        title: ("GuardDuty findings are not sent anywhere",
            "GuardDuty の検出結果がどこにも通知されていない"),
        what: ("Checks each GuardDuty region for an enabled EventBridge rule on `aws.guardduty` findings filtered by severity, with a target.",
            "GuardDuty が有効な各リージョンに、重要度で絞り込んだ `aws.guardduty` の EventBridge ルールとターゲットがあるか確認します。"),
        why: ("Findings nobody reads protect nobody; without a severity filter the real alarm drowns in noise.",
            "誰も読まない検出結果は誰も守りません。重要度で絞らないと本当の警報が埋もれます。"),
        fix: ("Create an EventBridge rule with pattern `{\"source\":[\"aws.guardduty\"],\"detail\":{\"severity\":[{\"numeric\":[\">=\",7]}]}}` and an SNS or chat target.",
            "パターン `{\"source\":[\"aws.guardduty\"],\"detail\":{\"severity\":[{\"numeric\":[\">=\",7]}]}}` の EventBridge ルールを作成し、SNS やチャットに通知してください。"),
        references: ["https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("guardduty", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    // Only where GuardDuty is on; `guardduty-disabled` speaks for the rest. A region whose
    // GuardDuty could not be read is UNKNOWN here too: a silent omission would read as "fixed"
    // in the next run's diff.
    let g = cx.need_in(&data::GUARDDUTY, reg.region)?;
    if !g.detectors.iter().any(|(_, on)| *on) {
        return Ok(());
    }
    let r = reg.name();
    let routed = cx.need_in(&data::EVENT_RULES, reg.region)?.iter().any(|x| {
        x.enabled
            && x.targets > 0
            && x.event_pattern.contains("aws.guardduty")
            && x.event_pattern.contains("severity")
    });
    if routed {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "GuardDuty findings in {r} are routed by severity",
                "{r} の GuardDuty 検出結果は重要度で絞って通知されています",
                r = r
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "no EventBridge rule sends GuardDuty findings of {r} filtered by severity",
                "{r} の GuardDuty 検出結果を重要度で絞って通知する EventBridge ルールがありません",
                r = r
            ),
        );
    }
    Ok(())
}
