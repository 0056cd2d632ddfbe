use crate::checks::prelude::*;

declare_check! {
    pub static META = "s3-account-public-access-block-off" {
        severity: High,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.1.4"],
            "cis-aws-foundations-7.0": ["3.1.4"],
            "aws-fsbp": ["S3.1"],
            "yagura-guideline": ["001"],
        },
        needs: [data::ACCOUNT_PUBLIC_ACCESS_BLOCK.name],
        title: ("Account-level S3 Block Public Access is not fully on",
            "アカウントの S3 ブロックパブリックアクセスが完全に有効ではない"),
        what: ("Checks that all four account-level S3 Block Public Access settings are on.",
            "アカウントレベルの S3 ブロックパブリックアクセスの 4 つの設定がすべて有効か確認します。"),
        why: ("Without it, one bucket policy or ACL mistake publishes data to the internet.",
            "これがないと、バケットポリシーや ACL の誤り一つでデータがインターネットに公開されます。"),
        fix: ("Turn on all four Block Public Access settings for the account; serve public content through CloudFront instead.",
            "アカウントのブロックパブリックアクセス 4 設定をすべて有効にし、公開コンテンツは CloudFront から配信してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    match cx.need(&data::ACCOUNT_PUBLIC_ACCESS_BLOCK)? {
        Some(p) if p.all_on() => cx.emit(
            at,
            Status::Pass,
            msg!(
                "all four account-level Block Public Access settings are on",
                "アカウントのブロックパブリックアクセス 4 設定はすべて有効です"
            ),
        ),
        _ => cx.emit(
            at,
            Status::Fail,
            msg!(
                "account-level Block Public Access is not fully on",
                "アカウントのブロックパブリックアクセスが完全には有効ではありません"
            ),
        ),
    }
    Ok(())
}
