use crate::checks::prelude::*;

declare_check! {
    pub static META = "access-analyzer-disabled" {
        severity: Medium,
        service: "accessanalyzer",
        spec: ["AUD-13"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.20"],
            "cis-aws-foundations-7.0": ["2.18"],
            "yagura-guideline": ["001"],
        },
        needs: [data::ACCESS_ANALYZER.name],
        title: ("IAM Access Analyzer is not enabled",
            "IAM Access Analyzer が有効になっていない"),
        what: ("Checks each region for an active IAM Access Analyzer.",
            "各リージョンに有効な IAM Access Analyzer があるか確認します。"),
        why: ("Access Analyzer finds resources shared outside the account or organization.",
            "Access Analyzer はアカウントや組織の外部と共有されたリソースを見つけます。"),
        fix: ("Create an analyzer (type ORGANIZATION in the management account, ACCOUNT elsewhere) in every region.",
            "すべてのリージョンにアナライザーを作成してください(管理アカウントではタイプ `ORGANIZATION`、それ以外では `ACCOUNT`)。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("access-analyzer", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    let a = cx.need_in(&data::ACCESS_ANALYZER, reg.region)?;
    let r = reg.name();
    if a.analyzers.is_empty() {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "no IAM Access Analyzer is active in {r}",
                "{r} に有効な IAM Access Analyzer がありません",
                r = r
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "IAM Access Analyzer is active in {r}",
                "{r} で IAM Access Analyzer が有効です",
                r = r
            ),
        );
    }
    Ok(())
}
