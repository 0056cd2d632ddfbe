#!/usr/bin/env python3
"""Writes a synthetic GetAccountAuthorizationDetails document for bench/iam.sh: one account of
USERS users, ROLES roles and GROUPS groups whose policies are the real AWS managed policies of
shared/testdata/iam/aws-managed-policies.tar.gz (iam-dataset, MIT), attached the way accounts
attach them (read-only and service full-access policies to groups, service policies to roles,
a few administrators), plus inline policies of the shapes people write (PassRole to a prefix,
AssumeRole to deploy roles, bucket access, self-service on ${aws:username}).

Usage: iam_synthetic.py TARBALL OUT.json [USERS ROLES GROUPS]   (deterministic: seed 15)
"""
import json
import random
import re
import sys
import tarfile

ACCOUNT = "123456789012"


def main():
    tarball, out = sys.argv[1], sys.argv[2]
    users, roles, groups = (int(x) for x in (sys.argv[3:6] or ["5000", "5000", "500"]))
    rnd = random.Random(15)
    managed = {}
    with tarfile.open(tarball) as t:
        for m in t.getmembers():
            if "/managedpolicies/" in m.name and m.name.endswith(".json"):
                d = json.load(t.extractfile(m))
                if not d.get("deprecated") and d.get("arn") and not d.get("malformed"):
                    managed[d["name"]] = d
    # The tarball leaves out the two job-function policies whose text is trivial.
    managed.setdefault("AdministratorAccess", {"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "version": "v1",
                       "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}})
    managed.setdefault("PowerUserAccess", {"arn": "arn:aws:iam::aws:policy/PowerUserAccess", "version": "v5",
                       "document": {"Version": "2012-10-17", "Statement": [
                           {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
                           {"Effect": "Allow", "Action": ["account:GetAccountInformation", "account:GetPrimaryEmail", "account:ListRegions",
                                                          "iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                                                          "organizations:DescribeOrganization"], "Resource": "*"}]}})
    names = sorted(managed)
    read_only = [n for n in names if re.search(r"ReadOnly|ViewOnly", n)]
    full = [n for n in names if n.endswith("FullAccess") and n != "IAMFullAccess"]
    service_role = [n for n in names if re.search(r"ServiceRole|ExecutionRole|Policy$", n)]
    job = ["PowerUserAccess", "SecurityAudit", "ViewOnlyAccess", "ReadOnlyAccess", "SystemAdministrator",
           "DatabaseAdministrator", "NetworkAdministrator", "DataScientist", "SupportUser", "Billing"]
    job = [n for n in job if n in managed]
    used = set()

    def arn(kind, name):
        return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"

    def attach(pool, k):
        out = []
        for n in rnd.sample(pool, k):
            used.add(n)
            out.append({"PolicyName": n, "PolicyArn": managed[n]["arn"]})
        return out

    def doc(statements):
        return {"Version": "2012-10-17", "Statement": statements}

    def inline(kind, i):
        shapes = [
            [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": arn("role", f"app-{i % 97}-*")},
             {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction", "lambda:UpdateFunctionCode"], "Resource": "*"}],
            [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn("role", f"deploy-{i % 50}")}],
            [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::bucket-{i % 300}/*"}],
            [{"Effect": "Allow", "Action": ["iam:ChangePassword", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:GetUser"],
              "Resource": arn("user", "${aws:username}")}],
            [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
              "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
             {"Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:Describe*"], "Resource": "*"}],
            [{"Effect": "Allow", "Action": ["ssm:SendCommand", "ssm:StartSession"], "Resource": f"arn:aws:ec2:*:{ACCOUNT}:instance/*",
              "Condition": {"StringEquals": {"aws:ResourceTag/team": f"team-{i % 20}"}}}],
            [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}, {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}],
        ]
        s = shapes[i % len(shapes)]
        return [{"PolicyName": f"{kind}-inline-{i}", "PolicyDocument": doc(s)}]

    group_list = []
    for g in range(groups):
        r = rnd.random()
        if g < 5:
            pols = attach(["AdministratorAccess"], 1)
        elif r < 0.55:
            pols = attach(read_only, rnd.randint(1, 3))
        elif r < 0.9:
            pols = attach(full, rnd.randint(1, 2))
        else:
            pols = attach(job, 1)
        group_list.append({
            "Path": "/", "GroupName": f"group-{g}", "GroupId": f"AGPA{g:017d}", "Arn": arn("group", f"group-{g}"),
            "CreateDate": "2024-01-01T00:00:00Z", "GroupPolicyList": inline("group", g) if g % 5 == 0 else [],
            "AttachedManagedPolicies": pols})
    user_list = []
    for u in range(users):
        gs = sorted({f"group-{rnd.randrange(5, groups)}" for _ in range(rnd.randint(1, 3))})
        if u % 500 == 0:
            gs.append("group-0")  # a few administrators
        user_list.append({
            "Path": "/", "UserName": f"user-{u}", "UserId": f"AIDA{u:017d}", "Arn": arn("user", f"user-{u}"),
            "CreateDate": "2024-01-01T00:00:00Z", "GroupList": gs,
            "UserPolicyList": inline("user", u) if u % 10 == 0 else [],
            "AttachedManagedPolicies": attach(full + read_only, 1) if u % 3 == 0 else [],
            "Tags": [{"Key": "team", "Value": f"team-{u % 20}"}]})
    services = ["lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "glue.amazonaws.com",
                "sagemaker.amazonaws.com", "codebuild.amazonaws.com", "cloudformation.amazonaws.com"]
    role_list = []
    for r in range(roles):
        x = rnd.random()
        if x < 0.7:
            principal = {"Service": services[r % len(services)]}
        elif x < 0.9:
            principal = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
        else:
            principal = {"AWS": arn("user", f"user-{rnd.randrange(users)}")}
        name = f"app-{r % 97}-{r}" if r % 3 == 0 else (f"deploy-{r % 50}" if r < 50 else f"role-{r}")
        pols = attach(["AdministratorAccess"], 1) if r % 100 == 0 else attach(service_role + full, rnd.randint(1, 3))
        role_list.append({
            "Path": "/", "RoleName": name, "RoleId": f"AROA{r:017d}", "Arn": arn("role", name),
            "CreateDate": "2024-01-01T00:00:00Z",
            "AssumeRolePolicyDocument": doc([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]),
            "InstanceProfileList": [{"Path": "/", "InstanceProfileName": name, "InstanceProfileId": f"AIPA{r:017d}",
                                     "Arn": arn("instance-profile", name), "CreateDate": "2024-01-01T00:00:00Z", "Roles": []}]
            if principal.get("Service") == "ec2.amazonaws.com" else [],
            "RolePolicyList": inline("role", r) if r % 7 == 0 else [],
            "AttachedManagedPolicies": pols, "Tags": [], "RoleLastUsed": {}})
    policies = []
    for n in sorted(used):
        d = managed[n]
        policies.append({
            "PolicyName": n, "PolicyId": "ANPA" + n.upper()[:17], "Arn": d["arn"], "Path": "/",
            "DefaultVersionId": d.get("version", "v1"), "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True, "CreateDate": "2024-01-01T00:00:00Z", "UpdateDate": "2024-01-01T00:00:00Z",
            "PolicyVersionList": [{"Document": d["document"], "VersionId": d.get("version", "v1"),
                                   "IsDefaultVersion": True, "CreateDate": "2024-01-01T00:00:00Z"}]})
    with open(out, "w") as f:
        json.dump({"UserDetailList": user_list, "GroupDetailList": group_list, "RoleDetailList": role_list,
                   "Policies": policies}, f)
    print(f"{out}: {users} users, {roles} roles, {groups} groups, {len(policies)} managed policies", file=sys.stderr)


if __name__ == "__main__":
    main()
