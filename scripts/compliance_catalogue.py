#!/usr/bin/env python3
"""Writes the compliance catalogue of `yagura-audit` (src/compliance/*.tsv) from the frameworks'
requirement lists in Prowler's format (../shared/testdata/compliance by default).

One line a requirement: id, A (automated) or M (manual, as the framework marks it), section,
title, tab-separated, in the file's order. Only ids, titles, sections and the assessment
status are kept; the frameworks' prose stays in the source files.
`crates/yagura-audit/tests/compliance_catalogue.rs` proves the tables equal the sources.

Usage: scripts/compliance_catalogue.py [SOURCE_DIR]
"""
import json
import os
import sys

FRAMEWORKS = [
    ("cis_3.0_aws.json", "cis-aws-foundations-3.0.tsv"),
    ("cis_7.0_aws.json", "cis-aws-foundations-7.0.tsv"),
    ("aws_foundational_security_best_practices_aws.json", "aws-fsbp.tsv"),
]


def clean(s):
    s = " ".join(s.split())
    if "\t" in s or "\n" in s:
        raise SystemExit(f"unexpected control in {s!r}")
    return s


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "testdata", "compliance")
    out = os.path.join(root, "crates", "yagura-audit", "src", "compliance")
    for name, target in FRAMEWORKS:
        with open(os.path.join(src, name), encoding="utf-8") as f:
            doc = json.load(f)
        lines = []
        for r in doc["Requirements"]:
            a = r["Attributes"][0]
            status = a.get("AssessmentStatus", "Automated")
            kind = {"Automated": "A", "Manual": "M"}[status]
            title = r.get("Name") or r["Description"]
            lines.append("\t".join([clean(r["Id"]), kind, clean(a["Section"]), clean(title)]))
        with open(os.path.join(out, target), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
