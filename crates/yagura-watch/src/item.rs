//! Configuration items: one resource as one snapshot saw it, shaped like AWS Config's
//! `ConfigurationItem` (the JSON field names are Config's), so that people and tools that know
//! Config read yagura's timeline without a manual.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// `configurationItemVersion` of the items yagura writes.
pub const ITEM_VERSION: &str = "1.3";

/// The region of global resources (IAM), as AWS Config aggregators name it.
pub const GLOBAL_REGION: &str = "global";

/// Resource types of the timeline, as AWS Config names them.
pub mod types {
    pub const EC2_INSTANCE: &str = "AWS::EC2::Instance";
    pub const EC2_SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";
    pub const EC2_SUBNET: &str = "AWS::EC2::Subnet";
    pub const EC2_VPC: &str = "AWS::EC2::VPC";
    pub const IAM_USER: &str = "AWS::IAM::User";
    pub const IAM_ROLE: &str = "AWS::IAM::Role";
    pub const ELBV2_LOAD_BALANCER: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
    pub const RDS_DB_INSTANCE: &str = "AWS::RDS::DBInstance";
    pub const S3_BUCKET: &str = "AWS::S3::Bucket";

    /// Every type the timeline records, in report order.
    pub const ALL: &[&str] = &[
        EC2_INSTANCE,
        EC2_SECURITY_GROUP,
        EC2_SUBNET,
        EC2_VPC,
        ELBV2_LOAD_BALANCER,
        RDS_DB_INSTANCE,
        S3_BUCKET,
        IAM_USER,
        IAM_ROLE,
    ];
}

/// `configurationItemStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemStatus {
    /// Seen before and seen again (changed).
    #[serde(rename = "OK")]
    Ok,
    /// Seen for the first time.
    ResourceDiscovered,
    /// Seen before, gone now.
    ResourceDeleted,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Ok => "OK",
            ItemStatus::ResourceDiscovered => "ResourceDiscovered",
            ItemStatus::ResourceDeleted => "ResourceDeleted",
        }
    }
}

impl fmt::Display for ItemStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A relationship to another resource (`Is contained in Vpc`, …).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    pub resource_type: String,
    pub resource_id: String,
    pub relationship_name: String,
}

/// One resource in one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationItem {
    #[serde(rename = "configurationItemVersion")]
    pub version: String,
    pub configuration_item_capture_time: String,
    pub configuration_item_status: ItemStatus,
    #[serde(rename = "awsAccountId")]
    pub account_id: String,
    pub aws_region: String,
    pub resource_type: String,
    pub resource_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    #[serde(rename = "ARN", default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_creation_time: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub relationships: Vec<Relationship>,
    /// The resource's configuration; `null` once it is deleted.
    pub configuration: Value,
}

impl ConfigurationItem {
    pub fn key(&self) -> ResourceKey {
        ResourceKey {
            account: self.account_id.clone(),
            region: self.aws_region.clone(),
            resource_type: self.resource_type.clone(),
            resource_id: self.resource_id.clone(),
        }
    }

    pub fn scope(&self) -> Scope {
        Scope {
            account: self.account_id.clone(),
            region: self.aws_region.clone(),
            resource_type: self.resource_type.clone(),
        }
    }
}

/// Which resource: an item's identity across snapshots.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceKey {
    pub account: String,
    pub region: String,
    pub resource_type: String,
    pub resource_id: String,
}

impl fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.account, self.region, self.resource_type, self.resource_id
        )
    }
}

/// One resource type in one account and region: the unit that a snapshot either read whole or
/// could not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Scope {
    pub account: String,
    pub region: String,
    pub resource_type: String,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.account, self.region, self.resource_type)
    }
}
