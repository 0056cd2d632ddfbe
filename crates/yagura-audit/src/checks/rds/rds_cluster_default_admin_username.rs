use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-cluster-default-admin-username" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.24"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("RDS cluster keeps the default administrator username",
            "RDS クラスターが既定の管理者ユーザー名のまま"),
        what: ("Finds RDS DB clusters whose master username is the default `admin` or `postgres`.",
            "マスターユーザー名が既定の `admin` または `postgres` の RDS DB クラスターを検出します。"),
        why: ("A known administrator name leaves only the password to guess in a brute-force or credential-stuffing attack.",
            "管理者名が既知だと、総当たりやリスト型攻撃で推測すべきはパスワードだけになります。"),
        fix: ("The master username cannot be changed: create a new cluster with a custom master username and migrate (a snapshot restore keeps the old name).",
            "マスターユーザー名は変更できません。独自のマスターユーザー名で新しいクラスターを作成して移行してください(スナップショットからの復元では元の名前が残ります)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.MasterAccounts.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        Some(verdict(
            !super::default_admin(&c.master_username),
            || {
                msg!(
                    "RDS cluster {c} has a custom administrator username",
                    "RDS クラスター {c} は独自の管理者ユーザー名を使っています",
                    c = c.id
                )
            },
            || {
                msg!(
                    "RDS cluster {c} keeps the default administrator username `{u}`",
                    "RDS クラスター {c} は既定の管理者ユーザー名 `{u}` のままです",
                    c = c.id,
                    u = c.master_username
                )
            },
        ))
    })
}
