#!/usr/bin/env python3
"""Independent oracle for the 8 deprecated-aggregation rules of sigma/unsupported/, rewritten as
Sigma correlation rules in tests/sigma_rules.rs (WATCH-06).

Each base rule is a hand-written Python predicate; the window semantics are the ones the
correlation rules state: matches in time order, per group-by value; a match drops the matches
older than `timespan` before it; the rule fires when the condition holds over what is left, and
the group's window then starts afresh (one alert per burst). Prints {rule: firings} as JSON.

usage: correlation_counts.py TESTDATA_CLOUDTRAIL_DIR
"""
import datetime
import json
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from sigma_counts import events, eq, name, src  # noqa: E402


def ts(r):
    return datetime.datetime.strptime(r["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()


BASE = {
    "userdata": lambda r: src(r, "ec2.amazonaws.com") and eq(r, "requestParameters.attribute", "userData") and name(r, "DescribeInstanceAttribute"),
    "backup": lambda r: src(r, "ec2.amazonaws.com") and name(r, "GetPasswordData", "GetEbsEncryptionByDefault", "GetEbsDefaultKmsKeyId", "GetBucketReplication", "DescribeVolumes", "DescribeVolumesModifications", "DescribeSnapshotAttribute", "DescribeSnapshotTierStatus", "DescribeImages"),
    "listing": lambda r: r["eventName"].lower().startswith("list"),
    "network": lambda r: src(r, "ec2.amazonaws.com") and name(r, "DescribeCarrierGateways", "DescribeVpcEndpointConnectionNotifications", "DescribeTransitGatewayMulticastDomains", "DescribeClientVpnRoutes", "DescribeDhcpOptions", "GetTransitGatewayRouteTableAssociations"),
    "storage": lambda r: src(r, "s3.amazonaws.com") and name(r, "ListBuckets", "GetBucketCors", "GetBucketInventoryConfiguration", "GetBucketPublicAccessBlock", "GetBucketMetricsConfiguration", "GetBucketPolicy", "GetBucketTagging"),
    "lambda_create": lambda r: src(r, "lambda.amazonaws.com") and name(r, "CreateFunction"),
    "lambda_invoke": lambda r: src(r, "lambda.amazonaws.com") and name(r, "Invoke"),
    "macie": lambda r: name(r, "ArchiveFindings", "CreateFindingsFilter", "DeleteMember", "DisassociateFromMasterAccount", "DisassociateMember", "DisableMacie", "DisableOrganizationAdminAccount", "UpdateFindingsFilter", "UpdateMacieSession", "UpdateMemberSession", "UpdateClassificationJob"),
    "ses_enable": lambda r: src(r, "ses.amazonaws.com") and name(r, "UpdateAccountSendingEnabled"),
    "ses_verify": lambda r: src(r, "ses.amazonaws.com") and name(r, "VerifyEmailIdentity"),
}

# name: (kind, base rules, group-by field or None, timespan seconds, threshold for count > N)
CORR = {
    "aws_ec2_download_userdata": ("count", ["userdata"], None, 1800, 10),
    "aws_enum_backup": ("count", ["backup"], None, 600, 5),
    "aws_enum_listing": ("count", ["listing"], None, 600, 50),
    "aws_enum_network": ("count", ["network"], None, 600, 5),
    "aws_enum_storage": ("count", ["storage"], None, 600, 5),
    "aws_lambda_function_created_or_invoked": ("temporal", ["lambda_create", "lambda_invoke"], None, 3600, None),
    "aws_macic_evasion": ("count", ["macie"], "sourceIPAddress", 600, 5),
    "aws_ses_messaging_enabled": ("temporal", ["ses_enable", "ses_verify"], None, 300, None),
}


def main():
    evs = list(events(sys.argv[1]))
    order = sorted(range(len(evs)), key=lambda i: ts(evs[i]))
    out = {}
    for cname, (kind, bases, group, span, n) in CORR.items():
        windows = {}
        fired = 0
        for i in order:
            r = evs[i]
            for b in bases:
                if not BASE[b](r):
                    continue
                g = str(r.get(group, "")) if group else ""
                w = windows.setdefault(g, [])
                t = ts(r)
                w.append((t, b))
                w[:] = [x for x in w if x[0] >= t - span]
                if kind == "count":
                    ok = len(w) > n
                else:
                    ok = all(any(x[1] == bb for x in w) for bb in bases)
                if ok:
                    fired += 1
                    w.clear()
        out[cname] = fired
    print(json.dumps(out, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
