use crate::checks::prelude::*;

declare_check! {
    pub static META = "ec2-ebs-snapshot-public" {
        severity: Critical,
        service: "ec2",
        spec: ["AUD-21"],
        compliance: {
            "aws-fsbp": ["EC2.1"],
        },
        needs: [data::EBS_SNAPSHOTS.name],
        title: ("EBS snapshot anyone can restore",
            "誰でも復元できる EBS スナップショット"),
        what: ("Finds EBS snapshots the account owns whose `createVolumePermission` names the group `all` (DescribeSnapshotAttribute).",
            "アカウントが所有する EBS スナップショットのうち、`createVolumePermission` がグループ `all` を含むもの(DescribeSnapshotAttribute)を検出します。"),
        why: ("Any AWS account can create a volume from a public snapshot and read everything on the disk: databases, keys, customer data.",
            "公開スナップショットからは、どの AWS アカウントでもボリュームを作成してディスクの中身(データベース、鍵、顧客データ)をすべて読めます。"),
        fix: ("Remove the public permission: `aws ec2 modify-snapshot-attribute --snapshot-id SNAP --attribute createVolumePermission --operation-type remove --group-names all`, and turn on block public access for snapshots in the region.",
            "公開の許可を外し(`aws ec2 modify-snapshot-attribute --snapshot-id SNAP --attribute createVolumePermission --operation-type remove --group-names all`)、リージョンでスナップショットのブロックパブリックアクセスを有効にしてください。"),
        references: ["https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let snapshots = cx.need_in(&data::EBS_SNAPSHOTS, reg.region)?;
    let (partition, region) = (cx.partition(), reg.name());
    for s in snapshots {
        let arn = format!("arn:{partition}:ec2:{region}::snapshot/{}", s.id);
        let at = At {
            resource: &arn,
            region,
        };
        match s.public.as_ref() {
            Err(e) => cx.unknown_on(at, e.clone()),
            Ok(true) => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "snapshot {s} can be restored by any AWS account",
                    "スナップショット {s} はどの AWS アカウントからも復元できます",
                    s = s.id
                ),
            ),
            Ok(false) => cx.emit(
                at,
                Status::Pass,
                msg!(
                    "snapshot {s} is not public",
                    "スナップショット {s} は公開されていません",
                    s = s.id
                ),
            ),
        }
    }
    Ok(())
}
