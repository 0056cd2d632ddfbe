use super::customer_policies;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "iam-policy-allows-kms-decrypt-all-keys" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-05", "AUD-21"],
        compliance: {
            "aws-fsbp": ["KMS.1"],
        },
        needs: [data::POLICIES.name],
        title: ("Customer managed policy allows decryption with every KMS key",
            "カスタマー管理ポリシーがすべての KMS キーでの復号を許可している"),
        what: ("Finds customer managed policies that may allow `kms:Decrypt` or `kms:ReEncryptFrom` on every KMS key of the account (`Resource` `*` or a wildcard over regions and key ids), judged by the policy evaluator (conditions assumed met, denies counted).",
            "アカウントのすべての KMS キー(`Resource` が `*`、またはリージョンとキー ID のワイルドカード)に対して `kms:Decrypt` または `kms:ReEncryptFrom` を許可しうるカスタマー管理ポリシーを検出します。ポリシー評価エンジンで判定します(条件は満たされるものとし、Deny は考慮します)。"),
        why: ("Whoever holds the policy can decrypt everything encrypted under any key whose key policy trusts the account: secrets, snapshots, backups of other workloads.",
            "このポリシーを持つ者は、キーポリシーがアカウントを信頼するすべてのキーで暗号化されたもの(他のワークロードのシークレット・スナップショット・バックアップ)を復号できます。"),
        fix: ("Name the keys the workload needs in `Resource` (key ARNs), or restrict with `kms:ViaService` or `kms:EncryptionContext` conditions.",
            "`Resource` にワークロードが必要とするキー(キー ARN)を指定するか、`kms:ViaService` や `kms:EncryptionContext` の条件で制限してください。"),
        references: ["https://docs.aws.amazon.com/kms/latest/developerguide/iam-policies-best-practices.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, _at: At<'_>) -> Outcome {
    let (account, partition) = (cx.account.account_id.as_str(), cx.partition());
    for p in customer_policies(cx)? {
        let at = At {
            resource: &p.arn,
            region: GLOBAL,
        };
        let actions = match cx.docs.kms_decrypt(&p.document, account, partition) {
            Ok(a) => a.clone(),
            Err(e) => {
                let e = e.clone();
                cx.unknown_on(at, e);
                continue;
            }
        };
        if actions.is_empty() {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "policy `{n}` does not allow decryption with every KMS key",
                    "ポリシー `{n}` はすべての KMS キーでの復号を許可していません",
                    n = p.name
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "policy `{n}` allows {a} on every KMS key",
                    "ポリシー `{n}` はすべての KMS キーに {a} を許可しています",
                    n = p.name,
                    a = actions.join(", ")
                ),
            );
        }
    }
    Ok(())
}
