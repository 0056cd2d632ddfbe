use crate::checks::prelude::*;

declare_check! {
    pub static META = "health-event-open" {
        severity: Medium,
        service: "health",
        spec: ["AUD-18"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["001"],
        },
        needs: [data::HEALTH_EVENTS.name],
        title: ("Open AWS Health event affects the account",
            "アカウントに影響する未解決の AWS Health イベントがある"),
        what: ("Reports open and upcoming AWS Health events for the account.",
            "アカウントに影響する未解決・予定の AWS Health イベントを報告します。"),
        why: ("Health events announce maintenance and issues that need action and arrive only by e-mail.",
            "Health イベントは対応が必要なメンテナンスや問題を知らせますが、メールでしか届きません。"),
        fix: ("Read the event in the AWS Health Dashboard and act before its deadline.",
            "AWS Health ダッシュボードでイベントを確認し、期限までに対応してください。"),
        references: ["https://docs.aws.amazon.com/health/latest/ug/aws-health-dashboard-status.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, _at: At<'_>) -> Outcome {
    for ev in cx
        .need(&data::HEALTH_EVENTS)?
        .iter()
        .filter(|e| e.status != "closed")
    {
        let at = At {
            resource: &ev.arn,
            region: &ev.region,
        };
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "AWS Health event {t} ({s}) is {st}",
                "AWS Health イベント {t}({s})が {st} です",
                t = ev.event_type,
                s = ev.service,
                st = ev.status
            ),
        );
    }
    Ok(())
}
