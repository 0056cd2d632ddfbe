use crate::checks::prelude::*;

declare_check! {
    pub static META = "s3-access-point-public-access-block-off" {
        severity: Critical,
        service: "s3",
        spec: ["AUD-09"],
        compliance: {
            "aws-fsbp": ["S3.19"],
        },
        needs: [data::S3_ACCESS_POINTS.name],
        title: ("S3 access point without all Block Public Access settings",
            "S3 アクセスポイントのブロックパブリックアクセスが完全に有効ではない"),
        what: ("Checks that all four Block Public Access settings of each S3 access point are on (GetAccessPoint).",
            "各 S3 アクセスポイントのブロックパブリックアクセスの 4 つの設定がすべて有効か確認します(GetAccessPoint)。"),
        why: ("An access point's policy can grant access to anyone; only its own Block Public Access settings stop that, and they cannot be changed after it is created.",
            "アクセスポイントのポリシーは誰にでもアクセスを許可できます。それを防ぐのはアクセスポイント自身のブロックパブリックアクセス設定だけで、作成後は変更できません。"),
        fix: ("Replace the access point with one whose four settings are on (they are on by default): `aws s3control create-access-point --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`, move the clients, and delete the old one.",
            "4 つの設定を有効にした(既定で有効)アクセスポイントを作り直し(`aws s3control create-access-point --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`)、クライアントを移してから古いものを削除してください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("s3", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let points = cx.need_in(&data::S3_ACCESS_POINTS, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for p in points {
        let arn = if p.arn.is_empty() {
            format!(
                "arn:{partition}:s3:{region}:{account}:accesspoint/{}",
                p.name
            )
        } else {
            p.arn.clone()
        };
        let at = At {
            resource: &arn,
            region,
        };
        match p.public_access_block.as_ref() {
            Err(e) => cx.unknown_on(at, e.clone()),
            Ok(Some(b)) if b.all_on() => cx.emit(
                at,
                Status::Pass,
                text!(
                    "all four Block Public Access settings of access point {p} are on",
                    "アクセスポイント {p} のブロックパブリックアクセス 4 設定はすべて有効です",
                    p = p.name
                ),
            ),
            Ok(_) => cx.emit(
                at,
                Status::Fail,
                text!(
                    "access point {p} (bucket {b}) does not have all four Block Public Access settings on",
                    "アクセスポイント {p}(バケット {b})のブロックパブリックアクセス 4 設定の一部が無効です",
                    p = p.name,
                    b = p.bucket
                ),
            ),
        }
    }
    Ok(())
}
