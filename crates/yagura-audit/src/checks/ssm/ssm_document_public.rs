use crate::checks::prelude::*;

declare_check! {
    pub static META = "ssm-document-public" {
        severity: Critical,
        service: "ssm",
        spec: ["AUD-09"],
        compliance: {
            "aws-fsbp": ["SSM.4"],
        },
        needs: [data::SSM_DOCUMENTS.name],
        title: ("Systems Manager document is public",
            "Systems Manager ドキュメントが公開されている"),
        what: ("Finds Systems Manager documents the account owns that are shared with `all` (DescribeDocumentPermission).",
            "アカウントが所有する Systems Manager ドキュメントで、`all` と共有されているもの(DescribeDocumentPermission)を検出します。"),
        why: ("Anyone can read a public document: its scripts, the names of buckets, parameters and hosts, sometimes credentials written into it.",
            "公開ドキュメントは誰でも読め、スクリプトやバケット・パラメータ・ホストの名前、ときには書き込まれた認証情報まで見られます。"),
        fix: ("Stop sharing it publicly (`aws ssm modify-document-permission --permission-type Share --account-ids-to-remove all`), share it with the accounts that need it, and turn on the account's block of public sharing.",
            "公開共有をやめ(`aws ssm modify-document-permission --permission-type Share --account-ids-to-remove all`)、必要なアカウントとだけ共有し、アカウントのパブリック共有のブロックを有効にしてください。"),
        references: ["https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ssm", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let docs = cx.need_in(&data::SSM_DOCUMENTS, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for d in docs {
        let arn = format!("arn:{partition}:ssm:{region}:{account}:document/{}", d.name);
        let at = At {
            resource: &arn,
            region,
        };
        match d.shared_with.as_ref() {
            Err(e) => cx.unknown_on(at, e.clone()),
            Ok(with) if with.iter().any(|a| a == "all") => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "document `{d}` is shared with everyone",
                    "ドキュメント `{d}` は全員と共有されています",
                    d = d.name
                ),
            ),
            Ok(with) => cx.emit(
                at,
                Status::Pass,
                msg!(
                    "document `{d}` is not public (shared with {n} account(s))",
                    "ドキュメント `{d}` は公開されていません({n} 個のアカウントと共有)",
                    d = d.name,
                    n = with.len()
                ),
            ),
        }
    }
    Ok(())
}
