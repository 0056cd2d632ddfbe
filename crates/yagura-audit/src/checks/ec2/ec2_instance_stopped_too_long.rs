use crate::checks::prelude::*;
use time::macros::format_description;
use time::PrimitiveDateTime;
use yagura_inventory::{CollectError, Instance};

declare_check! {
    pub static META = "ec2-instance-stopped-too-long" {
        severity: Medium,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.4"],
        },
        needs: [data::INSTANCES.name],
        title: ("Instance stopped for too long",
            "長期間停止しているインスタンス"),
        what: ("Finds instances stopped for more than `stopped_instance_max_days` days (30 by default), from the time in the instance's state transition reason.",
            "`stopped_instance_max_days` 日(既定は 30 日)を超えて停止しているインスタンスを、状態遷移の理由にある時刻から検出します。"),
        why: ("A forgotten stopped instance keeps its volumes, role and network access; started again months later, it runs software that missed every patch since.",
            "忘れられた停止中のインスタンスはボリューム・ロール・ネットワークのアクセスを保持しています。数か月後に起動されると、その間のパッチが当たっていないソフトウェアが動きます。"),
        fix: ("Terminate the instance (after a snapshot or an AMI if its data is needed), or start and patch it if it is still in use.",
            "インスタンスを終了してください(データが必要ならスナップショットか AMI を作成してから)。まだ使うなら起動してパッチを適用してください。"),
        references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Stop_Start.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Instance(eval),
};

/// The time in a state transition reason (`User initiated (2026-10-01 12:00:00 GMT)`; moto
/// writes `UTC`), as RFC 3339.
fn stopped_at(reason: &str) -> Option<String> {
    let open = reason.rfind('(')?;
    let inner = reason.get(open + 1..)?.strip_suffix(')')?;
    let stamp = inner
        .strip_suffix(" GMT")
        .or_else(|| inner.strip_suffix(" UTC"))?;
    let t = PrimitiveDateTime::parse(
        stamp,
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
    )
    .ok()?;
    t.assume_utc().format(&Rfc3339).ok()
}

fn eval(cx: &mut Cx<'_>, _reg: &Reg<'_>, i: &Instance, at: At<'_>) -> Outcome {
    if i.state != "stopped" {
        return Ok(());
    }
    let reason = i.state_transition_reason.as_deref().ok_or_else(|| {
        Missing::new(CollectError::new(
            "ec2:DescribeInstances",
            "NotCollected",
            "the instance's state transition reason was not collected",
        ))
    })?;
    let since = stopped_at(reason).ok_or_else(|| {
        Missing::new(CollectError::new(
            "ec2:DescribeInstances",
            "NoStopTime",
            "the instance's state transition reason gives no time it stopped",
        ))
    })?;
    let days = days_since(cx.cfg.now, &since).unwrap_or(0);
    let max = cx.cfg.stopped_instance_max_days;
    if days > max {
        cx.emit(
            at,
            Status::Fail,
            msg!(
                "instance {i} has been stopped for {d} days (more than {m})",
                "インスタンス {i} は {d} 日間停止しています({m} 日超)",
                i = i.id,
                d = days,
                m = max
            ),
        );
    } else {
        cx.emit(
            at,
            Status::Pass,
            msg!(
                "instance {i} has been stopped for {d} days (at most {m})",
                "インスタンス {i} の停止期間は {d} 日です({m} 日以内)",
                i = i.id,
                d = days,
                m = max
            ),
        );
    }
    cx.evidence("stopped_at", since);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::stopped_at;

    #[test]
    fn the_stop_time_is_read_from_the_reason() {
        assert_eq!(
            stopped_at("User initiated (2026-10-01 12:00:00 GMT)").as_deref(),
            Some("2026-10-01T12:00:00Z")
        );
        assert_eq!(
            stopped_at("User initiated (2026-10-01 12:00:00 UTC)").as_deref(),
            Some("2026-10-01T12:00:00Z")
        );
        for bad in [
            "",
            "User initiated",
            "Client.UserInitiatedShutdown",
            "x (2026-13-01 00:00:00 GMT)",
            "x (2026-10-01 12:00:00 PST)",
        ] {
            assert_eq!(stopped_at(bad), None, "{bad}");
        }
    }
}
