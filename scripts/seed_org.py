#!/usr/bin/env python3
"""Seeds a running moto_server with an Organization of many member accounts, for the scale test
of `yagura audit --org` (crates/yagura/tests/audit_org.rs) and bench/audit_org.sh.

Each member account gets a little of everything the audit reads: an IAM user with an access key,
an S3 bucket and a security group open to the world on SSH; its OrganizationAccountAccessRole
(which moto creates with the account) gets an inline policy allowing everything, so that the
role still works once moto enforces IAM. The management account gets a user `org-auditor`
(allowed everything) whose keys are printed; with --broken, that user is also denied
sts:AssumeRole into one member account's role, so that account cannot be reached once IAM is
enforced (POST /moto-api/reset-auth), the way a member account without the audit role behaves.

usage: seed_org.py ENDPOINT [--accounts N] [--broken] [--region R]
prints a JSON object: {"management", "role_name", "accounts": [...], "broken", "auditor": [id, secret]}
"""
import argparse
import json
import sys

import boto3

ROLE = "OrganizationAccountAccessRole"
ALLOW_ALL = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def client(endpoint, svc, region, creds=None):
    kw = dict(endpoint_url=endpoint, region_name=region)
    if creds:
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    else:
        kw.update(aws_access_key_id="testing", aws_secret_access_key="testing")
    return boto3.client(svc, **kw)


def seed_member(endpoint, region, account, sts):
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed")["Credentials"]
    iam = client(endpoint, "iam", region, creds)
    iam.put_role_policy(RoleName=ROLE, PolicyName="admin", PolicyDocument=ALLOW_ALL)
    iam.create_user(UserName="app")
    iam.create_access_key(UserName="app")
    client(endpoint, "s3", region, creds).create_bucket(Bucket=f"data-{account}")
    ec2 = client(endpoint, "ec2", region, creds)
    vpc = ec2.describe_vpcs()["Vpcs"]
    kw = {"VpcId": vpc[0]["VpcId"]} if vpc else {}
    sg = ec2.create_security_group(GroupName="ssh-open", Description="ssh from anywhere", **kw)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("endpoint")
    ap.add_argument("--accounts", type=int, default=50)
    ap.add_argument("--broken", action="store_true")
    ap.add_argument("--region", default="us-east-1")
    a = ap.parse_args()
    sts = client(a.endpoint, "sts", a.region)
    management = sts.get_caller_identity()["Account"]
    org = client(a.endpoint, "organizations", a.region)
    org.create_organization(FeatureSet="ALL")
    accounts = []
    for i in range(a.accounts):
        acct = org.create_account(AccountName=f"member-{i:04d}", Email=f"m{i}@example.com")
        accounts.append(acct["CreateAccountStatus"]["AccountId"])
    for acct in accounts:
        seed_member(a.endpoint, a.region, acct, sts)
    broken = accounts[len(accounts) // 2] if a.broken and accounts else None
    iam = client(a.endpoint, "iam", a.region)
    iam.create_user(UserName="org-auditor")
    iam.put_user_policy(UserName="org-auditor", PolicyName="all", PolicyDocument=ALLOW_ALL)
    if broken:
        iam.put_user_policy(UserName="org-auditor", PolicyName="no-broken", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Deny", "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::{broken}:role/{ROLE}"}]}))
    key = iam.create_access_key(UserName="org-auditor")["AccessKey"]
    json.dump({"management": management, "role_name": ROLE, "accounts": sorted(accounts),
               "broken": broken, "auditor": [key["AccessKeyId"], key["SecretAccessKey"]]}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
