use crate::CollectError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Data that was read, or the reason it could not be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collected<T> {
    Ok(T),
    Error(CollectError),
}

impl<T> Collected<T> {
    pub fn as_ref(&self) -> Result<&T, &CollectError> {
        match self {
            Collected::Ok(v) => Ok(v),
            Collected::Error(e) => Err(e),
        }
    }

    pub fn ok(&self) -> Option<&T> {
        self.as_ref().ok()
    }

    pub fn map<U, F: FnOnce(T) -> U>(self, f: F) -> Collected<U> {
        match self {
            Collected::Ok(v) => Collected::Ok(f(v)),
            Collected::Error(e) => Collected::Error(e),
        }
    }
}

impl<T: Default> Default for Collected<T> {
    fn default() -> Self {
        Collected::Error(CollectError::not_collected())
    }
}

pub type Tags = BTreeMap<String, String>;

/// The whole snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub schema_version: u32,
    /// RFC 3339 time the collection started.
    #[serde(default)]
    pub collected_at: String,
    pub accounts: Vec<Account>,
}

/// One AWS account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Account {
    pub account_id: String,
    #[serde(default)]
    pub partition: String,
    /// The account's role in the Organization (AUD-19), when scanned with `--org`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<OrgMembership>,
    #[serde(default)]
    pub alias: Collected<Option<String>>,
    #[serde(default)]
    pub iam: Iam,
    #[serde(default)]
    pub s3: S3,
    #[serde(default)]
    pub budgets: Collected<Vec<Budget>>,
    #[serde(default)]
    pub anomaly_monitors: Collected<Vec<String>>,
    #[serde(default)]
    pub health_events: Collected<Vec<HealthEvent>>,
    /// Regions scanned, each with its regional services.
    #[serde(default)]
    pub regions: Vec<Region>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// The Organization's management account.
    Management,
    /// The identity (bastion) account that holds the IAM users.
    Identity,
    /// Any other member account: holds resources, no IAM users.
    Resource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgMembership {
    pub organization_id: String,
    pub kind: AccountKind,
    #[serde(default)]
    pub name: String,
    /// The account id of the identity account, when configured.
    #[serde(default)]
    pub identity_account: Option<String>,
}

// ---------------------------------------------------------------- IAM

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Iam {
    #[serde(default)]
    pub users: Collected<Vec<User>>,
    #[serde(default)]
    pub roles: Collected<Vec<Role>>,
    #[serde(default)]
    pub groups: Collected<Vec<Group>>,
    /// Managed policies attached somewhere, with the default version's document.
    #[serde(default)]
    pub policies: Collected<Vec<ManagedPolicy>>,
    /// `None` when the account has no password policy.
    #[serde(default)]
    pub password_policy: Collected<Option<PasswordPolicy>>,
    #[serde(default)]
    pub summary: Collected<AccountSummary>,
    #[serde(default)]
    pub credential_report: Collected<Vec<CredentialReportRow>>,
    #[serde(default)]
    pub virtual_mfa_devices: Collected<Vec<VirtualMfaDevice>>,
    /// The server certificates stored in IAM (ListServerCertificates). Absent in older
    /// snapshots.
    #[serde(default)]
    pub server_certificates: Collected<Vec<ServerCertificate>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ServerCertificate {
    pub name: String,
    pub arn: String,
    /// RFC 3339.
    #[serde(default)]
    pub expiration: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct User {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// The ARN of the user's permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Role {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub path: String,
    /// The trust policy document (JSON, decoded).
    #[serde(default)]
    pub trust_policy: String,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    #[serde(default)]
    pub last_used: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    /// The ARN of the role's permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    /// The ARNs of the instance profiles that hold the role (what an EC2 instance runs with).
    /// Absent in older snapshots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instance_profiles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Group {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AttachedPolicy {
    pub name: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InlinePolicy {
    pub name: String,
    /// The policy document (JSON, decoded).
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ManagedPolicy {
    pub name: String,
    pub arn: String,
    /// The default version's document (JSON, decoded).
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    #[serde(default)]
    pub max_age_days: Option<u32>,
    #[serde(default)]
    pub reuse_prevention: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AccountSummary {
    pub account_mfa_enabled: bool,
    pub account_access_keys_present: bool,
    pub users: u64,
}

/// One row of the IAM credential report. Dates are RFC 3339 or `None` (`N/A`, `no_information`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CredentialReportRow {
    pub user: String,
    pub arn: String,
    #[serde(default)]
    pub user_creation_time: Option<String>,
    pub password_enabled: bool,
    #[serde(default)]
    pub password_last_used: Option<String>,
    pub mfa_active: bool,
    pub access_keys: Vec<ReportAccessKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReportAccessKey {
    /// 1 or 2, the key's slot in the report.
    pub slot: u8,
    pub active: bool,
    #[serde(default)]
    pub last_rotated: Option<String>,
    #[serde(default)]
    pub last_used: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VirtualMfaDevice {
    pub serial: String,
    #[serde(default)]
    pub user_arn: Option<String>,
}

// ---------------------------------------------------------------- S3

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct S3 {
    /// The account-level Block Public Access; `None` when never configured.
    #[serde(default)]
    pub account_public_access_block: Collected<Option<PublicAccessBlock>>,
    #[serde(default)]
    pub buckets: Collected<Vec<Bucket>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Bucket {
    pub name: String,
    #[serde(default)]
    pub region: String,
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
    /// The bucket policy document, `None` when the bucket has none.
    pub policy: Collected<Option<String>>,
    /// Grantee URIs or ids with their permission, from the bucket ACL.
    pub acl_grants: Collected<Vec<AclGrant>>,
    /// Where server access logs go (GetBucketLogging): the target bucket, `None` when the
    /// bucket does not log. Absent in older snapshots.
    #[serde(default)]
    pub access_logging: Collected<Option<String>>,
    /// Versioning (GetBucketVersioning): `Enabled`, `Suspended`, or `None` when never
    /// enabled. Absent in older snapshots.
    #[serde(default)]
    pub versioning: Collected<Option<String>>,
    /// Whether MFA delete is enabled (GetBucketVersioning's `MFADelete`). Absent in older
    /// snapshots.
    #[serde(default)]
    pub mfa_delete: Collected<bool>,
    /// How many of its lifecycle rules are enabled (GetBucketLifecycleConfiguration; 0 with
    /// none). Absent in older snapshots.
    #[serde(default)]
    pub lifecycle_rules: Collected<u32>,
    /// Whether it sends event notifications (GetBucketNotificationConfiguration: to a topic, a
    /// queue, a function or EventBridge). Absent in older snapshots.
    #[serde(default)]
    pub notifications: Collected<bool>,
    /// The default encryption's algorithm (GetBucketEncryption): `AES256`, `aws:kms`,
    /// `aws:kms:dsse`; `None` when none is configured. Absent in older snapshots.
    #[serde(default)]
    pub default_encryption: Collected<Option<String>>,
    /// Object Ownership (GetBucketOwnershipControls): `BucketOwnerEnforced` (ACLs disabled),
    /// `BucketOwnerPreferred`, `ObjectWriter`; `None` when not configured. Absent in older
    /// snapshots.
    #[serde(default)]
    pub object_ownership: Collected<Option<String>>,
    /// Whether Object Lock is enabled (GetObjectLockConfiguration). Absent in older snapshots.
    #[serde(default)]
    pub object_lock: Collected<bool>,
    /// The destination bucket ARNs of its enabled replication rules (GetBucketReplication).
    /// Absent in older snapshots.
    #[serde(default)]
    pub replication_destinations: Collected<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AclGrant {
    pub grantee: String,
    pub permission: String,
}

// ---------------------------------------------------------------- account-wide services

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Budget {
    pub name: String,
    /// Number of notifications with at least one subscriber.
    pub notifications: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct HealthEvent {
    pub arn: String,
    pub service: String,
    pub event_type: String,
    pub region: String,
    pub status: String,
    #[serde(default)]
    pub start_time: Option<String>,
}

// ---------------------------------------------------------------- regional

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Region {
    pub name: String,
    #[serde(default)]
    pub ec2: Ec2,
    #[serde(default)]
    pub config: Collected<ConfigStatus>,
    #[serde(default)]
    pub guardduty: Collected<GuardDuty>,
    #[serde(default)]
    pub inspector: Collected<InspectorStatus>,
    #[serde(default)]
    pub security_hub: Collected<SecurityHub>,
    #[serde(default)]
    pub access_analyzer: Collected<AccessAnalyzer>,
    #[serde(default)]
    pub cloudtrail: Collected<Vec<Trail>>,
    /// Instance ids registered with Systems Manager.
    #[serde(default)]
    pub ssm_managed: Collected<Vec<String>>,
    #[serde(default)]
    pub load_balancers: Collected<Vec<LoadBalancer>>,
    #[serde(default)]
    pub rds: Collected<Vec<DbInstance>>,
    /// EventBridge rules in the region, for notification paths (AUD-14).
    #[serde(default)]
    pub event_rules: Collected<Vec<EventRule>>,
    /// The KMS keys of the region (ListKeys, DescribeKey, GetKeyRotationStatus). Absent in
    /// older snapshots.
    #[serde(default)]
    pub kms_keys: Collected<Vec<KmsKey>>,
    /// The EFS file systems of the region (DescribeFileSystems). Absent in older snapshots.
    #[serde(default)]
    pub efs_file_systems: Collected<Vec<EfsFileSystem>>,
    /// The CloudWatch Logs metric filters of the region (DescribeMetricFilters). Absent in
    /// older snapshots.
    #[serde(default)]
    pub metric_filters: Collected<Vec<MetricFilter>>,
    /// The CloudWatch metric alarms of the region (DescribeAlarms). Absent in older snapshots.
    #[serde(default)]
    pub metric_alarms: Collected<Vec<MetricAlarm>>,
    /// The SNS subscriptions of the region (ListSubscriptions). Absent in older snapshots.
    #[serde(default)]
    pub sns_subscriptions: Collected<Vec<SnsSubscription>>,
    /// The RDS DB clusters of the region. Absent in older snapshots.
    #[serde(default)]
    pub rds_clusters: Collected<Vec<DbCluster>>,
    /// The RDS DB and DB cluster snapshots the account owns. Absent in older snapshots.
    #[serde(default)]
    pub rds_snapshots: Collected<Vec<DbSnapshot>>,
    /// The RDS event notification subscriptions. Absent in older snapshots.
    #[serde(default)]
    pub rds_event_subscriptions: Collected<Vec<RdsEventSubscription>>,
    /// The Classic Load Balancers of the region. Absent in older snapshots.
    #[serde(default)]
    pub classic_load_balancers: Collected<Vec<ClassicLoadBalancer>>,
    /// The MySQL and PostgreSQL DB parameter groups of the region. Absent in older snapshots.
    #[serde(default)]
    pub rds_parameter_groups: Collected<Vec<DbParameterGroup>>,
    /// The Lambda functions of the region (ListFunctions, GetPolicy). Absent in older
    /// snapshots.
    #[serde(default)]
    pub lambda_functions: Collected<Vec<LambdaFunction>>,
    /// The Systems Manager documents the account owns (ListDocuments, DescribeDocumentPermission).
    /// Absent in older snapshots.
    #[serde(default)]
    pub ssm_documents: Collected<Vec<SsmDocument>>,
    /// The S3 access points of the region (s3control ListAccessPoints, GetAccessPoint). Absent
    /// in older snapshots.
    #[serde(default)]
    pub s3_access_points: Collected<Vec<AccessPoint>>,
    /// The patch compliance summaries of the region's managed nodes
    /// (ListResourceComplianceSummaries `ComplianceType=Patch`). Absent in older snapshots.
    #[serde(default)]
    pub ssm_patch_compliance: Collected<Vec<ComplianceSummary>>,
    /// The association compliance summaries of the region's managed nodes
    /// (ListResourceComplianceSummaries `ComplianceType=Association`). Absent in older
    /// snapshots.
    #[serde(default)]
    pub ssm_association_compliance: Collected<Vec<ComplianceSummary>>,
}

/// The Systems Manager compliance summary of one resource for one compliance type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ComplianceSummary {
    /// The managed node (`i-…` for an EC2 instance, `mi-…` for a hybrid node).
    pub resource_id: String,
    /// `ManagedInstance` …
    #[serde(default)]
    pub resource_type: String,
    /// `COMPLIANT` or `NON_COMPLIANT`.
    pub status: String,
    /// The count of compliant items.
    #[serde(default)]
    pub compliant: u32,
    /// The counts of non-compliant items by severity.
    #[serde(default)]
    pub non_compliant: SeverityCounts,
}

/// Item counts by compliance severity, as Systems Manager gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SeverityCounts {
    #[serde(default)]
    pub critical: u32,
    #[serde(default)]
    pub high: u32,
    #[serde(default)]
    pub medium: u32,
    #[serde(default)]
    pub low: u32,
    #[serde(default)]
    pub informational: u32,
    #[serde(default)]
    pub unspecified: u32,
}

/// An S3 access point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AccessPoint {
    pub name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub bucket: String,
    /// `Internet` or `VPC`.
    #[serde(default)]
    pub network_origin: String,
    /// Its own Block Public Access settings (GetAccessPoint; `None`: none set), or the error
    /// that prevented reading them.
    pub public_access_block: Collected<Option<PublicAccessBlock>>,
}

/// A Systems Manager document of the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SsmDocument {
    pub name: String,
    /// The account ids it is shared with; `all` when it is public.
    pub shared_with: Collected<Vec<String>>,
}

/// A Lambda function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct LambdaFunction {
    pub name: String,
    pub arn: String,
    /// `python3.13`, `nodejs22.x` …; `None` for a container image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// The VPC it is attached to, if any, and the subnets of its network interfaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    /// Its resource-based policy (GetPolicy); `None` when it has none.
    #[serde(default)]
    pub policy: Collected<Option<String>>,
}

impl LambdaFunction {
    /// Whether it is attached to a VPC: a VPC id, or subnets when the answer leaves the id out
    /// (moto does).
    pub fn in_vpc(&self) -> bool {
        self.vpc_id.is_some() || !self.subnets.is_empty()
    }
}

/// A CloudWatch Logs metric filter: the log group it reads, its pattern and the metrics it
/// publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MetricFilter {
    pub name: String,
    /// The log group's name.
    pub log_group: String,
    pub pattern: String,
    /// The metrics it publishes, as (namespace, name).
    #[serde(default)]
    pub metrics: Vec<(String, String)>,
}

/// A CloudWatch alarm on one metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MetricAlarm {
    pub name: String,
    pub arn: String,
    pub namespace: String,
    pub metric: String,
    pub actions_enabled: bool,
    /// What the alarm notifies when it fires (SNS topic ARNs among others).
    #[serde(default)]
    pub alarm_actions: Vec<String>,
}

/// An SNS subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SnsSubscription {
    pub topic_arn: String,
    pub protocol: String,
    /// `PendingConfirmation` while the endpoint has not confirmed it.
    pub arn: String,
}

/// A KMS key, as DescribeKey tells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct KmsKey {
    pub id: String,
    pub arn: String,
    /// `CUSTOMER` or `AWS`.
    pub manager: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, …
    pub spec: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, …
    pub state: String,
    /// `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub origin: String,
    /// Automatic rotation (GetKeyRotationStatus), read for the enabled customer managed
    /// symmetric keys with key material from KMS only; `None` for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Collected<bool>>,
    /// The key policy (GetKeyPolicy `default`), read for customer managed keys only; `None`
    /// for the others and in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Collected<String>>,
}

impl KmsKey {
    /// Whether CIS asks for its rotation: enabled, customer managed, symmetric, key material
    /// from KMS (the keys whose automatic rotation can be turned on).
    pub fn rotation_applies(&self) -> bool {
        self.manager == "CUSTOMER"
            && self.spec == "SYMMETRIC_DEFAULT"
            && self.state == "Enabled"
            && matches!(self.origin.as_str(), "" | "AWS_KMS")
    }
}

/// An EFS file system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EfsFileSystem {
    pub id: String,
    pub arn: String,
    /// Encrypted at rest.
    pub encrypted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Ec2 {
    #[serde(default)]
    pub instances: Collected<Vec<Instance>>,
    #[serde(default)]
    pub security_groups: Collected<Vec<SecurityGroup>>,
    /// Security group ids attached to at least one network interface.
    #[serde(default)]
    pub groups_in_use: Collected<Vec<String>>,
    /// The images the instances were launched from.
    #[serde(default)]
    pub images: Collected<Vec<Image>>,
    #[serde(default)]
    pub scheduled_events: Collected<Vec<ScheduledEvent>>,
    /// The VPCs of the region (for the watch timeline, WATCH-01). Absent in older snapshots.
    #[serde(default)]
    pub vpcs: Collected<Vec<Vpc>>,
    /// The subnets of the region (WATCH-01). Absent in older snapshots.
    #[serde(default)]
    pub subnets: Collected<Vec<Subnet>>,
    /// Whether new EBS volumes of the region are encrypted by default
    /// (GetEbsEncryptionByDefault). Absent in older snapshots.
    #[serde(default)]
    pub ebs_encryption_by_default: Collected<bool>,
    /// The flow logs of the region (DescribeFlowLogs). Absent in older snapshots.
    #[serde(default)]
    pub flow_logs: Collected<Vec<FlowLog>>,
    /// The network ACLs of the region (DescribeNetworkAcls). Absent in older snapshots.
    #[serde(default)]
    pub network_acls: Collected<Vec<NetworkAcl>>,
    /// The EBS volumes of the region (DescribeVolumes). Absent in older snapshots.
    #[serde(default)]
    pub volumes: Collected<Vec<Volume>>,
    /// The Elastic IP addresses of the region (DescribeAddresses). Absent in older snapshots.
    #[serde(default)]
    pub addresses: Collected<Vec<ElasticIp>>,
    /// The VPC endpoints of the region (DescribeVpcEndpoints). Absent in older snapshots.
    #[serde(default)]
    pub vpc_endpoints: Collected<Vec<VpcEndpoint>>,
    /// The transit gateways of the region (DescribeTransitGateways). Absent in older snapshots.
    #[serde(default)]
    pub transit_gateways: Collected<Vec<TransitGateway>>,
    /// The EBS snapshots the account owns in the region (DescribeSnapshots with the owner
    /// `self`), each with whether anyone may restore it. Absent in older snapshots.
    #[serde(default)]
    pub snapshots: Collected<Vec<EbsSnapshot>>,
    /// The launch templates of the region with their `$Default` and `$Latest` versions
    /// (DescribeLaunchTemplates, DescribeLaunchTemplateVersions). Absent in older snapshots.
    #[serde(default)]
    pub launch_templates: Collected<Vec<LaunchTemplate>>,
    /// The Site-to-Site VPN connections of the region with their tunnels' status
    /// (DescribeVpnConnections). Absent in older snapshots.
    #[serde(default)]
    pub vpn_connections: Collected<Vec<VpnConnection>>,
    /// The Client VPN endpoints of the region (DescribeClientVpnEndpoints). Absent in older
    /// snapshots.
    #[serde(default)]
    pub client_vpn_endpoints: Collected<Vec<ClientVpnEndpoint>>,
}

/// An EC2 launch template with the versions a launch uses when none is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LaunchTemplate {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Its `$Default` and `$Latest` versions (one entry when they are the same version), or why
    /// they could not be read.
    #[serde(default)]
    pub versions: Collected<Vec<LaunchTemplateVersion>>,
}

/// One version of a launch template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LaunchTemplateVersion {
    pub number: i64,
    /// It is the template's `$Default` version.
    #[serde(default)]
    pub is_default: bool,
    /// It is the template's `$Latest` version.
    #[serde(default)]
    pub is_latest: bool,
    /// The network interfaces it gives an instance.
    #[serde(default)]
    pub interfaces: Vec<TemplateInterface>,
}

/// A network interface of a launch template version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TemplateInterface {
    #[serde(default)]
    pub device_index: Option<i32>,
    /// `AssociatePublicIpAddress`: the interface gets a public IPv4 address at launch.
    #[serde(default)]
    pub associate_public_ip_address: bool,
    /// An existing interface the template attaches (`NetworkInterfaceId`).
    #[serde(default)]
    pub network_interface_id: Option<String>,
    /// The public IPv4 address of that existing interface (DescribeNetworkInterfaces), if any.
    #[serde(default)]
    pub existing_public_ip: Option<String>,
}

/// A Site-to-Site VPN connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VpnConnection {
    pub id: String,
    /// `pending`, `available`, `deleting`, `deleted`.
    #[serde(default)]
    pub state: String,
    /// Its tunnels as the service reports them (`VgwTelemetry`); empty when it reports none.
    #[serde(default)]
    pub tunnels: Vec<VpnTunnel>,
}

/// One tunnel of a Site-to-Site VPN connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VpnTunnel {
    /// The tunnel's outside IP address on the AWS side.
    #[serde(default)]
    pub outside_ip: String,
    /// `UP` or `DOWN`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub status_message: String,
}

/// A Client VPN endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClientVpnEndpoint {
    pub id: String,
    /// `pending-associate`, `available`, `deleting`, `deleted`.
    #[serde(default)]
    pub status: String,
    /// Client connection logging is on (`ConnectionLogOptions.Enabled`).
    pub connection_logging: bool,
}

/// An EBS snapshot the account owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EbsSnapshot {
    pub id: String,
    /// Its `createVolumePermission` names the group `all`: anyone may restore it
    /// (DescribeSnapshotAttribute); the error when that could not be read.
    pub public: Collected<bool>,
}

/// A transit gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TransitGateway {
    pub id: String,
    #[serde(default)]
    pub arn: String,
    /// `available`, `deleted` …
    #[serde(default)]
    pub state: String,
    /// Whether attachment requests from other accounts are accepted automatically
    /// (`AutoAcceptSharedAttachments`).
    pub auto_accept_shared_attachments: bool,
}

/// A VPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc_id: String,
    /// `com.amazonaws.us-east-1.ec2`, …
    pub service_name: String,
    /// `available`, `pending`, `deleting`, …
    #[serde(default)]
    pub state: String,
}

/// An EBS volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Volume {
    pub id: String,
    pub encrypted: bool,
    /// The instances it is attached to (more than one with Multi-Attach).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_to: Vec<String>,
}

/// An Elastic IP address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ElasticIp {
    /// The allocation id (`eipalloc-…`), or the address itself for an EC2-Classic one.
    pub id: String,
    pub public_ip: String,
    /// The association, when the address is associated with an instance or a network
    /// interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FlowLog {
    pub id: String,
    /// The VPC, subnet or network interface it logs.
    pub resource_id: String,
    /// `ACTIVE` when it delivers.
    #[serde(default)]
    pub status: String,
    /// `ACCEPT`, `REJECT` or `ALL`.
    #[serde(default)]
    pub traffic_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub is_default: bool,
    /// The subnets it is associated with.
    #[serde(default)]
    pub subnets: Vec<String>,
    pub entries: Vec<NetworkAclEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NetworkAclEntry {
    /// Rules are evaluated in increasing number; the first that matches decides.
    pub rule_number: i32,
    pub egress: bool,
    /// `-1` for all, else an IANA protocol number (`6` is TCP).
    pub protocol: String,
    /// `allow` or `deny`.
    pub allow: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Vpc {
    pub id: String,
    pub cidr_block: String,
    /// Every associated IPv4 CIDR block after the primary one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_cidr_blocks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_blocks: Vec<String>,
    #[serde(default)]
    pub is_default: bool,
    /// `available`, `pending`.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub cidr_block: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_blocks: Vec<String>,
    #[serde(default)]
    pub availability_zone: String,
    /// Instances launched here get a public IPv4 address.
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Instance {
    pub id: String,
    pub image_id: String,
    pub instance_type: String,
    pub state: String,
    #[serde(default)]
    pub instance_profile_arn: Option<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub launch_time: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    /// The instance metadata service: `HttpTokens` (`required` is IMDSv2 only, `optional`) and
    /// `HttpEndpoint` (`enabled`, `disabled`). Absent in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<InstanceMetadata>,
    /// How many network interfaces are attached. Absent in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interfaces: Option<u32>,
    /// `hvm` or `paravirtual`. Absent in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtualization_type: Option<String>,
    /// Why the instance last changed state, as EC2 words it (`User initiated (2026-10-01
    /// 12:00:00 GMT)`; empty when EC2 gives none). Absent in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_transition_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InstanceMetadata {
    pub http_tokens: String,
    pub http_endpoint: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SecurityGroup {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    pub ingress: Vec<IngressRule>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Outbound rules (same shape as inbound). Absent in older snapshots.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<IngressRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct IngressRule {
    /// `tcp`, `udp`, `icmp`, or `-1` for all.
    pub protocol: String,
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    #[serde(default)]
    pub ipv4_ranges: Vec<String>,
    #[serde(default)]
    pub ipv6_ranges: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Image {
    pub id: String,
    #[serde(default)]
    pub owner_id: String,
    /// `amazon`, `aws-marketplace`, or absent.
    #[serde(default)]
    pub owner_alias: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub deprecation_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ScheduledEvent {
    pub instance_id: String,
    pub code: String,
    pub description: String,
    #[serde(default)]
    pub not_before: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ConfigStatus {
    pub recorders: Vec<ConfigRecorder>,
    pub delivery_channels: Vec<DeliveryChannel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ConfigRecorder {
    pub name: String,
    pub recording: bool,
    pub all_supported: bool,
    pub include_global_resource_types: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeliveryChannel {
    pub name: String,
    #[serde(default)]
    pub s3_bucket: Option<String>,
    #[serde(default)]
    pub sns_topic_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct GuardDuty {
    /// Detector ids with whether each is enabled.
    pub detectors: Vec<(String, bool)>,
    /// Each detector's protection plans (GetDetector's `Features`): detector id →
    /// feature name (`RDS_LOGIN_EVENTS`, `S3_DATA_EVENTS` …) → `ENABLED` or `DISABLED`. A
    /// detector missing here was read by an older version.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub features: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InspectorStatus {
    /// `ENABLED`, `DISABLED`, …
    pub state: String,
    /// Resource types with their scan state (`EC2` → `ENABLED`).
    #[serde(default)]
    pub resources: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SecurityHub {
    pub enabled: bool,
    /// ARNs of the enabled standards.
    pub standards: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AccessAnalyzer {
    /// Active analyzers (name, type).
    pub analyzers: Vec<(String, String)>,
    /// Active findings of external access.
    pub active_findings: Vec<AnalyzerFinding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AnalyzerFinding {
    pub id: String,
    pub resource: String,
    pub resource_type: String,
    #[serde(default)]
    pub principal: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    pub home_region: String,
    pub multi_region: bool,
    pub log_file_validation: bool,
    pub logging: bool,
    /// The KMS key that encrypts the log files, when one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The bucket the log files go to.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub s3_bucket: String,
    /// Which S3 object-level (data) events the trail logs for every bucket, from its basic and
    /// advanced event selectors (GetEventSelectors, read in the trail's home region only);
    /// `None` for the copies listed in other regions and in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_data_events: Option<S3DataEvents>,
    /// The CloudWatch Logs group the trail delivers its events to (CloudWatchLogsLogGroupArn),
    /// when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudwatch_logs_log_group_arn: Option<String>,
}

/// The S3 object events a trail logs for all buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct S3DataEvents {
    /// `GetObject` and the other read events.
    pub read: bool,
    /// `PutObject`, `DeleteObject` and the other write events.
    pub write: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    /// `application`, `network`, `gateway`.
    pub kind: String,
    /// Listener protocols (`HTTP`, `HTTPS`, `TLS`, …).
    pub listener_protocols: Vec<String>,
    /// Instance ids behind the load balancer's target groups.
    #[serde(default)]
    pub targets: Vec<String>,
    /// `internet-facing` or `internal`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scheme: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub dns_name: String,
    /// `active`, `provisioning`, `failed`, …
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,
    /// The Availability Zones it spans; `None` in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<String>>,
    /// Its listeners with their ports and default actions; `None` in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<Listener>>,
    /// Its attributes (DescribeLoadBalancerAttributes: `deletion_protection.enabled`, …);
    /// `None` in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Collected<BTreeMap<String, String>>>,
    /// An Application Load Balancer's AWS WAF web ACL (GetWebACLForResource): its name, `None`
    /// inside when it has none; `None` for other kinds and in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_acl: Option<Collected<Option<String>>>,
}

/// A listener of an Application, Network or Gateway Load Balancer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Listener {
    pub protocol: String,
    pub port: i32,
    /// Its default action redirects to HTTPS.
    #[serde(default)]
    pub redirects_to_https: bool,
}

/// A Classic Load Balancer (elasticloadbalancing 2012-06-01 DescribeLoadBalancers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClassicLoadBalancer {
    pub name: String,
    /// `arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/NAME`.
    pub arn: String,
    #[serde(default)]
    pub zones: Vec<String>,
    #[serde(default)]
    pub listeners: Vec<ClassicListener>,
    /// DescribeLoadBalancerAttributes.
    #[serde(default)]
    pub attributes: Collected<ClassicAttributes>,
}

/// A listener of a Classic Load Balancer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClassicListener {
    /// `HTTP`, `HTTPS`, `TCP` or `SSL`.
    pub protocol: String,
    pub port: i32,
    /// The server certificate of an HTTPS or SSL listener (an ACM or IAM ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}

/// The attributes of a Classic Load Balancer the FSBP controls read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ClassicAttributes {
    pub access_log: bool,
    pub connection_draining: bool,
    pub cross_zone: bool,
    /// `elb.http.desyncmitigationmode` (`monitor`, `defensive`, `strictest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desync_mitigation_mode: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DbInstance {
    pub id: String,
    pub arn: String,
    pub engine: String,
    pub multi_az: bool,
    pub auto_minor_version_upgrade: bool,
    #[serde(default)]
    pub tags: Tags,
    /// Storage encrypted at rest; `None` in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_encrypted: Option<bool>,
    /// Reachable from outside its VPC; `None` in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_accessible: Option<bool>,
    /// The settings the FSBP controls read; `None` in older snapshots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<DbSettings>,
}

/// Settings of an RDS instance (DescribeDBInstances) that the FSBP RDS controls judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DbSettings {
    /// The Aurora or Multi-AZ DB cluster the instance belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// The source of a read replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_of: Option<String>,
    /// Enhanced monitoring interval in seconds (0: off).
    pub monitoring_interval: i32,
    pub deletion_protection: bool,
    /// Log types published to CloudWatch Logs.
    #[serde(default)]
    pub log_exports: Vec<String>,
    pub iam_auth: bool,
    /// Days automated backups are kept (0: off).
    pub backup_retention: i32,
    pub copy_tags_to_snapshot: bool,
    /// The VPC of its subnet group (none: EC2-Classic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// The port it listens on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    pub master_username: String,
    /// The names of its DB parameter groups.
    #[serde(default)]
    pub parameter_groups: Vec<String>,
}

/// A MySQL or PostgreSQL DB parameter group with the in-transit encryption parameters it sets
/// (`rds.force_ssl`, `require_secure_transport`), DescribeDBParameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DbParameterGroup {
    pub name: String,
    /// Those parameters that have a value, by name.
    #[serde(default)]
    pub parameters: Collected<BTreeMap<String, String>>,
}

/// An RDS DB cluster (Aurora or Multi-AZ DB cluster), DescribeDBClusters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DbCluster {
    pub id: String,
    pub arn: String,
    pub engine: String,
    pub multi_az: bool,
    pub deletion_protection: bool,
    pub iam_auth: bool,
    /// Backtrack window in seconds (0: off; Aurora MySQL only).
    pub backtrack_window: i64,
    pub copy_tags_to_snapshot: bool,
    pub master_username: String,
    pub storage_encrypted: bool,
    /// Reported for Multi-AZ DB clusters only (Aurora upgrades per instance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_minor_version_upgrade: Option<bool>,
    /// Log types published to CloudWatch Logs.
    #[serde(default)]
    pub log_exports: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
}

/// An RDS DB snapshot or DB cluster snapshot (DescribeDBSnapshots, DescribeDBClusterSnapshots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DbSnapshot {
    pub id: String,
    pub arn: String,
    /// A DB cluster snapshot.
    pub cluster: bool,
    /// `manual`, `automated`, `shared`, …
    pub kind: String,
    pub encrypted: bool,
    /// Restorable by every AWS account (the `restore` attribute holds `all`); read for
    /// manual snapshots only (automated ones cannot be shared).
    #[serde(default)]
    pub public: Collected<bool>,
}

/// An RDS event notification subscription (DescribeEventSubscriptions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RdsEventSubscription {
    pub name: String,
    pub arn: String,
    /// `db-instance`, `db-cluster`, `db-parameter-group`, `db-security-group`, … (empty: all).
    pub source_type: String,
    /// Event categories (empty: all).
    #[serde(default)]
    pub categories: Vec<String>,
    /// The sources it is limited to (empty: all of the type).
    #[serde(default)]
    pub source_ids: Vec<String>,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EventRule {
    pub name: String,
    pub event_pattern: String,
    pub enabled: bool,
    pub targets: u32,
}
