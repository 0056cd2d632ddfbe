use crate::checks::prelude::*;
use yagura_inventory::{CollectError, Instance};

declare_check! {
    pub static META = "ec2-instance-multiple-enis" {
        severity: Low,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.17"],
        },
        needs: [data::INSTANCES.name],
        title: ("Instance uses several network interfaces",
            "インスタンスが複数のネットワークインターフェースを使っている"),
        what: ("Finds instances with more than one network interface attached.",
            "複数のネットワークインターフェースがアタッチされたインスタンスを検出します。"),
        why: ("Each interface may sit in another subnet with other security groups: the instance can bridge networks meant to stay apart, and its exposure is harder to reason about.",
            "インターフェースごとに別のサブネットや別のセキュリティグループに属しうるため、分離すべきネットワークをインスタンスが橋渡しでき、公開範囲の把握も難しくなります。"),
        fix: ("Detach the interfaces the workload does not need (`aws ec2 detach-network-interface`); where several are required (appliances), document why and suppress the finding with an exception.",
            "ワークロードに不要なインターフェースをデタッチしてください(`aws ec2 detach-network-interface`)。アプライアンスなど複数が必要な場合は理由を記録し、例外で抑止してください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, _reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    let n = i.network_interfaces.ok_or_else(|| {
        Missing::new(CollectError::new(
            "ec2:DescribeInstances",
            "NotCollected",
            "the instance's network interfaces were not collected",
        ))
    })?;
    if n > 1 {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} has {n} network interfaces",
                "インスタンス {i} には {n} 個のネットワークインターフェースがあります",
                i = i.id,
                n = n
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} has {n} network interface(s)",
                "インスタンス {i} のネットワークインターフェースは {n} 個です",
                i = i.id,
                n = n
            ),
        );
    }
    Ok(())
}
