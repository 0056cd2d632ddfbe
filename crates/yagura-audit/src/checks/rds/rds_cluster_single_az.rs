use crate::checks::prelude::*;

declare_check! {
    pub static META = "rds-cluster-single-az" {
        severity: Medium,
        service: "rds",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["RDS.15"],
        },
        needs: [data::RDS_CLUSTERS.name],
        title: ("RDS cluster is not Multi-AZ",
            "RDS クラスターがマルチ AZ ではない"),
        what: ("Finds RDS DB clusters whose instances are not spread over several Availability Zones.",
            "インスタンスが複数のアベイラビリティーゾーンに分散していない RDS DB クラスターを検出します。"),
        why: ("A cluster in one AZ is down for the whole of an AZ outage; a reader in another AZ takes over in about a minute.",
            "1 つの AZ にあるクラスターは AZ 障害の間ずっと停止します。別の AZ のリーダーがあれば約 1 分で引き継ぎます。"),
        fix: ("Add a reader instance in another Availability Zone.",
            "別のアベイラビリティーゾーンにリーダーインスタンスを追加してください。"),
        references: ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("rds", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::each_cluster(cx, reg, |c| {
        Some(verdict(
            c.multi_az,
            || {
                msg!(
                    "RDS cluster {c} is Multi-AZ",
                    "RDS クラスター {c} はマルチ AZ です",
                    c = c.id
                )
            },
            || {
                msg!(
                    "RDS cluster {c} is in a single AZ",
                    "RDS クラスター {c} はシングル AZ です",
                    c = c.id
                )
            },
        ))
    })
}
