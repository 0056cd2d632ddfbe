use crate::checks::prelude::*;
use yagura_inventory::CollectError;

declare_check! {
    pub static META = "root-used-recently" {
        severity: High,
        service: "iam",
        spec: ["AUD-06"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.7"],
            "cis-aws-foundations-7.0": ["2.7"],
            "yagura-guideline": ["001"],
        },
        needs: [data::CREDENTIAL_REPORT.name],
        title: ("Root user used recently",
            "ルートユーザーが最近使われた"),
        what: ("Checks that the root user's password and keys were not used in the configured number of days (30 by default).",
            "ルートユーザーのパスワードとキーが設定日数(既定 30 日)以内に使われていないことを確認します。"),
        why: ("Daily work as root means no least privilege and no attribution.",
            "日常作業をルートで行うと最小権限も操作者の特定もできません。"),
        fix: ("Use IAM roles for daily work; keep root for the few tasks only root can do.",
            "日常作業には IAM ロールを使い、ルートはルートにしかできない作業に限ってください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    let report = cx.need(&data::CREDENTIAL_REPORT)?;
    let Some(r) = report.iter().find(|r| r.user == "<root_account>") else {
        return Err(Missing::new(CollectError::new(
            "iam:GetCredentialReport",
            "NoRootRow",
            "the credential report has no row for the root user",
        )));
    };
    let now = cx.cfg.now;
    let last = r
        .password_last_used
        .iter()
        .chain(r.access_keys.iter().filter_map(|k| k.last_used.as_ref()))
        .filter_map(|t| days_since(now, t))
        .min();
    let recent = cx.cfg.root_recent_days;
    match last {
        Some(d) if d <= recent => cx.emit(
            at,
            Status::Fail,
            msg!(
                "the root user was used {d} days ago",
                "ルートユーザーが {d} 日前に使用されました",
                d = d
            ),
        ),
        _ => cx.emit(
            at,
            Status::Pass,
            msg!(
                "the root user was not used in the last {n} days",
                "ルートユーザーは過去 {n} 日間使用されていません",
                n = recent
            ),
        ),
    }
    Ok(())
}
