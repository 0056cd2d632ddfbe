use crate::checks::prelude::*;
use yagura_inventory::{CredentialReportRow, ReportAccessKey};

declare_check! {
    pub static META = "iam-access-key-unused" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-04", "AUD-08"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.12"],
            "cis-aws-foundations-7.0": ["2.11"],
            "aws-fsbp": ["IAM.8", "IAM.22"],
            "yagura-guideline": ["001"],
        },
        needs: [data::CREDENTIAL_REPORT.name],
        title: ("Access key unused for too long",
            "アクセスキーが長期間使われていない"),
        what: ("Finds active access keys not used for the configured number of days (45 by default, as CIS asks).",
            "設定した日数(CIS に合わせて既定 45 日)使われていない有効なアクセスキーを検出します。"),
        why: ("An unused key is pure risk: nobody notices when it is stolen and used.",
            "使われていないキーはリスクでしかなく、盗まれて使われても誰も気付きません。"),
        fix: ("Deactivate the key, wait for complaints, then delete it.",
            "キーを無効化し、影響がないことを確認してから削除してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::AccessKey(eval),
};

fn eval(cx: &mut Cx<'_>, row: &CredentialReportRow, k: &ReportAccessKey, at: At<'_>) -> Outcome {
    let used = k.last_used.as_deref().or(k.last_rotated.as_deref());
    let (s, u) = (k.slot, &row.user);
    match used.and_then(|t| days_since(cx.cfg.now, t)) {
        Some(d) if d > cx.cfg.unused_days => cx.emit(
            at,
            Status::Fail,
            msg!(
                "access key {s} of `{u}` was not used for {d} days",
                "`{u}` のアクセスキー {s} は {d} 日間使われていません",
                s = s,
                u = u,
                d = d
            ),
        ),
        Some(d) => cx.emit(
            at,
            Status::Pass,
            msg!(
                "access key {s} of `{u}` was used or created {d} days ago",
                "`{u}` のアクセスキー {s} は {d} 日前に使用または作成されました",
                s = s,
                u = u,
                d = d
            ),
        ),
        None => cx.emit(
            at,
            Status::Unknown,
            msg!(
                "access key {s} of `{u}` has no usable date in the credential report",
                "`{u}` のアクセスキー {s} の日付が認証情報レポートにありません",
                s = s,
                u = u
            ),
        ),
    }
    Ok(())
}
