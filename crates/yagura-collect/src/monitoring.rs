//! What CIS's monitoring section reads in a region: CloudWatch Logs metric filters, CloudWatch
//! metric alarms and SNS subscriptions, every list to its last page.

use crate::regional::paged;
use yagura_inventory::{Collected, MetricAlarm, MetricFilter, SnsSubscription};

/// Every metric filter of the region (DescribeMetricFilters).
pub(crate) async fn metric_filters(
    c: &aws_sdk_cloudwatchlogs::Client,
) -> Collected<Vec<MetricFilter>> {
    paged(
        "logs:DescribeMetricFilters",
        c.describe_metric_filters().into_paginator().send(),
        |p, out| {
            out.extend(p.metric_filters().iter().map(|f| {
                MetricFilter {
                    name: f.filter_name().unwrap_or_default().to_string(),
                    log_group: f.log_group_name().unwrap_or_default().to_string(),
                    pattern: f.filter_pattern().unwrap_or_default().to_string(),
                    metrics: f
                        .metric_transformations()
                        .iter()
                        .map(|m| {
                            (
                                m.metric_namespace().to_string(),
                                m.metric_name().to_string(),
                            )
                        })
                        .collect(),
                }
            }));
        },
    )
    .await
}

/// Every metric alarm of the region (DescribeAlarms; composite alarms watch no metric).
pub(crate) async fn metric_alarms(c: &aws_sdk_cloudwatch::Client) -> Collected<Vec<MetricAlarm>> {
    paged(
        "cloudwatch:DescribeAlarms",
        c.describe_alarms().into_paginator().send(),
        |p, out| {
            out.extend(p.metric_alarms().iter().map(|a| MetricAlarm {
                name: a.alarm_name().unwrap_or_default().to_string(),
                arn: a.alarm_arn().unwrap_or_default().to_string(),
                namespace: a.namespace().unwrap_or_default().to_string(),
                metric: a.metric_name().unwrap_or_default().to_string(),
                actions_enabled: a.actions_enabled().unwrap_or(false),
                alarm_actions: a.alarm_actions().to_vec(),
            }));
        },
    )
    .await
}

/// Every SNS subscription of the region (ListSubscriptions).
pub(crate) async fn sns_subscriptions(c: &aws_sdk_sns::Client) -> Collected<Vec<SnsSubscription>> {
    paged(
        "sns:ListSubscriptions",
        c.list_subscriptions().into_paginator().send(),
        |p, out| {
            out.extend(p.subscriptions().iter().map(|s| SnsSubscription {
                topic_arn: s.topic_arn().unwrap_or_default().to_string(),
                protocol: s.protocol().unwrap_or_default().to_string(),
                arn: s.subscription_arn().unwrap_or_default().to_string(),
            }));
        },
    )
    .await
}
