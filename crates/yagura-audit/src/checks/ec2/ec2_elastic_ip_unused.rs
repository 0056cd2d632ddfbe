use crate::checks::prelude::*;

declare_check! {
    pub static META = "ec2-elastic-ip-unused" {
        severity: Low,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.12"],
        },
        needs: [data::ADDRESSES.name],
        title: ("Elastic IP address not associated",
            "関連付けられていない Elastic IP アドレス"),
        what: ("Finds Elastic IP addresses associated with no instance and no network interface.",
            "どのインスタンスにもネットワークインターフェースにも関連付けられていない Elastic IP アドレスを検出します。"),
        why: ("An idle address is billed, and a forgotten one may still be trusted by allow-lists or DNS records that an attacker could reuse once it is associated elsewhere.",
            "使われていないアドレスには料金がかかり、忘れられたアドレスは許可リストや DNS レコードで信頼されたままのことがあり、別の場所に関連付けられると悪用されえます。"),
        fix: ("Release the address (`aws ec2 release-address --allocation-id ID`) after removing it from DNS records and allow-lists, or associate it with the resource it was reserved for.",
            "DNS レコードや許可リストから削除した後にアドレスを解放するか(`aws ec2 release-address --allocation-id ID`)、本来のリソースに関連付けてください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let addresses = cx.need_in(&data::ADDRESSES, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for a in addresses {
        let arn = format!("arn:{partition}:ec2:{region}:{account}:elastic-ip/{}", a.id);
        let at = At {
            resource: &arn,
            region,
        };
        let to = a
            .instance_id
            .as_ref()
            .or(a.network_interface_id.as_ref())
            .or(a.association_id.as_ref());
        match to {
            Some(to) => cx.emit(
                at,
                Status::Pass,
                msg!(
                    "address {ip} (Elastic IP) is associated with {to}",
                    "Elastic IP {ip} は {to} に関連付けられています",
                    ip = a.public_ip,
                    to = to
                ),
            ),
            None => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "address {ip} (Elastic IP) is not associated with anything",
                    "Elastic IP {ip} はどこにも関連付けられていません",
                    ip = a.public_ip
                ),
            ),
        }
    }
    Ok(())
}
