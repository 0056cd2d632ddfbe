use crate::checks::prelude::*;

declare_check! {
    pub static META = "budget-without-notification" {
        severity: Medium,
        service: "budgets",
        spec: ["AUD-16"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["001"],
        },
        needs: [data::BUDGETS.name],
        title: ("No budget with a notification",
            "通知付きの予算がない"),
        what: ("Checks that the account has at least one AWS Budget with a notification subscriber.",
            "通知先のある AWS Budgets の予算が一つ以上あるか確認します。"),
        why: ("A sudden bill is often the first sign of a takeover (seed 004: large instances for mining).",
            "急な請求増は乗っ取りの最初の兆候であることが多いです(事例 004: マイニング用の大型インスタンス)。"),
        fix: ("Create a monthly cost budget with an e-mail or SNS notification at 80% and 100%.",
            "80% と 100% でメールまたは SNS に通知する月次コスト予算を作成してください。"),
        references: ["https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-create.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    if cx.need(&data::BUDGETS)?.iter().any(|b| b.notifications > 0) {
        let msg = msg!(
            "the account has a budget with a notification",
            "通知付きの予算があります"
        );
        cx.emit(at, Status::Pass, msg);
    } else {
        let msg = msg!(
            "the account has no budget with a notification",
            "通知付きの予算がありません"
        );
        cx.emit(at, Status::Fail, msg);
    }
    Ok(())
}
