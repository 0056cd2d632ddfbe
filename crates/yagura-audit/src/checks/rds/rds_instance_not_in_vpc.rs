use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-not-in-vpc" {
        severity: High,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.18"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance is not in a VPC",
            "RDS インスタンスが VPC 内にない"),
        what: ("Finds RDS instances without a subnet group in a VPC (EC2-Classic).",
            "VPC 内のサブネットグループを持たない(EC2-Classic の)RDS インスタンスを検出します。"),
        why: ("Outside a VPC there are no security groups of the VPC, network ACLs, private subnets or flow logs around the database.",
            "VPC 外ではデータベースを囲む VPC のセキュリティグループ・ネットワーク ACL・プライベートサブネット・フローログがありません。"),
        fix: ("Move the instance into a VPC (a DB subnet group in private subnets) by modifying it or restoring a snapshot there.",
            "インスタンスを変更するか、スナップショットから復元して VPC(プライベートサブネットの DB サブネットグループ)に移してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Judge, |s| {
        Some(verdict(
            s.vpc_id.is_some(),
            || {
                msg!(
                    "RDS instance {d} is in VPC {v}",
                    "RDS インスタンス {d} は VPC {v} 内にあります",
                    d = db.id,
                    v = s.vpc_id.as_deref().unwrap_or_default()
                )
            },
            || {
                msg!(
                    "RDS instance {d} is not in a VPC",
                    "RDS インスタンス {d} は VPC 内にありません",
                    d = db.id
                )
            },
        ))
    })
}
