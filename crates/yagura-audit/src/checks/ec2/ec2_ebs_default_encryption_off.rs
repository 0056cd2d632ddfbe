use crate::checks::prelude::*;

declare_check! {
    pub static META = "ec2-ebs-default-encryption-off" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["2.2.1"],
            "cis-aws-foundations-7.0": ["6.1.1"],
            "aws-fsbp": ["EC2.7"],
        },
        needs: [data::EBS_ENCRYPTION_BY_DEFAULT.name],
        title: ("EBS encryption by default is off in a region",
            "リージョンで EBS のデフォルト暗号化が無効"),
        what: ("Finds regions where new EBS volumes and snapshot copies are not encrypted by default (GetEbsEncryptionByDefault).",
            "新しい EBS ボリュームとスナップショットのコピーがデフォルトで暗号化されないリージョンを検出します(GetEbsEncryptionByDefault)。"),
        why: ("Without the default, every volume's encryption depends on whoever creates it remembering the flag; an unencrypted volume or snapshot shared by mistake exposes its data.",
            "デフォルト設定がないと、暗号化は作成者がフラグを忘れないかに依存します。暗号化されていないボリュームやスナップショットを誤って共有するとデータが漏れます。"),
        fix: ("Enable EBS encryption by default in every region (EC2 console → Settings → Data protection and security, or `aws ec2 enable-ebs-encryption-by-default`).",
            "すべてのリージョンで EBS のデフォルト暗号化を有効にしてください(EC2 コンソールの「設定」→「データ保護とセキュリティ」、または `aws ec2 enable-ebs-encryption-by-default`)。"),
        references: ["https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, at: At<'_>) -> Outcome {
    let on = *cx.need_in(&data::EBS_ENCRYPTION_BY_DEFAULT, reg.region)?;
    let r = reg.name();
    if on {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "new EBS volumes are encrypted by default in {r}",
                "{r} では新しい EBS ボリュームがデフォルトで暗号化されます",
                r = r
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "new EBS volumes are not encrypted by default in {r}",
                "{r} では新しい EBS ボリュームがデフォルトで暗号化されません",
                r = r
            ),
        );
    }
    Ok(())
}
