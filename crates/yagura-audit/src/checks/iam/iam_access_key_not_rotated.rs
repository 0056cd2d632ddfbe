use crate::checks::prelude::*;
use yagura_inventory::{CredentialReportRow, ReportAccessKey};

declare_check! {
    pub static META = "iam-access-key-not-rotated" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-04"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.14"],
            "cis-aws-foundations-7.0": ["2.12"],
            "aws-fsbp": ["IAM.3"],
            "yagura-guideline": ["000"],
        },
        needs: [data::CREDENTIAL_REPORT.name],
        title: ("Access key older than the rotation age",
            "アクセスキーがローテーション期限を超えている"),
        what: ("Finds active access keys created longer ago than the rotation age (90 days by default).",
            "ローテーション期限(既定 90 日)より前に作成された有効なアクセスキーを検出します。"),
        why: ("The longer a key lives, the more places it has been copied to.",
            "キーが長く生きるほど、多くの場所にコピーされます。"),
        fix: ("Create a new key, switch the consumers over, deactivate and delete the old one; better, replace the key with a role.",
            "新しいキーを作成して利用側を切り替え、古いキーを無効化・削除してください。できればロールに置き換えてください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::AccessKey(eval),
};

fn eval(cx: &mut Cx<'_>, row: &CredentialReportRow, k: &ReportAccessKey, at: At<'_>) -> Outcome {
    let max = cx.cfg.key_rotation_days;
    let (s, u) = (k.slot, &row.user);
    match k
        .last_rotated
        .as_deref()
        .and_then(|t| days_since(cx.cfg.now, t))
    {
        Some(d) if d > max => cx.emit(
            at,
            Status::Fail,
            text!(
                "access key {s} of `{u}` is {d} days old (rotation age {m})",
                "`{u}` のアクセスキー {s} は作成から {d} 日経過しています(期限 {m} 日)",
                s = s,
                u = u,
                d = d,
                m = max
            ),
        ),
        Some(d) => cx.emit(
            at,
            Status::Pass,
            msg!(
                "access key {s} of `{u}` is {d} days old",
                "`{u}` のアクセスキー {s} は作成から {d} 日です",
                s = s,
                u = u,
                d = d
            ),
        ),
        None => cx.emit(
            at,
            Status::Unknown,
            msg!(
                "access key {s} of `{u}` has no rotation date",
                "`{u}` のアクセスキー {s} の作成日が不明です",
                s = s,
                u = u
            ),
        ),
    }
    Ok(())
}
