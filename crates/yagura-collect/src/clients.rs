//! The service clients of one region. The normal path builds them from an [`SdkConfig`]; tests
//! inject clients whose answers are recorded responses.

use crate::local::{QualifyCloudTrailTarget, S3ControlResultRoot, StripAccountHostPrefix};
use aws_config::SdkConfig;

/// One client per service, all for the same region (global services use their own endpoint
/// whatever the region: IAM, S3 account settings, Budgets, Cost Explorer; Health is pinned to
/// us-east-1 by [`Clients::from_config`]).
#[derive(Debug, Clone)]
pub struct Clients {
    pub sts: aws_sdk_sts::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub s3control: aws_sdk_s3control::Client,
    pub budgets: aws_sdk_budgets::Client,
    pub costexplorer: aws_sdk_costexplorer::Client,
    pub health: aws_sdk_health::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub config: aws_sdk_config::Client,
    pub guardduty: aws_sdk_guardduty::Client,
    pub inspector2: aws_sdk_inspector2::Client,
    pub securityhub: aws_sdk_securityhub::Client,
    pub accessanalyzer: aws_sdk_accessanalyzer::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    /// Classic Load Balancers.
    pub elb: aws_sdk_elasticloadbalancing::Client,
    /// AWS WAF (the web ACLs of Application Load Balancers).
    pub wafv2: aws_sdk_wafv2::Client,
    pub rds: aws_sdk_rds::Client,
    pub eventbridge: aws_sdk_eventbridge::Client,
    pub kms: aws_sdk_kms::Client,
    pub efs: aws_sdk_efs::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sns: aws_sdk_sns::Client,
    pub lambda: aws_sdk_lambda::Client,
}

impl Clients {
    /// Clients for the configuration's region. `local` adapts S3 to a loopback endpoint (moto,
    /// LocalStack): path-style addressing, no `{AccountId}.` host prefix for s3control and its answers' root elements as AWS names them, and
    /// CloudTrail's `X-Amz-Target` in botocore's form (see `local.rs`).
    pub fn from_config(cfg: &SdkConfig, local: bool) -> Clients {
        let s3 = aws_sdk_s3::config::Builder::from(cfg).force_path_style(local);
        let mut s3control = aws_sdk_s3control::config::Builder::from(cfg);
        let mut cloudtrail = aws_sdk_cloudtrail::config::Builder::from(cfg);
        if local {
            s3control = s3control
                .interceptor(StripAccountHostPrefix)
                .interceptor(S3ControlResultRoot);
            cloudtrail = cloudtrail.interceptor(QualifyCloudTrailTarget);
        }
        // The Health API is global, served from us-east-1.
        let health = aws_sdk_health::config::Builder::from(cfg)
            .region(aws_sdk_health::config::Region::from_static("us-east-1"));
        Clients {
            sts: aws_sdk_sts::Client::new(cfg),
            iam: aws_sdk_iam::Client::new(cfg),
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            s3control: aws_sdk_s3control::Client::from_conf(s3control.build()),
            budgets: aws_sdk_budgets::Client::new(cfg),
            costexplorer: aws_sdk_costexplorer::Client::new(cfg),
            health: aws_sdk_health::Client::from_conf(health.build()),
            ec2: aws_sdk_ec2::Client::new(cfg),
            config: aws_sdk_config::Client::new(cfg),
            guardduty: aws_sdk_guardduty::Client::new(cfg),
            inspector2: aws_sdk_inspector2::Client::new(cfg),
            securityhub: aws_sdk_securityhub::Client::new(cfg),
            accessanalyzer: aws_sdk_accessanalyzer::Client::new(cfg),
            cloudtrail: aws_sdk_cloudtrail::Client::from_conf(cloudtrail.build()),
            ssm: aws_sdk_ssm::Client::new(cfg),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(cfg),
            elb: aws_sdk_elasticloadbalancing::Client::new(cfg),
            wafv2: aws_sdk_wafv2::Client::new(cfg),
            rds: aws_sdk_rds::Client::new(cfg),
            eventbridge: aws_sdk_eventbridge::Client::new(cfg),
            kms: aws_sdk_kms::Client::new(cfg),
            efs: aws_sdk_efs::Client::new(cfg),
            logs: aws_sdk_cloudwatchlogs::Client::new(cfg),
            cloudwatch: aws_sdk_cloudwatch::Client::new(cfg),
            sns: aws_sdk_sns::Client::new(cfg),
            lambda: aws_sdk_lambda::Client::new(cfg),
        }
    }
}
