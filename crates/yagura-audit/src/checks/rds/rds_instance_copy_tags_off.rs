use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-copy-tags-off" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.17"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance does not copy tags to snapshots",
            "RDS インスタンスがスナップショットにタグをコピーしない"),
        what: ("Finds RDS instances (outside clusters) that do not copy their tags to their snapshots.",
            "タグをスナップショットにコピーしない(クラスター外の)RDS インスタンスを検出します。"),
        why: ("Untagged snapshots escape the ownership, classification and tag-based access control that the instance's tags carry.",
            "タグのないスナップショットは、インスタンスのタグが担う所有者・分類・タグベースのアクセス制御から外れます。"),
        fix: ("Modify the instance with `--copy-tags-to-snapshot`.",
            "`--copy-tags-to-snapshot` を指定してインスタンスを変更してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Tagging.html#USER_Tagging.CopyTags"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Skip, |s| {
        Some(verdict(
            s.copy_tags_to_snapshot,
            || {
                msg!(
                    "RDS instance {d} copies its tags to snapshots",
                    "RDS インスタンス {d} はタグをスナップショットにコピーします",
                    d = db.id
                )
            },
            || {
                msg!(
                    "RDS instance {d} does not copy its tags to snapshots",
                    "RDS インスタンス {d} はタグをスナップショットにコピーしません",
                    d = db.id
                )
            },
        ))
    })
}
