#!/usr/bin/env python3
"""Seeds moto (endpoint in argv[1]) with the FSBP RDS and ELB misconfigurations and a compliant
twin of each, in us-east-1; us-west-2 holds one database and no event subscription, so the
region-level RDS event subscription controls fail there. Prints what it seeded as JSON. Used
by crates/yagura/tests/audit_fsbp_rds_elb.rs."""

import json
import sys

import boto3

ENDPOINT = sys.argv[1]
PASSWORD = "Not-a-real-password-1"


def client(service, region="us-east-1"):
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def rds_seed():
    ec2 = client("ec2")
    rds = client("rds")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
        for i, az in enumerate(["us-east-1a", "us-east-1b"], start=1)
    ]
    rds.create_db_subnet_group(
        DBSubnetGroupName="fsbp-private", DBSubnetGroupDescription="private", SubnetIds=subnets
    )
    common = dict(DBInstanceClass="db.t3.micro", MasterUserPassword=PASSWORD, AllocatedStorage=20)
    # In-transit encryption is a parameter of the instance's DB parameter group.
    for name, family, param, value in [
        ("pg-fsbp-plain", "postgres16", "rds.force_ssl", "0"),
        ("pg-fsbp-ssl", "postgres16", "rds.force_ssl", "1"),
        ("my-fsbp-plain", "mysql8.0", "require_secure_transport", "OFF"),
        ("my-fsbp-tls", "mysql8.0", "require_secure_transport", "ON"),
    ]:
        rds.create_db_parameter_group(
            DBParameterGroupName=name, DBParameterGroupFamily=family, Description=name
        )
        rds.modify_db_parameter_group(
            DBParameterGroupName=name,
            Parameters=[{"ParameterName": param, "ParameterValue": value, "ApplyMethod": "immediate"}],
        )
    for name, group in [("my-fsbp-bad", "my-fsbp-plain"), ("my-fsbp-good", "my-fsbp-tls")]:
        rds.create_db_instance(
            DBInstanceIdentifier=name, Engine="mysql", MasterUsername="appadmin",
            DBParameterGroupName=group, **common
        )
    # Everything left at its default: default admin name and port, no subnet group (moto
    # reports no VPC), no protection, monitoring, IAM auth, log exports, one day of backups.
    rds.create_db_instance(
        DBInstanceIdentifier="db-fsbp-bad", Engine="postgres", MasterUsername="postgres",
        BackupRetentionPeriod=1, DBParameterGroupName="pg-fsbp-plain", **common
    )
    rds.create_db_instance(
        DBInstanceIdentifier="db-fsbp-good", Engine="postgres", MasterUsername="appadmin",
        Port=6543, DBSubnetGroupName="fsbp-private", DeletionProtection=True,
        DBParameterGroupName="pg-fsbp-ssl",
        EnableIAMDatabaseAuthentication=True, BackupRetentionPeriod=7, CopyTagsToSnapshot=True,
        MonitoringInterval=60, MonitoringRoleArn="arn:aws:iam::123456789012:role/rds-monitoring",
        EnableCloudwatchLogsExports=["postgresql", "upgrade"], StorageEncrypted=True, **common
    )
    cl = dict(MasterUserPassword=PASSWORD)
    rds.create_db_cluster(
        DBClusterIdentifier="cl-fsbp-bad", Engine="aurora-mysql", MasterUsername="admin", **cl
    )
    rds.create_db_cluster(
        DBClusterIdentifier="cl-fsbp-good", Engine="aurora-mysql", MasterUsername="appadmin",
        DeletionProtection=True, EnableIAMDatabaseAuthentication=True, BacktrackWindow=86400,
        CopyTagsToSnapshot=True, StorageEncrypted=True, EnableCloudwatchLogsExports=["audit"], **cl
    )
    # moto reports a cluster Multi-AZ when its instances are in several zones.
    for az in ["us-east-1a", "us-east-1b"]:
        rds.create_db_instance(
            DBInstanceIdentifier=f"cl-fsbp-good-{az}", DBClusterIdentifier="cl-fsbp-good",
            Engine="aurora-mysql", DBInstanceClass="db.r5.large", AvailabilityZone=az,
        )
    rds.create_db_cluster(
        DBClusterIdentifier="clpg-fsbp-bad", Engine="aurora-postgresql", MasterUsername="appadmin", **cl
    )
    rds.create_db_cluster(
        DBClusterIdentifier="clpg-fsbp-good", Engine="aurora-postgresql", MasterUsername="appadmin",
        EnableCloudwatchLogsExports=["postgresql"], **cl
    )
    # Multi-AZ DB clusters (not Aurora) report their automatic minor version upgrades.
    maz = dict(Engine="mysql", MasterUsername="appadmin", DBClusterInstanceClass="db.m6gd.large",
               AllocatedStorage=100, StorageType="io1", Iops=1000, **cl)
    rds.create_db_cluster(DBClusterIdentifier="maz-fsbp-bad", AutoMinorVersionUpgrade=False, **maz)
    rds.create_db_cluster(DBClusterIdentifier="maz-fsbp-good", AutoMinorVersionUpgrade=True, **maz)
    rds.create_db_snapshot(DBSnapshotIdentifier="snap-fsbp-public", DBInstanceIdentifier="db-fsbp-bad")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="snap-fsbp-public", AttributeName="restore", ValuesToAdd=["all"]
    )
    rds.create_db_snapshot(DBSnapshotIdentifier="snap-fsbp-private", DBInstanceIdentifier="db-fsbp-good")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="snap-fsbp-private", AttributeName="restore", ValuesToAdd=["210987654321"]
    )
    rds.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="csnap-fsbp-public", DBClusterIdentifier="cl-fsbp-bad"
    )
    rds.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="csnap-fsbp-public", AttributeName="restore", ValuesToAdd=["all"]
    )
    # A database in us-west-2, whose region has no event subscription.
    client("rds", "us-west-2").create_db_instance(
        DBInstanceIdentifier="db-fsbp-west", Engine="postgres", MasterUsername="appadmin", **common
    )
    topic = client("sns").create_topic(Name="rds-events")["TopicArn"]
    for name, source, cats in [
        ("fsbp-cluster", "db-cluster", ["failure", "maintenance"]),
        ("fsbp-instance", "db-instance", ["maintenance", "configuration change", "failure"]),
        ("fsbp-parameter-group", "db-parameter-group", ["configuration change"]),
        ("fsbp-security-group", "db-security-group", ["configuration change", "failure"]),
    ]:
        rds.create_event_subscription(
            SubscriptionName=name, SnsTopicArn=topic, SourceType=source, EventCategories=cats, Enabled=True
        )


def elb_seed():
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.43.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.43.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
        for i, az in enumerate(["us-east-1a", "us-east-1b"], start=1)
    ]
    v2 = client("elbv2")
    # One zone, a plain HTTP listener, every attribute at its default but desync "monitor".
    bad = v2.create_load_balancer(Name="alb-fsbp-bad", Subnets=subnets[:1], Type="application")
    bad = bad["LoadBalancers"][0]["LoadBalancerArn"]
    good = v2.create_load_balancer(Name="alb-fsbp-good", Subnets=subnets, Type="application")
    good = good["LoadBalancers"][0]["LoadBalancerArn"]
    tg = v2.create_target_group(Name="fsbp-web", Protocol="HTTP", Port=80, VpcId=vpc)
    tg = tg["TargetGroups"][0]["TargetGroupArn"]
    v2.create_listener(
        LoadBalancerArn=bad, Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    v2.create_listener(
        LoadBalancerArn=good, Protocol="HTTP", Port=80,
        DefaultActions=[{"Type": "redirect", "RedirectConfig": {
            "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}],
    )
    v2.modify_load_balancer_attributes(
        LoadBalancerArn=bad,
        Attributes=[{"Key": "routing.http.desync_mitigation_mode", "Value": "monitor"}],
    )
    v2.modify_load_balancer_attributes(
        LoadBalancerArn=good,
        Attributes=[
            {"Key": "deletion_protection.enabled", "Value": "true"},
            {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
            {"Key": "routing.http.desync_mitigation_mode", "Value": "strictest"},
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": "fsbp-elb-logs"},
        ],
    )
    # ELB.16: the good ALB is protected by an AWS WAF web ACL, the bad one by none.
    waf = client("wafv2")
    acl = waf.create_web_acl(
        Name="fsbp-web-acl", Scope="REGIONAL", DefaultAction={"Allow": {}},
        VisibilityConfig={"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False,
                          "MetricName": "fsbp-web-acl"},
    )["Summary"]["ARN"]
    waf.associate_web_acl(WebACLArn=acl, ResourceArn=good)
    acm_cert = client("acm").request_certificate(DomainName="www.example.com")["CertificateArn"]
    # moto does not parse the body: a placeholder, split so no key-shaped text stands here.
    pem = "-----BEGIN " + "{0}-----\nAAAA\n-----END " + "{0}-----"
    iam_cert = client("iam").upload_server_certificate(
        ServerCertificateName="fsbp-legacy",
        CertificateBody=pem.format("CERTIFICATE"),
        PrivateKey=pem.format("RSA PRIVATE " + "KEY"),
    )["ServerCertificateMetadata"]["Arn"]
    elb = client("elb")
    elb.create_load_balancer(
        LoadBalancerName="clb-fsbp-bad",
        Listeners=[
            {"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80},
            {"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstancePort": 80,
             "InstanceProtocol": "HTTP", "SSLCertificateId": iam_cert},
        ],
        AvailabilityZones=["us-east-1a"],
    )
    elb.modify_load_balancer_attributes(
        LoadBalancerName="clb-fsbp-bad",
        LoadBalancerAttributes={"AdditionalAttributes": [
            {"Key": "elb.http.desyncmitigationmode", "Value": "monitor"}]},
    )
    elb.create_load_balancer(
        LoadBalancerName="clb-fsbp-good",
        Listeners=[{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstancePort": 80,
                    "InstanceProtocol": "HTTP", "SSLCertificateId": acm_cert}],
        AvailabilityZones=["us-east-1a", "us-east-1b"],
    )
    elb.modify_load_balancer_attributes(
        LoadBalancerName="clb-fsbp-good",
        LoadBalancerAttributes={
            "AccessLog": {"Enabled": True, "S3BucketName": "fsbp-elb-logs", "EmitInterval": 5},
            "ConnectionDraining": {"Enabled": True, "Timeout": 300},
            "CrossZoneLoadBalancing": {"Enabled": True},
            "AdditionalAttributes": [{"Key": "elb.http.desyncmitigationmode", "Value": "defensive"}],
        },
    )


rds_seed()
elb_seed()
print(json.dumps({"rds": "seeded", "elb": "seeded"}))
