#!/usr/bin/env python3
"""Seeds a running moto_server with the FSBP cases of the launch template, S3 access point,
Site-to-Site VPN and Client VPN checks of crates/yagura/tests/audit_fsbp_network.rs: each
misconfiguration with its compliant twin where moto can serve it, in one account (123456789012)
and us-east-1.

usage: seed_fsbp_network.py ENDPOINT
prints a JSON object naming what it made: {"name": "resource id or name", ...}

moto 5.2.6 reports no tunnel status (VgwTelemetry) for a VPN connection and has no Client VPN
API: the VPN connection made here must read UNKNOWN; the FAIL/PASS pairs of those two checks
are recorded responses in crates/yagura-collect/tests/recorded.rs.
"""
import json
import re
import sys

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"


def client(endpoint, svc):
    c = boto3.client(svc, endpoint_url=endpoint, region_name=REGION,
                     aws_access_key_id="testing", aws_secret_access_key="testing")
    if svc == "s3control":
        # s3control puts the account id in front of the host, which a loopback endpoint cannot
        # resolve: drop that label before the request is signed.
        c.meta.events.register("before-sign.s3-control.*", _strip_account_label)
    return c


def _strip_account_label(request, **_):
    request.url = re.sub(r"//[0-9]{12}\.", "//", request.url, count=1)


def launch_templates(ec2, out):
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.60.1.0/24")["Subnet"]["SubnetId"]
    nic = lambda public: {"NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": subnet,
                                                  "AssociatePublicIpAddress": public}]}
    # Public in its default version; its latest version is private (the default still launches).
    lt = ec2.create_launch_template(LaunchTemplateName="fsbp-public-default",
                                    LaunchTemplateData=nic(True))["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=lt, LaunchTemplateData=nic(False))
    out["template_public_default"] = lt
    # Private in its default version, public only in an old version neither default nor latest.
    lt = ec2.create_launch_template(LaunchTemplateName="fsbp-private",
                                    LaunchTemplateData=nic(True))["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(LaunchTemplateId=lt, LaunchTemplateData=nic(False))
    ec2.modify_launch_template(LaunchTemplateId=lt, DefaultVersion="2")
    out["template_private"] = lt
    # Attaches an existing interface that holds an Elastic IP address.
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=alloc, NetworkInterfaceId=eni)
    lt = ec2.create_launch_template(LaunchTemplateName="fsbp-existing-public-eni", LaunchTemplateData={
        "NetworkInterfaces": [{"DeviceIndex": 0, "NetworkInterfaceId": eni}]})["LaunchTemplate"]["LaunchTemplateId"]
    out["template_existing_public_eni"] = lt


def access_points(s3, s3control, out):
    s3.create_bucket(Bucket="fsbp-access-point-data")
    off = {k: False for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}
    s3control.create_access_point(AccountId=ACCOUNT, Name="fsbp-open-ap", Bucket="fsbp-access-point-data",
                                  PublicAccessBlockConfiguration=dict(off, BlockPublicAcls=True))
    # Created without settings: all four are on by default.
    s3control.create_access_point(AccountId=ACCOUNT, Name="fsbp-closed-ap", Bucket="fsbp-access-point-data")
    out["open_access_point"] = "fsbp-open-ap"
    out["closed_access_point"] = "fsbp-closed-ap"


def vpn(ec2, out):
    cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65000)
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")
    out["vpn_connection"] = ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=cgw["CustomerGateway"]["CustomerGatewayId"],
        VpnGatewayId=vgw["VpnGateway"]["VpnGatewayId"])["VpnConnection"]["VpnConnectionId"]


def main():
    endpoint = sys.argv[1]
    c = lambda svc: client(endpoint, svc)
    out = {}
    ec2 = c("ec2")
    launch_templates(ec2, out)
    access_points(c("s3"), c("s3control"), out)
    vpn(ec2, out)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
