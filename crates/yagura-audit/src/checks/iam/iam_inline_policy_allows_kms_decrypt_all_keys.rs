use crate::checks::prelude::*;

declare_check! {
    pub static META = "iam-inline-policy-allows-kms-decrypt-all-keys" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-05", "AUD-21"],
        compliance: {
            "aws-fsbp": ["KMS.2"],
        },
        needs: [data::USERS.name, data::GROUPS.name, data::ROLES.name],
        title: ("Inline policy allows decryption with every KMS key",
            "インラインポリシーがすべての KMS キーでの復号を許可している"),
        what: ("Finds users, groups and roles with an inline policy that may allow `kms:Decrypt` or `kms:ReEncryptFrom` on every KMS key of the account (`Resource` `*` or a wildcard over regions and key ids), judged by the policy evaluator (conditions assumed met, denies counted).",
            "アカウントのすべての KMS キー(`Resource` が `*`、またはリージョンとキー ID のワイルドカード)に対して `kms:Decrypt` または `kms:ReEncryptFrom` を許可しうるインラインポリシーを持つユーザー・グループ・ロールを検出します。ポリシー評価エンジンで判定します(条件は満たされるものとし、Deny は考慮します)。"),
        why: ("The principal can decrypt everything encrypted under any key whose key policy trusts the account: secrets, snapshots, backups of other workloads.",
            "このプリンシパルは、キーポリシーがアカウントを信頼するすべてのキーで暗号化されたもの(他のワークロードのシークレット・スナップショット・バックアップ)を復号できます。"),
        fix: ("Name the keys the principal needs in `Resource` (key ARNs), or restrict with `kms:ViaService` or `kms:EncryptionContext` conditions.",
            "`Resource` にプリンシパルが必要とするキー(キー ARN)を指定するか、`kms:ViaService` や `kms:EncryptionContext` の条件で制限してください。"),
        references: ["https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Principal {
        kinds: &[Kind::User, Kind::Group, Kind::Role],
        applies: |_| true,
        eval,
    },
};

fn eval<'a>(cx: &mut Cx<'a>, p: &Principal<'a>, at: At<'_>) -> Outcome {
    let (account, partition) = (cx.account.account_id.as_str(), cx.partition());
    let mut found: Vec<String> = Vec::new();
    for ip in p.inline {
        match cx.docs.kms_decrypt(&ip.document, account, partition) {
            Ok(a) if !a.is_empty() => found.push(format!("`{}` ({})", ip.name, a.join(", "))),
            Ok(_) => {}
            Err(e) => {
                let mut e = e.clone();
                e.message = format!("inline policy `{}`: {}", ip.name, e.message);
                return Err(Missing::new(e));
            }
        }
    }
    let (kind, kind_ja, name) = (p.kind_name(), p.kind_name_ja(), p.name);
    if found.is_empty() {
        let msg = msg!(
            "no inline policy of {kind} `{name}` allows decryption with every KMS key",
            "{kind_ja} `{name}` のインラインポリシーはすべての KMS キーでの復号を許可していません",
            kind = kind,
            kind_ja = kind_ja,
            name = name
        );
        cx.emit(at, Status::Pass, msg);
    } else {
        let f = found.join("; ");
        let msg = Text::owned(
            format!("inline policy of {kind} `{name}` allows decryption with every KMS key: {f}"),
            format!("{kind_ja} `{name}` のインラインポリシーはすべての KMS キーでの復号を許可しています: {f}"),
        );
        cx.emit(at, Status::Fail, msg);
    }
    Ok(())
}
