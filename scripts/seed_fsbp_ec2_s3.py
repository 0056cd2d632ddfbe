#!/usr/bin/env python3
"""Seeds a running moto_server with the FSBP cases of the EC2, S3, CloudTrail, KMS and IAM
checks of crates/yagura/tests/audit_fsbp_ec2_s3.rs: each misconfiguration with its compliant
twin, in one account (123456789012) and us-east-1.

usage: seed_fsbp_ec2_s3.py ENDPOINT [--no-logging-trail | --guardduty]
prints a JSON object naming what it made: {"name": "resource id or name", ...}

--no-logging-trail seeds only a trail that is not logging (the account-wide CloudTrail.3 case,
which cannot have its compliant twin in the same account). --guardduty seeds only a detector in
us-east-1 and one in us-west-2 (GuardDuty.9 and .10: one detector per region, so the twins are
in two regions).
"""
import json
import sys

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"
FOREIGN = "444455556666"


def client(endpoint, svc):
    return boto3.client(svc, endpoint_url=endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def ec2_cases(c):
    ec2 = c("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=public, MapPublicIpOnLaunch={"Value": True})
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.2.0/24")["Subnet"]["SubnetId"]
    images = lambda kind: ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "virtualization-type", "Values": [kind]}])["Images"][0]["ImageId"]
    ami, pv_ami = images("hvm"), images("paravirtual")
    with_ip = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro", NetworkInterfaces=[
        {"DeviceIndex": 0, "SubnetId": public, "AssociatePublicIpAddress": True}])["Instances"][0]["InstanceId"]
    without_ip = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro", NetworkInterfaces=[
        {"DeviceIndex": 0, "SubnetId": private, "AssociatePublicIpAddress": False}])["Instances"][0]["InstanceId"]
    unused_acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    used_acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    acls = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [private]}])["NetworkAcls"]
    assoc = next(a["NetworkAclAssociationId"] for a in acls[0]["Associations"] if a["SubnetId"] == private)
    ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=used_acl)
    # An EC2 API endpoint in this VPC; a second VPC without one.
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.ec2", VpcEndpointType="Interface",
                            SubnetIds=[private])
    bare_vpc = ec2.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    # Transit gateways: one accepting shared attachments automatically, one not.
    tgw = {}
    for name, auto in [("open_tgw", "enable"), ("reviewed_tgw", "disable")]:
        tgw[name] = ec2.create_transit_gateway(Description=name, Options={
            "AutoAcceptSharedAttachments": auto})["TransitGateway"]["TransitGatewayId"]
    # A second network interface on the instance with a public address.
    eni = ec2.create_network_interface(SubnetId=public)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=with_ip, DeviceIndex=1)
    # A paravirtual instance, stopped (EC2.4 judges how long).
    old = ec2.run_instances(ImageId=pv_ami, MinCount=1, MaxCount=1, InstanceType="m1.small",
                            SubnetId=private)["Instances"][0]["InstanceId"]
    ec2.stop_instances(InstanceIds=[old])
    # Two data volumes attached to the instance without a public address, one encrypted.
    zone = ec2.describe_subnets(SubnetIds=[private])["Subnets"][0]["AvailabilityZone"]
    volumes = {}
    for name, encrypted, device in [("plain_volume", False, "/dev/sdf"), ("sealed_volume", True, "/dev/sdg")]:
        vol = ec2.create_volume(AvailabilityZone=zone, Size=1, Encrypted=encrypted)["VolumeId"]
        ec2.attach_volume(VolumeId=vol, InstanceId=without_ip, Device=device)
        volumes[name] = vol
    # EC2.1: a snapshot of each volume; anyone may restore the first.
    for name in ("plain_volume", "sealed_volume"):
        snap = ec2.create_snapshot(VolumeId=volumes[name])["SnapshotId"]
        volumes[name.replace("volume", "snapshot")] = snap
    ec2.modify_snapshot_attribute(SnapshotId=volumes["plain_snapshot"], Attribute="createVolumePermission",
                                  OperationType="add", GroupNames=["all"])
    idle = ec2.allocate_address(Domain="vpc")["AllocationId"]
    used = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=used, NetworkInterfaceId=eni)
    return {"public_subnet": public, "private_subnet": private, "instance_with_public_ip": with_ip,
            "instance_without_public_ip": without_ip, "unused_acl": unused_acl, "used_acl": used_acl,
            "stopped_paravirtual_instance": old, "idle_eip": idle, "used_eip": used,
            "vpc_with_ec2_endpoint": vpc, "vpc_without_ec2_endpoint": bare_vpc} | volumes | tgw


def trail_bucket(s3, name, public):
    s3.create_bucket(Bucket=name)
    statements = [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                   "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{name}/AWSLogs/{ACCOUNT}/*"}]
    if public:
        statements.append({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::{name}/*"})
    s3.put_bucket_policy(Bucket=name, Policy=doc(*statements))


def cloudtrail_cases(c, logging_only=False):
    s3, ct = c("s3"), c("cloudtrail")
    if logging_only:
        trail_bucket(s3, "fsbp-stopped-trail-logs", public=False)
        ct.create_trail(Name="fsbp-stopped", S3BucketName="fsbp-stopped-trail-logs")
        return {"stopped_trail": "fsbp-stopped"}
    trail_bucket(s3, "fsbp-public-trail-logs", public=True)
    trail_bucket(s3, "fsbp-private-trail-logs", public=False)
    logs = c("logs")
    logs.create_log_group(logGroupName="fsbp-trail")
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:fsbp-trail:*"
    ct.create_trail(Name="fsbp-exposed", S3BucketName="fsbp-public-trail-logs")
    ct.create_trail(Name="fsbp-watched", S3BucketName="fsbp-private-trail-logs",
                    CloudWatchLogsLogGroupArn=group,
                    CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs")
    ct.start_logging(Name="fsbp-exposed")
    ct.start_logging(Name="fsbp-watched")
    return {"exposed_trail": "fsbp-exposed", "watched_trail": "fsbp-watched"}


def kms_cases(c):
    kms = c("kms")
    doomed = kms.create_key(Description="fsbp doomed")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
    kept = kms.create_key(Description="fsbp kept")["KeyMetadata"]["KeyId"]
    public = kms.create_key(Description="fsbp public", Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}))["KeyMetadata"]["KeyId"]
    return {"key_pending_deletion": doomed, "key_kept": kept, "key_public": public}


def s3_cases(c):
    s3 = c("s3")
    for b in ["fsbp-logged", "fsbp-unlogged", "fsbp-access-logs", "fsbp-foreign-admin", "fsbp-foreign-reader"]:
        s3.create_bucket(Bucket=b)
    s3.put_bucket_acl(Bucket="fsbp-access-logs", GrantWrite="uri=http://acs.amazonaws.com/groups/s3/LogDelivery",
                      GrantReadACP="uri=http://acs.amazonaws.com/groups/s3/LogDelivery")
    s3.put_bucket_logging(Bucket="fsbp-logged", BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "fsbp-access-logs", "TargetPrefix": "fsbp-logged/"}})
    foreign = {"AWS": f"arn:aws:iam::{FOREIGN}:root"}
    s3.put_bucket_policy(Bucket="fsbp-foreign-admin", Policy=doc(
        {"Effect": "Allow", "Principal": foreign, "Action": ["s3:GetObject", "s3:PutBucketPolicy"],
         "Resource": ["arn:aws:s3:::fsbp-foreign-admin", "arn:aws:s3:::fsbp-foreign-admin/*"]}))
    s3.put_bucket_policy(Bucket="fsbp-foreign-reader", Policy=doc(
        {"Effect": "Allow", "Principal": foreign, "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": "arn:aws:s3:::fsbp-foreign-reader/*"}))
    # Data protection: one bucket with every setting, twins without.
    s3.create_bucket(Bucket="fsbp-protected", ObjectLockEnabledForBucket=True)
    s3.put_bucket_versioning(Bucket="fsbp-protected", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket="fsbp-protected", LifecycleConfiguration={"Rules": [
        {"ID": "old-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 90}}]})
    queue = boto3.client("sqs", endpoint_url=s3.meta.endpoint_url, region_name=REGION,
                         aws_access_key_id="testing", aws_secret_access_key="testing")
    url = queue.create_queue(QueueName="fsbp-bucket-events")["QueueUrl"]
    arn = queue.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket="fsbp-protected", NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectRemoved:*"]}]})
    s3.put_bucket_encryption(Bucket="fsbp-protected", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
    s3.put_bucket_ownership_controls(Bucket="fsbp-protected", OwnershipControls={"Rules": [
        {"ObjectOwnership": "BucketOwnerEnforced"}]})
    west = boto3.client("s3", endpoint_url=s3.meta.endpoint_url, region_name="us-west-2",
                        aws_access_key_id="testing", aws_secret_access_key="testing")
    west.create_bucket(Bucket="fsbp-replica-west", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    west.put_bucket_versioning(Bucket="fsbp-replica-west", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket="fsbp-protected", ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication", "Rules": [
            {"ID": "west", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
             "DeleteMarkerReplication": {"Status": "Disabled"},
             "Destination": {"Bucket": "arn:aws:s3:::fsbp-replica-west"}}]})
    s3.create_bucket(Bucket="fsbp-bare")
    s3.put_bucket_encryption(Bucket="fsbp-bare", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.put_bucket_ownership_controls(Bucket="fsbp-bare", OwnershipControls={"Rules": [
        {"ObjectOwnership": "ObjectWriter"}]})
    s3.create_bucket(Bucket="fsbp-versions-piling")
    s3.put_bucket_versioning(Bucket="fsbp-versions-piling", VersioningConfiguration={"Status": "Enabled"})
    return {"bucket_protected": "fsbp-protected", "bucket_bare": "fsbp-bare",
            "bucket_versions_piling": "fsbp-versions-piling",
            "bucket_logged": "fsbp-logged", "bucket_unlogged": "fsbp-unlogged",
            "bucket_foreign_admin": "fsbp-foreign-admin", "bucket_foreign_reader": "fsbp-foreign-reader"}


def iam_cases(c, key_id):
    iam = c("iam")
    one_key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}"
    policies = {
        "fsbp-s3-everything": doc({"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}),
        "fsbp-s3-read": doc({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}),
        "fsbp-decrypt-any": doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}),
        "fsbp-decrypt-one": doc({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": one_key}),
    }
    for name, text in policies.items():
        iam.create_policy(PolicyName=name, PolicyDocument=text)
    iam.create_user(UserName="fsbp-decrypt-anything")
    iam.put_user_policy(UserName="fsbp-decrypt-anything", PolicyName="kms",
                        PolicyDocument=doc({"Effect": "Allow", "Action": "kms:ReEncrypt*", "Resource": "*"}))
    iam.create_user(UserName="fsbp-decrypt-one-key")
    iam.put_user_policy(UserName="fsbp-decrypt-one-key", PolicyName="kms",
                        PolicyDocument=doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": one_key}))
    return {name: name for name in policies} | {
        "user_decrypt_anything": "fsbp-decrypt-anything", "user_decrypt_one_key": "fsbp-decrypt-one-key"}


def guardduty_cases(endpoint):
    """A detector per region: us-east-1 with S3 Protection only, us-west-2 with RDS Protection
    only."""
    out = {}
    for region, features in [("us-east-1", {"S3_DATA_EVENTS": "ENABLED", "RDS_LOGIN_EVENTS": "DISABLED"}),
                             ("us-west-2", {"RDS_LOGIN_EVENTS": "ENABLED"})]:
        gd = boto3.client("guardduty", endpoint_url=endpoint, region_name=region,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        kw = {"Enable": True, "Features": [{"Name": n, "Status": s} for n, s in features.items()]}
        out[f"detector_{region}"] = gd.create_detector(**kw)["DetectorId"]
    return out


def lambda_cases(c):
    """Four functions: public and old and outside a VPC, or the opposite; one in a VPC of one
    Availability Zone."""
    import io
    import zipfile
    iam, lam, ec2 = c("iam"), c("lambda"), c("ec2")
    role = iam.create_role(RoleName="fsbp-function", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}))["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return None\n")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    a2 = ec2.create_subnet(VpcId=vpc, CidrBlock="10.42.3.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]

    def make(name, runtime, subnets):
        kw = {"VpcConfig": {"SubnetIds": subnets, "SecurityGroupIds": []}} if subnets else {}
        lam.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler="index.handler",
                            Code={"ZipFile": buf.getvalue()}, **kw)
    make("fsbp-open-old", "python3.8", [])
    lam.add_permission(FunctionName="fsbp-open-old", StatementId="anyone", Action="lambda:InvokeFunction",
                       Principal="*")
    make("fsbp-closed-new", "python3.13", [a, b])
    lam.add_permission(FunctionName="fsbp-closed-new", StatementId="uploads", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::fsbp-logged", SourceAccount=ACCOUNT)
    make("fsbp-one-zone", "python3.13", [a, a2])
    return {"function_open_old": "fsbp-open-old", "function_closed_new": "fsbp-closed-new",
            "function_one_zone": "fsbp-one-zone"}


def ssm_cases(c):
    ssm = c("ssm")
    content = json.dumps({"schemaVersion": "2.2", "description": "fsbp", "mainSteps": [
        {"action": "aws:runShellScript", "name": "run", "inputs": {"runCommand": ["true"]}}]})
    for name in ["fsbp-public-document", "fsbp-shared-document"]:
        ssm.create_document(Content=content, Name=name, DocumentType="Command", DocumentFormat="JSON")
    ssm.modify_document_permission(Name="fsbp-public-document", PermissionType="Share", AccountIdsToAdd=["all"])
    ssm.modify_document_permission(Name="fsbp-shared-document", PermissionType="Share", AccountIdsToAdd=[FOREIGN])
    return {"public_document": "fsbp-public-document", "shared_document": "fsbp-shared-document"}


def main():
    endpoint = sys.argv[1]
    c = lambda svc: client(endpoint, svc)
    if "--guardduty" in sys.argv[2:]:
        print(json.dumps(guardduty_cases(endpoint)))
        return
    if "--no-logging-trail" in sys.argv[2:]:
        print(json.dumps(cloudtrail_cases(c, logging_only=True)))
        return
    out = {}
    out |= ec2_cases(c)
    out |= cloudtrail_cases(c)
    out |= kms_cases(c)
    out |= s3_cases(c)
    out |= iam_cases(c, out["key_kept"])
    out |= lambda_cases(c)
    out |= ssm_cases(c)
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
