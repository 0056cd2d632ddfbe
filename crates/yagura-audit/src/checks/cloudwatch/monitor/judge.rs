//! CIS's monitoring requirement, one way for every kind of event: a logging multi-region trail
//! delivers to a CloudWatch Logs group (in any region) that has a metric filter covering the
//! CIS pattern, an alarm on that filter's metric, and the alarm notifies an SNS topic with at
//! least one confirmed subscription.

use super::Watched;
use crate::checks::cloudtrail::trails;
use crate::checks::prelude::*;
use crate::metric_filter::Pattern;
use yagura_inventory::{CollectError, MetricAlarm, MetricFilter, Region};

/// The first link the best chain lacks, for the FAIL message.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reached {
    TrailToLogs,
    Filter,
    Alarm,
    Subscriber,
}

/// The chain that passes: (log group, filter, alarm, topic).
type Chain<'a> = (&'a str, &'a MetricFilter, &'a MetricAlarm, &'a str);

/// The region and name of a log group ARN (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*]`).
fn log_group(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let [_, _, "logs", region, _, "log-group", name] = parts.as_slice() else {
        return None;
    };
    let name = name.strip_suffix(":*").unwrap_or(name);
    (!name.is_empty()).then_some((*region, name))
}

/// The region of an SNS topic ARN.
fn topic_region(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    let service = parts.nth(2)?;
    let region = parts.next()?;
    (service == "sns").then_some(region)
}

struct Search<'a> {
    reached: Reached,
    missing: Option<Missing>,
    regions: &'a [Region],
}

impl<'a> Search<'a> {
    fn region(&mut self, name: &str, piece: &str) -> Option<&'a Region> {
        let r = self.regions.iter().find(|r| r.name == name);
        if r.is_none() {
            self.missing.get_or_insert(Missing::new(CollectError::new(
                piece,
                "NotCollected",
                &format!("region {name} was not scanned"),
            )));
        }
        r
    }

    fn read<T>(
        &mut self,
        cx: &Cx<'a>,
        d: &crate::data::Data<Region, T>,
        r: &'a Region,
    ) -> Result<Option<&'a T>, Missing> {
        match cx.read_in(d, r)? {
            Ok(v) => Ok(Some(v)),
            Err(_) => {
                if let Err(m) = cx.need_in(d, r) {
                    self.missing.get_or_insert(m);
                }
                Ok(None)
            }
        }
    }

    /// A chain from the log group `arn` to a subscribed topic, if there is one.
    fn chain_from(
        &mut self,
        cx: &Cx<'a>,
        arn: &'a str,
        wanted: &[Pattern],
    ) -> Result<Option<Chain<'a>>, Missing> {
        let Some((region, group)) = log_group(arn) else {
            return Ok(None);
        };
        let Some(reg) = self.region(region, "logs:DescribeMetricFilters") else {
            return Ok(None);
        };
        let Some(filters) = self.read(cx, &data::METRIC_FILTERS, reg)? else {
            return Ok(None);
        };
        let covering = filters.iter().filter(|f| {
            f.log_group == group
                && Pattern::parse(&f.pattern).is_some_and(|p| wanted.iter().any(|w| p.covers(w)))
        });
        for f in covering {
            self.reached = self.reached.max(Reached::Alarm);
            let Some(alarms) = self.read(cx, &data::METRIC_ALARMS, reg)? else {
                continue;
            };
            let on_metric = alarms.iter().filter(|a| {
                a.actions_enabled
                    && f.metrics
                        .iter()
                        .any(|(ns, m)| *ns == a.namespace && *m == a.metric)
            });
            for a in on_metric {
                self.reached = self.reached.max(Reached::Subscriber);
                for topic in &a.alarm_actions {
                    let Some(tr) = topic_region(topic) else {
                        continue;
                    };
                    let Some(treg) = self.region(tr, "sns:ListSubscriptions") else {
                        continue;
                    };
                    let Some(subs) = self.read(cx, &data::SNS_SUBSCRIPTIONS, treg)? else {
                        continue;
                    };
                    if subs
                        .iter()
                        .any(|s| s.topic_arn == *topic && s.arn != "PendingConfirmation")
                    {
                        return Ok(Some((group, f, a, topic.as_str())));
                    }
                }
            }
        }
        Ok(None)
    }
}

/// Judges `w` on the account.
pub(in crate::checks) fn monitored(cx: &mut Cx<'_>, at: At<'_>, w: &Watched) -> Outcome {
    let account = cx.account;
    let (all, unreadable) = trails(cx)?;
    let wanted: Vec<Pattern> = w
        .patterns
        .iter()
        .filter_map(|p| Pattern::parse(p))
        .collect();
    let mut search = Search {
        reached: Reached::TrailToLogs,
        missing: None,
        regions: &account.regions,
    };
    let (en, ja) = w.what;
    for t in all.iter().filter(|t| t.multi_region && t.logging) {
        let Some(arn) = t.cloudwatch_logs_log_group_arn.as_deref() else {
            continue;
        };
        search.reached = search.reached.max(Reached::Filter);
        if let Some((group, f, a, topic)) = search.chain_from(cx, arn, &wanted)? {
            cx.emit(
                at,
                Status::Pass,
                Text::owned(
                    format!("alarm `{}` watches {en} (filter `{}` on log group `{group}`, trail `{}`) and notifies `{topic}`", a.name, f.name, t.name),
                    format!("{ja}はアラーム `{}` を発報します(証跡 `{}` のロググループ `{group}` のフィルター `{}`)。通知先は `{topic}` です", a.name, t.name, f.name),
                ),
            );
            return Ok(());
        }
    }
    if let Some(r) = unreadable {
        cx.need_in(&data::CLOUDTRAIL, r)?;
    }
    if let Some(m) = search.missing {
        return Err(m);
    }
    if account.regions.is_empty() {
        return Ok(());
    }
    let msg = match search.reached {
        Reached::TrailToLogs => Text::owned(
            format!("no logging multi-region trail delivers to CloudWatch Logs, so no alarm can watch {en}"),
            format!("CloudWatch Logs に配信しているログ記録中のマルチリージョン証跡がないため、{ja}を監視するアラームを設定できません"),
        ),
        Reached::Filter => Text::owned(
            format!("no metric filter on the trail's log group matches {en}"),
            format!("証跡のロググループに{ja}に一致するメトリクスフィルターがありません"),
        ),
        Reached::Alarm => Text::owned(
            format!("no enabled alarm watches the metric of the filter for {en}"),
            format!("{ja}のフィルターのメトリクスを監視する有効なアラームがありません"),
        ),
        Reached::Subscriber => Text::owned(
            format!("the alarm for {en} notifies no SNS topic with a confirmed subscription"),
            format!("{ja}のアラームの通知先に、確認済みのサブスクリプションがある SNS トピックがありません"),
        ),
    };
    cx.emit(at, Status::Fail, msg);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{log_group, topic_region};

    #[test]
    fn arns_are_read_or_refused() {
        assert_eq!(
            log_group("arn:aws:logs:eu-west-1:111122223333:log-group:trail:logs:*"),
            Some(("eu-west-1", "trail:logs"))
        );
        assert_eq!(
            log_group("arn:aws:logs:us-east-1:111122223333:log-group:ct"),
            Some(("us-east-1", "ct"))
        );
        assert_eq!(log_group("arn:aws:s3:::bucket"), None);
        assert_eq!(
            topic_region("arn:aws:sns:ap-northeast-1:111122223333:alerts"),
            Some("ap-northeast-1")
        );
        assert_eq!(topic_region("arn:aws:lambda:us-east-1:1:function:f"), None);
    }
}
