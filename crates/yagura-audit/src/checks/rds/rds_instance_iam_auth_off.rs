use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-iam-auth-off" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.10"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance without IAM database authentication",
            "IAM データベース認証が無効な RDS インスタンス"),
        what: ("Finds MySQL, MariaDB and PostgreSQL RDS instances (outside clusters) without IAM database authentication.",
            "IAM データベース認証が無効な MySQL・MariaDB・PostgreSQL の(クラスター外の)RDS インスタンスを検出します。"),
        why: ("Without IAM authentication every client holds a long-lived database password; with it, access follows IAM policies and 15-minute tokens.",
            "IAM 認証がないと各クライアントは長期のデータベースパスワードを持ちます。IAM 認証なら IAM ポリシーと 15 分のトークンでアクセスを管理できます。"),
        fix: ("Modify the instance with `--enable-iam-database-authentication` and create database users that authenticate with IAM.",
            "`--enable-iam-database-authentication` を指定してインスタンスを変更し、IAM で認証するデータベースユーザーを作成してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Skip, |s| {
        if !super::iam_auth_engine(&db.engine) {
            return None;
        }
        Some(verdict(
            s.iam_auth,
            || {
                msg!(
                    "RDS instance {d} accepts IAM database authentication",
                    "RDS インスタンス {d} は IAM データベース認証が有効です",
                    d = db.id
                )
            },
            || {
                msg!(
                    "RDS instance {d} has no IAM database authentication",
                    "RDS インスタンス {d} は IAM データベース認証が無効です",
                    d = db.id
                )
            },
        ))
    })
}
