use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-cluster-copy-tags-off" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.16"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("RDS cluster does not copy tags to snapshots",
            "RDS クラスターがスナップショットにタグをコピーしない"),
        what: ("Finds RDS DB clusters that do not copy their tags to their snapshots.",
            "タグをスナップショットにコピーしない RDS DB クラスターを検出します。"),
        why: ("Untagged snapshots escape the ownership, classification and tag-based access control that the cluster's tags carry.",
            "タグのないスナップショットは、クラスターのタグが担う所有者・分類・タグベースのアクセス制御から外れます。"),
        fix: ("Modify the cluster with `--copy-tags-to-snapshot`.",
            "`--copy-tags-to-snapshot` を指定してクラスターを変更してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Tagging.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        Some(verdict(
            c.copy_tags_to_snapshot,
            || {
                msg!(
                    "RDS cluster {c} copies its tags to snapshots",
                    "RDS クラスター {c} はタグをスナップショットにコピーします",
                    c = c.id
                )
            },
            || {
                msg!(
                    "RDS cluster {c} does not copy its tags to snapshots",
                    "RDS クラスター {c} はタグをスナップショットにコピーしません",
                    c = c.id
                )
            },
        ))
    })
}
