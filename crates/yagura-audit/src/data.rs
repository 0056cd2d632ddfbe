//! The pieces of the inventory a check may need, by name. A check's declaration lists the names
//! (`needs: [data::SUMMARY.name]`); the evaluation hands a piece to a check only through
//! [`crate::run::Cx::need`] and [`crate::run::Cx::read`], which refuse a piece the declaration
//! does not name, so the list cannot drift from what the check reads.

use yagura_inventory::{
    AccessAnalyzer, Account, AccountSummary, AclGrant, Bucket, Budget, ClassicLoadBalancer,
    Collected, ConfigStatus, CredentialReportRow, DbCluster, DbInstance, DbParameterGroup,
    DbSnapshot, EbsSnapshot, EfsFileSystem, ElasticIp, EventRule, FlowLog, GuardDuty, HealthEvent,
    Image, InspectorStatus, Instance, KmsKey, LambdaFunction, LoadBalancer, ManagedPolicy,
    MetricAlarm, MetricFilter, NetworkAcl, PasswordPolicy, PublicAccessBlock, RdsEventSubscription,
    Region, ScheduledEvent, SecurityGroup, SecurityHub, ServerCertificate, SnsSubscription,
    SsmDocument, Subnet, Trail, TransitGateway, VirtualMfaDevice, Volume, Vpc, VpcEndpoint,
};
use yagura_inventory::{
    AccessPoint, ClientVpnEndpoint, ComplianceSummary, LaunchTemplate, VpnConnection,
};
use yagura_inventory::{Group, Role, User};

/// A piece of collected data held by an `S` (an account, a region or a bucket): its name in
/// the inventory and how to reach it.
pub(crate) struct Data<S: 'static, T: 'static> {
    /// The inventory path (`iam.credential_report`, `regions.ec2.instances`), as declarations
    /// name it.
    pub name: &'static str,
    pub get: fn(&S) -> &Collected<T>,
    /// The region the piece belongs to, for an UNKNOWN result, when it is regional.
    pub region: fn(&S) -> Option<&str>,
    /// The piece's bit in a check's [`mask`] (its position in [`NAMES`]).
    pub bit: Mask,
}

/// A set of pieces, one bit each (128: the catalogue outgrew 64 pieces).
pub(crate) type Mask = u128;

/// The pieces `needs` names, as a bit set: what the runner lets a check read.
pub(crate) fn mask(needs: &[&str]) -> Mask {
    NAMES
        .iter()
        .enumerate()
        .filter(|(_, n)| needs.contains(n))
        .fold(0, |m, (i, _)| m | 1 << i)
}

const fn global<S>(_: &S) -> Option<&str> {
    None
}

fn of_region(r: &Region) -> Option<&str> {
    Some(r.name.as_str())
}

macro_rules! data {
    ($($bit:literal $name:ident: $s:ty => $t:ty = $path:literal, |$x:ident| $get:expr, $region:expr;)*) => {
        $(
            pub(crate) const $name: Data<$s, $t> = Data {
                name: $path,
                get: |$x| $get,
                region: $region,
                bit: 1 << $bit,
            };
        )*
        /// Every name, in bit order.
        pub(crate) const NAMES: &[&str] = &[$($path),*];
    };
}

data! {
    0 ALIAS: Account => Option<String> = "alias", |a| &a.alias, global;
    1 SUMMARY: Account => AccountSummary = "iam.summary", |a| &a.iam.summary, global;
    2 VIRTUAL_MFA: Account => Vec<VirtualMfaDevice> = "iam.virtual_mfa_devices", |a| &a.iam.virtual_mfa_devices, global;
    3 CREDENTIAL_REPORT: Account => Vec<CredentialReportRow> = "iam.credential_report", |a| &a.iam.credential_report, global;
    4 USERS: Account => Vec<User> = "iam.users", |a| &a.iam.users, global;
    5 GROUPS: Account => Vec<Group> = "iam.groups", |a| &a.iam.groups, global;
    6 ROLES: Account => Vec<Role> = "iam.roles", |a| &a.iam.roles, global;
    7 POLICIES: Account => Vec<ManagedPolicy> = "iam.policies", |a| &a.iam.policies, global;
    8 PASSWORD_POLICY: Account => Option<PasswordPolicy> = "iam.password_policy", |a| &a.iam.password_policy, global;
    9 ACCOUNT_PUBLIC_ACCESS_BLOCK: Account => Option<PublicAccessBlock> = "s3.account_public_access_block", |a| &a.s3.account_public_access_block, global;
    10 BUCKETS: Account => Vec<Bucket> = "s3.buckets", |a| &a.s3.buckets, global;
    11 BUCKET_PUBLIC_ACCESS_BLOCK: Bucket => Option<PublicAccessBlock> = "s3.buckets.public_access_block", |b| &b.public_access_block, global;
    12 BUCKET_POLICY: Bucket => Option<String> = "s3.buckets.policy", |b| &b.policy, global;
    13 BUCKET_ACL: Bucket => Vec<AclGrant> = "s3.buckets.acl_grants", |b| &b.acl_grants, global;
    14 BUDGETS: Account => Vec<Budget> = "budgets", |a| &a.budgets, global;
    15 ANOMALY_MONITORS: Account => Vec<String> = "anomaly_monitors", |a| &a.anomaly_monitors, global;
    16 HEALTH_EVENTS: Account => Vec<HealthEvent> = "health_events", |a| &a.health_events, global;
    17 SECURITY_GROUPS: Region => Vec<SecurityGroup> = "regions.ec2.security_groups", |r| &r.ec2.security_groups, of_region;
    18 GROUPS_IN_USE: Region => Vec<String> = "regions.ec2.groups_in_use", |r| &r.ec2.groups_in_use, of_region;
    19 INSTANCES: Region => Vec<Instance> = "regions.ec2.instances", |r| &r.ec2.instances, of_region;
    20 IMAGES: Region => Vec<Image> = "regions.ec2.images", |r| &r.ec2.images, of_region;
    21 SCHEDULED_EVENTS: Region => Vec<ScheduledEvent> = "regions.ec2.scheduled_events", |r| &r.ec2.scheduled_events, of_region;
    22 LOAD_BALANCERS: Region => Vec<LoadBalancer> = "regions.load_balancers", |r| &r.load_balancers, of_region;
    23 SSM_MANAGED: Region => Vec<String> = "regions.ssm_managed", |r| &r.ssm_managed, of_region;
    24 RDS: Region => Vec<DbInstance> = "regions.rds", |r| &r.rds, of_region;
    25 CONFIG: Region => ConfigStatus = "regions.config", |r| &r.config, of_region;
    26 GUARDDUTY: Region => GuardDuty = "regions.guardduty", |r| &r.guardduty, of_region;
    27 EVENT_RULES: Region => Vec<EventRule> = "regions.event_rules", |r| &r.event_rules, of_region;
    28 INSPECTOR: Region => InspectorStatus = "regions.inspector", |r| &r.inspector, of_region;
    29 SECURITY_HUB: Region => SecurityHub = "regions.security_hub", |r| &r.security_hub, of_region;
    30 ACCESS_ANALYZER: Region => AccessAnalyzer = "regions.access_analyzer", |r| &r.access_analyzer, of_region;
    31 CLOUDTRAIL: Region => Vec<Trail> = "regions.cloudtrail", |r| &r.cloudtrail, of_region;
    32 EBS_ENCRYPTION_BY_DEFAULT: Region => bool = "regions.ec2.ebs_encryption_by_default", |r| &r.ec2.ebs_encryption_by_default, of_region;
    33 VPCS: Region => Vec<Vpc> = "regions.ec2.vpcs", |r| &r.ec2.vpcs, of_region;
    34 FLOW_LOGS: Region => Vec<FlowLog> = "regions.ec2.flow_logs", |r| &r.ec2.flow_logs, of_region;
    35 NETWORK_ACLS: Region => Vec<NetworkAcl> = "regions.ec2.network_acls", |r| &r.ec2.network_acls, of_region;
    36 SERVER_CERTIFICATES: Account => Vec<ServerCertificate> = "iam.server_certificates", |a| &a.iam.server_certificates, global;
    37 BUCKET_ACCESS_LOGGING: Bucket => Option<String> = "s3.buckets.access_logging", |b| &b.access_logging, global;
    38 KMS_KEYS: Region => Vec<KmsKey> = "regions.kms_keys", |r| &r.kms_keys, of_region;
    39 EFS_FILE_SYSTEMS: Region => Vec<EfsFileSystem> = "regions.efs_file_systems", |r| &r.efs_file_systems, of_region;
    40 METRIC_FILTERS: Region => Vec<MetricFilter> = "regions.metric_filters", |r| &r.metric_filters, of_region;
    41 METRIC_ALARMS: Region => Vec<MetricAlarm> = "regions.metric_alarms", |r| &r.metric_alarms, of_region;
    42 SNS_SUBSCRIPTIONS: Region => Vec<SnsSubscription> = "regions.sns_subscriptions", |r| &r.sns_subscriptions, of_region;
    43 RDS_CLUSTERS: Region => Vec<DbCluster> = "regions.rds_clusters", |r| &r.rds_clusters, of_region;
    44 RDS_SNAPSHOTS: Region => Vec<DbSnapshot> = "regions.rds_snapshots", |r| &r.rds_snapshots, of_region;
    45 RDS_EVENT_SUBSCRIPTIONS: Region => Vec<RdsEventSubscription> = "regions.rds_event_subscriptions", |r| &r.rds_event_subscriptions, of_region;
    46 CLASSIC_LOAD_BALANCERS: Region => Vec<ClassicLoadBalancer> = "regions.classic_load_balancers", |r| &r.classic_load_balancers, of_region;
    47 RDS_PARAMETER_GROUPS: Region => Vec<DbParameterGroup> = "regions.rds_parameter_groups", |r| &r.rds_parameter_groups, of_region;
    48 SUBNETS: Region => Vec<Subnet> = "regions.ec2.subnets", |r| &r.ec2.subnets, of_region;
    49 VOLUMES: Region => Vec<Volume> = "regions.ec2.volumes", |r| &r.ec2.volumes, of_region;
    50 ADDRESSES: Region => Vec<ElasticIp> = "regions.ec2.addresses", |r| &r.ec2.addresses, of_region;
    51 BUCKET_VERSIONING: Bucket => Option<String> = "s3.buckets.versioning", |b| &b.versioning, global;
    52 BUCKET_LIFECYCLE_RULES: Bucket => u32 = "s3.buckets.lifecycle_rules", |b| &b.lifecycle_rules, global;
    53 BUCKET_NOTIFICATIONS: Bucket => bool = "s3.buckets.notifications", |b| &b.notifications, global;
    54 BUCKET_DEFAULT_ENCRYPTION: Bucket => Option<String> = "s3.buckets.default_encryption", |b| &b.default_encryption, global;
    55 BUCKET_OBJECT_OWNERSHIP: Bucket => Option<String> = "s3.buckets.object_ownership", |b| &b.object_ownership, global;
    56 BUCKET_OBJECT_LOCK: Bucket => bool = "s3.buckets.object_lock", |b| &b.object_lock, global;
    57 BUCKET_REPLICATION: Bucket => Vec<String> = "s3.buckets.replication_destinations", |b| &b.replication_destinations, global;
    58 VPC_ENDPOINTS: Region => Vec<VpcEndpoint> = "regions.ec2.vpc_endpoints", |r| &r.ec2.vpc_endpoints, of_region;
    59 LAMBDA_FUNCTIONS: Region => Vec<LambdaFunction> = "regions.lambda_functions", |r| &r.lambda_functions, of_region;
    60 SSM_DOCUMENTS: Region => Vec<SsmDocument> = "regions.ssm_documents", |r| &r.ssm_documents, of_region;
    61 TRANSIT_GATEWAYS: Region => Vec<TransitGateway> = "regions.ec2.transit_gateways", |r| &r.ec2.transit_gateways, of_region;
    62 BUCKET_MFA_DELETE: Bucket => bool = "s3.buckets.mfa_delete", |b| &b.mfa_delete, global;
    63 EBS_SNAPSHOTS: Region => Vec<EbsSnapshot> = "regions.ec2.snapshots", |r| &r.ec2.snapshots, of_region;
    64 LAUNCH_TEMPLATES: Region => Vec<LaunchTemplate> = "regions.ec2.launch_templates", |r| &r.ec2.launch_templates, of_region;
    65 S3_ACCESS_POINTS: Region => Vec<AccessPoint> = "regions.s3_access_points", |r| &r.s3_access_points, of_region;
    66 VPN_CONNECTIONS: Region => Vec<VpnConnection> = "regions.ec2.vpn_connections", |r| &r.ec2.vpn_connections, of_region;
    67 CLIENT_VPN_ENDPOINTS: Region => Vec<ClientVpnEndpoint> = "regions.ec2.client_vpn_endpoints", |r| &r.ec2.client_vpn_endpoints, of_region;
    68 SSM_PATCH_COMPLIANCE: Region => Vec<ComplianceSummary> = "regions.ssm_patch_compliance", |r| &r.ssm_patch_compliance, of_region;
    69 SSM_ASSOCIATION_COMPLIANCE: Region => Vec<ComplianceSummary> = "regions.ssm_association_compliance", |r| &r.ssm_association_compliance, of_region;
}

// Every piece has its bit in a `Mask`.
const _: () = assert!(NAMES.len() <= Mask::BITS as usize);
