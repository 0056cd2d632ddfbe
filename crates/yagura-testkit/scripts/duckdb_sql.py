"""The outside engine of the Sigma-as-SQL differential test (issue 20): DuckDB from PyPI.

Loads CloudTrail records (files of `{"Records": [...]}` or JSON arrays, searched below the
given paths) into a table made by `yagura trail sql --ddl --dialect duckdb` — the columns of
AWS's CloudTrail table: structs for userIdentity, tlsDetails and the elements of resources,
JSON text for requestParameters, responseElements, additionalEventData… — as Athena's
CloudTrail SerDe presents a record: struct members matched by name (case-insensitively),
members the table does not have dropped, scalars in string columns as their JSON text, objects
and arrays in string columns as compact JSON text.

Then runs every query of `yagura trail sql --dialect duckdb --json` and prints JSON:
{"events": N, "load_s": …, "query_s": …, "results": {rule_id: [eventID, …]},
 "errors": {rule_id: message}}.

Usage: duckdb_sql.py DDL_FILE QUERIES_JSON PATH...
"""

import json
import os
import sys
import tempfile
import time

import duckdb


def records(paths):
    for root in paths:
        files = []
        if os.path.isdir(root):
            for d, _, names in os.walk(root):
                files.extend(os.path.join(d, n) for n in names if n.endswith(".json"))
        else:
            files.append(root)
        for f in sorted(files):
            with open(f, encoding="utf-8") as fh:
                doc = json.load(fh)
            if isinstance(doc, dict) and isinstance(doc.get("Records"), list):
                yield from doc["Records"]
            elif isinstance(doc, list):
                yield from doc
            elif isinstance(doc, dict):
                yield doc


def scalar_text(v):
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)


def shape(value, ty):
    """`value` (from the record) as a value of the DuckDB type `ty` (a parsed type tree)."""
    if value is None:
        return None
    kind = ty[0]
    if kind == "str":
        return scalar_text(value)
    if kind == "map":
        if not isinstance(value, dict):
            return None
        return {str(k): scalar_text(v) for k, v in value.items() if v is not None}
    if kind == "struct":
        if not isinstance(value, dict):
            return None
        lower = {k.lower(): v for k, v in value.items()}
        return {name: shape(lower.get(name), sub) for name, sub in ty[1]}
    if kind == "list":
        if not isinstance(value, list):
            return None
        return [shape(v, ty[1]) for v in value]
    raise ValueError(kind)


def parse_type(t):
    """A DuckDB type name (VARCHAR, STRUCT(a VARCHAR, …), …[], MAP(…)) as a tree."""
    t = t.strip()
    if t.endswith("[]"):
        return ("list", parse_type(t[:-2]))
    if t.upper().startswith("STRUCT("):
        body = t[len("STRUCT("):-1]
        fields, depth, cur = [], 0, ""
        for c in body:
            if c == "," and depth == 0:
                fields.append(cur)
                cur = ""
                continue
            depth += c == "("
            depth -= c == ")"
            cur += c
        fields.append(cur)
        out = []
        for f in fields:
            name, sub = f.strip().split(" ", 1)
            out.append((name.strip('"').lower(), parse_type(sub)))
        return ("struct", out)
    if t.upper().startswith("MAP("):
        return ("map",)
    return ("str",)


def main():
    ddl_file, queries_file, *paths = sys.argv[1:]
    with open(ddl_file, encoding="utf-8") as fh:
        ddl = fh.read()
    with open(queries_file, encoding="utf-8") as fh:
        generated = json.load(fh)
    con = duckdb.connect()
    t0 = time.perf_counter()
    con.execute(ddl)
    table = generated["table"]
    cols = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? ORDER BY ordinal_position",
        [table.strip('"')],
    ).fetchall()
    types = [(name, parse_type(ty)) for name, ty in cols]
    n = 0
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False, encoding="utf-8") as out:
        for rec in records(paths):
            lower = {k.lower(): v for k, v in rec.items()}
            row = {name: shape(lower.get(name), ty) for name, ty in types}
            out.write(json.dumps(row, ensure_ascii=False))
            out.write("\n")
            n += 1
        ndjson = out.name
    columns = "{" + ", ".join(f"'{name}': '{ty}'" for name, ty in cols) + "}"
    con.execute(
        f"INSERT INTO {table} SELECT * FROM read_json('{ndjson}', format = 'newline_delimited', columns = {columns})"
    )
    os.unlink(ndjson)
    load_s = time.perf_counter() - t0
    results, errors = {}, {}
    t1 = time.perf_counter()
    for q in generated["queries"]:
        try:
            rows = con.execute(q["sql"]).fetchall()
            results[q["rule_id"]] = sorted({r[1] for r in rows if r[1] is not None})
        except duckdb.Error as e:
            errors[q["rule_id"]] = str(e)
    query_s = time.perf_counter() - t1
    combined = None
    if generated.get("combined"):
        t2 = time.perf_counter()
        rows = con.execute(generated["combined"]).fetchall()
        combined = {"seconds": time.perf_counter() - t2, "rows": sorted([r[0], r[1]] for r in rows)}
    json.dump(
        {
            "events": n,
            "loaded": con.execute(f"SELECT count(*) FROM {table}").fetchone()[0],
            "load_s": load_s,
            "query_s": query_s,
            "results": results,
            "errors": errors,
            "combined": combined,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
