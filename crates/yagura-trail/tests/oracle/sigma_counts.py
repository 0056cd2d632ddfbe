#!/usr/bin/env python3
"""Independent oracle for the Sigma acceptance test (WATCH-06).

Each of the 57 SigmaHQ CloudTrail rules is written out BY HAND below as a Python predicate,
following the Sigma specification (case-insensitive equality, `null` = absent, `contains: '*'`
= any non-null value, a field holding an object is matched by its JSON text, arrays match when
any element does). It shares no code with the Rust engine. Prints {rule file stem: count} over
invictus/ and stratus/ as JSON.

usage: sigma_counts.py TESTDATA_CLOUDTRAIL_DIR
"""
import glob
import json
import os
import re
import sys


def events(root):
    for f in sorted(glob.glob(os.path.join(root, "invictus", "**", "*.json"), recursive=True)):
        yield from json.load(open(f))["Records"]
    for f in sorted(glob.glob(os.path.join(root, "stratus", "*.json"))):
        yield from json.load(open(f))


def vals(r, path):
    """All non-null values at a dotted path; arrays are traversed."""
    cur = [r]
    for key in path.split("."):
        nxt = []
        for c in cur:
            stack = [c]
            while stack:
                x = stack.pop()
                if isinstance(x, list):
                    stack.extend(x)
                elif isinstance(x, dict) and key in x:
                    nxt.append(x[key])
        cur = nxt
    out = []
    for c in cur:
        if isinstance(c, list):
            out.extend(v for v in c if v is not None)
        elif c is not None:
            out.append(c)
    return out


def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    return str(v)


def eq(r, path, *options):
    return any(text(v).lower() == o.lower() for v in vals(r, path) for o in options)


def leaves(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from leaves(x)
    elif isinstance(v, list):
        for x in v:
            yield from leaves(x)
    elif v is not None:
        yield text(v)


def contains(r, path, s):
    """Substring of a value; an object or array matches by its JSON text or any string inside."""
    s = s.lower()
    return any(s in text(v).lower() or any(s in leaf.lower() for leaf in leaves(v)) for v in vals(r, path))


def contains_glob(r, path, pattern):
    """Like `contains`, for a value with a Sigma `*` wildcard inside (any characters)."""
    rx = re.compile(".*".join(re.escape(p) for p in pattern.lower().split("*")), re.S)
    return any(rx.search(text(v).lower()) or any(rx.search(leaf.lower()) for leaf in leaves(v)) for v in vals(r, path))


def present(r, path):
    return len(vals(r, path)) > 0


def src(r, s):
    return eq(r, "eventSource", s)


def name(r, *n):
    return eq(r, "eventName", *n)


def ok(r):
    return eq(r, "errorCode", "Success") or not present(r, "errorCode")


RULES = {
    "aws_cloudtrail_bedrock_guardrail_deleted": lambda r: name(r, "DeleteGuardrail") and src(r, "bedrock.amazonaws.com"),
    "aws_cloudtrail_bedrock_guardrail_updated": lambda r: name(r, "UpdateGuardrail") and src(r, "bedrock.amazonaws.com"),
    "aws_cloudtrail_bucket_deleted": lambda r: name(r, "DeleteBucket") and ok(r),
    "aws_cloudtrail_console_login_failed_authentication": lambda r: name(r, "ConsoleLogin") and eq(r, "errorMessage", "Failed authentication"),
    "aws_cloudtrail_console_login_success_without_mfa": lambda r: name(r, "ConsoleLogin") and eq(r, "additionalEventData.MFAUsed", "NO") and eq(r, "responseElements.ConsoleLogin", "Success"),
    "aws_cloudtrail_disable_logging": lambda r: src(r, "cloudtrail.amazonaws.com") and name(r, "StopLogging", "UpdateTrail", "DeleteTrail"),
    "aws_cloudtrail_guardduty_detector_deleted_or_updated": lambda r: src(r, "guardduty.amazonaws.com") and (name(r, "DeleteDetector") or (name(r, "UpdateDetector") and eq(r, "requestParameters.enable", "false"))) and ok(r),
    "aws_cloudtrail_imds_malicious_usage": lambda r: any(re.search(r".+:assumed-role/aws:.+", text(v)) for v in vals(r, "userIdentity.arn")) and not (src(r, "ssm.amazonaws.com") or name(r, "RegisterManagedInstance") or eq(r, "sourceIPAddress", "AWS Internal")),
    "aws_cloudtrail_new_acl_entries": lambda r: src(r, "ec2.amazonaws.com") and name(r, "CreateNetworkAclEntry"),
    "aws_cloudtrail_new_route_added": lambda r: src(r, "ec2.amazonaws.com") and name(r, "CreateRoute"),
    "aws_cloudtrail_pua_trufflehog": lambda r: eq(r, "userAgent", "TruffleHog"),
    "aws_cloudtrail_region_enabled": lambda r: name(r, "EnableRegion") and src(r, "account.amazonaws.com"),
    "aws_cloudtrail_security_group_change_ingress_egress": lambda r: src(r, "ec2.amazonaws.com") and name(r, "AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress", "RevokeSecurityGroupIngress"),
    "aws_cloudtrail_security_group_change_loadbalancer": lambda r: src(r, "elasticloadbalancing.amazonaws.com") and name(r, "ApplySecurityGroupsToLoadBalancer", "SetSecurityGroups"),
    "aws_cloudtrail_security_group_change_rds": lambda r: src(r, "rds.amazonaws.com") and name(r, "AuthorizeDBSecurityGroupIngress", "CreateDBSecurityGroup", "DeleteDBSecurityGroup", "RevokeDBSecurityGroupIngress"),
    "aws_cloudtrail_ssm_malicious_usage": lambda r: name(r, "SendCommand") and src(r, "ssm.amazonaws.com") and ok(r),
    "aws_cloudtrail_vpc_flow_logs_deleted": lambda r: name(r, "DeleteFlowLogs") and ok(r),
    "aws_config_disable_recording": lambda r: src(r, "config.amazonaws.com") and name(r, "DeleteDeliveryChannel", "StopConfigurationRecorder"),
    "aws_console_getsignintoken": lambda r: src(r, "signin.amazonaws.com") and name(r, "GetSigninToken") and not contains(r, "userAgent", "Jersey/${project.version}"),
    "aws_delete_identity": lambda r: src(r, "ses.amazonaws.com") and name(r, "DeleteIdentity"),
    "aws_delete_saml_provider": lambda r: src(r, "iam.amazonaws.com") and name(r, "DeleteSAMLProvider") and eq(r, "status", "success"),
    "aws_disable_bucket_versioning": lambda r: src(r, "s3.amazonaws.com") and name(r, "PutBucketVersioning") and contains(r, "requestParameters", "Suspended"),
    "aws_ec2_disable_encryption": lambda r: src(r, "ec2.amazonaws.com") and name(r, "DisableEbsEncryptionByDefault"),
    "aws_ec2_import_key_pair_activity": lambda r: src(r, "ec2.amazonaws.com") and name(r, "ImportKeyPair"),
    "aws_ec2_startup_script_change": lambda r: src(r, "ec2.amazonaws.com") and eq(r, "requestParameters.attribute", "userData") and name(r, "ModifyInstanceAttribute"),
    # `contains: '*'` is the wildcard pattern `***`: any value
    "aws_ec2_vm_export_failure": lambda r: name(r, "CreateInstanceExportTask") and src(r, "ec2.amazonaws.com") and not (present(r, "errorMessage") or present(r, "errorCode") or contains(r, "responseElements", "Failure")),
    "aws_ecs_task_definition_cred_endpoint_query": lambda r: src(r, "ecs.amazonaws.com") and name(r, "DescribeTaskDefinition", "RegisterTaskDefinition", "RunTask") and contains(r, "requestParameters.containerDefinitions.command", "$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
    "aws_efs_fileshare_modified_or_deleted": lambda r: src(r, "elasticfilesystem.amazonaws.com") and name(r, "DeleteFileSystem"),
    "aws_efs_fileshare_mount_modified_or_deleted": lambda r: src(r, "elasticfilesystem.amazonaws.com") and name(r, "DeleteMountTarget"),
    "aws_eks_cluster_created_or_deleted": lambda r: src(r, "eks.amazonaws.com") and name(r, "CreateCluster", "DeleteCluster"),
    "aws_elasticache_security_group_created": lambda r: src(r, "elasticache.amazonaws.com") and name(r, "CreateCacheSecurityGroup"),
    "aws_elasticache_security_group_modified_or_deleted": lambda r: src(r, "elasticache.amazonaws.com") and name(r, "DeleteCacheSecurityGroup", "AuthorizeCacheSecurityGroupIngress", "RevokeCacheSecurityGroupIngress", "AuthorizeCacheSecurityGroupEgress", "RevokeCacheSecurityGroupEgress"),
    "aws_enum_buckets": lambda r: src(r, "s3.amazonaws.com") and name(r, "ListBuckets") and not eq(r, "userIdentity.type", "AssumedRole"),
    "aws_guardduty_disruption": lambda r: src(r, "guardduty.amazonaws.com") and name(r, "CreateIPSet"),
    # the filter's value is the literal text `responseElements.accessKey.userName` (no fieldref)
    "aws_iam_backdoor_users_keys": lambda r: src(r, "iam.amazonaws.com") and name(r, "CreateAccessKey") and not contains(r, "userIdentity.arn", "responseElements.accessKey.userName"),
    "aws_iam_s3browser_loginprofile_creation": lambda r: src(r, "iam.amazonaws.com") and name(r, "GetLoginProfile", "CreateLoginProfile") and contains(r, "userAgent", "S3 Browser"),
    "aws_iam_s3browser_templated_s3_bucket_policy_creation": lambda r: src(r, "iam.amazonaws.com") and name(r, "PutUserPolicy") and contains(r, "userAgent", "S3 Browser") and contains_glob(r, "requestParameters", '"arn:aws:s3:::<YOUR-BUCKET-NAME>/*"') and all(contains(r, "requestParameters", s) for s in ['"s3:GetObject"', '"Allow"']),
    "aws_iam_s3browser_user_or_accesskey_creation": lambda r: src(r, "iam.amazonaws.com") and name(r, "CreateUser", "CreateAccessKey") and contains(r, "userAgent", "S3 Browser"),
    "aws_kms_import_key_material": lambda r: src(r, "kms.amazonaws.com") and name(r, "ImportKeyMaterial", "DeleteImportedKeyMaterial"),
    "aws_lambda_function_url": lambda r: src(r, "lambda.amazonaws.com") and name(r, "CreateFunctionUrlConfig"),
    "aws_new_lambda_layer_attached": lambda r: src(r, "lambda.amazonaws.com") and any(text(v).lower().startswith("updatefunctionconfiguration") for v in vals(r, "eventName")) and present(r, "requestParameters.layers"),
    "aws_passed_role_to_glue_development_endpoint": lambda r: src(r, "glue.amazonaws.com") and name(r, "CreateDevEndpoint", "DeleteDevEndpoint", "UpdateDevEndpoint"),
    "aws_rds_change_master_password": lambda r: src(r, "rds.amazonaws.com") and present(r, "responseElements.pendingModifiedValues.masterUserPassword") and name(r, "ModifyDBInstance"),
    "aws_rds_dbcluster_actions": lambda r: src(r, "rds.amazonaws.com") and name(r, "ModifyDBCluster", "DeleteDBCluster"),
    "aws_rds_public_db_restore": lambda r: src(r, "rds.amazonaws.com") and eq(r, "responseElements.publiclyAccessible", "true") and name(r, "RestoreDBInstanceFromDBSnapshot"),
    "aws_root_account_usage": lambda r: eq(r, "userIdentity.type", "Root") and not eq(r, "eventType", "AwsServiceEvent"),
    "aws_route_53_domain_transferred_lock_disabled": lambda r: src(r, "route53.amazonaws.com") and name(r, "DisableDomainTransferLock"),
    "aws_route_53_domain_transferred_to_another_account": lambda r: src(r, "route53.amazonaws.com") and name(r, "TransferDomainToAnotherAwsAccount"),
    "aws_s3_data_management_tampering": lambda r: src(r, "s3.amazonaws.com") and name(r, "PutBucketLogging", "PutBucketWebsite", "PutEncryptionConfiguration", "PutLifecycleConfiguration", "PutReplicationConfiguration", "ReplicateObject", "RestoreObject"),
    "aws_securityhub_finding_evasion": lambda r: src(r, "securityhub.amazonaws.com") and name(r, "BatchUpdateFindings", "DeleteInsight", "UpdateFindings", "UpdateInsight"),
    "aws_snapshot_backup_exfiltration": lambda r: src(r, "ec2.amazonaws.com") and name(r, "ModifySnapshotAttribute"),
    "aws_sso_idp_change": lambda r: (src(r, "sso-directory.amazonaws.com") or src(r, "sso.amazonaws.com")) and name(r, "AssociateDirectory", "DisableExternalIdPConfigurationForDirectory", "DisassociateDirectory", "EnableExternalIdPConfigurationForDirectory"),
    "aws_sts_assumerole_misuse": lambda r: eq(r, "userIdentity.type", "AssumedRole") and eq(r, "userIdentity.sessionContext.sessionIssuer.type", "Role"),
    "aws_sts_getcalleridentity_trufflehog": lambda r: src(r, "sts.amazonaws.com") and name(r, "GetCallerIdentity") and contains(r, "userAgent", "TruffleHog"),
    "aws_sts_getsessiontoken_misuse": lambda r: src(r, "sts.amazonaws.com") and name(r, "GetSessionToken") and eq(r, "userIdentity.type", "IAMUser"),
    "aws_susp_saml_activity": lambda r: (src(r, "sts.amazonaws.com") and name(r, "AssumeRoleWithSAML")) or (src(r, "iam.amazonaws.com") and name(r, "UpdateSAMLProvider")),
    # fieldref: the caller's ARN equals the target user name (never, for real ARNs)
    "aws_update_login_profile": lambda r: src(r, "iam.amazonaws.com") and name(r, "UpdateLoginProfile") and not any(text(a).lower() == text(u).lower() for a in vals(r, "userIdentity.arn") for u in vals(r, "requestParameters.userName")),
}


def main():
    root = sys.argv[1]
    counts = {k: 0 for k in RULES}
    for r in events(root):
        for k, pred in RULES.items():
            if pred(r):
                counts[k] += 1
    print(json.dumps(counts, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
