use super::blocks;
use crate::checks::prelude::*;
use yagura_inventory::Bucket;
use yagura_inventory::PublicAccessBlock;

declare_check! {
    pub static META = "s3-bucket-public-access-block-off" {
        severity: Medium,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.1.4"],
            "cis-aws-foundations-7.0": ["3.1.4"],
            "aws-fsbp": ["S3.8"],
            "yagura-guideline": ["001"],
        },
        needs: [data::BUCKETS.name, data::ACCOUNT_PUBLIC_ACCESS_BLOCK.name, data::BUCKET_PUBLIC_ACCESS_BLOCK.name],
        title: ("Bucket-level Block Public Access is not fully on",
            "バケットのブロックパブリックアクセスが完全に有効ではない"),
        what: ("Checks that all four Block Public Access settings are on for each bucket (or at account level).",
            "各バケット(またはアカウント)で 4 つのブロックパブリックアクセス設定が有効か確認します。"),
        why: ("A bucket without Block Public Access can be made public by a single policy change.",
            "ブロックパブリックアクセスのないバケットは一度のポリシー変更で公開されます。"),
        fix: ("Turn on Block Public Access for the bucket.",
            "バケットのブロックパブリックアクセスを有効にしてください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-bucket.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let all_on = blocks(cx, b, PublicAccessBlock::all_on)?;
    match (cx.read_in(&data::BUCKET_PUBLIC_ACCESS_BLOCK, b)?, all_on) {
        (_, true) => cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` is covered by Block Public Access",
                "バケット `{b}` はブロックパブリックアクセスで保護されています",
                b = b.name
            ),
        ),
        (Err(e), false) => return Err(Missing::new(e.clone())),
        (Ok(_), false) => cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` does not have all Block Public Access settings on",
                "バケット `{b}` のブロックパブリックアクセスが完全には有効ではありません",
                b = b.name
            ),
        ),
    }
    Ok(())
}
