use crate::checks::prelude::*;

declare_check! {
    pub static META = "network-acl-unused" {
        severity: Low,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.16"],
        },
        needs: [data::NETWORK_ACLS.name],
        title: ("Network ACL associated with no subnet",
            "どのサブネットにも関連付けられていないネットワーク ACL"),
        what: ("Finds network ACLs other than a VPC's default one that no subnet is associated with (a default network ACL cannot be deleted and is not judged).",
            "VPC のデフォルト以外で、どのサブネットにも関連付けられていないネットワーク ACL を検出します(デフォルトのネットワーク ACL は削除できないため対象外です)。"),
        why: ("Unused ACLs pile up, hide which rules are really in force and may be associated by mistake later with rules nobody reviewed.",
            "使われていない ACL は溜まり続け、実際に有効なルールを分かりにくくし、誰も見直していないルールのまま誤って関連付けられることがあります。"),
        fix: ("Delete the network ACL (`aws ec2 delete-network-acl --network-acl-id ACL`), or associate it with the subnets it was made for.",
            "ネットワーク ACL を削除するか(`aws ec2 delete-network-acl --network-acl-id ACL`)、本来のサブネットに関連付けてください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let acls = cx.need_in(&data::NETWORK_ACLS, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for a in acls.iter().filter(|a| !a.is_default) {
        let arn = format!(
            "arn:{partition}:ec2:{region}:{account}:network-acl/{}",
            a.id
        );
        let at = At {
            resource: &arn,
            region,
        };
        if a.subnets.is_empty() {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "network ACL {a} is associated with no subnet",
                    "ネットワーク ACL {a} はどのサブネットにも関連付けられていません",
                    a = a.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "network ACL {a} is associated with {n} subnet(s)",
                    "ネットワーク ACL {a} は {n} 個のサブネットに関連付けられています",
                    a = a.id,
                    n = a.subnets.len()
                ),
            );
        }
    }
    Ok(())
}
