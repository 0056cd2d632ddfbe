use crate::checks::prelude::*;
use yagura_inventory::Instance;

declare_check! {
    pub static META = "ec2-instance-scheduled-event" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-18"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "yagura-guideline": ["000", "001"],
        },
        needs: [data::INSTANCES.name, data::SCHEDULED_EVENTS.name],
        title: ("Instance has a scheduled event",
            "インスタンスにスケジュールされたイベントがある"),
        what: ("Reports EC2 scheduled events (retirement, reboot, maintenance) that otherwise arrive only by e-mail.",
            "メールでしか届かない EC2 のスケジュールされたイベント(廃止・再起動・メンテナンス)を報告します。"),
        why: ("A retired instance stops on the given date; missing the mail means an outage.",
            "廃止されるインスタンスは指定日に停止します。メールを見逃すと障害になります。"),
        fix: ("Stop and start the instance (EBS-backed) before the date to move it to healthy hardware, or replace it.",
            "期日前にインスタンスを停止・起動(EBS ベース)して正常なハードウェアに移すか、置き換えてください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instances-status-check_sched.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    let mine: Vec<_> = cx
        .need_in(&data::SCHEDULED_EVENTS, reg.region)?
        .iter()
        .filter(|e| {
            e.instance_id == i.id
                && !e.description.starts_with("[Completed]")
                && !e.description.starts_with("[Canceled]")
        })
        .collect();
    if mine.is_empty() {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} has no scheduled event",
                "インスタンス {i} にスケジュールされたイベントはありません",
                i = i.id
            ),
        );
    }
    for ev in mine {
        let when = ev.not_before.clone().unwrap_or_default();
        cx.emit(
            at,
            Status::Fail,
            text!(
                "instance {i} has scheduled event {c} from {w}: {d}",
                "インスタンス {i} にスケジュールされたイベント {c}({w} 以降)があります: {d}",
                i = i.id,
                c = ev.code,
                w = when,
                d = ev.description
            ),
        );
    }
    Ok(())
}
