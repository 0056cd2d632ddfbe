use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-cluster-deletion-protection-off" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.7"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("RDS cluster without deletion protection",
            "削除保護が無効な RDS クラスター"),
        what: ("Finds RDS DB clusters whose deletion protection is off.",
            "削除保護が無効な RDS DB クラスターを検出します。"),
        why: ("Without deletion protection one API call or console click by a mistaken or malicious user deletes the cluster.",
            "削除保護がないと、誤操作や悪意あるユーザーの API 呼び出しやコンソール操作一つでクラスターが削除されます。"),
        fix: ("Modify the cluster with deletion protection enabled (`--deletion-protection`).",
            "削除保護を有効にしてクラスターを変更してください(`--deletion-protection`)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html#USER_DeletionProtection"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        Some(verdict(
            c.deletion_protection,
            || {
                msg!(
                    "RDS cluster {c} is protected from deletion",
                    "RDS クラスター {c} は削除保護が有効です",
                    c = c.id
                )
            },
            || {
                msg!(
                    "RDS cluster {c} has no deletion protection",
                    "RDS クラスター {c} は削除保護が無効です",
                    c = c.id
                )
            },
        ))
    })
}
