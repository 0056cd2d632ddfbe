use crate::checks::prelude::*;
use yagura_inventory::Instance;

declare_check! {
    pub static META = "ec2-instance-not-ssm-managed" {
        severity: Medium,
        service: "ssm",
        spec: ["AUD-17"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "aws-fsbp": ["SSM.1"],
            "yagura-guideline": ["001"],
        },
        needs: [data::INSTANCES.name, data::SSM_MANAGED.name],
        title: ("Instance is not managed by Systems Manager",
            "インスタンスが Systems Manager の管理下にない"),
        what: ("Finds running instances that are not registered with Systems Manager.",
            "Systems Manager に登録されていない実行中のインスタンスを検出します。"),
        why: ("Without SSM there is no patching, inventory or Session Manager access, so people open SSH to the world instead.",
            "SSM がないとパッチ適用・インベントリ・セッションマネージャーが使えず、SSH を全世界に開けることになります。"),
        fix: ("Attach a role with `AmazonSSMManagedInstanceCore` and make sure the SSM agent runs.",
            "`AmazonSSMManagedInstanceCore` を持つロールを付与し、SSM エージェントが動作していることを確認してください。"),
        references: ["https://docs.aws.amazon.com/systems-manager/latest/userguide/managed_instances.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    if i.state != "running" {
        return Ok(());
    }
    if reg.ssm_managed(cx)?.contains(i.id.as_str()) {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} is managed by Systems Manager",
                "インスタンス {i} は Systems Manager の管理下にあります",
                i = i.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} is not managed by Systems Manager",
                "インスタンス {i} は Systems Manager の管理下にありません",
                i = i.id
            ),
        );
    }
    Ok(())
}
