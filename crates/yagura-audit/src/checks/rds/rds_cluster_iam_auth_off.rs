use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-cluster-iam-auth-off" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.12"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("RDS cluster without IAM database authentication",
            "IAM データベース認証が無効な RDS クラスター"),
        what: ("Finds Aurora and Multi-AZ DB clusters (MySQL, PostgreSQL) without IAM database authentication.",
            "IAM データベース認証が無効な Aurora とマルチ AZ DB クラスター(MySQL・PostgreSQL)を検出します。"),
        why: ("Without IAM authentication every client holds a long-lived database password; with it, access follows IAM policies and 15-minute tokens.",
            "IAM 認証がないと各クライアントは長期のデータベースパスワードを持ちます。IAM 認証なら IAM ポリシーと 15 分のトークンでアクセスを管理できます。"),
        fix: ("Modify the cluster with `--enable-iam-database-authentication` and create database users that authenticate with IAM.",
            "`--enable-iam-database-authentication` を指定してクラスターを変更し、IAM で認証するデータベースユーザーを作成してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        if !super::iam_auth_engine(&c.engine) {
            return None;
        }
        Some(verdict(
            c.iam_auth,
            || {
                msg!(
                    "RDS cluster {c} accepts IAM database authentication",
                    "RDS クラスター {c} は IAM データベース認証が有効です",
                    c = c.id
                )
            },
            || {
                msg!(
                    "RDS cluster {c} has no IAM database authentication",
                    "RDS クラスター {c} は IAM データベース認証が無効です",
                    c = c.id
                )
            },
        ))
    })
}
