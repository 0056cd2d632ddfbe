use super::rds_storage_not_encrypted::not_collected;
use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-publicly-accessible" {
        severity: High,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.3.3"],
            "cis-aws-foundations-7.0": ["3.2.3"],
            "aws-fsbp": ["RDS.2"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance is publicly accessible",
            "RDS インスタンスがパブリックアクセス可能"),
        what: ("Finds RDS instances with PubliclyAccessible on: their endpoint resolves to a public address reachable from outside the VPC where the security groups allow it.",
            "PubliclyAccessible が有効な RDS インスタンスを検出します。エンドポイントがパブリックアドレスに解決され、セキュリティグループが許せば VPC の外から届きます。"),
        why: ("A database reachable from the internet is one security group rule away from brute force and exploits of its engine.",
            "インターネットから届くデータベースは、セキュリティグループのルール一つで総当たりやエンジンの脆弱性攻撃にさらされます。"),
        fix: ("Turn PubliclyAccessible off (`aws rds modify-db-instance --no-publicly-accessible`) and reach the database from inside the VPC or through a bastion or Session Manager.",
            "PubliclyAccessible を無効にし(`aws rds modify-db-instance --no-publicly-accessible`)、VPC 内から、または踏み台やセッションマネージャー経由で接続してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    let public = db
        .publicly_accessible
        .ok_or_else(|| not_collected("PubliclyAccessible"))?;
    if public {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "RDS instance {d} is publicly accessible",
                "RDS インスタンス {d} はパブリックアクセス可能です",
                d = db.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "RDS instance {d} is not publicly accessible",
                "RDS インスタンス {d} はパブリックアクセスできません",
                d = db.id
            ),
        );
    }
    Ok(())
}
