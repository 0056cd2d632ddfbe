#!/usr/bin/env python3
"""Seeds a running moto_server with every privilege-escalation path of pathfinding.cloud
(shared/testdata/iam/pathfinding/data/paths) that moto can hold, each as a vulnerable principal
and a harmless twin (the same actions restricted by resource, by condition, or denied in another
policy), plus chains of two and three hops, a path through a group, a path across two accounts
and the exposure case of seed 000 (a public instance, port 22 open to the world, an instance
profile whose role can pass an admin role to Lambda) with its twins.

usage: seed_paths.py ENDPOINT PATHS_DIR
prints a JSON object: {"account", "other_account", "other_credentials", "expect": [...]} where
each expectation is {"principal": ARN, "kind": "path" | "admin" | "potential" | "none",
"target": ARN (path), "path_id": pathfinding id or null, "twin": bool}.

How each category is read (the data names the permissions; the prerequisites are prose):
- new-passrole with iam:PassRole: an admin role trusting the path's service; the vulnerable
  principal may pass it and may call the other permissions on `*`.
- instance paths (SSM, EC2 Instance Connect, ModifyInstanceAttribute): an instance running with
  an admin role; the vulnerable principal may act on that instance only.
- the other existing-resource paths (Lambda functions, stacks, projects, …): yagura does not
  collect those resources, so the path is potential: the principal may act on every such
  resource.
- the IAM paths: written out below, one by one.
"""
import glob
import json
import os
import sys

import boto3
import yaml

REGION = "us-east-1"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
READONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
OTHER_ACCOUNT = "222222222222"

SERVICE = {
    "apprunner": "tasks.apprunner.amazonaws.com",
    "bedrock-agentcore": "bedrock-agentcore.amazonaws.com",
    "cloudformation": "cloudformation.amazonaws.com",
    "codebuild": "codebuild.amazonaws.com",
    "datapipeline": "datapipeline.amazonaws.com",
    "ec2": "ec2.amazonaws.com",
    "ecs": "ecs-tasks.amazonaws.com",
    "glue": "glue.amazonaws.com",
    "lambda": "lambda.amazonaws.com",
    "sagemaker": "sagemaker.amazonaws.com",
}


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions, resource="*", condition=None):
    s = {"Effect": "Allow", "Action": actions, "Resource": resource}
    if condition:
        s["Condition"] = condition
    return s


def deny(actions, resource="*"):
    return {"Effect": "Deny", "Action": actions, "Resource": resource}


def trust_service(svc):
    return doc({"Effect": "Allow", "Principal": {"Service": svc}, "Action": "sts:AssumeRole"})


def trust_aws(principal):
    return doc({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"})


class Seeder:
    def __init__(self, endpoint, creds=None):
        kw = dict(endpoint_url=endpoint, region_name=REGION)
        if creds:
            kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                      aws_session_token=creds["SessionToken"])
        else:
            kw.update(aws_access_key_id="testing", aws_secret_access_key="testing")
        self.iam = boto3.client("iam", **kw)
        self.ec2 = boto3.client("ec2", **kw)
        self.sts = boto3.client("sts", **kw)
        self.account = self.sts.get_caller_identity()["Account"]
        self.expect = []
        self.roles = set()
        self.users = set()

    def arn(self, kind, name):
        return f"arn:aws:iam::{self.account}:{kind}/{name}"

    def user(self, name, *policies, groups=(), managed=(), tags=None):
        self.iam.create_user(UserName=name, Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])
        self.users.add(name)
        for i, p in enumerate(policies):
            self.iam.put_user_policy(UserName=name, PolicyName=f"p{i}", PolicyDocument=p)
        for g in groups:
            self.iam.add_user_to_group(UserName=name, GroupName=g)
        for m in managed:
            self.iam.attach_user_policy(UserName=name, PolicyArn=m)
        return self.arn("user", name)

    def role(self, name, trust, *policies, managed=(), profile=False):
        if name in self.roles:
            return self.arn("role", name)
        self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
        self.roles.add(name)
        for i, p in enumerate(policies):
            self.iam.put_role_policy(RoleName=name, PolicyName=f"p{i}", PolicyDocument=p)
        for m in managed:
            self.iam.attach_role_policy(RoleName=name, PolicyArn=m)
        if profile:
            self.iam.create_instance_profile(InstanceProfileName=name)
            self.iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
        return self.arn("role", name)

    def group(self, name, *policies, managed=()):
        self.iam.create_group(GroupName=name)
        for i, p in enumerate(policies):
            self.iam.put_group_policy(GroupName=name, PolicyName=f"p{i}", PolicyDocument=p)
        for m in managed:
            self.iam.attach_group_policy(GroupName=name, PolicyArn=m)
        return self.arn("group", name)

    def policy(self, name, document):
        return self.iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]

    def want(self, principal, kind, target=None, path_id=None, twin=False):
        self.expect.append({"principal": principal, "kind": kind, "target": target, "path_id": path_id, "twin": twin})

    def instance(self, name, profile, group_ids):
        r = self.ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                   IamInstanceProfile={"Name": profile}, SecurityGroupIds=group_ids,
                                   TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])
        return r["Instances"][0]["InstanceId"]

    def sg(self, name, open_22):
        g = self.ec2.create_security_group(GroupName=name, Description=name)["GroupId"]
        if open_22:
            self.ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        return g


def seed_paths(s, paths_dir):
    closed = s.sg("closed", False)
    # Instances for the instance paths: one runs with an admin role, its twin with a plain one.
    adm_inst_role = s.role("adm-instance", trust_service("ec2.amazonaws.com"), managed=[ADMIN_ARN], profile=True)
    s.role("plain-instance", trust_service("ec2.amazonaws.com"), doc(allow(["s3:GetObject"], "arn:aws:s3:::b/*")), profile=True)
    i_adm = s.instance("admin-box", "adm-instance", [closed])
    i_plain = s.instance("plain-box", "plain-instance", [closed])
    inst_arn = lambda i: f"arn:aws:ec2:{REGION}:{s.account}:instance/{i}"
    # Targets of the IAM paths.
    adm_user = s.user("adm-user", managed=[ADMIN_ARN])
    plain_user = s.user("plain-user")
    adm_locked = s.role("adm-locked", trust_service("states.amazonaws.com"), managed=[ADMIN_ARN])
    plain_locked = s.role("plain-locked", trust_service("states.amazonaws.com"))
    root = f"arn:aws:iam::{s.account}:root"
    adm_root = s.role("adm-root-trust", trust_aws(root), managed=[ADMIN_ARN])
    plain_root = s.role("plain-root-trust", trust_aws(root))
    s.group("admins", managed=[ADMIN_ARN])
    s.group("readers", managed=[READONLY_ARN])
    twin_kinds = ["resource", "condition", "deny"]

    files = sorted(glob.glob(os.path.join(paths_dir, "*", "*.yaml")))
    for n, f in enumerate(files):
        d = yaml.safe_load(open(f))
        pid, cat = d["id"], d["category"]
        req = [p["permission"] for p in (d.get("permissions") or {}).get("required") or []]
        services = sorted({a.split(":")[0] for a in req} - {"iam", "sts"})
        main = services[0] if services else ""
        others = [a for a in req if a != "iam:PassRole"]
        v, t = f"v-{pid}", f"t-{pid}"
        twin = twin_kinds[n % 3]
        instance_path = "ssm" in services or "ec2-instance-connect" in services or "ec2:ModifyInstanceAttribute" in req
        if cat == "new-passrole" and "iam:PassRole" in req:
            svc = SERVICE[main]
            target = s.role(f"adm-{main}", trust_service(svc), managed=[ADMIN_ARN], profile=(main == "ec2"))
            plain = s.role(f"plain-{main}", trust_service(svc), profile=(main == "ec2"))
            s.want(s.user(v, doc(allow("iam:PassRole", target), allow(others))), "path", target, pid)
            if twin == "resource":
                tw = s.user(t, doc(allow("iam:PassRole", plain), allow(others)))
            elif twin == "condition":
                tw = s.user(t, doc(allow("iam:PassRole", "*", {"StringEquals": {"iam:PassedToService": "states.amazonaws.com"}}),
                                   allow(others)))
            else:
                tw = s.user(t, doc(allow("iam:PassRole", target), allow(others)), doc(deny(others[-1:])))
            s.want(tw, "none", twin=True)
        elif instance_path:
            acts = [a for a in others if a != "ec2:DescribeInstances"]
            s.want(s.user(v, doc(allow(acts, inst_arn(i_adm)), allow("ec2:DescribeInstances"))), "path", adm_inst_role, pid)
            s.want(s.user(t, doc(allow(acts, inst_arn(i_plain)), allow("ec2:DescribeInstances"))), "none", twin=True)
        elif cat in ("new-passrole", "existing-passrole"):
            s.want(s.user(v, doc(allow(others))), "potential", path_id=pid)
            s.want(s.user(t, doc(allow(others)), doc(deny(others[:1]))), "none", twin=True)
        else:
            seed_iam_path(s, pid, v, t, adm_user, plain_user, adm_locked, plain_locked, adm_root, plain_root)


def seed_iam_path(s, pid, v, t, adm_user, plain_user, adm_locked, plain_locked, adm_root, plain_root):
    me = lambda kind, name: s.arn(kind, name)
    admin_only = {"ArnEquals": {"iam:PolicyARN": READONLY_ARN}}
    if pid == "iam-001":
        pol = s.policy(f"cmp-{v}", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
        other = s.policy(f"cmp-{t}-other", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
        s.want(s.user(v, doc(allow("iam:CreatePolicyVersion", pol)), managed=[pol]), "admin", path_id=pid)
        pol_t = s.policy(f"cmp-{t}", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
        s.want(s.user(t, doc(allow("iam:CreatePolicyVersion", other)), managed=[pol_t]), "none", twin=True)
    elif pid == "iam-005":
        s.want(s.role(v, trust_service("ec2.amazonaws.com"), doc(allow("iam:PutRolePolicy", me("role", v)))), "admin", path_id=pid)
        s.want(s.role(t, trust_service("ec2.amazonaws.com"), doc(allow("iam:PutRolePolicy", plain_locked))), "none", twin=True)
    elif pid == "iam-007":
        s.want(s.user(v, doc(allow("iam:PutUserPolicy", me("user", v)))), "admin", path_id=pid)
        s.want(s.user(t, doc(allow("iam:PutUserPolicy", me("user", v + "-not-me")))), "none", twin=True)
    elif pid == "iam-008":
        s.want(s.user(v, doc(allow("iam:AttachUserPolicy", me("user", v)))), "admin", path_id=pid)
        s.want(s.user(t, doc(allow("iam:AttachUserPolicy", me("user", t), admin_only))), "none", twin=True)
    elif pid == "iam-009":
        s.want(s.role(v, trust_service("ec2.amazonaws.com"), doc(allow("iam:AttachRolePolicy", me("role", v)))), "admin", path_id=pid)
        s.want(s.role(t, trust_service("ec2.amazonaws.com"), doc(allow("iam:AttachRolePolicy", me("role", t), admin_only))), "none", twin=True)
    elif pid == "iam-010":
        g = s.group(f"g-{v}", doc(allow("s3:ListAllMyBuckets")))
        s.group(f"g-{t}", doc(allow("s3:ListAllMyBuckets")))
        other = s.group(f"g-{t}-other")
        s.want(s.user(v, doc(allow("iam:AttachGroupPolicy", g)), groups=[f"g-{v}"]), "admin", path_id=pid)
        s.want(s.user(t, doc(allow("iam:AttachGroupPolicy", other)), groups=[f"g-{t}"]), "none", twin=True)
    elif pid == "iam-011":
        g = s.group(f"g-{v}")
        g2 = s.group(f"g-{t}")
        s.want(s.user(v, doc(allow("iam:PutGroupPolicy", g)), groups=[f"g-{v}"]), "admin", path_id=pid)
        s.want(s.user(t, doc(allow("iam:PutGroupPolicy", g2)), doc(deny("iam:PutGroupPolicy")), groups=[f"g-{t}"]), "none", twin=True)
    elif pid == "iam-013":
        s.want(s.user(v, doc(allow("iam:AddUserToGroup", me("group", "admins")))), "path", me("group", "admins"), pid)
        s.want(s.user(t, doc(allow("iam:AddUserToGroup", me("group", "readers")))), "none", twin=True)
    elif pid in ("iam-002", "iam-004", "iam-006"):
        action = {"iam-002": "iam:CreateAccessKey", "iam-004": "iam:CreateLoginProfile", "iam-006": "iam:UpdateLoginProfile"}[pid]
        s.want(s.user(v, doc(allow(action, adm_user))), "path", adm_user, pid)
        if pid == "iam-006":
            tw = s.user(t, doc(allow(action, "*", {"StringEquals": {"aws:ResourceTag/team": "sandbox"}})))
        else:
            tw = s.user(t, doc(allow(action, plain_user)))
        s.want(tw, "none", twin=True)
    elif pid == "iam-003":
        s.want(s.user(v, doc(allow(["iam:CreateAccessKey", "iam:DeleteAccessKey"], adm_user))), "path", adm_user, "iam-002")
        s.want(s.user(t, doc(allow(["iam:CreateAccessKey", "iam:DeleteAccessKey"], adm_user)), doc(deny("iam:CreateAccessKey"))), "none", twin=True)
    elif pid == "iam-012":
        s.want(s.user(v, doc(allow("iam:UpdateAssumeRolePolicy", adm_locked))), "path", adm_locked, pid)
        s.want(s.user(t, doc(allow("iam:UpdateAssumeRolePolicy", plain_locked))), "none", twin=True)
    elif pid == "sts-001":
        s.want(s.user(v, doc(allow("sts:AssumeRole", adm_root))), "path", adm_root, pid)
        s.want(s.user(t, doc(allow("sts:AssumeRole", plain_root))), "none", twin=True)
    elif pid in ("iam-014", "iam-016", "iam-017", "iam-019", "iam-020", "iam-021"):
        # Make a non-admin role admin, then become it (assume it, or rewrite its trust).
        root = f"arn:aws:iam::{s.account}:root"
        assume = pid in ("iam-014", "iam-016", "iam-017")
        trust = trust_aws(root) if assume else trust_service("states.amazonaws.com")
        target = s.role(f"target-{pid}", trust)
        twin_target = s.role(f"target-{pid}-twin", trust)
        become = "sts:AssumeRole" if assume else "iam:UpdateAssumeRolePolicy"
        if pid in ("iam-016", "iam-020"):
            pol = s.policy(f"cmp-target-{pid}", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
            s.iam.attach_role_policy(RoleName=f"target-{pid}", PolicyArn=pol)
            pol_t = s.policy(f"cmp-target-{pid}-twin", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")))
            s.iam.attach_role_policy(RoleName=f"target-{pid}-twin", PolicyArn=pol_t)
            s.want(s.user(v, doc(allow("iam:CreatePolicyVersion", pol), allow(become, target))), "path", target, pid)
            # Twin: becomes another role than the one whose policy it can rewrite.
            s.want(s.user(t, doc(allow("iam:CreatePolicyVersion", pol_t), allow(become, plain_locked if not assume else plain_root))), "none", twin=True)
        else:
            edit = "iam:AttachRolePolicy" if pid in ("iam-014", "iam-019") else "iam:PutRolePolicy"
            s.want(s.user(v, doc(allow(edit, target), allow(become, target))), "path", target, pid)
            if edit == "iam:AttachRolePolicy":
                tw = s.user(t, doc(allow(edit, twin_target, admin_only), allow(become, twin_target)))
            else:
                tw = s.user(t, doc(allow(edit, twin_target), allow(become, twin_target)), doc(deny(become)))
            s.want(tw, "none", twin=True)
    elif pid in ("iam-015", "iam-018"):
        target = s.user(f"target-{pid}")
        twin_target = s.user(f"target-{pid}-twin", tags={"team": "prod"})
        edit = "iam:AttachUserPolicy" if pid == "iam-015" else "iam:PutUserPolicy"
        s.want(s.user(v, doc(allow(edit, target), allow("iam:CreateAccessKey", target))), "path", target, pid)
        if pid == "iam-015":
            tw = s.user(t, doc(allow(edit, twin_target), allow("iam:CreateAccessKey", twin_target)), doc(deny(edit)))
        else:
            tw = s.user(t, doc(allow(edit, "*", {"StringEquals": {"aws:ResourceTag/team": "dev"}}),
                               allow("iam:CreateAccessKey", twin_target)))
        s.want(tw, "none", twin=True)
    else:
        raise SystemExit(f"seed_paths.py: no seed for {pid}")


def seed_chains(s):
    """Two and three hops, a path through a group, the exposure case."""
    root = f"arn:aws:iam::{s.account}:root"
    adm_lambda = s.role("adm-lambda", trust_service("lambda.amazonaws.com"), managed=[ADMIN_ARN])
    plain_lambda = s.role("plain-lambda", trust_service("lambda.amazonaws.com"))
    passes = doc(allow("iam:PassRole", adm_lambda), allow(["lambda:CreateFunction", "lambda:InvokeFunction"]))
    mid = s.role("mid-chain", trust_aws(root), passes)
    mid_twin = s.role("mid-chain-twin", trust_aws(root), doc(allow("iam:PassRole", plain_lambda),
                                                               allow(["lambda:CreateFunction", "lambda:InvokeFunction"])))
    two = s.user("chain2", doc(allow("sts:AssumeRole", mid)))
    s.want(two, "path", adm_lambda, "lambda-001")
    s.want(s.user("chain2-twin", doc(allow("sts:AssumeRole", mid_twin))), "none", twin=True)
    s.want(s.user("chain3", doc(allow("iam:CreateLoginProfile", two))), "path", adm_lambda, "lambda-001")
    s.want(s.user("chain3-twin", doc(allow("iam:CreateLoginProfile", s.arn("user", "chain2-twin")))), "none", twin=True)
    s.group("deployers", passes)
    s.group("deployers-twin", doc(allow("iam:PassRole", adm_lambda), allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
                                  deny("lambda:InvokeFunction")))
    s.want(s.user("grouped", groups=["deployers"]), "path", adm_lambda, "lambda-001")
    s.want(s.user("grouped-twin", groups=["deployers-twin"]), "none", twin=True)
    # Exposure: the web server of seed 000 and its twins.
    web = s.role("web-role", trust_service("ec2.amazonaws.com"), passes, profile=True)
    s.role("web-plain-role", trust_service("ec2.amazonaws.com"), doc(allow("s3:GetObject", "arn:aws:s3:::b/*")), profile=True)
    s.want(web, "path", adm_lambda, "lambda-001")
    open22 = s.sg("web-open-22", True)
    closed = s.sg("web-closed", False)
    return {
        "exposed": s.instance("web", "web-role", [open22]),
        "closed_twin": s.instance("web-closed", "web-role", [closed]),
        "harmless_twin": s.instance("web-harmless", "web-plain-role", [open22]),
    }


def seed_cross_account(s, endpoint):
    creds = s.sts.assume_role(RoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/seed", RoleSessionName="seed")["Credentials"]
    b = Seeder(endpoint, creds)
    target = b.role("cross-admin", trust_aws(f"arn:aws:iam::{s.account}:root"), managed=[ADMIN_ARN])
    b.role("cross-plain", trust_aws(f"arn:aws:iam::{s.account}:root"))
    # Checked on the graph of both accounts (the test reads both documents).
    s.user("cross-dev", doc(allow("sts:AssumeRole", target)))
    s.user("cross-dev-twin", doc(allow("sts:AssumeRole", f"arn:aws:iam::{OTHER_ACCOUNT}:role/cross-plain")))
    return b.account, creds


def main():
    endpoint, paths_dir = sys.argv[1], sys.argv[2]
    s = Seeder(endpoint)
    seed_paths(s, paths_dir)
    instances = seed_chains(s)
    other, creds = seed_cross_account(s, endpoint)
    print(json.dumps({"account": s.account, "other_account": other, "instances": instances,
                      "other_credentials": {"AccessKeyId": creds["AccessKeyId"], "SecretAccessKey": creds["SecretAccessKey"],
                                            "SessionToken": creds["SessionToken"]},
                      "expect": s.expect}))


if __name__ == "__main__":
    main()
