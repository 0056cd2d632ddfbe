use super::trails;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudtrail-no-logging-trail" {
        severity: High,
        service: "cloudtrail",
        spec: ["AUD-20"],
        compliance: {
            "aws-fsbp": ["CloudTrail.3"],
        },
        needs: [data::CLOUDTRAIL.name],
        title: ("No CloudTrail trail is logging",
            "ログを記録している CloudTrail 証跡がない"),
        what: ("Finds accounts where no trail, of any region, is logging.",
            "どのリージョンにもログを記録している証跡がないアカウントを検出します。"),
        why: ("Without a trail the account keeps only 90 days of management events in the console's event history, without data events and with no copy an attacker cannot reach.",
            "証跡がないと、アカウントにはコンソールのイベント履歴に管理イベントが 90 日分残るだけで、データイベントもなく、攻撃者の手が届かない複製もありません。"),
        fix: ("Create a multi-region trail that logs to an S3 bucket (`aws cloudtrail create-trail --is-multi-region-trail`, then `start-logging`), or start logging on the existing trail.",
            "S3 バケットに記録するマルチリージョン証跡を作成するか(`aws cloudtrail create-trail --is-multi-region-trail` の後 `start-logging`)、既存の証跡でログ記録を開始してください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    let (trails, unreadable) = trails(cx)?;
    if let Some(t) = trails.iter().find(|t| t.logging) {
        let msg = msg!(
            "trail `{n}` is logging",
            "証跡 `{n}` はログを記録しています",
            n = t.name
        );
        cx.emit(at, Status::Pass, msg);
    } else if let Some(r) = unreadable {
        // No logging trail where the trails could be read: the others decide.
        cx.need_in(&data::CLOUDTRAIL, r)?;
    } else if !cx.account.regions.is_empty() {
        let msg = msg!(
            "no trail is logging in any region",
            "どのリージョンにもログを記録している証跡がありません"
        );
        cx.emit(at, Status::Fail, msg);
    }
    Ok(())
}
