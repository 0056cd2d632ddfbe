use crate::checks::prelude::*;
use crate::net::world_tcp;
use yagura_inventory::Instance;

declare_check! {
    pub static META = "ec2-https-terminated-on-instance" {
        severity: Low,
        service: "elbv2",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["000"],
        },
        needs: [data::INSTANCES.name, data::SECURITY_GROUPS.name, data::LOAD_BALANCERS.name],
        title: ("HTTPS is served directly by an instance",
            "インスタンスが直接 HTTPS を提供している"),
        what: ("Finds instances reachable from the internet on 443 that are not behind a load balancer.",
            "ロードバランサーを経由せず、インターネットから 443 で到達できるインスタンスを検出します。"),
        why: ("Certificates on instances expire and leak; a load balancer with ACM renews them and keeps instances private.",
            "インスタンス上の証明書は期限切れや漏洩が起きます。ACM 付きロードバランサーなら自動更新され、インスタンスを非公開にできます。"),
        fix: ("Terminate TLS on an Application Load Balancer with an ACM certificate and close 443 on the instance's group.",
            "ACM 証明書を設定した Application Load Balancer で TLS を終端し、インスタンスのセキュリティグループで 443 を閉じてください。"),
        references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html"],
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
    // Without the security groups, the open ports are unknown: UNKNOWN with the reason.
    let groups = reg.groups(cx)?;
    let world_443 = i
        .security_groups
        .iter()
        .filter_map(|g| groups.get(g.as_str()))
        .any(|g| world_tcp(g, 443));
    if !world_443 {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} is not reachable on 443 from the internet",
                "インスタンス {i} はインターネットから 443 で到達できません",
                i = i.id
            ),
        );
    } else if reg.lb_targets(cx)?.contains(i.id.as_str()) {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} is behind a load balancer",
                "インスタンス {i} はロードバランサーの背後にあります",
                i = i.id
            ),
        );
    } else {
        cx.emit(at, Status::Fail, msg!(
            "instance {i} serves HTTPS to the internet itself, not behind a load balancer",
            "インスタンス {i} はロードバランサーを介さずインターネットに直接 HTTPS を提供しています",
            i = i.id
        ));
    }
    Ok(())
}
