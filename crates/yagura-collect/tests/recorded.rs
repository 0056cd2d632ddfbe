//! RECORDED RESPONSES: moto lacks these APIs; responses recorded from the AWS API reference
//! examples (identifiers, ARNs and field values as the references show them, typed into the
//! SDK's output structures).
//!
//! moto cannot serve Access Analyzer, Security Hub GetEnabledStandards, Inspector2 account
//! status, SSM DescribeInstanceInformation and ListResourceComplianceSummaries, Cost Explorer
//! anomaly monitors, AWS Health events, EC2 scheduled events, images of another owner, or the
//! root user's MFA and credential report row. These tests inject mock clients into
//! [`yagura_collect::collect_account_with`] and judge the collected inventory with
//! [`yagura_audit::evaluate`]: each misconfiguration FAILs and its compliant twin has no FAIL.
//! Every request no rule answers gets the mock HTTP client's HTTP 418 answer, which must end as
//! UNKNOWN, never PASS.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::{Blob, DateTime};
use time::macros::datetime;
use yagura_audit::AuditConfig;
use yagura_collect::{collect_account_with, Clients, CollectOptions};
use yagura_core::{Finding, Status};
use yagura_inventory::{Inventory, SCHEMA_VERSION};

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";
const INSTANCE: &str = "i-1234567890abcdef0";
const AMI: &str = "ami-0abcdef1234567890";
/// Evaluation time; recorded dates are relative to it.
const NOW: time::OffsetDateTime = datetime!(2026-11-24 00:00 UTC);

fn days_ago(d: i64) -> DateTime {
    DateTime::from_secs((NOW - time::Duration::days(d)).unix_timestamp())
}

fn days_ago_iso(d: i64) -> String {
    days_ago(d)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap()
}

/// A client of `$krate` whose answers come from `$rules` (first match wins); unmatched
/// requests reach the mock HTTP client, which answers HTTP 418.
macro_rules! client {
    ($krate:ident, $region:expr, $rules:expr) => {{
        let mut interceptor = MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .allow_passthrough();
        for rule in $rules {
            interceptor = interceptor.with_rule(rule);
        }
        $krate::Client::from_conf(
            $krate::Config::builder()
                .behavior_version($krate::config::BehaviorVersion::latest())
                .region($krate::config::Region::new($region.to_string()))
                .credentials_provider($krate::config::Credentials::new(
                    "AKIDEXAMPLE",
                    "recorded",
                    None,
                    None,
                    "recorded",
                ))
                .retry_config($krate::config::retry::RetryConfig::disabled())
                .http_client(create_mock_http_client())
                .interceptor(interceptor)
                .build(),
        )
    }};
}

fn clients(region: &str, rules: &[Rule]) -> Clients {
    Clients {
        sts: client!(aws_sdk_sts, region, rules),
        iam: client!(aws_sdk_iam, region, rules),
        s3: client!(aws_sdk_s3, region, rules),
        s3control: client!(aws_sdk_s3control, region, rules),
        budgets: client!(aws_sdk_budgets, region, rules),
        costexplorer: client!(aws_sdk_costexplorer, region, rules),
        health: client!(aws_sdk_health, region, rules),
        ec2: client!(aws_sdk_ec2, region, rules),
        config: client!(aws_sdk_config, region, rules),
        guardduty: client!(aws_sdk_guardduty, region, rules),
        inspector2: client!(aws_sdk_inspector2, region, rules),
        securityhub: client!(aws_sdk_securityhub, region, rules),
        accessanalyzer: client!(aws_sdk_accessanalyzer, region, rules),
        cloudtrail: client!(aws_sdk_cloudtrail, region, rules),
        ssm: client!(aws_sdk_ssm, region, rules),
        elbv2: client!(aws_sdk_elasticloadbalancingv2, region, rules),
        elb: client!(aws_sdk_elasticloadbalancing, region, rules),
        wafv2: client!(aws_sdk_wafv2, region, rules),
        rds: client!(aws_sdk_rds, region, rules),
        eventbridge: client!(aws_sdk_eventbridge, region, rules),
        kms: client!(aws_sdk_kms, region, rules),
        efs: client!(aws_sdk_efs, region, rules),
        logs: client!(aws_sdk_cloudwatchlogs, region, rules),
        cloudwatch: client!(aws_sdk_cloudwatch, region, rules),
        sns: client!(aws_sdk_sns, region, rules),
        lambda: client!(aws_sdk_lambda, region, rules),
    }
}

/// Collects the account through clients answering with `rules`.
fn collect_with(rules: &[Rule], opts: &CollectOptions) -> yagura_inventory::Account {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let global = clients(REGION, rules);
    let for_region = |r: &str| clients(r, rules);
    rt.block_on(collect_account_with(
        &for_region,
        &global,
        ACCOUNT,
        "aws",
        &[REGION.to_string()],
        opts,
    ))
}

/// Collects the account through clients answering with `rules`, then evaluates every check.
fn audit(rules: Vec<Rule>) -> Vec<Finding> {
    let account = collect_with(&rules, &CollectOptions::default());
    let inventory = Inventory {
        schema_version: SCHEMA_VERSION,
        collected_at: "2026-11-24T00:00:00Z".to_string(),
        accounts: vec![account],
    };
    let cfg = AuditConfig {
        now: NOW,
        ..AuditConfig::default()
    };
    yagura_audit::evaluate(&inventory, &cfg)
}

fn of<'a>(findings: &'a [Finding], check: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.check_id == check).collect()
}

fn describe(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{:?} {} {}", f.status, f.resource, f.message.en()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The misconfiguration is reported: at least one FAIL of `check`.
fn assert_fails(findings: &[Finding], check: &str) {
    let f = of(findings, check);
    assert!(
        f.iter().any(|f| f.status == Status::Fail),
        "{check} should FAIL:\n{}",
        describe(&f)
    );
}

/// The compliant twin: `check` was evaluated, PASSes, and nothing of it FAILs or is UNKNOWN.
fn assert_passes(findings: &[Finding], check: &str) {
    let f = of(findings, check);
    assert!(
        !f.is_empty() && f.iter().all(|f| f.status == Status::Pass),
        "{check} should PASS:\n{}",
        describe(&f)
    );
}

fn assert_unknown(findings: &[Finding], check: &str, reason: &str) {
    let f = of(findings, check);
    assert!(
        !f.is_empty()
            && f.iter()
                .all(|f| f.status == Status::Unknown && f.message.en().contains(reason)),
        "{check} should be UNKNOWN because of {reason}:\n{}",
        describe(&f)
    );
}

fn access_denied(op: &str) -> ErrorMetadata {
    ErrorMetadata::builder()
        .code("AccessDenied")
        .message(format!(
            "User: arn:aws:iam::{ACCOUNT}:user/auditor is not authorized to perform: {op}"
        ))
        .build()
}

// ------------------------------------------------------------------ IAM: the root user

fn summary(mfa: i32) -> Rule {
    use aws_sdk_iam::types::SummaryKeyType as K;
    mock!(aws_sdk_iam::Client::get_account_summary).then_output(move || {
        aws_sdk_iam::operation::get_account_summary::GetAccountSummaryOutput::builder()
            .summary_map(K::AccountMfaEnabled, mfa)
            .summary_map(K::AccountAccessKeysPresent, 0)
            .summary_map(K::Users, 27)
            .build()
    })
}

/// ListVirtualMFADevices as in the API reference: one device of user ExampleMFADevice, and
/// optionally the root user's own virtual device.
fn virtual_mfa(root_has_virtual: bool) -> Rule {
    use aws_sdk_iam::types::{User, VirtualMfaDevice};
    mock!(aws_sdk_iam::Client::list_virtual_mfa_devices).then_output(move || {
        let mut out =
            aws_sdk_iam::operation::list_virtual_mfa_devices::ListVirtualMfaDevicesOutput::builder(
            )
            .is_truncated(false)
            .virtual_mfa_devices(
                VirtualMfaDevice::builder()
                    .serial_number(format!("arn:aws:iam::{ACCOUNT}:mfa/ExampleMFADevice"))
                    .user(
                        User::builder()
                            .path("/")
                            .user_name("ExampleUser")
                            .user_id("AIDEXAMPLE")
                            .arn(format!("arn:aws:iam::{ACCOUNT}:user/ExampleUser"))
                            .create_date(days_ago(400))
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            );
        if root_has_virtual {
            out = out.virtual_mfa_devices(
                VirtualMfaDevice::builder()
                    .serial_number(format!(
                        "arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device"
                    ))
                    .user(
                        User::builder()
                            .path("")
                            .user_name("")
                            .user_id(ACCOUNT)
                            .arn(format!("arn:aws:iam::{ACCOUNT}:root"))
                            .create_date(days_ago(900))
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            );
        }
        out.build().unwrap()
    })
}

const REPORT_HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

/// GenerateCredentialReport (COMPLETE) and GetCredentialReport with a `<root_account>` row
/// whose password was last used `root_used` ("N/A" when never).
fn credential_report(root_used: String) -> Vec<Rule> {
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
    use aws_sdk_iam::types::{ReportFormatType, ReportStateType};
    let created = days_ago_iso(900);
    let csv = format!(
        "{REPORT_HEADER}\n\
<root_account>,arn:aws:iam::{ACCOUNT}:root,{created},not_supported,{root_used},not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
    );
    vec![
        mock!(aws_sdk_iam::Client::generate_credential_report).then_output(|| {
            GenerateCredentialReportOutput::builder()
                .state(ReportStateType::Complete)
                .description("No report exists. Starting a new report generation task")
                .build()
        }),
        mock!(aws_sdk_iam::Client::get_credential_report).then_output(move || {
            GetCredentialReportOutput::builder()
                .content(Blob::new(csv.clone()))
                .report_format(ReportFormatType::TextCsv)
                .generated_time(days_ago(0))
                .build()
        }),
    ]
}

#[test]
fn recorded_root_without_mfa_fails() {
    let f = audit(vec![summary(0), virtual_mfa(false)]);
    assert_fails(&f, "root-mfa-disabled");
}

#[test]
fn recorded_root_with_hardware_mfa_passes() {
    let f = audit(vec![summary(1), virtual_mfa(false)]);
    assert_passes(&f, "root-mfa-disabled");
    assert_passes(&f, "root-mfa-not-hardware");
}

#[test]
fn recorded_root_with_virtual_mfa_fails_not_hardware() {
    let f = audit(vec![summary(1), virtual_mfa(true)]);
    assert_passes(&f, "root-mfa-disabled");
    assert_fails(&f, "root-mfa-not-hardware");
}

#[test]
fn recorded_root_used_recently_fails() {
    let f = audit(credential_report(days_ago_iso(3)));
    assert_fails(&f, "root-used-recently");
}

#[test]
fn recorded_root_not_used_recently_passes() {
    let f = audit(credential_report(days_ago_iso(200)));
    assert_passes(&f, "root-used-recently");
    let f = audit(credential_report("N/A".to_string()));
    assert_passes(&f, "root-used-recently");
}

// ------------------------------------------------------------------ IAM Access Analyzer

fn analyzers(active: bool) -> Rule {
    use aws_sdk_accessanalyzer::operation::list_analyzers::ListAnalyzersOutput;
    use aws_sdk_accessanalyzer::types::{AnalyzerStatus, AnalyzerSummary, Type};
    mock!(aws_sdk_accessanalyzer::Client::list_analyzers).then_output(move || {
        let mut out = ListAnalyzersOutput::builder().set_analyzers(Some(Vec::new()));
        if active {
            out = out.analyzers(
                AnalyzerSummary::builder()
                    .arn(format!(
                        "arn:aws:access-analyzer:{REGION}:{ACCOUNT}:analyzer/ConsoleAnalyzer"
                    ))
                    .name("ConsoleAnalyzer")
                    .r#type(Type::Account)
                    .created_at(days_ago(300))
                    .status(AnalyzerStatus::Active)
                    .build()
                    .unwrap(),
            );
        }
        out.build().unwrap()
    })
}

fn analyzer_findings(external: bool) -> Rule {
    use aws_sdk_accessanalyzer::operation::list_findings_v2::ListFindingsV2Output;
    use aws_sdk_accessanalyzer::types::{FindingStatus, FindingSummaryV2, ResourceType};
    mock!(aws_sdk_accessanalyzer::Client::list_findings_v2).then_output(move || {
        let mut out = ListFindingsV2Output::builder().set_findings(Some(Vec::new()));
        if external {
            out = out.findings(
                FindingSummaryV2::builder()
                    .id("a5ab1b0e-bd2b-4d2a-8c2b-4c8e0f0f7a1d")
                    .resource("arn:aws:s3:::amzn-s3-demo-bucket")
                    .resource_type(ResourceType::AwsS3Bucket)
                    .resource_owner_account(ACCOUNT)
                    .created_at(days_ago(10))
                    .analyzed_at(days_ago(1))
                    .updated_at(days_ago(1))
                    .status(FindingStatus::Active)
                    .build()
                    .unwrap(),
            );
        }
        out.build().unwrap()
    })
}

#[test]
fn recorded_no_access_analyzer_fails() {
    let f = audit(vec![analyzers(false)]);
    assert_fails(&f, "access-analyzer-disabled");
}

#[test]
fn recorded_active_analyzer_without_findings_passes() {
    let f = audit(vec![analyzers(true), analyzer_findings(false)]);
    assert_passes(&f, "access-analyzer-disabled");
    assert!(of(&f, "access-analyzer-external-access").is_empty());
}

#[test]
fn recorded_active_external_access_finding_fails() {
    let f = audit(vec![analyzers(true), analyzer_findings(true)]);
    assert_passes(&f, "access-analyzer-disabled");
    assert_fails(&f, "access-analyzer-external-access");
    assert_eq!(
        of(&f, "access-analyzer-external-access")[0]
            .resource
            .as_ref(),
        "arn:aws:s3:::amzn-s3-demo-bucket"
    );
}

// ------------------------------------------------------------------ Security Hub

fn security_hub(standards: bool) -> Vec<Rule> {
    use aws_sdk_securityhub::operation::describe_hub::DescribeHubOutput;
    use aws_sdk_securityhub::operation::get_enabled_standards::GetEnabledStandardsOutput;
    use aws_sdk_securityhub::types::{StandardsStatus, StandardsSubscription};
    vec![
        mock!(aws_sdk_securityhub::Client::describe_hub).then_output(|| {
            DescribeHubOutput::builder()
                .hub_arn(format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default"))
                .subscribed_at("2019-11-19T23:15:10.046Z")
                .auto_enable_controls(true)
                .build()
        }),
        mock!(aws_sdk_securityhub::Client::get_enabled_standards).then_output(move || {
            let mut out = GetEnabledStandardsOutput::builder();
            if standards {
                out = out.standards_subscriptions(
                    StandardsSubscription::builder()
                        .standards_arn("arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0")
                        .standards_subscription_arn(format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/aws-foundational-security-best-practices/v/1.0.0"))
                        .standards_status(StandardsStatus::Ready)
                        .build(),
                );
            }
            out.build()
        }),
    ]
}

#[test]
fn recorded_security_hub_without_standards_fails() {
    let f = audit(security_hub(false));
    assert_fails(&f, "securityhub-disabled");
}

#[test]
fn recorded_security_hub_with_standards_passes() {
    let f = audit(security_hub(true));
    assert_passes(&f, "securityhub-disabled");
}

// ------------------------------------------------------------------ Inspector2

fn inspector(ec2_enabled: bool) -> Rule {
    use aws_sdk_inspector2::operation::batch_get_account_status::BatchGetAccountStatusOutput;
    use aws_sdk_inspector2::types::{AccountState, ResourceState, State, Status as S};
    mock!(aws_sdk_inspector2::Client::batch_get_account_status).then_output(move || {
        let st = |on: bool| {
            State::builder()
                .status(if on { S::Enabled } else { S::Disabled })
                .error_code(aws_sdk_inspector2::types::ErrorCode::AlreadyEnabled)
                .error_message("")
                .build()
                .unwrap()
        };
        BatchGetAccountStatusOutput::builder()
            .accounts(
                AccountState::builder()
                    .account_id(ACCOUNT)
                    .state(st(ec2_enabled))
                    .resource_state(
                        ResourceState::builder()
                            .ec2(st(ec2_enabled))
                            .ecr(st(false))
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    })
}

#[test]
fn recorded_inspector_disabled_fails() {
    let f = audit(vec![inspector(false)]);
    assert_fails(&f, "inspector-disabled");
}

/// Regression: an answer with neither the account nor a failure (as moto gives) was read as
/// DISABLED and failed; the status was never told, so it is UNKNOWN.
#[test]
fn recorded_inspector_answer_without_the_account_is_unknown() {
    use aws_sdk_inspector2::operation::batch_get_account_status::BatchGetAccountStatusOutput;
    let empty = mock!(aws_sdk_inspector2::Client::batch_get_account_status).then_output(|| {
        BatchGetAccountStatusOutput::builder()
            .set_accounts(Some(Vec::new()))
            .build()
            .unwrap()
    });
    let f = audit(vec![empty]);
    let statuses: Vec<_> = f
        .iter()
        .filter(|x| x.check_id == "inspector-disabled")
        .map(|x| x.status)
        .collect();
    assert!(!statuses.is_empty());
    assert!(
        statuses.iter().all(|s| *s == Status::Unknown),
        "{statuses:?}"
    );
}

#[test]
fn recorded_inspector_enabled_for_ec2_passes() {
    let f = audit(vec![inspector(true)]);
    assert_passes(&f, "inspector-disabled");
}

// ------------------------------------------------------------------ Cost Explorer, Health

fn anomaly_monitors(n: usize) -> Rule {
    use aws_sdk_costexplorer::operation::get_anomaly_monitors::GetAnomalyMonitorsOutput;
    use aws_sdk_costexplorer::types::{AnomalyMonitor, MonitorDimension, MonitorType};
    mock!(aws_sdk_costexplorer::Client::get_anomaly_monitors).then_output(move || {
        let mut out = GetAnomalyMonitorsOutput::builder().set_anomaly_monitors(Some(Vec::new()));
        for _ in 0..n {
            out = out.anomaly_monitors(
                AnomalyMonitor::builder()
                    .monitor_arn(format!(
                        "arn:aws:ce::{ACCOUNT}:anomalymonitor/12345678-abcd-1234-abcd-123456789012"
                    ))
                    .monitor_name("AWS services")
                    .monitor_type(MonitorType::Dimensional)
                    .monitor_dimension(MonitorDimension::Service)
                    .build()
                    .unwrap(),
            );
        }
        out.build().unwrap()
    })
}

#[test]
fn recorded_no_anomaly_monitor_fails() {
    let f = audit(vec![anomaly_monitors(0)]);
    assert_fails(&f, "cost-anomaly-monitor-missing");
}

#[test]
fn recorded_one_anomaly_monitor_passes() {
    let f = audit(vec![anomaly_monitors(1)]);
    assert_passes(&f, "cost-anomaly-monitor-missing");
}

fn health_events(open: bool) -> Rule {
    use aws_sdk_health::operation::describe_events::DescribeEventsOutput;
    use aws_sdk_health::types::{Event, EventStatusCode, EventTypeCategory};
    mock!(aws_sdk_health::Client::describe_events).then_output(move || {
        let mut out = DescribeEventsOutput::builder();
        if open {
            out = out.events(
                Event::builder()
                    .arn("arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED/AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED_ABC123-DEF456")
                    .service("EC2")
                    .event_type_code("AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED")
                    .event_type_category(EventTypeCategory::ScheduledChange)
                    .region(REGION)
                    .start_time(days_ago(-7))
                    .status_code(EventStatusCode::Open)
                    .build(),
            );
        }
        out.build()
    })
}

#[test]
fn recorded_open_health_event_fails() {
    let f = audit(vec![health_events(true)]);
    assert_fails(&f, "health-event-open");
}

#[test]
fn recorded_no_health_event_has_no_fail() {
    let f = audit(vec![health_events(false)]);
    let h = of(&f, "health-event-open");
    assert!(
        h.iter().all(|f| f.status == Status::Pass),
        "{}",
        describe(&h)
    );
}

// ------------------------------------------------------------------ EC2 and Systems Manager

/// DescribeInstances: the running instance of the API reference example.
fn instance() -> Rule {
    use aws_sdk_ec2::operation::describe_instances::DescribeInstancesOutput;
    use aws_sdk_ec2::types::{
        Instance, InstanceState, InstanceStateName, InstanceType, Reservation,
    };
    mock!(aws_sdk_ec2::Client::describe_instances).then_output(|| {
        DescribeInstancesOutput::builder()
            .reservations(
                Reservation::builder()
                    .reservation_id("r-1234567890abcdef0")
                    .owner_id(ACCOUNT)
                    .instances(
                        Instance::builder()
                            .instance_id(INSTANCE)
                            .image_id(AMI)
                            .instance_type(InstanceType::T3Micro)
                            .state(
                                InstanceState::builder()
                                    .code(16)
                                    .name(InstanceStateName::Running)
                                    .build(),
                            )
                            .launch_time(days_ago(20))
                            .build(),
                    )
                    .build(),
            )
            .build()
    })
}

/// DescribeImages for the instance's AMI, owned by `owner` with an optional alias.
fn image(
    owner: &'static str,
    alias: Option<&'static str>,
    created: i64,
    deprecated: Option<i64>,
) -> Rule {
    use aws_sdk_ec2::operation::describe_images::DescribeImagesOutput;
    use aws_sdk_ec2::types::Image;
    mock!(aws_sdk_ec2::Client::describe_images).then_output(move || {
        let mut img = Image::builder()
            .image_id(AMI)
            .owner_id(owner)
            .name("al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64")
            .creation_date(days_ago_iso(created))
            .public(true);
        if let Some(a) = alias {
            img = img.image_owner_alias(a);
        }
        if let Some(d) = deprecated {
            img = img.deprecation_time(days_ago_iso(d));
        }
        DescribeImagesOutput::builder().images(img.build()).build()
    })
}

fn amazon_image() -> Rule {
    image("137112412989", Some("amazon"), 30, None)
}

/// DescribeInstanceStatus, with the instance-retirement event of the API reference or none.
fn instance_status(retirement: bool) -> Rule {
    use aws_sdk_ec2::operation::describe_instance_status::DescribeInstanceStatusOutput;
    use aws_sdk_ec2::types::{EventCode, InstanceStatus, InstanceStatusEvent};
    mock!(aws_sdk_ec2::Client::describe_instance_status).then_output(move || {
        let mut st = InstanceStatus::builder()
            .instance_id(INSTANCE)
            .availability_zone("us-east-1d");
        if retirement {
            st = st.events(
                InstanceStatusEvent::builder()
                    .instance_event_id("instance-event-0d59937288b749b32")
                    .code(EventCode::InstanceRetirement)
                    .description("The instance is running on degraded hardware")
                    .not_before(days_ago(-14))
                    .build(),
            );
        }
        DescribeInstanceStatusOutput::builder()
            .instance_statuses(st.build())
            .build()
    })
}

fn ssm_managed(ids: &'static [&'static str]) -> Rule {
    use aws_sdk_ssm::operation::describe_instance_information::DescribeInstanceInformationOutput;
    use aws_sdk_ssm::types::{InstanceInformation, PingStatus, PlatformType};
    mock!(aws_sdk_ssm::Client::describe_instance_information).then_output(move || {
        let mut out = DescribeInstanceInformationOutput::builder();
        for id in ids {
            out = out.instance_information_list(
                InstanceInformation::builder()
                    .instance_id(*id)
                    .ping_status(PingStatus::Online)
                    .last_ping_date_time(days_ago(0))
                    .agent_version("3.3.131.0")
                    .platform_type(PlatformType::Linux)
                    .build(),
            );
        }
        out.build()
    })
}

#[test]
fn recorded_instance_not_ssm_managed_fails() {
    let f = audit(vec![instance(), ssm_managed(&[])]);
    assert_fails(&f, "ec2-instance-not-ssm-managed");
}

#[test]
fn recorded_ssm_managed_instance_passes() {
    let f = audit(vec![instance(), ssm_managed(&[INSTANCE])]);
    assert_passes(&f, "ec2-instance-not-ssm-managed");
}

#[test]
fn recorded_scheduled_retirement_fails() {
    let f = audit(vec![instance(), instance_status(true)]);
    assert_fails(&f, "ec2-instance-scheduled-event");
}

#[test]
fn recorded_no_scheduled_event_passes() {
    let f = audit(vec![instance(), instance_status(false)]);
    assert_passes(&f, "ec2-instance-scheduled-event");
}

#[test]
fn recorded_ami_of_another_owner_fails() {
    let f = audit(vec![instance(), image("111122223333", None, 30, None)]);
    assert_fails(&f, "ec2-instance-ami-untrusted-owner");
}

#[test]
fn recorded_amazon_owned_ami_passes() {
    let f = audit(vec![instance(), amazon_image()]);
    assert_passes(&f, "ec2-instance-ami-untrusted-owner");
    assert_passes(&f, "ec2-instance-ami-deprecated-or-old");
}

#[test]
fn recorded_deprecated_ami_fails() {
    let f = audit(vec![
        instance(),
        image("137112412989", Some("amazon"), 30, Some(2)),
    ]);
    assert_fails(&f, "ec2-instance-ami-deprecated-or-old");
    // Deprecation announced for the future is not yet a finding.
    let f = audit(vec![
        instance(),
        image("137112412989", Some("amazon"), 30, Some(-30)),
    ]);
    assert_passes(&f, "ec2-instance-ami-deprecated-or-old");
}

// ------------------------------------------------------------------ partial access

#[test]
fn recorded_access_denied_leaves_other_services_intact() {
    use aws_sdk_iam::operation::get_account_summary::GetAccountSummaryError;
    use aws_sdk_ssm::operation::describe_instance_information::DescribeInstanceInformationError;
    let mut rules = vec![
        mock!(aws_sdk_iam::Client::get_account_summary)
            .then_error(|| GetAccountSummaryError::generic(access_denied("iam:GetAccountSummary"))),
        mock!(aws_sdk_ssm::Client::describe_instance_information).then_error(|| {
            DescribeInstanceInformationError::generic(access_denied(
                "ssm:DescribeInstanceInformation",
            ))
        }),
        virtual_mfa(false),
        instance(),
        instance_status(false),
        amazon_image(),
        inspector(true),
    ];
    rules.extend(security_hub(true));
    let f = audit(rules);
    // The denied services: UNKNOWN with the reason, never PASS.
    assert_unknown(&f, "root-mfa-disabled", "AccessDenied");
    assert_unknown(&f, "root-mfa-not-hardware", "AccessDenied");
    assert_unknown(&f, "ec2-instance-not-ssm-managed", "AccessDenied");
    // Issue 19: yagura's hint is data, said once and in the reader's language; AWS's message
    // is quoted as it is.
    let hint = yagura_inventory::Hint::AccessDenied.text();
    for u in of(&f, "root-mfa-disabled") {
        let (en, ja) = (u.message.en(), u.message.ja());
        assert_eq!(en.matches(hint.en.as_ref()).count(), 1, "{en}");
        assert_eq!(ja.matches(hint.ja.as_ref()).count(), 1, "{ja}");
        assert!(!ja.contains(hint.en.as_ref()), "{ja}");
        assert!(
            ja.contains("「User: arn:aws:iam::") && ja.contains("iam:GetAccountSummary」"),
            "{ja}"
        );
    }
    // The others still report.
    assert_passes(&f, "ec2-instance-scheduled-event");
    assert_passes(&f, "ec2-instance-ami-untrusted-owner");
    assert_passes(&f, "inspector-disabled");
    assert_passes(&f, "securityhub-disabled");
}

#[test]
fn recorded_unanswered_requests_are_unknown_never_pass() {
    let f = audit(Vec::new());
    assert!(!f.is_empty());
    let decided: Vec<&Finding> = f.iter().filter(|f| f.status != Status::Unknown).collect();
    assert!(
        decided.is_empty(),
        "nothing could be read, yet some checks decided:\n{}",
        describe(&decided)
    );
    for check in [
        "root-mfa-disabled",
        "root-used-recently",
        "access-analyzer-disabled",
        "securityhub-disabled",
        "inspector-disabled",
        "cost-anomaly-monitor-missing",
        "health-event-open",
        "guardduty-disabled",
        "s3-account-public-access-block-off",
    ] {
        assert!(
            of(&f, check).iter().any(|f| f.status == Status::Unknown),
            "{check} should be UNKNOWN"
        );
    }
}

// ------------------------------------------------------------------ IAM: AWS managed policies
// GetAccountAuthorizationDetails is read without the AWS managed policies; the ones in use come
// from ListPolicies (Scope=AWS, OnlyAttached) and GetPolicyVersion, a boundary-only one from
// GetPolicy. moto serves all three, but cannot count calls: these rules do.

const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const READ_ONLY_POLICY: &str = "arn:aws:iam::aws:policy/ReadOnlyAccess";

/// A role with AdministratorAccess attached and ReadOnlyAccess as its boundary; IAM returns
/// documents URL-encoded.
fn aws_policy_rules() -> (Vec<Rule>, Rule) {
    use aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput;
    use aws_sdk_iam::operation::get_policy::GetPolicyOutput;
    use aws_sdk_iam::operation::get_policy_version::GetPolicyVersionOutput;
    use aws_sdk_iam::operation::list_policies::ListPoliciesOutput;
    use aws_sdk_iam::types::{
        AttachedPermissionsBoundary, AttachedPolicy, PermissionsBoundaryAttachmentType, Policy,
        PolicyVersion, RoleDetail,
    };
    let gaad = mock!(aws_sdk_iam::Client::get_account_authorization_details).then_output(|| {
        GetAccountAuthorizationDetailsOutput::builder()
            .role_detail_list(
                RoleDetail::builder()
                    .role_name("deployer")
                    .arn(format!("arn:aws:iam::{ACCOUNT}:role/deployer"))
                    .path("/")
                    .assume_role_policy_document(
                        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D",
                    )
                    .attached_managed_policies(
                        AttachedPolicy::builder()
                            .policy_name("AdministratorAccess")
                            .policy_arn(ADMIN_POLICY)
                            .build(),
                    )
                    .permissions_boundary(
                        AttachedPermissionsBoundary::builder()
                            .permissions_boundary_type(PermissionsBoundaryAttachmentType::Policy)
                            .permissions_boundary_arn(READ_ONLY_POLICY)
                            .build(),
                    )
                    .build(),
            )
            .is_truncated(false)
            .build()
    });
    let list = mock!(aws_sdk_iam::Client::list_policies)
        .match_requests(|r| r.only_attached() == Some(true))
        .then_output(|| {
            ListPoliciesOutput::builder()
                .policies(
                    Policy::builder()
                        .policy_name("AdministratorAccess")
                        .arn(ADMIN_POLICY)
                        .default_version_id("v1")
                        .build(),
                )
                .is_truncated(false)
                .build()
        });
    let get = mock!(aws_sdk_iam::Client::get_policy)
        .match_requests(|r| r.policy_arn() == Some(READ_ONLY_POLICY))
        .then_output(|| {
            GetPolicyOutput::builder()
                .policy(
                    Policy::builder()
                        .policy_name("ReadOnlyAccess")
                        .arn(READ_ONLY_POLICY)
                        .default_version_id("v7")
                        .build(),
                )
                .build()
        });
    let version = mock!(aws_sdk_iam::Client::get_policy_version).then_compute_output(|r| {
        let action = match (r.policy_arn(), r.version_id()) {
            (Some(ADMIN_POLICY), Some("v1")) => "%22%2A%22",
            (Some(READ_ONLY_POLICY), Some("v7")) => "%22s3%3AGet%2A%22",
            other => panic!("unexpected GetPolicyVersion {other:?}"),
        };
        GetPolicyVersionOutput::builder()
            .policy_version(
                PolicyVersion::builder()
                    .document(format!("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A{action}%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"))
                    .is_default_version(true)
                    .build(),
            )
            .build()
    });
    (vec![gaad, list, get, version.clone()], version)
}

#[test]
fn recorded_aws_managed_policies_in_use_are_read_once_per_run() {
    let (rules, version) = aws_policy_rules();
    let opts = CollectOptions::default();
    // Two accounts of one run (an Organization) share the options and so the cache.
    for _ in 0..2 {
        let account = collect_with(&rules, &opts);
        let policies = account.iam.policies.as_ref().unwrap();
        let doc = |arn: &str| {
            policies
                .iter()
                .find(|p| p.arn == arn)
                .map(|p| p.document.clone())
                .unwrap_or_else(|| panic!("{arn} not collected: {policies:?}"))
        };
        assert!(doc(ADMIN_POLICY).contains(r#""Action":"*""#));
        // The boundary-only policy is read by ARN.
        assert!(doc(READ_ONLY_POLICY).contains(r#""Action":"s3:Get*""#));
    }
    assert_eq!(version.num_calls(), 2, "each document once per run");
    assert_eq!(opts.aws_policies.len(), 2);
}

#[test]
fn recorded_aws_managed_policies_denied_keep_principals_and_say_why() {
    use aws_sdk_iam::operation::list_policies::ListPoliciesError;
    let (mut rules, _) = aws_policy_rules();
    rules.insert(
        0,
        mock!(aws_sdk_iam::Client::list_policies)
            .then_error(|| ListPoliciesError::generic(access_denied("iam:ListPolicies"))),
    );
    let account = collect_with(&rules, &CollectOptions::default());
    // The principals were read; the managed policies' documents were not, with the reason.
    assert_eq!(account.iam.roles.as_ref().unwrap().len(), 1);
    let e = account.iam.policies.as_ref().unwrap_err();
    assert!(e.to_string().contains("iam:ListPolicies"), "{e}");
    let findings = audit(rules);
    let admin: Vec<&Finding> = of(&findings, "iam-admin-permissions-attached")
        .into_iter()
        .filter(|f| f.resource.ends_with(":role/deployer"))
        .collect();
    // AdministratorAccess is known by its name alone; nothing becomes PASS.
    assert!(
        !admin.is_empty() && admin.iter().all(|f| f.status == Status::Fail),
        "{}",
        describe(&admin)
    );
}

#[test]
fn recorded_unknown_boundary_policy_leaves_the_others_collected() {
    use aws_sdk_iam::operation::get_policy::GetPolicyError;
    use aws_sdk_iam::types::error::NoSuchEntityException;
    let (mut rules, _) = aws_policy_rules();
    // IAM no longer knows the boundary's policy.
    rules.insert(
        0,
        mock!(aws_sdk_iam::Client::get_policy).then_error(|| {
            GetPolicyError::NoSuchEntityException(
                NoSuchEntityException::builder()
                    .message(format!("Policy {READ_ONLY_POLICY} does not exist"))
                    .meta(ErrorMetadata::builder().code("NoSuchEntity").build())
                    .build(),
            )
        }),
    );
    let account = collect_with(&rules, &CollectOptions::default());
    let policies = account.iam.policies.as_ref().unwrap();
    let arns: Vec<&str> = policies.iter().map(|p| p.arn.as_str()).collect();
    assert_eq!(arns, [ADMIN_POLICY]);
}

// ------------------------------------------------------------------ Pagination (issue 18)
//
// RECORDED RESPONSES over several pages: the API reference examples cut into pages with a
// `NextToken` (the shapes the services answer with more items than one page holds). Each test
// puts the item that decides the check on the last page, where a collector that reads one page
// never looks.

/// The token the recorded first pages hand out.
const PAGE_2: &str = "AAQA-EFRSURBSGpDTDhTSHpFeHl3Y2VtT2lMWlEyS0pmVUlBNzRYVVZRQ0NBdz09";

fn guardduty_on() -> Vec<Rule> {
    use aws_sdk_guardduty::operation::get_detector::GetDetectorOutput;
    use aws_sdk_guardduty::operation::list_detectors::ListDetectorsOutput;
    use aws_sdk_guardduty::types::DetectorStatus;
    vec![
        mock!(aws_sdk_guardduty::Client::list_detectors).then_output(|| {
            ListDetectorsOutput::builder()
                .detector_ids("12abc34d567e8fa901bc2d34e56789f0")
                .build()
        }),
        mock!(aws_sdk_guardduty::Client::get_detector).then_output(|| {
            GetDetectorOutput::builder()
                .status(DetectorStatus::Enabled)
                .service_role(format!(
                    "arn:aws:iam::{ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
                ))
                .build()
        }),
    ]
}

/// ListRules: 120 rules of other sources on the first page, the GuardDuty rule on the second;
/// ListTargetsByRule: its SNS target on the second page of targets.
fn event_rules_over_pages() -> Vec<Rule> {
    use aws_sdk_eventbridge::operation::list_rules::ListRulesOutput;
    use aws_sdk_eventbridge::operation::list_targets_by_rule::ListTargetsByRuleOutput;
    use aws_sdk_eventbridge::types::{Rule as EventRule, RuleState, Target};
    let rule = |name: String, pattern: &str| {
        EventRule::builder()
            .name(&name)
            .arn(format!("arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}"))
            .event_pattern(pattern)
            .state(RuleState::Enabled)
            .event_bus_name("default")
            .build()
    };
    vec![
        mock!(aws_sdk_eventbridge::Client::list_rules)
            .match_requests(|r| r.next_token().is_none())
            .then_output(move || {
                let mut out = ListRulesOutput::builder().next_token(PAGE_2);
                for n in 0..120 {
                    out = out.rules(rule(
                        format!("ec2-state-{n}"),
                        r#"{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"]}"#,
                    ));
                }
                out.build()
            }),
        mock!(aws_sdk_eventbridge::Client::list_rules)
            .match_requests(|r| r.next_token() == Some(PAGE_2))
            .then_output(move || {
                ListRulesOutput::builder()
                    .rules(rule(
                        "guardduty-high".to_string(),
                        r#"{"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"],"detail":{"severity":[{"numeric":[">=",7]}]}}"#,
                    ))
                    .build()
            }),
        mock!(aws_sdk_eventbridge::Client::list_targets_by_rule)
            .match_requests(|r| r.next_token().is_none())
            .then_output(|| {
                ListTargetsByRuleOutput::builder()
                    .set_targets(Some(Vec::new()))
                    .next_token(PAGE_2)
                    .build()
            }),
        mock!(aws_sdk_eventbridge::Client::list_targets_by_rule)
            .match_requests(|r| r.next_token() == Some(PAGE_2))
            .then_output(|| {
                ListTargetsByRuleOutput::builder()
                    .targets(
                        Target::builder()
                            .id("security-alerts")
                            .arn(format!("arn:aws:sns:{REGION}:{ACCOUNT}:security-alerts"))
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
    ]
}

#[test]
fn recorded_guardduty_rule_behind_120_rules_passes() {
    let mut rules = guardduty_on();
    rules.extend(event_rules_over_pages());
    let account = collect_with(&rules, &CollectOptions::default());
    let collected = account.regions[0].event_rules.as_ref().unwrap();
    assert_eq!(collected.len(), 121, "every page of ListRules is read");
    let gd = collected
        .iter()
        .find(|r| r.name == "guardduty-high")
        .unwrap();
    assert_eq!(gd.targets, 1, "every page of ListTargetsByRule is read");
    let f = audit(rules);
    assert_passes(&f, "guardduty-no-notification");
}

/// DescribeBudgets: an empty first page; the budget on the second, its notification on the
/// second page of DescribeNotificationsForBudget.
fn budgets_over_pages() -> Vec<Rule> {
    use aws_sdk_budgets::operation::describe_budgets::DescribeBudgetsOutput;
    use aws_sdk_budgets::operation::describe_notifications_for_budget::DescribeNotificationsForBudgetOutput;
    use aws_sdk_budgets::types::{
        Budget, BudgetType, ComparisonOperator, Notification, NotificationType, TimeUnit,
    };
    vec![
        mock!(aws_sdk_budgets::Client::describe_budgets)
            .match_requests(|r| r.next_token().is_none())
            .then_output(|| {
                DescribeBudgetsOutput::builder()
                    .set_budgets(Some(Vec::new()))
                    .next_token(PAGE_2)
                    .build()
            }),
        mock!(aws_sdk_budgets::Client::describe_budgets)
            .match_requests(|r| r.next_token() == Some(PAGE_2))
            .then_output(|| {
                DescribeBudgetsOutput::builder()
                    .budgets(
                        Budget::builder()
                            .budget_name("Example Budget")
                            .budget_type(BudgetType::Cost)
                            .time_unit(TimeUnit::Monthly)
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
        mock!(aws_sdk_budgets::Client::describe_notifications_for_budget)
            .match_requests(|r| r.next_token().is_none())
            .then_output(|| {
                DescribeNotificationsForBudgetOutput::builder()
                    .set_notifications(Some(Vec::new()))
                    .next_token(PAGE_2)
                    .build()
            }),
        mock!(aws_sdk_budgets::Client::describe_notifications_for_budget)
            .match_requests(|r| r.next_token() == Some(PAGE_2))
            .then_output(|| {
                DescribeNotificationsForBudgetOutput::builder()
                    .notifications(
                        Notification::builder()
                            .notification_type(NotificationType::Actual)
                            .comparison_operator(ComparisonOperator::GreaterThan)
                            .threshold(80.0)
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
    ]
}

#[test]
fn recorded_budget_notification_on_a_second_page_passes() {
    let f = audit(budgets_over_pages());
    assert_passes(&f, "budget-without-notification");
}

#[test]
fn recorded_anomaly_monitor_on_a_second_page_passes() {
    use aws_sdk_costexplorer::operation::get_anomaly_monitors::GetAnomalyMonitorsOutput;
    let empty_first = mock!(aws_sdk_costexplorer::Client::get_anomaly_monitors)
        .match_requests(|r| r.next_page_token().is_none())
        .then_output(|| {
            GetAnomalyMonitorsOutput::builder()
                .set_anomaly_monitors(Some(Vec::new()))
                .next_page_token(PAGE_2)
                .build()
                .unwrap()
        });
    // The second page is the one-monitor answer of the single-page tests.
    let f = audit(vec![empty_first, anomaly_monitors(1)]);
    assert_passes(&f, "cost-anomaly-monitor-missing");
}

#[test]
fn recorded_health_event_on_a_second_page_fails() {
    use aws_sdk_health::operation::describe_events::DescribeEventsOutput;
    let empty_first = mock!(aws_sdk_health::Client::describe_events)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            DescribeEventsOutput::builder()
                .set_events(Some(Vec::new()))
                .next_token(PAGE_2)
                .build()
        });
    let f = audit(vec![empty_first, health_events(true)]);
    assert_fails(&f, "health-event-open");
}

/// A page that fails after a good one leaves the whole list unread: UNKNOWN, never a verdict
/// on the first page alone.
#[test]
fn recorded_second_page_error_is_unknown() {
    let mut rules = guardduty_on();
    let mut pages = event_rules_over_pages();
    pages.remove(1);
    rules.push(pages.remove(0));
    rules.push(
        mock!(aws_sdk_eventbridge::Client::list_rules)
            .match_requests(|r| r.next_token() == Some(PAGE_2))
            .then_error(|| {
                aws_sdk_eventbridge::operation::list_rules::ListRulesError::generic(access_denied(
                    "ListRules",
                ))
            }),
    );
    let f = audit(rules);
    assert_unknown(&f, "guardduty-no-notification", "AccessDenied");
}

/// ListKeys over two pages: a customer key with rotation off on the first, one whose
/// DescribeKey the key policy denies on the second (moto enforces no key policy, so a key the
/// auditor may list but not describe is a recorded answer).
fn kms_keys_over_pages() -> Vec<Rule> {
    use aws_sdk_kms::operation::describe_key::DescribeKeyOutput;
    use aws_sdk_kms::operation::get_key_rotation_status::GetKeyRotationStatusOutput;
    use aws_sdk_kms::operation::list_keys::ListKeysOutput;
    use aws_sdk_kms::types::{KeyListEntry, KeyManagerType, KeyMetadata, KeySpec, KeyState};
    const OPEN: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const DENIED: &str = "0987dcba-09fe-87dc-65ba-ab0987654321";
    let entry = |id: &str| {
        KeyListEntry::builder()
            .key_id(id)
            .key_arn(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"))
            .build()
    };
    vec![
        mock!(aws_sdk_kms::Client::list_keys)
            .match_requests(|r| r.marker().is_none())
            .then_output(move || {
                ListKeysOutput::builder()
                    .keys(entry(OPEN))
                    .next_marker(PAGE_2)
                    .truncated(true)
                    .build()
            }),
        mock!(aws_sdk_kms::Client::list_keys)
            .match_requests(|r| r.marker() == Some(PAGE_2))
            .then_output(move || ListKeysOutput::builder().keys(entry(DENIED)).build()),
        mock!(aws_sdk_kms::Client::describe_key)
            .match_requests(|r| r.key_id() == Some(OPEN))
            .then_output(|| {
                DescribeKeyOutput::builder()
                    .key_metadata(
                        KeyMetadata::builder()
                            .key_id(OPEN)
                            .arn(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{OPEN}"))
                            .key_manager(KeyManagerType::Customer)
                            .key_spec(KeySpec::SymmetricDefault)
                            .key_state(KeyState::Enabled)
                            .build()
                            .unwrap(),
                    )
                    .build()
            }),
        mock!(aws_sdk_kms::Client::describe_key)
            .match_requests(|r| r.key_id() == Some(DENIED))
            .then_error(|| {
                aws_sdk_kms::operation::describe_key::DescribeKeyError::generic(access_denied(
                    "kms:DescribeKey",
                ))
            }),
        mock!(aws_sdk_kms::Client::get_key_rotation_status)
            .match_requests(|r| r.key_id() == Some(OPEN))
            .then_output(|| {
                GetKeyRotationStatusOutput::builder()
                    .key_rotation_enabled(false)
                    .build()
            }),
    ]
}

#[test]
fn recorded_kms_keys_are_read_over_pages_and_a_denied_key_is_unknown() {
    let rules = kms_keys_over_pages();
    let account = collect_with(&rules, &CollectOptions::default());
    let keys = account.regions[0].kms_keys.as_ref().unwrap();
    assert_eq!(keys.len(), 2, "every page of ListKeys is read");
    let f = audit(rules);
    let found = of(&f, "kms-key-rotation-off");
    assert!(
        found
            .iter()
            .any(|x| x.status == Status::Fail && x.resource.ends_with("1234567890ab")),
        "{}",
        describe(&found)
    );
    assert!(
        found
            .iter()
            .any(|x| x.status == Status::Unknown && x.resource.ends_with("ab0987654321")),
        "{}",
        describe(&found)
    );
}

// ---- S3 MFA delete (moto 5.2.6 has no MFADelete in GetBucketVersioning: recorded responses)

fn bucket_versioning(mfa_delete: bool) -> Vec<Rule> {
    use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
    use aws_sdk_s3::operation::list_buckets::ListBucketsOutput;
    use aws_sdk_s3::types::{BucketVersioningStatus, MfaDeleteStatus};
    vec![
        mock!(aws_sdk_s3::Client::list_buckets).then_output(|| {
            ListBucketsOutput::builder()
                .buckets(aws_sdk_s3::types::Bucket::builder().name("ledger").build())
                .build()
        }),
        mock!(aws_sdk_s3::Client::get_bucket_versioning).then_output(move || {
            GetBucketVersioningOutput::builder()
                .status(BucketVersioningStatus::Enabled)
                .mfa_delete(if mfa_delete {
                    MfaDeleteStatus::Enabled
                } else {
                    MfaDeleteStatus::Disabled
                })
                .build()
        }),
    ]
}

#[test]
fn recorded_bucket_without_mfa_delete_fails() {
    let f = audit(bucket_versioning(false));
    assert_fails(&f, "s3-bucket-mfa-delete-off");
}

#[test]
fn recorded_bucket_with_mfa_delete_passes() {
    let f = audit(bucket_versioning(true));
    assert_passes(&f, "s3-bucket-mfa-delete-off");
    assert_passes(&f, "s3-bucket-versioning-off");
}

// ---- S3 bucket regions: ListBuckets gives each bucket's region (AWS does since 2024; moto 5.2.6
// does not), and then GetBucketLocation is not asked (recorded responses)

fn listed_bucket(listed_region: Option<&'static str>) -> (Vec<Rule>, Rule) {
    use aws_sdk_s3::operation::get_bucket_location::GetBucketLocationOutput;
    use aws_sdk_s3::operation::list_buckets::ListBucketsOutput;
    use aws_sdk_s3::types::BucketLocationConstraint;
    let location = mock!(aws_sdk_s3::Client::get_bucket_location).then_output(|| {
        GetBucketLocationOutput::builder()
            .location_constraint(BucketLocationConstraint::ApSouth1)
            .build()
    });
    let list = mock!(aws_sdk_s3::Client::list_buckets).then_output(move || {
        let mut b = aws_sdk_s3::types::Bucket::builder().name("ledger");
        if let Some(r) = listed_region {
            b = b.bucket_region(r);
        }
        ListBucketsOutput::builder().buckets(b.build()).build()
    });
    (vec![list, location.clone()], location)
}

#[test]
fn recorded_listed_bucket_region_is_used_without_get_bucket_location() {
    let (rules, location) = listed_bucket(Some("eu-west-1"));
    let account = collect_with(&rules, &CollectOptions::default());
    let buckets = account.s3.buckets.as_ref().unwrap();
    assert_eq!(buckets[0].region, "eu-west-1");
    assert_eq!(location.num_calls(), 0, "GetBucketLocation was asked");
    // without a region in the list, GetBucketLocation tells it
    let (rules, location) = listed_bucket(None);
    let account = collect_with(&rules, &CollectOptions::default());
    let buckets = account.s3.buckets.as_ref().unwrap();
    assert_eq!(buckets[0].region, "ap-south-1");
    assert_eq!(location.num_calls(), 1);
}

// ---- FSBP EC2.20, EC2.51, S3.19 (moto 5.2.6 reports no VPN tunnel status, has no Client VPN
// API, and answers ListAccessPoints under a root element the SDK rejects: recorded responses,
// after the examples of the EC2 and S3 Control API references)

/// DescribeVpnConnections: one connection whose first tunnel is up, the second as `second`.
fn vpn_connection(second: aws_sdk_ec2::types::TelemetryStatus) -> Rule {
    use aws_sdk_ec2::operation::describe_vpn_connections::DescribeVpnConnectionsOutput;
    use aws_sdk_ec2::types::{TelemetryStatus, VgwTelemetry, VpnConnection, VpnState};
    mock!(aws_sdk_ec2::Client::describe_vpn_connections).then_output(move || {
        let tunnel = |ip: &str, status: TelemetryStatus, message: &str| {
            VgwTelemetry::builder()
                .outside_ip_address(ip)
                .status(status)
                .status_message(message)
                .last_status_change(days_ago(1))
                .accepted_route_count(0)
                .build()
        };
        let message = match second {
            TelemetryStatus::Up => "",
            _ => "IPSEC IS DOWN",
        };
        DescribeVpnConnectionsOutput::builder()
            .vpn_connections(
                VpnConnection::builder()
                    .vpn_connection_id("vpn-44a8938f")
                    .customer_gateway_id("cgw-b4dc3961")
                    .vpn_gateway_id("vgw-8db04f81")
                    .state(VpnState::Available)
                    .vgw_telemetry(tunnel("72.21.209.192", TelemetryStatus::Up, ""))
                    .vgw_telemetry(tunnel("72.21.209.224", second.clone(), message))
                    .build(),
            )
            .build()
    })
}

#[test]
fn recorded_vpn_connection_with_a_tunnel_down_fails() {
    let f = audit(vec![vpn_connection(
        aws_sdk_ec2::types::TelemetryStatus::Down,
    )]);
    assert_fails(&f, "ec2-vpn-tunnel-down");
}

#[test]
fn recorded_vpn_connection_with_both_tunnels_up_passes() {
    let f = audit(vec![vpn_connection(
        aws_sdk_ec2::types::TelemetryStatus::Up,
    )]);
    assert_passes(&f, "ec2-vpn-tunnel-down");
}

/// DescribeClientVpnEndpoints in two pages: the first endpoint logs connections, the second as
/// `second_logs` (a FAIL on it shows the second page was read).
fn client_vpn_endpoints(second_logs: bool) -> Vec<Rule> {
    use aws_sdk_ec2::operation::describe_client_vpn_endpoints::DescribeClientVpnEndpointsOutput;
    use aws_sdk_ec2::types::{
        ClientVpnEndpoint, ClientVpnEndpointStatus, ClientVpnEndpointStatusCode,
        ConnectionLogResponseOptions,
    };
    let endpoint = |id: &str, logs: bool| {
        let mut log = ConnectionLogResponseOptions::builder().enabled(logs);
        if logs {
            log = log.cloudwatch_log_group("ClientVpnConnectionLogs");
        }
        ClientVpnEndpoint::builder()
            .client_vpn_endpoint_id(id)
            .status(
                ClientVpnEndpointStatus::builder()
                    .code(ClientVpnEndpointStatusCode::Available)
                    .build(),
            )
            .client_cidr_block("172.31.0.0/16")
            .connection_log_options(log.build())
            .build()
    };
    vec![
        mock!(aws_sdk_ec2::Client::describe_client_vpn_endpoints)
            .match_requests(|r| r.next_token().is_none())
            .then_output(move || {
                DescribeClientVpnEndpointsOutput::builder()
                    .client_vpn_endpoints(endpoint("cvpn-endpoint-123456789123abcde", true))
                    .next_token("page-2")
                    .build()
            }),
        mock!(aws_sdk_ec2::Client::describe_client_vpn_endpoints)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(move || {
                DescribeClientVpnEndpointsOutput::builder()
                    .client_vpn_endpoints(endpoint("cvpn-endpoint-0123456789abcdef0", second_logs))
                    .build()
            }),
    ]
}

#[test]
fn recorded_client_vpn_endpoint_without_connection_logging_fails_on_the_second_page() {
    let f = audit(client_vpn_endpoints(false));
    assert_fails(&f, "ec2-client-vpn-connection-logging-off");
    let failing: Vec<&Finding> = of(&f, "ec2-client-vpn-connection-logging-off")
        .into_iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    assert_eq!(failing.len(), 1);
    assert!(failing[0]
        .resource
        .ends_with("client-vpn-endpoint/cvpn-endpoint-0123456789abcdef0"));
}

#[test]
fn recorded_client_vpn_endpoints_logging_connections_pass() {
    let f = audit(client_vpn_endpoints(true));
    assert_passes(&f, "ec2-client-vpn-connection-logging-off");
    assert_eq!(of(&f, "ec2-client-vpn-connection-logging-off").len(), 2);
}

/// ListAccessPoints (one access point) and its GetAccessPoint, with all four Block Public Access
/// settings on or only BlockPublicAcls; `get_denied`: GetAccessPoint refused.
fn access_point(all_on: bool, get_denied: bool) -> Vec<Rule> {
    use aws_sdk_s3control::operation::get_access_point::GetAccessPointOutput;
    use aws_sdk_s3control::operation::list_access_points::ListAccessPointsOutput;
    use aws_sdk_s3control::types::{AccessPoint, NetworkOrigin, PublicAccessBlockConfiguration};
    let arn = format!("arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/example-ap");
    let listed = arn.clone();
    let get = if get_denied {
        mock!(aws_sdk_s3control::Client::get_access_point).then_error(|| {
            aws_sdk_s3control::operation::get_access_point::GetAccessPointError::generic(
                access_denied("s3:GetAccessPoint"),
            )
        })
    } else {
        mock!(aws_sdk_s3control::Client::get_access_point).then_output(move || {
            GetAccessPointOutput::builder()
                .name("example-ap")
                .bucket("amzn-s3-demo-bucket")
                .network_origin(NetworkOrigin::Internet)
                .access_point_arn(arn.clone())
                .public_access_block_configuration(
                    PublicAccessBlockConfiguration::builder()
                        .block_public_acls(true)
                        .ignore_public_acls(all_on)
                        .block_public_policy(all_on)
                        .restrict_public_buckets(all_on)
                        .build(),
                )
                .build()
        })
    };
    vec![
        mock!(aws_sdk_s3control::Client::list_access_points).then_output(move || {
            ListAccessPointsOutput::builder()
                .access_point_list(
                    AccessPoint::builder()
                        .name("example-ap")
                        .network_origin(NetworkOrigin::Internet)
                        .bucket("amzn-s3-demo-bucket")
                        .access_point_arn(listed.clone())
                        .build()
                        .unwrap(),
                )
                .build()
        }),
        get,
    ]
}

#[test]
fn recorded_access_point_without_all_block_public_access_settings_fails() {
    let f = audit(access_point(false, false));
    assert_fails(&f, "s3-access-point-public-access-block-off");
}

#[test]
fn recorded_access_point_with_all_block_public_access_settings_passes() {
    let f = audit(access_point(true, false));
    assert_passes(&f, "s3-access-point-public-access-block-off");
}

#[test]
fn recorded_access_point_whose_settings_are_refused_is_unknown() {
    let f = audit(access_point(true, true));
    assert_unknown(
        &f,
        "s3-access-point-public-access-block-off",
        "AccessDenied",
    );
}

// ------------------------------------------------------------------ SSM compliance (SSM.2, SSM.3)

/// A second managed instance, compliant.
const INSTANCE_2: &str = "i-0598c7d356eba48d7";

/// ListResourceComplianceSummaries filtered to `kind` (`Patch` or `Association`) as the API
/// reference shows it, over two pages: the first holds [`INSTANCE`], NON_COMPLIANT with one
/// critical and two high items; the second [`INSTANCE_2`], COMPLIANT.
fn compliance_pages(kind: &'static str) -> Vec<Rule> {
    use aws_sdk_ssm::operation::list_resource_compliance_summaries::ListResourceComplianceSummariesOutput as Out;
    use aws_sdk_ssm::types::{
        ComplianceSeverity, ComplianceStatus, CompliantSummary, NonCompliantSummary,
        ResourceComplianceSummaryItem, SeveritySummary,
    };
    let item = move |id: &str, bad: bool| {
        let none = SeveritySummary::builder().build();
        let non = if bad {
            SeveritySummary::builder()
                .critical_count(1)
                .high_count(2)
                .build()
        } else {
            none.clone()
        };
        ResourceComplianceSummaryItem::builder()
            .compliance_type(kind)
            .resource_type("ManagedInstance")
            .resource_id(id)
            .status(if bad {
                ComplianceStatus::NonCompliant
            } else {
                ComplianceStatus::Compliant
            })
            .overall_severity(if bad {
                ComplianceSeverity::Critical
            } else {
                ComplianceSeverity::Unspecified
            })
            .compliant_summary(
                CompliantSummary::builder()
                    .compliant_count(40)
                    .severity_summary(none)
                    .build(),
            )
            .non_compliant_summary(
                NonCompliantSummary::builder()
                    .non_compliant_count(if bad { 3 } else { 0 })
                    .severity_summary(non)
                    .build(),
            )
            .build()
    };
    let is = move |r: &aws_sdk_ssm::operation::list_resource_compliance_summaries::ListResourceComplianceSummariesInput| {
        r.filters()
            .iter()
            .any(|f| f.key() == Some("ComplianceType") && f.values() == [kind])
    };
    vec![
        mock!(aws_sdk_ssm::Client::list_resource_compliance_summaries)
            .match_requests(move |r| is(r) && r.next_token().is_none())
            .then_output(move || {
                Out::builder()
                    .resource_compliance_summary_items(item(INSTANCE, true))
                    .next_token(PAGE_2)
                    .build()
            }),
        mock!(aws_sdk_ssm::Client::list_resource_compliance_summaries)
            .match_requests(move |r| is(r) && r.next_token() == Some(PAGE_2))
            .then_output(move || {
                Out::builder()
                    .resource_compliance_summary_items(item(INSTANCE_2, false))
                    .build()
            }),
    ]
}

/// The findings of `check` on `instance`: (status, English message).
fn on_instance(findings: &[Finding], check: &str, instance: &str) -> Vec<(Status, String)> {
    let arn = format!("arn:aws:ec2:{REGION}:{ACCOUNT}:instance/{instance}");
    of(findings, check)
        .into_iter()
        .filter(|f| *f.resource == *arn)
        .map(|f| (f.status, f.message.en().into_owned()))
        .collect()
}

#[test]
fn recorded_ssm_compliance_fails_non_compliant_and_passes_compliant_over_two_pages() {
    let mut rules = compliance_pages("Patch");
    rules.extend(compliance_pages("Association"));
    let f = audit(rules);
    for check in [
        "ssm-instance-patch-non-compliant",
        "ssm-instance-association-non-compliant",
    ] {
        assert_eq!(
            of(&f, check).len(),
            2,
            "{check}:\n{}",
            describe(&of(&f, check))
        );
        let bad = on_instance(&f, check, INSTANCE);
        assert_eq!(bad.len(), 1, "{check}: {bad:?}");
        assert_eq!(bad[0].0, Status::Fail, "{check}: {bad:?}");
        assert!(bad[0].1.contains("3 non-compliant"), "{}", bad[0].1);
        assert!(bad[0].1.contains("CRITICAL 1, HIGH 2"), "{}", bad[0].1);
        let good = on_instance(&f, check, INSTANCE_2);
        assert_eq!(good.len(), 1, "{check}: {good:?}");
        assert_eq!(good[0].0, Status::Pass, "{check}: {good:?}");
    }
}

#[test]
fn recorded_ssm_compliance_refused_is_unknown() {
    use aws_sdk_ssm::operation::list_resource_compliance_summaries::ListResourceComplianceSummariesError as E;
    let f = audit(vec![mock!(
        aws_sdk_ssm::Client::list_resource_compliance_summaries
    )
    .then_error(|| {
        E::generic(access_denied("ssm:ListResourceComplianceSummaries"))
    })]);
    for check in [
        "ssm-instance-patch-non-compliant",
        "ssm-instance-association-non-compliant",
    ] {
        assert_unknown(&f, check, "AccessDenied");
        assert!(!of(&f, check).iter().any(|f| f.status == Status::Pass));
    }
}
