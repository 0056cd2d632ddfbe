use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-default-port" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.23"],
        },
        needs: [data::RDS.name],
        title: ("RDS database listens on its engine's default port",
            "RDS データベースがエンジンの既定ポートで待ち受けている"),
        what: ("Finds RDS instances, Aurora members included (their port is their cluster's), that listen on their engine's default port (3306, 5432, 1521, 1433, 50000).",
            "エンジンの既定ポート(3306・5432・1521・1433・50000)で待ち受ける RDS インスタンス(ポートがクラスターと同じ Aurora のメンバーを含む)を検出します。"),
        why: ("Scanners try default ports first; a non-default port removes the database from the cheapest scans (it is no substitute for closed security groups).",
            "スキャナーはまず既定ポートを試します。既定以外のポートなら最も安価なスキャンから外れます(セキュリティグループを閉じる代わりにはなりません)。"),
        fix: ("Modify the instance or its cluster with another port (`--db-port-number`) and update the clients and security groups.",
            "別のポート(`--db-port-number`)を指定してインスタンスまたはクラスターを変更し、クライアントとセキュリティグループを更新してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.DBInstance.Modifying.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Judge, |s| {
        let (Some(default), Some(port)) = (super::default_port(&db.engine), s.port) else {
            return None;
        };
        Some(verdict(
            port != default,
            || {
                msg!(
                    "RDS instance {d} listens on port {p}, not its engine's default",
                    "RDS インスタンス {d} はエンジンの既定ではないポート {p} で待ち受けています",
                    d = db.id,
                    p = port
                )
            },
            || {
                msg!(
                    "RDS instance {d} listens on its engine's default port {p}",
                    "RDS インスタンス {d} はエンジンの既定ポート {p} で待ち受けています",
                    d = db.id,
                    p = port
                )
            },
        ))
    })
}
