use crate::checks::prelude::*;

declare_check! {
    pub static META = "config-no-change-notification" {
        severity: Low,
        service: "config",
        spec: ["AUD-10"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["004"],
        },
        needs: [data::CONFIG.name],
        title: ("AWS Config has no delivery channel with change notifications",
            "AWS Config に変更通知付きの配信チャネルがない"),
        what: ("Checks each recording region for a delivery channel with an SNS topic.",
            "記録中の各リージョンに SNS トピック付きの配信チャネルがあるか確認します。"),
        why: ("The takeover in seed 004 was noticed because Config notified a change; without a notification nobody is told.",
            "事例 004 の乗っ取りは Config の変更通知で気付けました。通知がなければ誰にも伝わりません。"),
        fix: ("Add an SNS topic to the delivery channel and subscribe the team (or use yagura watch notifications).",
            "配信チャネルに SNS トピックを追加し、チームにサブスクライブさせてください(または `yagura watch` の通知を使ってください)。"),
        references: ["https://docs.aws.amazon.com/config/latest/developerguide/notifications-for-AWS-Config.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("config", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    let c = cx.need_in(&data::CONFIG, reg.region)?;
    let r = reg.name();
    // Notifications of a recorder that does not record: `config-not-recording` fails.
    if !c.recorders.iter().any(|r| r.recording && r.all_supported) {
        return Ok(());
    }
    if c.delivery_channels
        .iter()
        .any(|d| d.sns_topic_arn.is_some())
    {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "AWS Config notifies changes in {r}",
                "{r} で AWS Config が変更を通知しています",
                r = r
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "AWS Config in {r} has no delivery channel with an SNS topic",
                "{r} の AWS Config に SNS トピック付きの配信チャネルがありません",
                r = r
            ),
        );
    }
    Ok(())
}
