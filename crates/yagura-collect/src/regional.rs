//! Regional services, collected concurrently per region.

use crate::error::{collect_error, is_code, CollectorError};
use crate::iam::fmt_time;
use crate::ok;
use crate::Clients;
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::{BTreeMap, BTreeSet};
use yagura_inventory::{
    AccessAnalyzer, AnalyzerFinding, Budget, CollectError, Collected, ConfigRecorder, ConfigStatus,
    DbInstance, DeliveryChannel, EbsSnapshot, Ec2, ElasticIp, EventRule, FlowLog, GuardDuty,
    HealthEvent, Image, IngressRule, InspectorStatus, Instance, InstanceMetadata, LoadBalancer,
    NetworkAcl, NetworkAclEntry, Region, S3DataEvents, ScheduledEvent, SecurityGroup, SecurityHub,
    Subnet, Trail, TransitGateway, Volume, Vpc, VpcEndpoint,
};
use yagura_inventory::{ClientVpnEndpoint, LaunchTemplate, VpnConnection};

pub(crate) fn in_region(cfg: &aws_config::SdkConfig, region: &str) -> aws_config::SdkConfig {
    cfg.clone()
        .into_builder()
        .region(aws_config::Region::new(region.to_string()))
        .build()
}

/// Regions enabled for the account (DescribeRegions without opt-in regions not opted in).
pub(crate) async fn enabled_regions(
    ec2: &aws_sdk_ec2::Client,
) -> Result<Vec<String>, CollectorError> {
    let out = ec2
        .describe_regions()
        .send()
        .await
        .map_err(|e| CollectorError::Regions(collect_error("ec2:DescribeRegions", e)))?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status() != Some("not-opted-in"))
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    Ok(regions)
}

pub(crate) async fn collect(c: &Clients, region: &str, account_id: &str) -> Region {
    // Every service of the region at once, so retries with backoff on one overlap the others.
    let (
        ec2,
        config,
        guardduty,
        inspector,
        security_hub,
        access_analyzer,
        cloudtrail,
        ssm_managed,
        load_balancers,
        rds,
        event_rules,
        kms_keys,
        efs_file_systems,
        (metric_filters, metric_alarms, sns_subscriptions),
        (rds_clusters, rds_snapshots, rds_event_subscriptions, rds_parameter_groups),
        classic_load_balancers,
        lambda_functions,
        ssm_documents,
        s3_access_points,
        (ssm_patch_compliance, ssm_association_compliance),
    ) = futures::join!(
        ec2(&c.ec2, account_id),
        config(&c.config),
        guardduty(&c.guardduty),
        inspector(&c.inspector2, account_id),
        security_hub(&c.securityhub),
        access_analyzer(&c.accessanalyzer),
        cloudtrail(&c.cloudtrail, region),
        ssm(&c.ssm),
        load_balancers(&c.elbv2, &c.wafv2),
        rds(&c.rds),
        event_rules(&c.eventbridge),
        crate::encryption::kms_keys(&c.kms),
        crate::encryption::efs_file_systems(&c.efs),
        async {
            futures::join!(
                crate::monitoring::metric_filters(&c.logs),
                crate::monitoring::metric_alarms(&c.cloudwatch),
                crate::monitoring::sns_subscriptions(&c.sns),
            )
        },
        crate::rds::rest(&c.rds),
        crate::elb::classic(&c.elb, region, account_id),
        crate::lambda::functions(&c.lambda),
        crate::ssm_documents::documents(&c.ssm),
        crate::s3_access_points::access_points(&c.s3control, region, account_id),
        crate::ssm_compliance::compliance(&c.ssm),
    );
    Region {
        name: region.to_string(),
        ec2,
        config,
        guardduty,
        inspector,
        security_hub,
        access_analyzer,
        cloudtrail,
        ssm_managed,
        load_balancers,
        rds,
        event_rules,
        kms_keys,
        efs_file_systems,
        lambda_functions,
        ssm_documents,
        s3_access_points,
        ssm_patch_compliance,
        ssm_association_compliance,
        metric_filters,
        metric_alarms,
        sns_subscriptions,
        rds_clusters,
        rds_snapshots,
        rds_event_subscriptions,
        classic_load_balancers,
        rds_parameter_groups,
    }
}

/// Every page of a paginated call, each turned into items by `f`; the first error ends it
/// (what was read before it is not kept: a partial list would read as a complete one).
pub(crate) async fn paged<P, E, T>(
    op: &str,
    mut pages: PaginationStream<Result<P, SdkError<E, HttpResponse>>>,
    mut f: impl FnMut(P, &mut Vec<T>),
) -> Collected<Vec<T>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => f(p, &mut out),
            Err(e) => return Collected::Error(collect_error(op, e)),
        }
    }
    Collected::Ok(out)
}

/// Inventory items with an id to sort by.
pub(crate) trait HasId {
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($t:ty),*) => {$(
        impl HasId for $t {
            fn id(&self) -> &str {
                &self.id
            }
        }
    )*};
}
has_id!(
    EbsSnapshot,
    Vpc,
    Subnet,
    Instance,
    SecurityGroup,
    FlowLog,
    NetworkAcl,
    Volume,
    ElasticIp,
    VpcEndpoint,
    TransitGateway,
    LaunchTemplate,
    VpnConnection,
    ClientVpnEndpoint
);

/// Sorted by id, for stable inventories.
pub(crate) fn by_id<T: HasId>(mut v: Vec<T>) -> Vec<T> {
    v.sort_by(|a, b| a.id().cmp(b.id()));
    v
}

fn ec2_tags(t: &[aws_sdk_ec2::types::Tag]) -> BTreeMap<String, String> {
    t.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn ec2(c: &aws_sdk_ec2::Client, account_id: &str) -> Ec2 {
    let (
        ((instances, images), security_groups, groups_in_use, scheduled_events, vpcs, subnets),
        (
            ebs_encryption_by_default,
            flow_logs,
            network_acls,
            volumes,
            addresses,
            vpc_endpoints,
            transit_gateways,
            snapshots,
        ),
        (launch_templates, vpn_connections, client_vpn_endpoints),
    ) = futures::join!(
        async {
            futures::join!(
                // The images of the instances as soon as the instances are read (not after
                // every other EC2 list: a list that moto answers with retries held them back).
                async {
                    let instances = instances(c).await;
                    let images = match &instances {
                        Collected::Ok(list) => images(c, list).await,
                        Collected::Error(e) => Collected::Error(e.clone()),
                    };
                    (instances, images)
                },
                security_groups(c),
                groups_in_use(c),
                scheduled_events(c),
                vpcs(c),
                subnets(c)
            )
        },
        async {
            futures::join!(
                ebs_encryption_by_default(c),
                flow_logs(c),
                network_acls(c),
                crate::ec2_resources::volumes(c),
                crate::ec2_resources::addresses(c),
                crate::ec2_resources::vpc_endpoints(c),
                crate::ec2_resources::transit_gateways(c),
                crate::ec2_resources::snapshots(c, account_id)
            )
        },
        async {
            futures::join!(
                crate::ec2_network::launch_templates(c),
                crate::ec2_network::vpn_connections(c),
                crate::ec2_network::client_vpn_endpoints(c)
            )
        }
    );
    Ec2 {
        instances,
        security_groups,
        groups_in_use,
        images,
        scheduled_events,
        vpcs,
        subnets,
        ebs_encryption_by_default,
        flow_logs,
        network_acls,
        volumes,
        addresses,
        vpc_endpoints,
        transit_gateways,
        snapshots,
        launch_templates,
        vpn_connections,
        client_vpn_endpoints,
    }
}

async fn ebs_encryption_by_default(c: &aws_sdk_ec2::Client) -> Collected<bool> {
    match c.get_ebs_encryption_by_default().send().await {
        Ok(o) => ok(o.ebs_encryption_by_default().unwrap_or(false)),
        Err(e) => Collected::Error(collect_error("ec2:GetEbsEncryptionByDefault", e)),
    }
}

async fn flow_logs(c: &aws_sdk_ec2::Client) -> Collected<Vec<FlowLog>> {
    paged(
        "ec2:DescribeFlowLogs",
        c.describe_flow_logs().into_paginator().send(),
        |page, out| {
            out.extend(page.flow_logs().iter().map(|f| {
                FlowLog {
                    id: f.flow_log_id().unwrap_or_default().to_string(),
                    resource_id: f.resource_id().unwrap_or_default().to_string(),
                    status: f.flow_log_status().unwrap_or_default().to_string(),
                    traffic_type: f
                        .traffic_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default(),
                }
            }));
        },
    )
    .await
    .map(by_id)
}

async fn network_acls(c: &aws_sdk_ec2::Client) -> Collected<Vec<NetworkAcl>> {
    paged(
        "ec2:DescribeNetworkAcls",
        c.describe_network_acls().into_paginator().send(),
        |page, out| {
            for a in page.network_acls() {
                let mut entries: Vec<NetworkAclEntry> = a
                    .entries()
                    .iter()
                    .map(|e| NetworkAclEntry {
                        rule_number: e.rule_number().unwrap_or(i32::MAX),
                        egress: e.egress().unwrap_or(false),
                        protocol: e.protocol().unwrap_or("-1").to_string(),
                        allow: e.rule_action().map(|r| r.as_str()) == Some("allow"),
                        cidr: e.cidr_block().map(str::to_string),
                        ipv6_cidr: e.ipv6_cidr_block().map(str::to_string),
                        from_port: e.port_range().and_then(|p| p.from()),
                        to_port: e.port_range().and_then(|p| p.to()),
                    })
                    .collect();
                entries.sort_by_key(|e| (e.egress, e.rule_number));
                out.push(NetworkAcl {
                    id: a.network_acl_id().unwrap_or_default().to_string(),
                    vpc_id: a.vpc_id().unwrap_or_default().to_string(),
                    is_default: a.is_default().unwrap_or(false),
                    subnets: a
                        .associations()
                        .iter()
                        .filter_map(|s| s.subnet_id().map(str::to_string))
                        .collect(),
                    entries,
                });
            }
        },
    )
    .await
    .map(by_id)
}

async fn vpcs(c: &aws_sdk_ec2::Client) -> Collected<Vec<Vpc>> {
    paged(
        "ec2:DescribeVpcs",
        c.describe_vpcs().into_paginator().send(),
        |page, out| {
            for v in page.vpcs() {
                let primary = v.cidr_block().unwrap_or_default().to_string();
                out.push(Vpc {
                    id: v.vpc_id().unwrap_or_default().to_string(),
                    extra_cidr_blocks: v
                        .cidr_block_association_set()
                        .iter()
                        .filter_map(|a| a.cidr_block())
                        .filter(|b| *b != primary)
                        .map(str::to_string)
                        .collect(),
                    cidr_block: primary,
                    ipv6_cidr_blocks: v
                        .ipv6_cidr_block_association_set()
                        .iter()
                        .filter_map(|a| a.ipv6_cidr_block().map(str::to_string))
                        .collect(),
                    is_default: v.is_default().unwrap_or(false),
                    state: v
                        .state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    tags: ec2_tags(v.tags()),
                });
            }
        },
    )
    .await
    .map(by_id)
}

async fn subnets(c: &aws_sdk_ec2::Client) -> Collected<Vec<Subnet>> {
    paged(
        "ec2:DescribeSubnets",
        c.describe_subnets().into_paginator().send(),
        |page, out| {
            for s in page.subnets() {
                out.push(Subnet {
                    id: s.subnet_id().unwrap_or_default().to_string(),
                    vpc_id: s.vpc_id().unwrap_or_default().to_string(),
                    cidr_block: s.cidr_block().unwrap_or_default().to_string(),
                    ipv6_cidr_blocks: s
                        .ipv6_cidr_block_association_set()
                        .iter()
                        .filter_map(|a| a.ipv6_cidr_block().map(str::to_string))
                        .collect(),
                    availability_zone: s.availability_zone().unwrap_or_default().to_string(),
                    map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
                    state: s
                        .state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    tags: ec2_tags(s.tags()),
                });
            }
        },
    )
    .await
    .map(by_id)
}

async fn instances(c: &aws_sdk_ec2::Client) -> Collected<Vec<Instance>> {
    paged(
        "ec2:DescribeInstances",
        c.describe_instances().into_paginator().send(),
        |page, out| {
            for r in page.reservations() {
                for i in r.instances() {
                    out.push(Instance {
                        id: i.instance_id().unwrap_or_default().to_string(),
                        image_id: i.image_id().unwrap_or_default().to_string(),
                        instance_type: i
                            .instance_type()
                            .map(|t| t.as_str().to_string())
                            .unwrap_or_default(),
                        state: i
                            .state()
                            .and_then(|s| s.name())
                            .map(|n| n.as_str().to_string())
                            .unwrap_or_default(),
                        instance_profile_arn: i
                            .iam_instance_profile()
                            .and_then(|p| p.arn())
                            .map(str::to_string),
                        security_groups: i
                            .security_groups()
                            .iter()
                            .filter_map(|g| g.group_id().map(str::to_string))
                            .collect(),
                        launch_time: i.launch_time().map(fmt_time),
                        tags: ec2_tags(i.tags()),
                        vpc_id: i.vpc_id().map(str::to_string),
                        subnet_id: i.subnet_id().map(str::to_string),
                        private_ip: i.private_ip_address().map(str::to_string),
                        public_ip: i.public_ip_address().map(str::to_string),
                        key_name: i.key_name().map(str::to_string),
                        network_interfaces: Some(
                            u32::try_from(i.network_interfaces().len()).unwrap_or(u32::MAX),
                        ),
                        virtualization_type: i
                            .virtualization_type()
                            .map(|v| v.as_str().to_string()),
                        state_transition_reason: Some(
                            i.state_transition_reason().unwrap_or_default().to_string(),
                        ),
                        metadata: i.metadata_options().map(|m| InstanceMetadata {
                            http_tokens: m
                                .http_tokens()
                                .map(|t| t.as_str().to_string())
                                .unwrap_or_default(),
                            http_endpoint: m
                                .http_endpoint()
                                .map(|t| t.as_str().to_string())
                                .unwrap_or_default(),
                        }),
                    });
                }
            }
        },
    )
    .await
    .map(by_id)
}

async fn security_groups(c: &aws_sdk_ec2::Client) -> Collected<Vec<SecurityGroup>> {
    paged(
        "ec2:DescribeSecurityGroups",
        c.describe_security_groups().into_paginator().send(),
        |page, out| {
            for g in page.security_groups() {
                out.push(SecurityGroup {
                    id: g.group_id().unwrap_or_default().to_string(),
                    name: g.group_name().unwrap_or_default().to_string(),
                    vpc_id: g.vpc_id().map(str::to_string),
                    ingress: g.ip_permissions().iter().map(rule).collect(),
                    tags: ec2_tags(g.tags()),
                    description: g.description().unwrap_or_default().to_string(),
                    egress: g.ip_permissions_egress().iter().map(rule).collect(),
                });
            }
        },
    )
    .await
    .map(by_id)
}

fn rule(p: &aws_sdk_ec2::types::IpPermission) -> IngressRule {
    IngressRule {
        protocol: p.ip_protocol().unwrap_or("-1").to_string(),
        from_port: p.from_port(),
        to_port: p.to_port(),
        ipv4_ranges: p
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip().map(str::to_string))
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges()
            .iter()
            .filter_map(|r| r.cidr_ipv6().map(str::to_string))
            .collect(),
    }
}

async fn groups_in_use(c: &aws_sdk_ec2::Client) -> Collected<Vec<String>> {
    let mut used = BTreeSet::new();
    let mut pages = c.describe_network_interfaces().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(p) => {
                for ni in p.network_interfaces() {
                    used.extend(
                        ni.groups()
                            .iter()
                            .filter_map(|g| g.group_id().map(str::to_string)),
                    );
                }
            }
            Err(e) => return Collected::Error(collect_error("ec2:DescribeNetworkInterfaces", e)),
        }
    }
    ok(used.into_iter().collect())
}

async fn images(c: &aws_sdk_ec2::Client, instances: &[Instance]) -> Collected<Vec<Image>> {
    let ids: BTreeSet<&str> = instances
        .iter()
        .map(|i| i.image_id.as_str())
        .filter(|i| !i.is_empty())
        .collect();
    if ids.is_empty() {
        return ok(Vec::new());
    }
    let mut out = Vec::new();
    let ids: Vec<&str> = ids.into_iter().collect();
    for chunk in ids.chunks(100) {
        let mut req = c.describe_images().include_deprecated(true);
        for id in chunk {
            req = req.image_ids(*id);
        }
        match req.send().await {
            Ok(res) => out.extend(res.images().iter().map(image)),
            // One unknown id fails the whole call: fall back to one call per image.
            Err(e) if is_code(&e, &["InvalidAMIID.NotFound", "InvalidAMIID.Malformed"]) => {
                for id in chunk {
                    if let Ok(res) = c
                        .describe_images()
                        .include_deprecated(true)
                        .image_ids(*id)
                        .send()
                        .await
                    {
                        out.extend(res.images().iter().map(image));
                    }
                }
            }
            Err(e) => return Collected::Error(collect_error("ec2:DescribeImages", e)),
        }
    }
    ok(out)
}

fn image(i: &aws_sdk_ec2::types::Image) -> Image {
    Image {
        id: i.image_id().unwrap_or_default().to_string(),
        owner_id: i.owner_id().unwrap_or_default().to_string(),
        owner_alias: i.image_owner_alias().map(str::to_string),
        name: i.name().unwrap_or_default().to_string(),
        creation_date: i.creation_date().map(str::to_string),
        deprecation_time: i.deprecation_time().map(str::to_string),
    }
}

/// The instances' scheduled events. Filtered to the instances that have one (any event code the
/// SDK knows), so a fleet without events costs one empty page rather than a status per instance.
async fn scheduled_events(c: &aws_sdk_ec2::Client) -> Collected<Vec<ScheduledEvent>> {
    let with_event = aws_sdk_ec2::types::Filter::builder()
        .name("event.code")
        .set_values(Some(
            aws_sdk_ec2::types::EventCode::values()
                .iter()
                .map(|c| (*c).to_string())
                .collect(),
        ))
        .build();
    paged(
        "ec2:DescribeInstanceStatus",
        c.describe_instance_status()
            .include_all_instances(true)
            .filters(with_event)
            .into_paginator()
            .send(),
        |p, out| {
            for s in p.instance_statuses() {
                for ev in s.events() {
                    out.push(ScheduledEvent {
                        instance_id: s.instance_id().unwrap_or_default().to_string(),
                        code: ev
                            .code()
                            .map(|c| c.as_str().to_string())
                            .unwrap_or_default(),
                        description: ev.description().unwrap_or_default().to_string(),
                        not_before: ev.not_before().map(fmt_time),
                    });
                }
            }
        },
    )
    .await
}

async fn config(c: &aws_sdk_config::Client) -> Collected<ConfigStatus> {
    let (recs, status, channels) = futures::join!(
        c.describe_configuration_recorders().send(),
        c.describe_configuration_recorder_status().send(),
        c.describe_delivery_channels().send()
    );
    let recs = match recs {
        Ok(r) => r,
        Err(e) => {
            return Collected::Error(collect_error("config:DescribeConfigurationRecorders", e))
        }
    };
    let status = match status {
        Ok(s) => s,
        Err(e) => {
            return Collected::Error(collect_error(
                "config:DescribeConfigurationRecorderStatus",
                e,
            ))
        }
    };
    let channels = match channels {
        Ok(c) => c,
        Err(e) => return Collected::Error(collect_error("config:DescribeDeliveryChannels", e)),
    };
    let recording: BTreeMap<&str, bool> = status
        .configuration_recorders_status()
        .iter()
        .map(|s| (s.name().unwrap_or_default(), s.recording()))
        .collect();
    ok(ConfigStatus {
        recorders: recs
            .configuration_recorders()
            .iter()
            .map(|r| {
                let name = r.name().unwrap_or_default();
                let group = r.recording_group();
                ConfigRecorder {
                    name: name.to_string(),
                    recording: recording.get(name).copied().unwrap_or(false),
                    all_supported: group.is_none_or(|g| g.all_supported()),
                    include_global_resource_types: group
                        .is_some_and(|g| g.include_global_resource_types()),
                }
            })
            .collect(),
        delivery_channels: channels
            .delivery_channels()
            .iter()
            .map(|d| DeliveryChannel {
                name: d.name().unwrap_or_default().to_string(),
                s3_bucket: d.s3_bucket_name().map(str::to_string),
                sns_topic_arn: d
                    .sns_topic_arn()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            })
            .collect(),
    })
}

async fn guardduty(c: &aws_sdk_guardduty::Client) -> Collected<GuardDuty> {
    let ids = match paged(
        "guardduty:ListDetectors",
        c.list_detectors().into_paginator().send(),
        |o, out| out.extend(o.detector_ids().iter().cloned()),
    )
    .await
    {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let mut detectors = Vec::new();
    let mut features = BTreeMap::new();
    for id in ids {
        match c.get_detector().detector_id(&id).send().await {
            Ok(d) => {
                let on = d.status().map(|s| s.as_str() == "ENABLED").unwrap_or(false);
                features.insert(id.clone(), detector_features(&d));
                detectors.push((id, on));
            }
            Err(e) => return Collected::Error(collect_error("guardduty:GetDetector", e)),
        }
    }
    ok(GuardDuty {
        detectors,
        features,
    })
}

/// A detector's protection plans by name, with their status.
fn detector_features(
    d: &aws_sdk_guardduty::operation::get_detector::GetDetectorOutput,
) -> BTreeMap<String, String> {
    // `Features` holds every plan (the older `DataSources` is deprecated in its favour).
    d.features()
        .iter()
        .filter_map(|f| {
            Some((
                f.name()?.as_str().to_string(),
                f.status()?.as_str().to_string(),
            ))
        })
        .collect()
}

async fn inspector(c: &aws_sdk_inspector2::Client, account_id: &str) -> Collected<InspectorStatus> {
    match c
        .batch_get_account_status()
        .account_ids(account_id)
        .send()
        .await
    {
        Ok(out) => {
            let acct = out.accounts().first();
            // A per-account failure (e.g. access denied for this account) is not "disabled".
            if let (None, Some(f)) = (acct, out.failed_accounts().first()) {
                return Collected::Error(CollectError::new(
                    "inspector2:BatchGetAccountStatus",
                    f.error_code().as_str(),
                    f.error_message(),
                ));
            }
            // Neither the account nor a failure: the status was not told, so it is unknown.
            let Some(state) = acct
                .and_then(|a| a.state())
                .map(|s| s.status().as_str().to_string())
            else {
                return Collected::Error(CollectError::new(
                    "inspector2:BatchGetAccountStatus",
                    "NoAccountStatus",
                    "the answer holds no status for this account",
                ));
            };
            let mut resources = BTreeMap::new();
            if let Some(rs) = acct.and_then(|a| a.resource_state()) {
                if let Some(s) = rs.ec2() {
                    resources.insert("EC2".to_string(), s.status().as_str().to_string());
                }
            }
            ok(InspectorStatus { state, resources })
        }
        Err(e) => Collected::Error(collect_error("inspector2:BatchGetAccountStatus", e)),
    }
}

async fn security_hub(c: &aws_sdk_securityhub::Client) -> Collected<SecurityHub> {
    match c.describe_hub().send().await {
        Ok(_) => {}
        Err(e) if is_code(&e, &["InvalidAccessException", "ResourceNotFoundException"]) => {
            return ok(SecurityHub {
                enabled: false,
                standards: Vec::new(),
            })
        }
        Err(e) => return Collected::Error(collect_error("securityhub:DescribeHub", e)),
    }
    paged(
        "securityhub:GetEnabledStandards",
        c.get_enabled_standards().into_paginator().send(),
        |o, out| {
            out.extend(
                o.standards_subscriptions()
                    .iter()
                    .filter_map(|s| s.standards_arn().map(str::to_string)),
            )
        },
    )
    .await
    .map(|standards| SecurityHub {
        enabled: true,
        standards,
    })
}

async fn access_analyzer(c: &aws_sdk_accessanalyzer::Client) -> Collected<AccessAnalyzer> {
    let analyzers = match paged(
        "access-analyzer:ListAnalyzers",
        c.list_analyzers().into_paginator().send(),
        |o, out| out.extend(o.analyzers().iter().cloned()),
    )
    .await
    {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let active: Vec<_> = analyzers
        .iter()
        .filter(|a| a.status().as_str() == "ACTIVE")
        .collect();
    let mut findings = Vec::new();
    for a in &active {
        let req = c.list_findings_v2().analyzer_arn(a.arn()).filter(
            "status",
            aws_sdk_accessanalyzer::types::Criterion::builder()
                .eq("ACTIVE")
                .build(),
        );
        let mut pages = req.into_paginator().send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(p) => findings.extend(p.findings().iter().map(|f| AnalyzerFinding {
                    id: f.id().to_string(),
                    resource: f.resource().unwrap_or_default().to_string(),
                    resource_type: f.resource_type().as_str().to_string(),
                    principal: String::new(),
                })),
                Err(e) => {
                    return Collected::Error(collect_error("access-analyzer:ListFindingsV2", e))
                }
            }
        }
    }
    ok(AccessAnalyzer {
        analyzers: active
            .iter()
            .map(|a| (a.name().to_string(), a.r#type().as_str().to_string()))
            .collect(),
        active_findings: findings,
    })
}

/// The S3 object events trail `arn` logs for every bucket, from its basic and advanced event
/// selectors. A selector limited to some buckets (or narrowed by any other field) counts for
/// none.
async fn s3_data_events(
    c: &aws_sdk_cloudtrail::Client,
    arn: &str,
) -> Result<S3DataEvents, CollectError> {
    let o = c
        .get_event_selectors()
        .trail_name(arn)
        .send()
        .await
        .map_err(|e| collect_error("cloudtrail:GetEventSelectors", e))?;
    let mut ev = S3DataEvents::default();
    // `arn:aws:s3` or `arn:aws:s3:::`: every bucket of the partition.
    let every_bucket = |v: &str| {
        let parts: Vec<&str> = v.split(':').collect();
        parts.len() >= 3
            && parts[0] == "arn"
            && parts[2] == "s3"
            && parts[3..].iter().all(|p| p.is_empty())
    };
    for s in o.event_selectors() {
        let all = s.data_resources().iter().any(|d| {
            d.r#type() == Some("AWS::S3::Object") && d.values().iter().any(|v| every_bucket(v))
        });
        if !all {
            continue;
        }
        let rw = s.read_write_type().map(|t| t.as_str()).unwrap_or("All");
        ev.read |= rw != "WriteOnly";
        ev.write |= rw != "ReadOnly";
    }
    for a in o.advanced_event_selectors() {
        let (mut data, mut s3, mut narrowed) = (false, false, false);
        let (mut read, mut write) = (true, true);
        for f in a.field_selectors() {
            let equals = |want: &str| f.equals().iter().any(|v| v == want);
            match f.field() {
                "eventCategory" => data = equals("Data"),
                "resources.type" => s3 = equals("AWS::S3::Object"),
                "readOnly" => {
                    read = equals("true");
                    write = equals("false");
                }
                _ => narrowed = true,
            }
        }
        if data && s3 && !narrowed {
            ev.read |= read;
            ev.write |= write;
        }
    }
    Ok(ev)
}

async fn cloudtrail(c: &aws_sdk_cloudtrail::Client, region: &str) -> Collected<Vec<Trail>> {
    let trails = match c.describe_trails().include_shadow_trails(true).send().await {
        Ok(o) => o.trail_list().to_vec(),
        Err(e) => return Collected::Error(collect_error("cloudtrail:DescribeTrails", e)),
    };
    let mut out = Vec::new();
    for t in trails {
        let arn = t.trail_arn().unwrap_or_default().to_string();
        let logging = match c.get_trail_status().name(&arn).send().await {
            Ok(s) => s.is_logging().unwrap_or(false),
            Err(e) => return Collected::Error(collect_error("cloudtrail:GetTrailStatus", e)),
        };
        let home_region = t.home_region().unwrap_or_default().to_string();
        let s3_data_events = if home_region == region {
            match s3_data_events(c, &arn).await {
                Ok(ev) => Some(ev),
                Err(e) => return Collected::Error(e),
            }
        } else {
            None
        };
        out.push(Trail {
            name: t.name().unwrap_or_default().to_string(),
            arn,
            home_region,
            multi_region: t.is_multi_region_trail().unwrap_or(false),
            log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
            logging,
            kms_key_id: t.kms_key_id().map(str::to_string),
            s3_bucket: t.s3_bucket_name().unwrap_or_default().to_string(),
            s3_data_events,
            cloudwatch_logs_log_group_arn: t.cloud_watch_logs_log_group_arn().map(str::to_string),
        });
    }
    ok(out)
}

async fn ssm(c: &aws_sdk_ssm::Client) -> Collected<Vec<String>> {
    paged(
        "ssm:DescribeInstanceInformation",
        c.describe_instance_information().into_paginator().send(),
        |p, out| {
            out.extend(
                p.instance_information_list()
                    .iter()
                    .filter_map(|i| i.instance_id().map(str::to_string)),
            );
        },
    )
    .await
}

async fn load_balancers(
    c: &aws_sdk_elasticloadbalancingv2::Client,
    waf: &aws_sdk_wafv2::Client,
) -> Collected<Vec<LoadBalancer>> {
    let lbs = match paged(
        "elasticloadbalancing:DescribeLoadBalancers",
        c.describe_load_balancers().into_paginator().send(),
        |o, out| {
            out.extend(o.load_balancers().iter().cloned());
        },
    )
    .await
    {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let mut out = Vec::new();
    for lb in lbs {
        let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
        let listeners = match paged(
            "elasticloadbalancing:DescribeListeners",
            c.describe_listeners()
                .load_balancer_arn(&arn)
                .into_paginator()
                .send(),
            |o, out| out.extend(o.listeners().iter().cloned()),
        )
        .await
        {
            Collected::Ok(v) => v,
            Collected::Error(e) => return Collected::Error(e),
        };
        let mut targets = Vec::new();
        let mut tgs = Vec::new();
        let mut pages = c
            .describe_target_groups()
            .load_balancer_arn(&arn)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(o) => tgs.extend(o.target_groups().iter().cloned()),
                // A load balancer without target groups (moto answers so; AWS lists none).
                Err(e) if is_code(&e, &["TargetGroupNotFound"]) => break,
                Err(e) => {
                    return Collected::Error(collect_error(
                        "elasticloadbalancing:DescribeTargetGroups",
                        e,
                    ))
                }
            }
        }
        for tg in tgs {
            let tg_arn = tg.target_group_arn().unwrap_or_default();
            match c
                .describe_target_health()
                .target_group_arn(tg_arn)
                .send()
                .await
            {
                Ok(o) => targets.extend(
                    o.target_health_descriptions()
                        .iter()
                        .filter_map(|d| d.target().and_then(|t| t.id()).map(str::to_string)),
                ),
                Err(e) => {
                    return Collected::Error(collect_error(
                        "elasticloadbalancing:DescribeTargetHealth",
                        e,
                    ))
                }
            }
        }
        let attributes = crate::elb::attributes(c, &arn).await;
        let web_acl = match lb.r#type().map(|t| t.as_str()) {
            Some("application") => Some(crate::elb::web_acl(waf, &arn).await),
            _ => None,
        };
        out.push(LoadBalancer {
            web_acl,
            listener_protocols: listeners
                .iter()
                .filter_map(|l| l.protocol().map(|p| p.as_str().to_string()))
                .collect(),
            listeners: Some(crate::elb::listeners(&listeners)),
            attributes: Some(attributes),
            zones: Some(
                lb.availability_zones()
                    .iter()
                    .filter_map(|z| z.zone_name().map(str::to_string))
                    .collect(),
            ),
            arn,
            name: lb.load_balancer_name().unwrap_or_default().to_string(),
            kind: lb
                .r#type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            targets,
            scheme: lb
                .scheme()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            dns_name: lb.dns_name().unwrap_or_default().to_string(),
            state: lb
                .state()
                .and_then(|s| s.code())
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            vpc_id: lb.vpc_id().map(str::to_string),
            security_groups: lb.security_groups().to_vec(),
            subnets: lb
                .availability_zones()
                .iter()
                .filter_map(|z| z.subnet_id().map(str::to_string))
                .collect(),
        });
    }
    ok(out)
}

async fn rds(c: &aws_sdk_rds::Client) -> Collected<Vec<DbInstance>> {
    paged(
        "rds:DescribeDBInstances",
        c.describe_db_instances().into_paginator().send(),
        |p, out| {
            out.extend(p.db_instances().iter().map(|d| {
                DbInstance {
                    id: d.db_instance_identifier().unwrap_or_default().to_string(),
                    arn: d.db_instance_arn().unwrap_or_default().to_string(),
                    engine: d.engine().unwrap_or_default().to_string(),
                    multi_az: d.multi_az().unwrap_or(false),
                    auto_minor_version_upgrade: d.auto_minor_version_upgrade().unwrap_or(false),
                    storage_encrypted: d.storage_encrypted(),
                    publicly_accessible: d.publicly_accessible(),
                    settings: Some(crate::rds::settings(d)),
                    tags: d
                        .tag_list()
                        .iter()
                        .map(|t| {
                            (
                                t.key().unwrap_or_default().to_string(),
                                t.value().unwrap_or_default().to_string(),
                            )
                        })
                        .collect(),
                }
            }));
        },
    )
    .await
}

/// Pages a call without an SDK paginator may take before its list is judged endless.
const MAX_PAGES: usize = 10_000;

/// Every page of a call the SDK has no paginator for (EventBridge's ListRules and
/// ListTargetsByRule): `page` sends one request with the token and returns its items and the
/// next token. A list longer than [`MAX_PAGES`] pages is an error, never a partial list.
async fn token_paged<T, Fut>(
    op: &str,
    mut page: impl FnMut(Option<String>) -> Fut,
) -> Result<Vec<T>, CollectError>
where
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), CollectError>>,
{
    let mut out = Vec::new();
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let (items, next) = page(token.take()).await?;
        out.extend(items);
        match next.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
    Err(CollectError::new(
        op,
        "TooManyPages",
        "the list did not end within 10000 pages",
    ))
}

async fn event_rules(c: &aws_sdk_eventbridge::Client) -> Collected<Vec<EventRule>> {
    let rules = match token_paged("events:ListRules", |token| async move {
        c.list_rules()
            .set_next_token(token)
            .send()
            .await
            .map(|o| (o.rules().to_vec(), o.next_token().map(str::to_string)))
            .map_err(|e| collect_error("events:ListRules", e))
    })
    .await
    {
        Ok(v) => v,
        Err(e) => return Collected::Error(e),
    };
    let mut out = Vec::new();
    for r in rules {
        let name = r.name().unwrap_or_default().to_string();
        let pattern = r.event_pattern().unwrap_or_default().to_string();
        // Only rules about GuardDuty matter here; spare the other rules a call.
        let targets = if pattern.contains("aws.guardduty") {
            let name = name.as_str();
            match token_paged("events:ListTargetsByRule", |token| async move {
                c.list_targets_by_rule()
                    .rule(name)
                    .set_next_token(token)
                    .send()
                    .await
                    .map(|o| (o.targets().to_vec(), o.next_token().map(str::to_string)))
                    .map_err(|e| collect_error("events:ListTargetsByRule", e))
            })
            .await
            {
                Ok(t) => u32::try_from(t.len()).unwrap_or(u32::MAX),
                Err(e) => return Collected::Error(e),
            }
        } else {
            0
        };
        out.push(EventRule {
            name,
            event_pattern: pattern,
            enabled: r.state().map(|s| s.as_str() == "ENABLED").unwrap_or(false),
            targets,
        });
    }
    ok(out)
}

pub(crate) async fn budgets(
    c: &aws_sdk_budgets::Client,
    account_id: &str,
) -> Collected<Vec<Budget>> {
    let mut list = Vec::new();
    let mut pages = c
        .describe_budgets()
        .account_id(account_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(o) => list.extend(o.budgets().iter().cloned()),
            // No budget at all.
            Err(e) if is_code(&e, &["NotFoundException"]) => break,
            Err(e) => return Collected::Error(collect_error("budgets:DescribeBudgets", e)),
        }
    }
    let mut out = Vec::new();
    for b in list {
        let name = b.budget_name().to_string();
        let mut n = 0u32;
        let mut pages = c
            .describe_notifications_for_budget()
            .account_id(account_id)
            .budget_name(&name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            match page {
                Ok(o) => {
                    n = n.saturating_add(u32::try_from(o.notifications().len()).unwrap_or(u32::MAX))
                }
                // No notification on this budget.
                Err(e) if is_code(&e, &["NotFoundException"]) => break,
                Err(e) => {
                    return Collected::Error(collect_error(
                        "budgets:DescribeNotificationsForBudget",
                        e,
                    ))
                }
            }
        }
        out.push(Budget {
            name,
            notifications: n,
        });
    }
    ok(out)
}

pub(crate) async fn anomaly_monitors(c: &aws_sdk_costexplorer::Client) -> Collected<Vec<String>> {
    paged(
        "ce:GetAnomalyMonitors",
        c.get_anomaly_monitors().into_paginator().send(),
        |o, out| {
            out.extend(
                o.anomaly_monitors()
                    .iter()
                    .map(|m| m.monitor_name().to_string()),
            )
        },
    )
    .await
}

pub(crate) async fn health_events(c: &aws_sdk_health::Client) -> Collected<Vec<HealthEvent>> {
    let filter = aws_sdk_health::types::EventFilter::builder()
        .event_status_codes(aws_sdk_health::types::EventStatusCode::Open)
        .event_status_codes(aws_sdk_health::types::EventStatusCode::Upcoming)
        .build();
    paged(
        "health:DescribeEvents",
        c.describe_events().filter(filter).into_paginator().send(),
        |o, out| {
            out.extend(o.events().iter().map(|e| {
                HealthEvent {
                    arn: e.arn().unwrap_or_default().to_string(),
                    service: e.service().unwrap_or_default().to_string(),
                    event_type: e.event_type_code().unwrap_or_default().to_string(),
                    region: e.region().unwrap_or_default().to_string(),
                    status: e
                        .status_code()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    start_time: e.start_time().map(fmt_time),
                }
            }))
        },
    )
    .await
}
