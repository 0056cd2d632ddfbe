use super::customer_keys;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "kms-key-pending-deletion" {
        severity: Critical,
        service: "kms",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["KMS.3"],
        },
        needs: [data::KMS_KEYS.name],
        title: ("KMS key scheduled for deletion",
            "削除が予定されている KMS キー"),
        what: ("Finds customer managed KMS keys in the `PendingDeletion` state.",
            "`PendingDeletion` 状態のカスタマー管理 KMS キーを検出します。"),
        why: ("A deleted key cannot be recovered, and neither can anything it encrypted: volumes, snapshots, databases, secrets and objects become unreadable for good.",
            "削除されたキーは復元できず、それで暗号化したもの(ボリューム・スナップショット・データベース・シークレット・オブジェクト)も二度と読めなくなります。"),
        fix: ("If the deletion was not intended, cancel it during the waiting period (`aws kms cancel-key-deletion --key-id KEY`) and enable the key again; otherwise re-encrypt the data that still needs it first.",
            "意図しない削除であれば待機期間中に取り消し(`aws kms cancel-key-deletion --key-id KEY`)、キーを再度有効にしてください。そうでなければ、まだ必要なデータを先に再暗号化してください。"),
        references: ["https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("kms", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let region = reg.name();
    for k in customer_keys(cx, reg)? {
        let at = At {
            resource: &k.arn,
            region,
        };
        if k.state == "PendingDeletion" {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "KMS key {k} is scheduled for deletion",
                    "KMS キー {k} は削除が予定されています",
                    k = k.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "KMS key {k} is not scheduled for deletion (`{s}`)",
                    "KMS キー {k} は削除が予定されていません(`{s}`)",
                    k = k.id,
                    s = k.state
                ),
            );
        }
    }
    Ok(())
}
