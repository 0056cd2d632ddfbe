use crate::checks::prelude::*;

declare_check! {
    pub static META = "ec2-subnet-assigns-public-ip" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.15"],
        },
        needs: [data::SUBNETS.name],
        title: ("Subnet assigns public IPv4 addresses automatically",
            "サブネットがパブリック IPv4 アドレスを自動で割り当てる"),
        what: ("Finds subnets whose `MapPublicIpOnLaunch` is on: every instance launched in them gets a public IPv4 address unless its launch says otherwise.",
            "`MapPublicIpOnLaunch` が有効なサブネットを検出します。起動時に指定しない限り、そこで起動するすべてのインスタンスにパブリック IPv4 アドレスが付きます。"),
        why: ("Instances get an internet-facing address without anyone asking for one; a permissive security group then exposes them.",
            "誰も求めていないのにインスタンスがインターネットに面したアドレスを持ち、緩いセキュリティグループがあればそのまま公開されます。"),
        fix: ("Turn the attribute off (`aws ec2 modify-subnet-attribute --subnet-id SUBNET --no-map-public-ip-on-launch`) and assign public addresses only where they are needed.",
            "属性を無効にし(`aws ec2 modify-subnet-attribute --subnet-id SUBNET --no-map-public-ip-on-launch`)、必要なところでだけパブリックアドレスを割り当ててください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let subnets = cx.need_in(&data::SUBNETS, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for s in subnets {
        let arn = format!("arn:{partition}:ec2:{region}:{account}:subnet/{}", s.id);
        let at = At {
            resource: &arn,
            region,
        };
        if s.map_public_ip_on_launch {
            cx.emit(
                at,
                Status::Fail,
                msg!(
                    "subnet {s} assigns a public IPv4 address to the instances launched in it",
                    "サブネット {s} は起動したインスタンスにパブリック IPv4 アドレスを割り当てます",
                    s = s.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Pass,
                msg!(
                    "subnet {s} does not assign public IPv4 addresses",
                    "サブネット {s} はパブリック IPv4 アドレスを割り当てません",
                    s = s.id
                ),
            );
        }
    }
    Ok(())
}
