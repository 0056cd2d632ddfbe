use crate::checks::prelude::*;

declare_check! {
    pub static META = "access-analyzer-external-access" {
        severity: High,
        service: "accessanalyzer",
        spec: ["AUD-13"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["001"],
        },
        needs: [data::ACCESS_ANALYZER.name],
        title: ("Resource is shared outside the account",
            "リソースがアカウント外と共有されている"),
        what: ("Reports active IAM Access Analyzer findings of external access.",
            "IAM Access Analyzer の外部アクセスに関する有効な検出結果を報告します。"),
        why: ("An external principal can reach the resource; unless intended, that is a data leak.",
            "外部のプリンシパルがリソースにアクセスできます。意図したものでなければ情報漏洩です。"),
        fix: ("Remove the external grant, or archive the finding with an archive rule if the sharing is intended.",
            "外部への許可を削除するか、意図した共有ならアーカイブルールで検出結果をアーカイブしてください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("access-analyzer", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    for f in &cx
        .need_in(&data::ACCESS_ANALYZER, reg.region)?
        .active_findings
    {
        let at = At {
            resource: &f.resource,
            ..at
        };
        let p = if f.principal.is_empty() {
            String::new()
        } else {
            format!(" ({})", f.principal)
        };
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "{t} `{res}` is accessible from outside the account{p}",
                "{t} `{res}` はアカウント外{p}からアクセスできます",
                t = f.resource_type,
                res = f.resource,
                p = p
            ),
        );
        cx.evidence("finding_id", f.id.clone());
    }
    Ok(())
}
