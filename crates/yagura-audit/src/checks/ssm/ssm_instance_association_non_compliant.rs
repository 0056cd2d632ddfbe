use crate::checks::prelude::*;

declare_check! {
    pub static META = "ssm-instance-association-non-compliant" {
        severity: Low,
        service: "ssm",
        spec: ["AUD-17"],
        compliance: {
            "aws-fsbp": ["SSM.3"],
        },
        needs: [data::SSM_ASSOCIATION_COMPLIANCE.name],
        title: ("Managed instance is not compliant with its State Manager associations",
            "マネージドインスタンスがステートマネージャーの関連付けに準拠していない"),
        what: ("Finds instances managed by Systems Manager whose association compliance status is `NON_COMPLIANT` after an association ran on them (ListResourceComplianceSummaries, `ComplianceType=Association`); instances without an association compliance summary are not judged.",
            "関連付けの実行後の関連付けコンプライアンス状態が `NON_COMPLIANT` の、Systems Manager 管理下のインスタンスを検出します(ListResourceComplianceSummaries、`ComplianceType=Association`)。関連付けコンプライアンスの概要がないインスタンスは判定しません。"),
        why: ("A failed association means the configuration it enforces (agent updates, inventory, antivirus, hardening) is not in place on the instance.",
            "関連付けが失敗しているということは、それが適用する設定(エージェントの更新、インベントリ、ウイルス対策、堅牢化など)がインスタンスに反映されていないということです。"),
        fix: ("See which associations failed (`aws ssm list-compliance-items --resource-ids ID --resource-types ManagedInstance --filters Key=ComplianceType,Values=Association`), read the output of their last run, fix the cause and run them again (`aws ssm start-associations-once --association-ids ASSOCIATION`).",
            "失敗した関連付けを確認し(`aws ssm list-compliance-items --resource-ids ID --resource-types ManagedInstance --filters Key=ComplianceType,Values=Association`)、最後の実行の出力を読んで原因を解消し、再実行してください(`aws ssm start-associations-once --association-ids ASSOCIATION`)。"),
        references: ["https://docs.aws.amazon.com/systems-manager/latest/userguide/compliance-about.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ssm", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::judge(cx, reg, &data::SSM_ASSOCIATION_COMPLIANCE, pass, fail)
}

fn pass(i: &str) -> Message {
    msg!(
        "managed instance {i} is compliant with its associations",
        "マネージドインスタンス {i} は関連付けに準拠しています",
        i = i
    )
}

fn fail(i: &str, n: u32, by: &str) -> Message {
    msg!(
        "managed instance {i} is not compliant with its associations: {n} non-compliant association(s) ({by})",
        "マネージドインスタンス {i} は関連付けに準拠していません: 非準拠の関連付け {n} 件({by})",
        i = i,
        n = n,
        by = by
    )
}
