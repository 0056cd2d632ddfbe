use crate::checks::prelude::*;
use yagura_inventory::Collected;

declare_check! {
    pub static META = "rds-snapshot-public" {
        severity: Critical,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.1"],
        },
        needs: [data::RDS_SNAPSHOTS.name],
        title: ("RDS snapshot is public",
            "RDS スナップショットが公開されている"),
        what: ("Finds manual RDS DB snapshots and DB cluster snapshots whose `restore` attribute holds `all`.",
            "`restore` 属性に `all` を持つ手動の RDS DB スナップショットと DB クラスタースナップショットを検出します。"),
        why: ("Any AWS account can restore a public snapshot into a database of its own and read every row.",
            "公開スナップショットはどの AWS アカウントでも自分のデータベースに復元でき、すべての行を読めます。"),
        fix: ("Remove `all` from the snapshot's `restore` attribute (`aws rds modify-db-snapshot-attribute --attribute-name restore --values-to-remove all`); share with named accounts only.",
            "スナップショットの `restore` 属性から `all` を削除し(`aws rds modify-db-snapshot-attribute --attribute-name restore --values-to-remove all`)、特定のアカウントにだけ共有してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let snapshots = cx.need_in(&data::RDS_SNAPSHOTS, reg.region)?;
    let region = reg.name();
    for s in snapshots {
        let at = At {
            resource: &s.arn,
            region,
        };
        match &s.public {
            Collected::Ok(false) => cx.emit(
                at,
                Status::Pass,
                msg!(
                    "RDS snapshot {s} is not shared with every account",
                    "RDS スナップショット {s} はすべてのアカウントには共有されていません",
                    s = s.id
                ),
            ),
            Collected::Ok(true) => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "RDS snapshot {s} can be restored by any AWS account",
                    "RDS スナップショット {s} はどの AWS アカウントからも復元できます",
                    s = s.id
                ),
            ),
            Collected::Error(e) => cx.unknown_on(at, e.clone()),
        }
    }
    Ok(())
}
