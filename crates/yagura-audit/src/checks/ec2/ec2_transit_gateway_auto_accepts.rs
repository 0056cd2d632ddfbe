use crate::checks::prelude::*;

declare_check! {
    pub static META = "ec2-transit-gateway-auto-accepts" {
        severity: High,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.23"],
        },
        needs: [data::TRANSIT_GATEWAYS.name],
        title: ("Transit gateway accepts attachments automatically",
            "トランジットゲートウェイがアタッチメントを自動で承認する"),
        what: ("Finds transit gateways (not deleted) whose `AutoAcceptSharedAttachments` is on.",
            "`AutoAcceptSharedAttachments` が有効な(削除済みでない)トランジットゲートウェイを検出します。"),
        why: ("Any account the gateway is shared with can attach its VPCs without review and reach the networks behind the gateway.",
            "共有先のどのアカウントも、確認なしに自分の VPC をアタッチしてゲートウェイの先のネットワークに到達できます。"),
        fix: ("Turn automatic acceptance off (`aws ec2 modify-transit-gateway --options AutoAcceptSharedAttachments=disable`) and accept each attachment after review.",
            "自動承認を無効にし(`aws ec2 modify-transit-gateway --options AutoAcceptSharedAttachments=disable`)、アタッチメントは確認してから承認してください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let gateways = cx.need_in(&data::TRANSIT_GATEWAYS, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for t in gateways.iter().filter(|t| !t.state.starts_with("delet")) {
        let arn = if t.arn.is_empty() {
            format!(
                "arn:{partition}:ec2:{region}:{account}:transit-gateway/{}",
                t.id
            )
        } else {
            t.arn.clone()
        };
        let at = At {
            resource: &arn,
            region,
        };
        if t.auto_accept_shared_attachments {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "transit gateway {t} accepts shared attachments automatically",
                    "トランジットゲートウェイ {t} は共有アタッチメントを自動で承認します",
                    t = t.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "transit gateway {t} does not accept attachments automatically",
                    "トランジットゲートウェイ {t} はアタッチメントを自動で承認しません",
                    t = t.id
                ),
            );
        }
    }
    Ok(())
}
