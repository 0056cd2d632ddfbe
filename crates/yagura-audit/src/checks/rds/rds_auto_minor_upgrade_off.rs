use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-auto-minor-upgrade-off" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.3.2"],
            "cis-aws-foundations-7.0": ["3.2.2"],
            "aws-fsbp": ["RDS.13"],
            "yagura-guideline": ["000"],
        },
        needs: [data::RDS.name],
        title: ("RDS automatic minor version upgrade is off",
            "RDS の自動マイナーバージョンアップグレードが無効"),
        what: ("Finds RDS instances without automatic minor version upgrades.",
            "自動マイナーバージョンアップグレードが無効な RDS インスタンスを検出します。"),
        why: ("Minor versions carry security fixes; without auto upgrade they wait for someone to remember.",
            "マイナーバージョンにはセキュリティ修正が含まれます。自動化しないと誰かが思い出すまで適用されません。"),
        fix: ("Enable auto minor version upgrade and set a maintenance window.",
            "自動マイナーバージョンアップグレードを有効にし、メンテナンスウィンドウを設定してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    if db.auto_minor_version_upgrade {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "RDS instance {d} upgrades minor versions automatically",
                "RDS インスタンス {d} は自動でマイナーバージョンアップグレードします",
                d = db.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "RDS instance {d} does not upgrade minor versions automatically",
                "RDS インスタンス {d} は自動マイナーバージョンアップグレードが無効です",
                d = db.id
            ),
        );
    }
    Ok(())
}
