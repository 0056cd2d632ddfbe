use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-single-az" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "cis-aws-foundations-7.0": ["3.2.4"],
            "aws-fsbp": ["RDS.5"],
            "yagura-guideline": ["000"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance is not Multi-AZ",
            "RDS インスタンスがマルチ AZ ではない"),
        what: ("Finds RDS instances without a Multi-AZ standby.",
            "マルチ AZ のスタンバイがない RDS インスタンスを検出します。"),
        why: ("A single-AZ database is down for the whole of an AZ outage or a hardware failure.",
            "シングル AZ のデータベースは AZ 障害やハードウェア障害の間ずっと停止します。"),
        fix: ("Modify the instance to Multi-AZ (production at least).",
            "(少なくとも本番は)インスタンスをマルチ AZ に変更してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    if db.multi_az {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "RDS instance {d} is Multi-AZ",
                "RDS インスタンス {d} はマルチ AZ です",
                d = db.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "RDS instance {d} is single-AZ",
                "RDS インスタンス {d} はシングル AZ です",
                d = db.id
            ),
        );
    }
    Ok(())
}
