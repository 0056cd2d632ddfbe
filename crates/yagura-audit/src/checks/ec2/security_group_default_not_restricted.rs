use crate::checks::prelude::*;
use yagura_inventory::SecurityGroup;

declare_check! {
    pub static META = "security-group-default-not-restricted" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-01"],
        compliance: {
            "cis-aws-foundations-3.0": ["5.4"],
            "cis-aws-foundations-7.0": ["6.5"],
            "aws-fsbp": ["EC2.2"],
        },
        needs: [data::SECURITY_GROUPS.name],
        title: ("Default security group allows traffic",
            "デフォルトセキュリティグループが通信を許可している"),
        what: ("Finds the default security group of each VPC when it has any inbound or outbound rule.",
            "各 VPC のデフォルトセキュリティグループにインバウンドまたはアウトバウンドのルールがある場合に検出します。"),
        why: ("Resources launched without a group land in the default one; its rules (by default: every member may reach every other, and everything may go out) open paths nobody chose.",
            "グループを指定せずに起動したリソースはデフォルトグループに入ります。そのルール(既定ではメンバー同士の全通信と全アウトバウンド)は誰も選んでいない経路を開きます。"),
        fix: ("Remove every rule of the default security groups and give resources groups of their own.",
            "デフォルトセキュリティグループのルールをすべて削除し、リソースには専用のグループを割り当ててください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::SecurityGroup(eval),
};

fn eval(cx: &mut Cx<'_>, _reg: &Reg<'_>, g: &SecurityGroup, at: At<'_>) -> Outcome {
    // Only a VPC's default group: its name is reserved.
    if g.name != "default" || g.vpc_id.is_none() {
        return Ok(());
    }
    let (inbound, outbound) = (g.ingress.len(), g.egress.len());
    if inbound == 0 && outbound == 0 {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "default security group {g} has no rule",
                "デフォルトセキュリティグループ {g} にはルールがありません",
                g = g.id
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "default security group {g} has {i} inbound and {o} outbound rule(s)",
                "デフォルトセキュリティグループ {g} にインバウンド {i} 件、アウトバウンド {o} 件のルールがあります",
                g = g.id,
                i = inbound,
                o = outbound
            ),
        );
    }
    Ok(())
}
