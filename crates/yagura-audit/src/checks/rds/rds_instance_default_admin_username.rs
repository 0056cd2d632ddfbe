use crate::checks::prelude::*;
use yagura_inventory::DbInstance;

declare_check! {
    pub static META = "rds-instance-default-admin-username" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.25"],
        },
        needs: [data::RDS.name],
        title: ("RDS instance keeps the default administrator username",
            "RDS インスタンスが既定の管理者ユーザー名のまま"),
        what: ("Finds RDS instances (outside clusters) whose master username is the default `admin` or `postgres`.",
            "マスターユーザー名が既定の `admin` または `postgres` の(クラスター外の)RDS インスタンスを検出します。"),
        why: ("A known administrator name leaves only the password to guess in a brute-force or credential-stuffing attack.",
            "管理者名が既知だと、総当たりやリスト型攻撃で推測すべきはパスワードだけになります。"),
        fix: ("The master username cannot be changed: create a new instance with a custom master username and migrate (a snapshot restore keeps the old name).",
            "マスターユーザー名は変更できません。独自のマスターユーザー名で新しいインスタンスを作成して移行してください(スナップショットからの復元では元の名前が残ります)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.MasterAccounts.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Db(eval),
};

fn eval(cx: &mut Cx<'_>, db: &DbInstance, at: At<'_>) -> Outcome {
    super::judge_instance(cx, db, at, super::Members::Skip, |s| {
        Some(verdict(
            !super::default_admin(&s.master_username),
            || {
                msg!(
                    "RDS instance {d} has a custom administrator username",
                    "RDS インスタンス {d} は独自の管理者ユーザー名を使っています",
                    d = db.id
                )
            },
            || {
                msg!(
                    "RDS instance {d} keeps the default administrator username `{u}`",
                    "RDS インスタンス {d} は既定の管理者ユーザー名 `{u}` のままです",
                    d = db.id,
                    u = s.master_username
                )
            },
        ))
    })
}
