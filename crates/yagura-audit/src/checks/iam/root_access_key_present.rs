use crate::checks::prelude::*;

declare_check! {
    pub static META = "root-access-key-present" {
        severity: Critical,
        service: "iam",
        spec: ["AUD-06"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.4"],
            "cis-aws-foundations-7.0": ["2.4"],
            "aws-fsbp": ["IAM.4"],
            "yagura-guideline": ["001"],
        },
        needs: [data::CREDENTIAL_REPORT.name, data::SUMMARY.name],
        title: ("Root user has access keys",
            "ルートユーザーにアクセスキーがある"),
        what: ("Checks that the root user has no access keys.",
            "ルートユーザーにアクセスキーがないことを確認します。"),
        why: ("A root key is an unrestricted, non-expiring credential that no policy can limit.",
            "ルートのキーはどのポリシーでも制限できない、無期限で無制限の認証情報です。"),
        fix: ("Delete the root access keys; use IAM roles for automation.",
            "ルートのアクセスキーを削除し、自動化には IAM ロールを使ってください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    // The credential report's root row when there is one, else the account summary.
    let row = cx
        .read(&data::CREDENTIAL_REPORT)?
        .ok()
        .and_then(|r| r.iter().find(|r| r.user == "<root_account>"));
    let present = match row {
        Some(r) => r.access_keys.iter().any(|k| k.active),
        None => cx.need(&data::SUMMARY)?.account_access_keys_present,
    };
    if present {
        let msg = msg!(
            "the root user has access keys",
            "ルートユーザーにアクセスキーがあります"
        );
        cx.emit(at, Status::Fail, msg);
    } else {
        let msg = msg!(
            "the root user has no access keys",
            "ルートユーザーにアクセスキーはありません"
        );
        cx.emit(at, Status::Pass, msg);
    }
    Ok(())
}
