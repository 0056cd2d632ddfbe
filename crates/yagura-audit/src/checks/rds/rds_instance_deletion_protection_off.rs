use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-deletion-protection-off" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.8"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance without deletion protection",
            "削除保護が無効な RDS インスタンス"),
        what: ("Finds RDS instances (outside clusters) whose deletion protection is off.",
            "(クラスター外の)削除保護が無効な RDS インスタンスを検出します。"),
        why: ("Without deletion protection one API call or console click by a mistaken or malicious user deletes the database.",
            "削除保護がないと、誤操作や悪意あるユーザーの API 呼び出しやコンソール操作一つでデータベースが削除されます。"),
        fix: ("Modify the instance with deletion protection enabled (`--deletion-protection`).",
            "削除保護を有効にしてインスタンスを変更してください(`--deletion-protection`)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeletionProtection"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Skip, |s| {
        Some(verdict(
            s.deletion_protection,
            || {
                msg!(
                    "RDS instance {d} is protected from deletion",
                    "RDS インスタンス {d} は削除保護が有効です",
                    d = db.id
                )
            },
            || {
                msg!(
                    "RDS instance {d} has no deletion protection",
                    "RDS インスタンス {d} は削除保護が無効です",
                    d = db.id
                )
            },
        ))
    })
}
