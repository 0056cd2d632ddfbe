use crate::checks::prelude::*;
use yagura_inventory::{CollectError, Instance};

declare_check! {
    pub static META = "ec2-instance-paravirtual" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.24"],
        },
        needs: [data::INSTANCES.name],
        title: ("Instance uses paravirtual virtualization",
            "インスタンスが準仮想化(`paravirtual`)を使っている"),
        what: ("Finds instances whose virtualization type is `paravirtual` rather than `hvm`.",
            "仮想化タイプが `hvm` ではなく `paravirtual` のインスタンスを検出します。"),
        why: ("Paravirtual instances run on previous-generation instance types and old kernels that no longer get security updates, without the Nitro system's protections.",
            "準仮想化のインスタンスは旧世代のインスタンスタイプとセキュリティ更新のない古いカーネルで動き、現行世代の仮想化基盤による保護もありません。"),
        fix: ("Migrate the workload to an HVM AMI on a current instance type.",
            "ワークロードを現行のインスタンスタイプ上の `hvm` の AMI に移行してください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/virtualization_types.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, _reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    let v = i.virtualization_type.as_deref().ok_or_else(|| {
        Missing::new(CollectError::new(
            "ec2:DescribeInstances",
            "NotCollected",
            "the instance's virtualization type was not collected",
        ))
    })?;
    if v == "paravirtual" {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} uses paravirtual virtualization",
                "インスタンス {i} は準仮想化(`paravirtual`)を使っています",
                i = i.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} uses `{v}` virtualization",
                "インスタンス {i} の仮想化タイプは `{v}` です",
                i = i.id,
                v = v
            ),
        );
    }
    Ok(())
}
