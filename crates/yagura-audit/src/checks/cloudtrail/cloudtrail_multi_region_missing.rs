use super::trails;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudtrail-multi-region-missing" {
        severity: High,
        service: "cloudtrail",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["3.1"],
            "cis-aws-foundations-7.0": ["4.1"],
            "aws-fsbp": ["CloudTrail.1"],
            "yagura-guideline": [],
        },
        needs: [data::CLOUDTRAIL.name],
        title: ("No multi-region CloudTrail trail is logging",
            "ログ記録中のマルチリージョン CloudTrail 証跡がない"),
        what: ("Checks that at least one multi-region trail exists and is logging.",
            "ログ記録中のマルチリージョン証跡が一つ以上あるか確認します。"),
        why: ("Without CloudTrail there is no record of who did what; attackers act in regions you do not watch.",
            "CloudTrail がないと誰が何をしたか記録されません。攻撃者は監視外のリージョンで活動します。"),
        fix: ("Create a multi-region trail (an organization trail in the management account).",
            "マルチリージョン証跡(管理アカウントでは組織の証跡)を作成してください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    let (trails, unreadable) = trails(cx)?;
    if trails.iter().any(|t| t.multi_region && t.logging) {
        let msg = msg!(
            "a multi-region trail is logging",
            "マルチリージョン証跡がログを記録しています"
        );
        cx.emit(at, Status::Pass, msg);
    } else if let Some(r) = unreadable {
        // No logging trail where the trails could be read: the others decide.
        cx.need_in(&data::CLOUDTRAIL, r)?;
    } else if !cx.account.regions.is_empty() {
        let msg = msg!(
            "no multi-region trail is logging",
            "ログを記録しているマルチリージョン証跡がありません"
        );
        cx.emit(at, Status::Fail, msg);
    }
    Ok(())
}
