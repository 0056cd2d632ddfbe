use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-postgres-not-encrypted-in-transit" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.38"],
        },
        needs: [data::RDS.name, data::RDS_PARAMETER_GROUPS.name],
        title: ("RDS for PostgreSQL instance accepts unencrypted connections",
            "RDS の PostgreSQL インスタンスが暗号化されていない接続を受け付ける"),
        what: ("Finds RDS for PostgreSQL instances (outside clusters) whose DB parameter group does not set `rds.force_ssl` on; a group that gives it no value (the engine default applies) or could not be read is UNKNOWN.",
            "DB パラメータグループで `rds.force_ssl` が有効になっていない(クラスター外の)RDS の PostgreSQL インスタンスを検出します。値のない(エンジンの既定が適用される)グループや読めなかったグループは UNKNOWN です。"),
        why: ("Without it clients may connect in clear text, and credentials and data cross the network readable by anyone on the path.",
            "これがないとクライアントは平文で接続でき、認証情報やデータが経路上の誰にでも読める状態でネットワークを流れます。"),
        fix: ("Set `rds.force_ssl` to `1` in a custom DB parameter group attached to the instance (a static change in some versions: reboot), after making sure the clients use TLS.",
            "クライアントが TLS を使うことを確認したうえで、インスタンスに関連付けたカスタム DB パラメータグループで `rds.force_ssl` を `1` に設定してください(バージョンによっては静的パラメータのため再起動が必要です)。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::in_transit(cx, reg, "postgres", "rds.force_ssl")
}
