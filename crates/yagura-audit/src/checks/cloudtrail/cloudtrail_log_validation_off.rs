use super::trails;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudtrail-log-validation-off" {
        severity: Medium,
        service: "cloudtrail",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["3.2"],
            "cis-aws-foundations-7.0": ["4.2"],
            "aws-fsbp": ["CloudTrail.4"],
            "yagura-guideline": [],
        },
        needs: [data::CLOUDTRAIL.name],
        title: ("CloudTrail log file validation is off",
            "CloudTrail のログファイル検証が無効"),
        what: ("Finds trails without log file integrity validation.",
            "ログファイルの整合性検証が無効な証跡を検出します。"),
        why: ("Without digests, an intruder can alter or delete log files undetected.",
            "ダイジェストがないと侵入者がログを改ざん・削除しても分かりません。"),
        fix: ("Enable log file validation on the trail.",
            "証跡のログファイル検証を有効にしてください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, _at: At<'_>) -> Outcome {
    for t in trails(cx)?.0 {
        let at = At {
            resource: &t.arn,
            region: &t.home_region,
        };
        if t.log_file_validation {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "trail `{n}` validates its log files",
                    "証跡 `{n}` はログファイルを検証しています",
                    n = t.name
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "trail `{n}` does not validate its log files",
                    "証跡 `{n}` はログファイルを検証していません",
                    n = t.name
                ),
            );
        }
    }
    Ok(())
}
