use crate::checks::prelude::*;
use crate::net::covers;
use crate::DB_PORTS;
use std::collections::BTreeSet;
use yagura_inventory::Instance;

declare_check! {
    pub static META = "ec2-database-on-instance" {
        severity: Low,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["000"],
        },
        needs: [data::INSTANCES.name, data::SECURITY_GROUPS.name],
        title: ("A database seems to run on an instance",
            "データベースがインスタンス上で動作しているようだ"),
        what: ("Finds instances whose security groups accept database ports (3306, 5432, 1433, 1521, 27017, 6379).",
            "セキュリティグループがデータベースのポート(3306・5432・1433・1521・27017・6379)を受け付けるインスタンスを検出します。"),
        why: ("Self-run databases need patching, backups and failover by hand; RDS does them.",
            "自前のデータベースはパッチ・バックアップ・フェイルオーバーを手作業で行う必要があり、RDS ならそれを任せられます。"),
        fix: ("Move the database to Amazon RDS or Aurora.",
            "データベースを Amazon RDS または Aurora に移行してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Welcome.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    // Without the security groups, the open ports are unknown: UNKNOWN with the reason.
    let groups = reg.groups(cx)?;
    let sgs: Vec<_> = i
        .security_groups
        .iter()
        .filter_map(|g| groups.get(g.as_str()))
        .collect();
    let db: BTreeSet<u16> = DB_PORTS
        .iter()
        .copied()
        .filter(|p| {
            sgs.iter().any(|g| {
                g.ingress
                    .iter()
                    .any(|r| covers(r, *p) && r.protocol != "-1")
            })
        })
        .collect();
    if db.is_empty() {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} accepts no database port",
                "インスタンス {i} はデータベースのポートを受け付けていません",
                i = i.id
            ),
        );
    } else {
        let ports = db.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} accepts database port(s) {p}",
                "インスタンス {i} はデータベースのポート {p} を受け付けています",
                i = i.id,
                p = ports
            ),
        );
    }
    Ok(())
}
