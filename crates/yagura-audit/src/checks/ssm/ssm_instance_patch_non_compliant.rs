use crate::checks::prelude::*;

declare_check! {
    pub static META = "ssm-instance-patch-non-compliant" {
        severity: High,
        service: "ssm",
        spec: ["AUD-17"],
        compliance: {
            "aws-fsbp": ["SSM.2"],
        },
        needs: [data::SSM_PATCH_COMPLIANCE.name],
        title: ("Managed instance is not compliant with its patch baseline",
            "マネージドインスタンスがパッチベースラインに準拠していない"),
        what: ("Finds instances managed by Systems Manager whose patch compliance status is `NON_COMPLIANT` after a patch scan or installation (ListResourceComplianceSummaries, `ComplianceType=Patch`); instances without a patch compliance summary are not judged.",
            "パッチのスキャンまたはインストール後のパッチコンプライアンス状態が `NON_COMPLIANT` の、Systems Manager 管理下のインスタンスを検出します(ListResourceComplianceSummaries、`ComplianceType=Patch`)。パッチコンプライアンスの概要がないインスタンスは判定しません。"),
        why: ("Missing or failed patches leave known vulnerabilities open on the instance, the first thing an attacker scans for.",
            "未適用または適用に失敗したパッチがあると、既知の脆弱性がインスタンスに残り、攻撃者が最初に探す対象になります。"),
        fix: ("See which patches are missing or failed (`aws ssm list-compliance-items --resource-ids ID --resource-types ManagedInstance --filters Key=ComplianceType,Values=Patch`) and install them with Patch Manager (`AWS-RunPatchBaseline` with `Operation=Install`, or a patch policy), then fix the cause of any failed installation.",
            "未適用または失敗したパッチを確認し(`aws ssm list-compliance-items --resource-ids ID --resource-types ManagedInstance --filters Key=ComplianceType,Values=Patch`)、パッチマネージャーでインストールしてください(`Operation=Install` の `AWS-RunPatchBaseline` またはパッチポリシー)。インストールに失敗したものはその原因を解消してください。"),
        references: ["https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-compliance-states.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ssm", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    super::judge(cx, reg, &data::SSM_PATCH_COMPLIANCE, pass, fail)
}

fn pass(i: &str) -> Message {
    msg!(
        "managed instance {i} is compliant with its patch baseline",
        "マネージドインスタンス {i} はパッチベースラインに準拠しています",
        i = i
    )
}

fn fail(i: &str, n: u32, by: &str) -> Message {
    msg!(
        "managed instance {i} is not compliant with its patch baseline: {n} non-compliant patch(es) ({by})",
        "マネージドインスタンス {i} はパッチベースラインに準拠していません: 非準拠のパッチ {n} 件({by})",
        i = i,
        n = n,
        by = by
    )
}
