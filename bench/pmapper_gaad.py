#!/usr/bin/env python3
"""Runs PMapper (principalmapper 1.1.5, the last release) on a GetAccountAuthorizationDetails
file, for bench/iam.sh, and prints its time, peak memory and what it found.

PMapper only reads AWS through a botocore session, and does not start on Python >= 3.10
(`from collections import Mapping`). Both are worked around here without touching its code:
- `collections.Mapping` and friends are aliased to `collections.abc` before it is imported;
- a stand-in session hands PMapper's own graph builder (`gathering.create_graph`) the GAAD
  document as the single page of `get_account_authorization_details`, no access keys, no login
  profiles, no MFA devices, and empty listings for every other service (no Lambda functions,
  stacks, instances… exist), in one region.
Its edge checkers and its privilege-escalation query (`privesc.can_privesc`, for every node that
is not admin) then run unchanged.

Usage: pmapper_gaad.py GAAD.json [ACCOUNT_ID]
"""
import collections
import collections.abc
import json
import resource
import sys
import time

for _name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable"):
    setattr(collections, _name, getattr(collections.abc, _name))

from principalmapper.graphing import gathering  # noqa: E402
from principalmapper.querying.presets import privesc  # noqa: E402


class Page(dict):
    """A response page: any list PMapper asks for that is not there is empty."""

    def __missing__(self, key):
        return []


class Paginator:
    def __init__(self, pages):
        self.pages = pages

    def paginate(self, **_):
        return iter(self.pages)


class Client:
    def __init__(self, service, gaad, account):
        self.service, self.gaad, self.account = service, gaad, account
        self.meta = type("Meta", (), {"endpoint_url": "file://gaad", "region_name": "us-east-1"})()

    def get_paginator(self, op):
        if op == "get_account_authorization_details":
            return Paginator([Page(self.gaad)])
        return Paginator([Page()])

    def get_caller_identity(self):
        return {"Account": self.account, "Arn": f"arn:aws:iam::{self.account}:user/bench", "UserId": "AIDABENCH"}

    def get_login_profile(self, **_):
        raise Exception("NoSuchEntity: no login profile")

    def __getattr__(self, op):
        return lambda **_: Page()


class Session:
    def __init__(self, gaad, account):
        self.gaad, self.account = gaad, account

    def create_client(self, service, **_):
        return Client(service, self.gaad, self.account)

    def get_available_regions(self, *_args, **_kw):
        return ["us-east-1"]

    def get_partition_for_region(self, *_):
        return "aws"


def main():
    gaad = json.load(open(sys.argv[1]))
    account = sys.argv[2] if len(sys.argv) > 2 else "123456789012"
    services = ["autoscaling", "cloudformation", "codebuild", "ec2", "iam", "lambda", "sagemaker", "ssm", "sts"]
    start = time.perf_counter()
    graph = gathering.create_graph(Session(gaad, account), services, region_allow_list=["us-east-1"])
    built = time.perf_counter() - start
    start = time.perf_counter()
    admins = escalates = 0
    for node in graph.nodes:
        if node.is_admin:
            admins += 1
            continue
        ok, _path = privesc.can_privesc(graph, node)
        escalates += bool(ok)
    queried = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pmapper: {len(graph.nodes)} nodes, {len(graph.edges)} edges, {admins} admins, "
          f"{escalates} principals that can escalate; graph {built:.2f} s, paths {queried:.2f} s, "
          f"total {built + queried:.2f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
