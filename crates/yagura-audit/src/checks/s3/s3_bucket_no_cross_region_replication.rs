use crate::checks::prelude::*;
use yagura_inventory::{Bucket, CollectError};

declare_check! {
    pub static META = "s3-bucket-no-cross-region-replication" {
        severity: Low,
        service: "s3",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["S3.7"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_REPLICATION.name],
        title: ("Bucket is not replicated to another region",
            "バケットが別のリージョンにレプリケートされていない"),
        what: ("Finds buckets without an enabled replication rule to a bucket in another region (GetBucketReplication); a destination outside the audited accounts, whose region is unknown, makes the answer unknown.",
            "別のリージョンのバケットへの有効なレプリケーションルールがないバケット(GetBucketReplication)を検出します。監査対象外のアカウントの送信先はリージョンが分からないため、結果は不明になります。"),
        why: ("A copy in another region keeps the data through a regional outage, an accidental deletion or a compromised bucket.",
            "別のリージョンのコピーがあれば、リージョンの障害・誤削除・バケットの侵害があってもデータが残ります。"),
        fix: ("Add a replication rule to a versioned bucket in another region (ideally of another account), for the buckets whose data must survive.",
            "残す必要があるデータのバケットに、別のリージョン(できれば別のアカウント)のバージョニングされたバケットへのレプリケーションルールを追加してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let destinations = cx.need_in(&data::BUCKET_REPLICATION, b)?;
    let buckets = cx.need(&data::BUCKETS)?;
    let mut unknown = None;
    for d in destinations {
        let name = d.rsplit(":::").next().unwrap_or(d);
        match buckets.iter().find(|x| x.name == name) {
            Some(x) if !x.region.is_empty() && x.region != b.region => {
                cx.emit(
                    at,
                    Status::Pass,
                    msg!(
                        "bucket `{b}` is replicated to `{d}` in {r}",
                        "バケット `{b}` は {r} の `{d}` にレプリケートされています",
                        b = b.name,
                        d = name,
                        r = x.region
                    ),
                );
                return Ok(());
            }
            Some(_) => {}
            None => unknown = Some(name),
        }
    }
    if let Some(d) = unknown {
        return Err(Missing::new(CollectError::new(
            "s3:GetBucketLocation",
            "OtherAccount",
            &format!("replication destination `{d}` is not in this account: its region is unknown; audit the account that owns it"),
        )));
    }
    cx.emit(
        at,
        Status::Fail,
        msg!(
            "bucket `{b}` is not replicated to another region",
            "バケット `{b}` は別のリージョンにレプリケートされていません",
            b = b.name
        ),
    );
    Ok(())
}
