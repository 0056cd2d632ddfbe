use crate::checks::prelude::*;
use yagura_inventory::{CollectError, Instance};

declare_check! {
    pub static META = "ec2-instance-imdsv2-not-required" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["5.6"],
            "cis-aws-foundations-7.0": ["6.7"],
            "aws-fsbp": ["EC2.8"],
        },
        needs: [data::INSTANCES.name],
        title: ("EC2 instance does not require IMDSv2",
            "EC2 インスタンスが IMDSv2 を必須にしていない"),
        what: ("Finds running or stopped instances whose metadata service answers IMDSv1 requests (HttpTokens `optional` with the endpoint enabled).",
            "メタデータサービスが IMDSv1 のリクエストにも応答する(HttpTokens が `optional` でエンドポイントが有効な)インスタンスを検出します。"),
        why: ("IMDSv1 answers any GET request from the instance: a server-side request forgery in the application hands an attacker the instance role's credentials.",
            "IMDSv1 はインスタンス内からの GET リクエストにそのまま応答します。アプリケーションにサーバーサイドリクエストフォージェリがあると、インスタンスロールの認証情報を攻撃者に渡してしまいます。"),
        fix: ("Require session tokens: `aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required`, and set it in launch templates (or make IMDSv2 the account default).",
            "セッショントークンを必須にしてください: `aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required`。起動テンプレートでも設定してください(アカウントのデフォルトを IMDSv2 にすることもできます)。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, _reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    // A snapshot older than the field says nothing about the metadata service.
    let Some(m) = &i.metadata else {
        return Err(Missing::new(CollectError::new(
            "ec2:DescribeInstances",
            "NotCollected",
            "the metadata options of the instance were not collected",
        )));
    };
    if m.http_endpoint == "disabled" {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} has its metadata service disabled",
                "インスタンス {i} はメタデータサービスを無効にしています",
                i = i.id
            ),
        );
    } else if m.http_tokens == "required" {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} requires IMDSv2",
                "インスタンス {i} は IMDSv2 を必須にしています",
                i = i.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} answers IMDSv1 requests (HttpTokens `{t}`)",
                "インスタンス {i} は IMDSv1 のリクエストに応答します(HttpTokens `{t}`)",
                i = i.id,
                t = m.http_tokens
            ),
        );
    }
    Ok(())
}
