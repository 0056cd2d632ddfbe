use crate::checks::prelude::*;
use yagura_inventory::Bucket;

declare_check! {
    pub static META = "s3-bucket-mfa-delete-off" {
        severity: Low,
        service: "s3",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.1.2"],
            "aws-fsbp": ["S3.20"],
        },
        needs: [data::BUCKETS.name, data::BUCKET_VERSIONING.name, data::BUCKET_MFA_DELETE.name],
        title: ("Bucket without MFA delete",
            "MFA 削除が有効になっていないバケット"),
        what: ("Finds buckets whose versioning does not require MFA delete (GetBucketVersioning's `MFADelete`), including buckets without versioning, as CIS v3.0 2.1.2 does; FSBP S3.20 judges versioned buckets only (and exempts those with lifecycle rules, which MFA delete excludes).",
            "バージョニングで MFA 削除が有効になっていないバケット(GetBucketVersioning の `MFADelete`)を、CIS v3.0 2.1.2 と同じくバージョニングのないバケットも含めて検出します。FSBP S3.20 はバージョニングが有効なバケットだけを判定します(MFA 削除と両立しないライフサイクルルールを持つバケットは対象外)。"),
        why: ("With MFA delete, removing an object version or turning versioning off needs the root user's MFA code: stolen access keys alone cannot destroy the history of the data.",
            "MFA 削除が有効なら、オブジェクトのバージョンの削除やバージョニングの停止にルートユーザーの MFA コードが必要になり、盗まれたアクセスキーだけではデータの履歴を消せません。"),
        fix: ("As the root user with its MFA device: `aws s3api put-bucket-versioning --bucket B --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa \"SERIAL CODE\"` (the console cannot do it).",
            "ルートユーザーで MFA デバイスを使い `aws s3api put-bucket-versioning --bucket B --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa \"SERIAL CODE\"` を実行してください(コンソールでは設定できません)。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Bucket(eval),
};

fn eval(cx: &mut Cx<'_>, b: &Bucket, at: At<'_>) -> Outcome {
    let versioning = cx.need_in(&data::BUCKET_VERSIONING, b)?.clone();
    let mfa = *cx.need_in(&data::BUCKET_MFA_DELETE, b)?;
    if mfa {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "bucket `{b}` requires MFA to delete versions",
                "バケット `{b}` はバージョンの削除に MFA を必要とします",
                b = b.name
            ),
        );
    } else {
        let v = versioning.as_deref().unwrap_or("never enabled");
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "bucket `{b}` does not have MFA delete (versioning `{v}`)",
                "バケット `{b}` は MFA 削除が有効ではありません(バージョニング `{v}`)",
                b = b.name,
                v = v
            ),
        );
    }
    Ok(())
}
