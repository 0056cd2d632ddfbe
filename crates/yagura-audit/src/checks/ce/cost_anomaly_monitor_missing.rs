use crate::checks::prelude::*;

declare_check! {
    pub static META = "cost-anomaly-monitor-missing" {
        severity: Low,
        service: "ce",
        spec: ["AUD-16"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["001"],
        },
        needs: [data::ANOMALY_MONITORS.name],
        title: ("No cost anomaly monitor",
            "コスト異常検出のモニターがない"),
        what: ("Checks that Cost Anomaly Detection has at least one monitor.",
            "コスト異常検出のモニターが一つ以上あるか確認します。"),
        why: ("Anomaly detection catches spend spikes that a fixed budget only sees at month end.",
            "異常検出は固定予算では月末まで分からない支出の急増を捉えます。"),
        fix: ("Create a Cost Anomaly Detection monitor for AWS services with an alert subscription.",
            "AWS サービス単位のコスト異常検出モニターとアラート購読を作成してください。"),
        references: ["https://docs.aws.amazon.com/cost-management/latest/userguide/manage-ad.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    let monitors = cx.need(&data::ANOMALY_MONITORS)?;
    if monitors.is_empty() {
        let msg = msg!(
            "the account has no cost anomaly monitor",
            "コスト異常検出モニターがありません"
        );
        cx.emit(at, Status::Fail, msg);
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "the account has {n} cost anomaly monitor(s)",
                "コスト異常検出モニターが {n} 個あります",
                n = monitors.len()
            ),
        );
    }
    Ok(())
}
