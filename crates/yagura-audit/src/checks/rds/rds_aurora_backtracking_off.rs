use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-aurora-backtracking-off" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.14"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("Aurora MySQL cluster without backtracking",
            "バックトラックが無効な Aurora MySQL クラスター"),
        what: ("Finds Aurora MySQL clusters whose backtrack window is 0.",
            "バックトラックウィンドウが 0 の Aurora MySQL クラスターを検出します。"),
        why: ("Backtracking rewinds the cluster to a point in time in minutes, without a restore, after a bad write or a destructive statement.",
            "バックトラックを使うと、誤った書き込みや破壊的なステートメントの後、復元なしで数分のうちにクラスターをある時点に巻き戻せます。"),
        fix: ("Backtracking is set when the cluster is created (or restored): create a clone or restore with `--backtrack-window` (for example 86400 seconds) and switch over.",
            "バックトラックはクラスターの作成(または復元)時に設定します。`--backtrack-window`(例: 86400 秒)を指定してクローンまたは復元を作成し、切り替えてください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Managing.Backtrack.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        if !super::aurora_mysql(&c.engine) {
            return None;
        }
        Some(verdict(
            c.backtrack_window > 0,
            || {
                msg!(
                    "RDS cluster {c} backtracks up to {n} seconds",
                    "Aurora クラスター {c} は最大 {n} 秒のバックトラックが有効です",
                    c = c.id,
                    n = c.backtrack_window
                )
            },
            || {
                msg!(
                    "RDS cluster {c} has no backtracking",
                    "Aurora クラスター {c} はバックトラックが無効です",
                    c = c.id
                )
            },
        ))
    })
}
