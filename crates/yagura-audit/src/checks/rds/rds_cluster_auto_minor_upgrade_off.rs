use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-cluster-auto-minor-upgrade-off" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.35"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("RDS Multi-AZ DB cluster does not upgrade minor versions automatically",
            "RDS マルチ AZ DB クラスターの自動マイナーバージョンアップグレードが無効"),
        what: ("Finds Multi-AZ DB clusters (the clusters that report the setting; Aurora upgrades per instance) without automatic minor version upgrades.",
            "自動マイナーバージョンアップグレードが無効なマルチ AZ DB クラスター(この設定を報告するクラスター。Aurora はインスタンスごと)を検出します。"),
        why: ("Minor versions carry security fixes; without auto upgrade they wait for someone to remember.",
            "マイナーバージョンにはセキュリティ修正が含まれます。自動化しないと誰かが思い出すまで適用されません。"),
        fix: ("Modify the cluster with `--auto-minor-version-upgrade` and set a maintenance window.",
            "`--auto-minor-version-upgrade` を指定してクラスターを変更し、メンテナンスウィンドウを設定してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-upgrading.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        let upgrades = c.auto_minor_version_upgrade?;
        Some(verdict(
            upgrades,
            || {
                msg!(
                    "RDS cluster {c} upgrades minor versions automatically",
                    "RDS クラスター {c} は自動でマイナーバージョンアップグレードします",
                    c = c.id
                )
            },
            || {
                msg!(
                    "RDS cluster {c} does not upgrade minor versions automatically",
                    "RDS クラスター {c} は自動マイナーバージョンアップグレードが無効です",
                    c = c.id
                )
            },
        ))
    })
}
