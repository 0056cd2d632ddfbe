use super::trails;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudtrail-logs-not-kms-encrypted" {
        severity: Medium,
        service: "cloudtrail",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["3.5"],
            "cis-aws-foundations-7.0": ["4.5"],
            "aws-fsbp": ["CloudTrail.2"],
        },
        needs: [data::CLOUDTRAIL.name],
        title: ("CloudTrail logs are not encrypted with a KMS key",
            "CloudTrail のログが KMS キーで暗号化されていない"),
        what: ("Finds trails that deliver their log files without server-side encryption by a KMS key (SSE-KMS).",
            "KMS キーによるサーバー側暗号化(SSE-KMS)なしでログファイルを配信している証跡を検出します。"),
        why: ("With a KMS key, reading the logs needs the key's permission as well as the bucket's, and every decryption is itself logged: a bucket policy mistake alone no longer exposes the account's activity.",
            "KMS キーを使うと、ログを読むにはバケットに加えてキーの権限が必要になり、復号のたびに記録が残ります。バケットポリシーの誤りだけではアカウントの操作履歴が漏れなくなります。"),
        fix: ("Create a customer managed KMS key whose policy lets CloudTrail encrypt, and set it on the trail (`aws cloudtrail update-trail --kms-key-id`).",
            "CloudTrail に暗号化を許可するキーポリシーのカスタマー管理 KMS キーを作成し、証跡に設定してください(`aws cloudtrail update-trail --kms-key-id`)。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, _at: At<'_>) -> Outcome {
    for t in trails(cx)?.0 {
        let at = At {
            resource: &t.arn,
            region: &t.home_region,
        };
        match &t.kms_key_id {
            Some(k) => {
                cx.emit(
                    at,
                    Status::Pass,
                    msg!(
                        "trail `{n}` encrypts its logs with a KMS key",
                        "証跡 `{n}` はログを KMS キーで暗号化しています",
                        n = t.name
                    ),
                );
                cx.evidence("kms_key", k.clone());
            }
            None => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "trail `{n}` does not encrypt its logs with a KMS key",
                    "証跡 `{n}` はログを KMS キーで暗号化していません",
                    n = t.name
                ),
            ),
        }
    }
    Ok(())
}
