# Validates an ASFF file against the Security Hub BatchImportFindings input model of botocore:
# required members and types (botocore ParamValidator), then enums, maximum lengths and patterns.
# Usage: python3 asff_check.py FILE
import json, re, sys
import botocore.session
from botocore.validate import ParamValidator

model = botocore.session.get_session().get_service_model("securityhub")
op = model.operation_model("BatchImportFindings")
findings = json.load(open(sys.argv[1], encoding="utf-8"))
errors = []
rep = ParamValidator().validate({"Findings": findings}, op.input_shape)
if rep.has_errors():
    errors.append(rep.generate_report())

def walk(shape, value, path):
    m = shape.metadata
    if shape.type_name == "structure" and isinstance(value, dict):
        for k, v in value.items():
            if k in shape.members:
                walk(shape.members[k], v, f"{path}.{k}")
    elif shape.type_name == "list" and isinstance(value, list):
        if "max" in m and len(value) > m["max"]:
            errors.append(f"{path}: {len(value)} items > {m['max']}")
        for i, v in enumerate(value):
            walk(shape.member, v, f"{path}[{i}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for k, v in value.items():
            walk(shape.value, v, f"{path}[{k}]")
    elif shape.type_name == "string" and isinstance(value, str):
        if "enum" in m and value not in m["enum"]:
            errors.append(f"{path}: `{value}` not in {m['enum']}")
        if "max" in m and len(value) > m["max"]:
            errors.append(f"{path}: {len(value)} chars > {m['max']}")
        if "pattern" in m and not re.fullmatch(m["pattern"], value):
            errors.append(f"{path}: `{value[:60]}` does not match {m['pattern']}")

walk(op.input_shape, {"Findings": findings}, "")
if errors:
    print("\n".join(errors))
    sys.exit(1)
print(f"ok {len(findings)} findings")
