#!/usr/bin/env python3
"""Seeds a running moto_server with a sample AWS estate for yagura's tests, demo and benchmark.

Each misconfiguration has a compliant twin. Account-wide settings (password policy, alias,
Block Public Access, ...) cannot have a twin inside one account, so the compliant twin of those
lives in a second account of the Organization, reached through AssumeRole as yagura --org does.

usage: seed_moto.py ENDPOINT [--scale N] [--hostile]
prints a JSON object: {"bad_account": ..., "good_account": ..., "role_name": ...}
"""
import argparse
import json
import os
import re
import sys

import boto3

REGION = "us-east-1"
ROLE = "OrganizationAccountAccessRole"


def clients(endpoint, creds=None):
    kw = dict(endpoint_url=endpoint, region_name=REGION)
    if creds:
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    else:
        kw.update(aws_access_key_id="testing", aws_secret_access_key="testing")
    def make(svc, region=None):
        client = boto3.client(svc, **dict(kw, region_name=region or REGION))
        if svc == "s3control":
            # s3control puts the account id in front of the host, which a loopback endpoint
            # cannot resolve: drop that label before the request is signed.
            client.meta.events.register("before-sign.s3-control.*", _strip_account_label)
        return client
    return make


def clients_in_region(c, region):
    return lambda svc: c(svc, region)


def _strip_account_label(request, **_):
    request.url = re.sub(r"//[0-9]{12}\.", "//", request.url, count=1)


ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
# A certificate body for UploadServerCertificate (moto stores it unread).
CERT = "-----BEGIN CERTIFICATE-----\nMIIBexpired\n-----END CERTIFICATE-----"
READONLY = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]})


def trust(account, mfa):
    stmt = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}
    if mfa:
        stmt["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def seed_resources(c, account, other_account, hostile, scale, good):
    """Per-resource misconfigurations and their twins, in one account."""
    iam, ec2, s3 = c("iam"), c("ec2"), c("s3")
    # AUD-04/07/08: users with and without keys, with and without MFA
    iam.create_user(UserName="alice-with-key")
    iam.create_access_key(UserName="alice-with-key")
    iam.create_user(UserName="bob-no-key")
    iam.create_user(UserName="carol-console-no-mfa")
    iam.create_login_profile(UserName="carol-console-no-mfa", Password="Str0ng!Passw0rd-123")
    iam.create_user(UserName="dave-console-mfa")
    iam.create_login_profile(UserName="dave-console-mfa", Password="Str0ng!Passw0rd-123")
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="dave")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="dave-console-mfa", SerialNumber=dev["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    # CIS 3.0 1.13 and 1.11: a user with two active keys (alice has one); a console user with a
    # key never used (dave has a console password and no key)
    iam.create_user(UserName="gina-two-keys")
    iam.create_access_key(UserName="gina-two-keys")
    iam.create_access_key(UserName="gina-two-keys")
    iam.create_user(UserName="harry-console-key")
    iam.create_login_profile(UserName="harry-console-key", Password="Str0ng!Passw0rd-123")
    iam.create_access_key(UserName="harry-console-key")
    # AUD-05: admin attached vs read-only
    iam.create_user(UserName="erin-admin")
    iam.attach_user_policy(UserName="erin-admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.create_user(UserName="frank-readonly")
    iam.put_user_policy(UserName="frank-readonly", PolicyName="read", PolicyDocument=READONLY)
    iam.create_group(GroupName="admins-inline")
    iam.put_group_policy(GroupName="admins-inline", PolicyName="all", PolicyDocument=ADMIN)
    iam.create_group(GroupName="readers")
    iam.attach_group_policy(GroupName="readers", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    # AUD-19: cross-account trust with and without MFA
    iam.create_role(RoleName="cross-no-mfa", AssumeRolePolicyDocument=trust(other_account, False))
    iam.create_role(RoleName="cross-with-mfa", AssumeRolePolicyDocument=trust(other_account, True))
    iam.attach_role_policy(RoleName="cross-with-mfa", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
    iam.create_role(RoleName="cross-iam-admin", AssumeRolePolicyDocument=trust(other_account, True))
    iam.attach_role_policy(RoleName="cross-iam-admin", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
    ec2_role = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=ec2_role)
    iam.create_instance_profile(InstanceProfileName="app-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app-role")

    # AUD-01: security groups
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    name = '<script>alert(1)</script>' if hostile else "open-admin"
    sg_bad = ec2.create_security_group(GroupName=name, Description="ssh open to the world", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg_bad, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ])
    sg_good = ec2.create_security_group(GroupName="office-only", Description="ssh from the office", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg_good, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ])
    ec2.create_security_group(GroupName="unused-group", Description="nothing uses it", VpcId=vpc)

    # AUD-02/03/17/21: instances
    amis = ec2.describe_images(Owners=["amazon"])["Images"]
    amazon_ami = sorted(amis, key=lambda i: i["ImageId"])[0]["ImageId"]
    tags = [{"Key": "Name", "Value": '"><img src=x onerror=alert(1)>' if hostile else "web"},
            {"Key": "Owner", "Value": "=HYPERLINK(\"http://evil\")" if hostile else "sre"},
            {"Key": "Note", "Value": "@SUM(1+1)" if hostile else "ok"}]
    bad = ec2.run_instances(ImageId=amazon_ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                            SecurityGroupIds=[sg_bad],
                            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])["Instances"][0]["InstanceId"]
    # CIS 5.6: the good instance requires IMDSv2, the bad one answers IMDSv1 (moto's default).
    good = ec2.run_instances(ImageId=amazon_ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             SecurityGroupIds=[sg_good], IamInstanceProfile={"Name": "app-profile"},
                             MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"})["Instances"][0]["InstanceId"]
    # An AMI of another owner cannot be made on moto (every image it serves is Amazon's):
    # AUD-02's untrusted owner is covered by recorded SDK responses in yagura-collect.

    # AUD-09: buckets
    s3.create_bucket(Bucket="public-policy-bucket")
    s3.put_bucket_policy(Bucket="public-policy-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::public-policy-bucket/*"}]}))
    s3.create_bucket(Bucket="public-acl-bucket")
    s3.put_bucket_acl(Bucket="public-acl-bucket", ACL="public-read")
    s3.create_bucket(Bucket="private-bucket")
    s3.put_public_access_block(Bucket="private-bucket", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    # CIS 2.1.1: the private bucket denies requests without TLS.
    s3.put_bucket_policy(Bucket="private-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::private-bucket", "arn:aws:s3:::private-bucket/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))

    # CIS 3.7: the default VPC has no flow log, a second VPC has one (to S3).
    s3.create_bucket(Bucket=f"flow-logs-{account}")
    logged_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_flow_logs(ResourceIds=[logged_vpc], ResourceType="VPC", TrafficType="ALL",
                         LogDestinationType="s3", LogDestination=f"arn:aws:s3:::flow-logs-{account}")
    # CIS 5.1: the default network ACL admits everything; a custom one only HTTPS.
    default_acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                      {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]["NetworkAclId"]
    web_acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=web_acl, RuleNumber=100, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})
    ec2.create_network_acl_entry(NetworkAclId=web_acl, RuleNumber=110, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="203.0.113.0/24", PortRange={"From": 22, "To": 22})
    # CIS 5.4: the default security group keeps moto's (and AWS's) default rules.
    default_sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                       {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    # CIS 1.19: moto reports every server certificate as expired (2012).
    iam.upload_server_certificate(ServerCertificateName="expired-www", CertificateBody=CERT, PrivateKey="-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----")

    # AUD-21: RDS single-AZ vs Multi-AZ
    rds = c("rds")
    rds.create_db_instance(DBInstanceIdentifier="db-single", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="admin", MasterUserPassword="Passw0rd-long!", AllocatedStorage=20,
                           MultiAZ=False, AutoMinorVersionUpgrade=False, StorageEncrypted=False,
                           PubliclyAccessible=True)
    rds.create_db_instance(DBInstanceIdentifier="db-multi", DBInstanceClass="db.t3.micro", Engine="postgres",
                           MasterUsername="admin", MasterUserPassword="Passw0rd-long!", AllocatedStorage=20,
                           MultiAZ=True, AutoMinorVersionUpgrade=True, StorageEncrypted=True,
                           PubliclyAccessible=False)

    # CIS 3.6 / 7.0 4.6: a customer managed symmetric key without rotation, one with it, and an
    # asymmetric key (rotation does not apply to it).
    kms = c("kms")
    unrotated_key = kms.create_key(Description="unrotated")["KeyMetadata"]["KeyId"]
    rotated_key = kms.create_key(Description="rotated")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=rotated_key)
    kms.create_key(Description="signing", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    # CIS 2.4.1 / 7.0 3.3.1: an unencrypted EFS file system and an encrypted twin.
    efs = c("efs")
    plain_fs = efs.create_file_system(CreationToken="plain", Encrypted=False)["FileSystemId"]
    encrypted_fs = efs.create_file_system(CreationToken="encrypted", Encrypted=True)["FileSystemId"]

    for n in range(scale):
        iam.create_user(UserName=f"bulk-user-{n}")
        if n % 3 == 0:
            iam.create_access_key(UserName=f"bulk-user-{n}")
        iam.create_role(RoleName=f"bulk-role-{n}", AssumeRolePolicyDocument=ec2_role)
        if n % 10 == 0:
            iam.create_group(GroupName=f"bulk-group-{n}")
        g = ec2.create_security_group(GroupName=f"bulk-sg-{n}", Description="bulk", VpcId=vpc)["GroupId"]
        if n % 4 == 0:
            ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    if scale:
        for start in range(0, scale, 100):
            n = min(100, scale - start)
            ec2.run_instances(ImageId=amazon_ami, MinCount=n, MaxCount=n, InstanceType="t3.micro")
    return {"bad_instance": bad, "good_instance": good, "bad_sg": sg_bad, "good_sg": sg_good,
            "default_vpc": vpc, "logged_vpc": logged_vpc, "default_acl": default_acl, "web_acl": web_acl,
            "default_sg": default_sg, "unrotated_key": unrotated_key, "rotated_key": rotated_key,
            "plain_fs": plain_fs, "encrypted_fs": encrypted_fs}


def seed_account_settings(c, account, good):
    """Account-wide settings: compliant in the good account, missing or weak in the bad one.
    Returns the ids the tests look for."""
    settings = {}
    iam, s3control, cfg, gd, ct, s3 = c("iam"), c("s3control"), c("config"), c("guardduty"), c("cloudtrail"), c("s3")
    if good:
        # CIS 2.2.1 and 5.4: EBS encrypted by default and a default security group without rules
        # in us-east-1.
        ec2 = c("ec2")
        ec2.enable_ebs_encryption_by_default()
        vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        sg = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                   {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
        if sg["IpPermissions"]:
            ec2.revoke_security_group_ingress(GroupId=sg["GroupId"], IpPermissions=sg["IpPermissions"])
        if sg["IpPermissionsEgress"]:
            ec2.revoke_security_group_egress(GroupId=sg["GroupId"], IpPermissions=sg["IpPermissionsEgress"])
        settings["default_sg"] = sg["GroupId"]
        iam.update_account_password_policy(MinimumPasswordLength=14, PasswordReusePrevention=24,
                                           RequireSymbols=True, RequireNumbers=True, MaxPasswordAge=90,
                                           RequireUppercaseCharacters=True, RequireLowercaseCharacters=True)
        iam.create_account_alias(AccountAlias="yagura-good")
        s3control.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        s3.create_bucket(Bucket=f"trail-{account}")
        # CIS 3.4, 3.5, 3.8, 3.9: the trail's bucket logs access, its logs are encrypted with a
        # KMS key, and it records S3 object reads and writes of every bucket.
        s3.create_bucket(Bucket=f"access-logs-{account}", ACL="log-delivery-write")
        s3.put_bucket_logging(Bucket=f"trail-{account}", BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": f"access-logs-{account}", "TargetPrefix": "trail/"}})
        trail_key = c("kms").create_key(Description="trail logs")["KeyMetadata"]["Arn"]
        # CIS 4.x / 7.0 5.x: the trail delivers to a log group in us-west-2 whose metric filters
        # (the CIS patterns) feed alarms that notify a subscribed topic.
        log_group_arn = seed_monitoring(clients_in_region(c, "us-west-2"), account)
        ct.create_trail(Name="org-trail", S3BucketName=f"trail-{account}", IsMultiRegionTrail=True,
                        EnableLogFileValidation=True, KmsKeyId=trail_key,
                        CloudWatchLogsLogGroupArn=log_group_arn,
                        CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/trail-to-logs")
        ct.put_event_selectors(TrailName="org-trail", EventSelectors=[{
            "ReadWriteType": "All", "IncludeManagementEvents": True,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}])
        ct.start_logging(Name="org-trail")
        sns = c("sns")
        topic = sns.create_topic(Name="config-changes")["TopicArn"]
        cfg.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": f"arn:aws:iam::{account}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
        cfg.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": f"trail-{account}", "snsTopicARN": topic})
        cfg.start_configuration_recorder(ConfigurationRecorderName="default")
        gd.create_detector(Enable=True)
        ev = c("events")
        ev.put_rule(Name="guardduty-high", EventPattern=json.dumps(
            {"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}]}}), State="ENABLED")
        ev.put_targets(Rule="guardduty-high", Targets=[{"Id": "sns", "Arn": topic}])
        c("budgets").create_budget(AccountId=account, Budget={
            "BudgetName": "monthly", "BudgetLimit": {"Amount": "100", "Unit": "USD"}, "TimeUnit": "MONTHLY", "BudgetType": "COST"},
            NotificationsWithSubscribers=[{"Notification": {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80},
                                           "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "sre@example.com"}]}])
    else:
        iam.update_account_password_policy(MinimumPasswordLength=8)
        # A second region where Config records everything and GuardDuty is on, but neither
        # notifies anyone: the misconfigured side of AUD-10's and AUD-14's notification checks.
        west = clients_in_region(c, "us-west-2")
        west("config").put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": f"arn:aws:iam::{account}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": False}})
        west("s3").create_bucket(Bucket=f"config-west-{account}",
                                 CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
        west("config").put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": f"config-west-{account}"})
        west("config").start_configuration_recorder(ConfigurationRecorderName="default")
        west("guardduty").create_detector(Enable=True)
        s3.create_bucket(Bucket=f"trail-{account}")
        ct.create_trail(Name="single-region", S3BucketName=f"trail-{account}", IsMultiRegionTrail=False,
                        EnableLogFileValidation=False)
        cfg.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": f"arn:aws:iam::{account}:role/config",
            "recordingGroup": {"allSupported": False, "resourceTypes": ["AWS::EC2::Instance"]}})
        gd.create_detector(Enable=False)
        c("budgets").create_budget(AccountId=account, Budget={
            "BudgetName": "silent", "BudgetLimit": {"Amount": "100", "Unit": "USD"}, "TimeUnit": "MONTHLY", "BudgetType": "COST"})
    return settings


def cis_patterns():
    """The metric filter patterns of CIS's monitoring section, read from their one declaration
    (crates/yagura-audit/src/checks/cloudwatch/monitor/cis.rs): the first of each entry, written without
    spaces around operators and parentheses so that the audit's matcher has to normalise them."""
    src = open(os.path.join(os.path.dirname(__file__), "../crates/yagura-audit/src/checks/cloudwatch/monitor/cis.rs")).read()
    entries = re.findall(r'patterns: &\[\s*(?:r#"(.*?)"#|"(.*?)")', src, re.S)
    return [re.sub(r"\s*([(){}=|&!]+)\s*", r"\1", a or b) for a, b in entries]


def seed_monitoring(c, account):
    logs, cw, sns = c("logs"), c("cloudwatch"), c("sns")
    logs.create_log_group(logGroupName="cloudtrail-events")
    topic = sns.create_topic(Name="security-alarms")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security@example.com")
    for n, pattern in enumerate(cis_patterns()):
        logs.put_metric_filter(logGroupName="cloudtrail-events", filterName=f"cis-{n}", filterPattern=pattern,
                               metricTransformations=[{"metricName": f"cis-{n}", "metricNamespace": "CISBenchmark", "metricValue": "1"}])
        cw.put_metric_alarm(AlarmName=f"cis-{n}", MetricName=f"cis-{n}", Namespace="CISBenchmark", Statistic="Sum",
                            Period=300, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
                            ActionsEnabled=True, AlarmActions=[topic])
    return logs.describe_log_groups(logGroupNamePrefix="cloudtrail-events")["logGroups"][0]["arn"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("endpoint")
    ap.add_argument("--scale", type=int, default=0)
    ap.add_argument("--hostile", action="store_true")
    a = ap.parse_args()
    base = clients(a.endpoint)
    bad_account = base("sts").get_caller_identity()["Account"]
    org = base("organizations")
    org.create_organization(FeatureSet="ALL")
    good_account = org.create_account(AccountName="good-twin", Email="good@example.com")["CreateAccountStatus"]["AccountId"]
    creds = base("sts").assume_role(RoleArn=f"arn:aws:iam::{good_account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
    good = clients(a.endpoint, creds)
    # AUD-19: two resource accounts, one holding an IAM user and a role that may manage IAM,
    # the other only a PowerUser role; the good account plays the identity account.
    res_bad = org.create_account(AccountName="resource-bad", Email="rb@example.com")["CreateAccountStatus"]["AccountId"]
    res_good = org.create_account(AccountName="resource-clean", Email="rc@example.com")["CreateAccountStatus"]["AccountId"]
    for acct, bad in ((res_bad, True), (res_good, False)):
        cr = base("sts").assume_role(RoleArn=f"arn:aws:iam::{acct}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
        riam = clients(a.endpoint, cr)("iam")
        if bad:
            riam.create_user(UserName="stray-user")
            riam.create_role(RoleName="ci-admin", AssumeRolePolicyDocument=trust(good_account, True))
            riam.attach_role_policy(RoleName="ci-admin", PolicyArn="arn:aws:iam::aws:policy/IAMFullAccess")
        else:
            riam.create_role(RoleName="deployer", AssumeRolePolicyDocument=trust(good_account, True))
            riam.attach_role_policy(RoleName="deployer", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
            # CIS 1.17: a role for AWS Support (not in the identity account, which holds users only).
            riam.create_role(RoleName="support", AssumeRolePolicyDocument=trust(good_account, True))
            riam.attach_role_policy(RoleName="support", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    out = {"bad_account": bad_account, "good_account": good_account, "role_name": ROLE,
           "resource_bad_account": res_bad, "resource_good_account": res_good}
    out["bad"] = seed_resources(base, bad_account, good_account, a.hostile, a.scale, False)
    seed_account_settings(base, bad_account, False)
    out["good"] = seed_account_settings(good, good_account, True)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
