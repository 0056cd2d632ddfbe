//! Sigma rules as SQL over AWS's CloudTrail table (issue 20: historical hunts).
//!
//! The generator reads the rules [`crate::sigma`] compiled — the same parsed searches,
//! matchers and conditions the streaming engine runs — and writes, per rule, a boolean SQL
//! expression over the table AWS documents for CloudTrail in Athena ([`COLUMNS`]: top-level
//! members are columns, `userIdentity` and `tlsDetails` structs, `resources` an array of
//! structs, `requestParameters`, `responseElements`, `additionalEventData` and
//! `serviceEventDetails` JSON text). Each rule becomes one query returning
//! `(rule_id, eventid)` ([`Query::sql`]); [`combined`] puts every rule in one query that reads
//! the table once.
//!
//! Sigma's semantics, as `sigma.rs` applies them:
//! - equality is `lower(x) = 'value'` (the value lower-cased here; `|cased` compares as is);
//! - wildcards, `contains`, `startswith` and `endswith` are `LIKE` with `%`, `_` and `\`
//!   escaped (`ESCAPE '\'`);
//! - `re` is `regexp_like` (Athena, Trino) or `regexp_matches` (DuckDB) with the rule's flags
//!   as `(?i)`-style prefixes;
//! - `null` and `exists` are `IS NULL` / `IS NOT NULL`: a missing member, a JSON `null` and a
//!   path that does not exist are all NULL;
//! - a list of values is an OR (an AND with `all`), a list of maps an OR of the maps;
//! - IPv4 `cidr` is arithmetic on the four octets (any dialect); IPv6 blocks are unsupported;
//! - `gt`/`gte`/`lt`/`lte` compare `TRY_CAST(x AS DOUBLE)`;
//! - every field test is two-valued (`coalesce(…, false)`), so `not` of a test on a missing
//!   field holds, as in Sigma.
//!
//! What SQL over this table cannot say is refused with the reason ([`Unsupported`]), never
//! dropped: keyword searches (the table has no whole-record text), correlation rules, tests
//! on a whole struct, fields below a map, JSON keys that are not plain names. A rule that names
//! a field the table does not have treats it as missing (as the streaming engine does on
//! records without it) and says so in [`Query::notes`].
//!
//! Known differences from the streaming engine, which reads the JSON record itself: a JSON
//! path is read as one value, so an array along it is not traversed (the engine tests each
//! element; SQL tests the array's JSON text), nor are EC2's `items` wrappers skipped; an object
//! is tested by its JSON text only (the engine also tests each string inside it).
//!
//! Every value of a rule reaches the SQL as a string literal written by [`literal`]: quotes
//! doubled, control and bidi characters as `chr(n)`, so no value leaves its literal.

use crate::sigma::{CmpOp, Cond, FieldCond, Matcher, RuleSet, Search, Test, WildTok};
use serde::Serialize;
use std::net::IpAddr;

/// The SQL dialect written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    /// Amazon Athena (engine version 3, which is Trino).
    Athena,
    Trino,
    DuckDb,
}

impl Dialect {
    pub fn parse(s: &str) -> Option<Dialect> {
        match s.to_ascii_lowercase().as_str() {
            "athena" => Some(Dialect::Athena),
            "trino" => Some(Dialect::Trino),
            "duckdb" => Some(Dialect::DuckDb),
            _ => None,
        }
    }

    fn regex_fn(self) -> &'static str {
        match self {
            Dialect::DuckDb => "regexp_matches",
            _ => "regexp_like",
        }
    }
}

/// The type of a column or struct member of the CloudTrail table.
#[derive(Debug)]
pub enum Kind {
    Str,
    /// A string holding JSON text.
    Json,
    Struct(&'static [Column]),
    /// An array of structs.
    ArrayOf(&'static [Column]),
    /// `map<string,string>`.
    Map,
}

/// A column or struct member: the name in the CloudTrail record (its SQL name is the same in
/// lower case) and its type.
#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

use Kind::{ArrayOf, Json, Map, Str, Struct};

const SESSION_ISSUER: &[Column] = &[
    col("type", Str),
    col("principalId", Str),
    col("arn", Str),
    col("accountId", Str),
    col("userName", Str),
];

const SESSION_CONTEXT: &[Column] = &[
    col(
        "attributes",
        Struct(&[col("mfaAuthenticated", Str), col("creationDate", Str)]),
    ),
    col("sessionIssuer", Struct(SESSION_ISSUER)),
    col("ec2RoleDelivery", Str),
    col(
        "webIdFederationData",
        Struct(&[col("federatedProvider", Str), col("attributes", Map)]),
    ),
    col("sourceIdentity", Str),
];

const USER_IDENTITY: &[Column] = &[
    col("type", Str),
    col("principalId", Str),
    col("arn", Str),
    col("accountId", Str),
    col("invokedBy", Str),
    col("accessKeyId", Str),
    col("userName", Str),
    col(
        "onBehalfOf",
        Struct(&[col("userId", Str), col("identityStoreArn", Str)]),
    ),
    col("sessionContext", Struct(SESSION_CONTEXT)),
    col("identityProvider", Str),
    col("credentialId", Str),
];

/// The columns of the CloudTrail table as AWS documents its Athena DDL ("Create the table for
/// CloudTrail logs in Athena using manual partitioning"), without the partition columns.
pub const COLUMNS: &[Column] = &[
    col("eventVersion", Str),
    col("userIdentity", Struct(USER_IDENTITY)),
    col("eventTime", Str),
    col("eventSource", Str),
    col("eventName", Str),
    col("awsRegion", Str),
    col("sourceIPAddress", Str),
    col("userAgent", Str),
    col("errorCode", Str),
    col("errorMessage", Str),
    col("requestParameters", Json),
    col("responseElements", Json),
    col("additionalEventData", Json),
    col("requestID", Str),
    col("eventID", Str),
    col("readOnly", Str),
    col(
        "resources",
        ArrayOf(&[col("arn", Str), col("accountId", Str), col("type", Str)]),
    ),
    col("eventType", Str),
    col("apiVersion", Str),
    col("recipientAccountId", Str),
    col("serviceEventDetails", Json),
    col("sharedEventID", Str),
    col("vpcEndpointId", Str),
    col("vpcEndpointAccountId", Str),
    col("eventCategory", Str),
    col(
        "addendum",
        Struct(&[
            col("reason", Str),
            col("updatedFields", Str),
            col("originalRequestID", Str),
            col("originalEventID", Str),
        ]),
    ),
    col("sessionCredentialFromConsole", Str),
    col("edgeDeviceDetails", Json),
    col(
        "tlsDetails",
        Struct(&[
            col("tlsVersion", Str),
            col("cipherSuite", Str),
            col("clientProvidedHostHeader", Str),
        ]),
    ),
];

/// `CREATE TABLE` for the CloudTrail table in `dialect` (plain, for DuckDB and tests; Athena's
/// own table is created with AWS's DDL and its SerDe and partitions).
pub fn ddl(table: &str, dialect: Dialect) -> String {
    fn ty(k: &Kind, d: Dialect) -> String {
        let fields = |cols: &[Column]| -> String {
            cols.iter()
                .map(|c| match d {
                    Dialect::DuckDb => format!("{} {}", c.name.to_lowercase(), ty(&c.kind, d)),
                    _ => format!("{}: {}", c.name.to_lowercase(), ty(&c.kind, d)),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (k, d) {
            (Str | Json, Dialect::DuckDb) => "VARCHAR".into(),
            (Str | Json, _) => "string".into(),
            (Map, Dialect::DuckDb) => "MAP(VARCHAR, VARCHAR)".into(),
            (Map, _) => "map<string,string>".into(),
            (Struct(c), Dialect::DuckDb) => format!("STRUCT({})", fields(c)),
            (Struct(c), _) => format!("struct<{}>", fields(c)),
            (ArrayOf(c), Dialect::DuckDb) => format!("STRUCT({})[]", fields(c)),
            (ArrayOf(c), _) => format!("array<struct<{}>>", fields(c)),
        }
    }
    let cols: Vec<String> = COLUMNS
        .iter()
        .map(|c| format!("  {} {}", c.name.to_lowercase(), ty(&c.kind, dialect)))
        .collect();
    format!("CREATE TABLE {table} (\n{}\n)", cols.join(",\n"))
}

/// One rule as SQL.
#[derive(Debug, Clone, Serialize)]
pub struct Query {
    /// The rule's id (its title when it has none), as `trail scan` reports it.
    pub rule_id: String,
    pub title: String,
    pub file: String,
    /// The rule's condition as a boolean SQL expression over one row of the table.
    pub condition: String,
    /// What the reader should know (fields the table does not have, read as missing).
    pub notes: Vec<String>,
}

impl Query {
    /// `SELECT '<rule id>' AS rule_id, eventid FROM <table> WHERE <condition>`; `table` must
    /// come from [`table_name`].
    pub fn sql(&self, table: &str) -> String {
        format!(
            "SELECT {} AS rule_id, eventid FROM {table} WHERE {}",
            literal(&self.rule_id),
            self.condition
        )
    }
}

/// A rule the generator cannot express, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct Unsupported {
    pub rule_id: String,
    pub title: String,
    pub file: String,
    pub reason: String,
}

/// The queries of a rule set and the rules left out, with why.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Generated {
    pub queries: Vec<Query>,
    pub unsupported: Vec<Unsupported>,
}

/// Writes every rule of `set` as SQL in `dialect`. Rules only a correlation uses (and does not
/// `generate`) are left out as `trail scan` does not report them; correlation rules are listed
/// as unsupported.
pub fn generate(set: &RuleSet, dialect: Dialect) -> Generated {
    let mut out = Generated::default();
    for r in &set.rules {
        let rule_id = r.key().to_string();
        let unsupported = |reason: String| Unsupported {
            rule_id: rule_id.clone(),
            title: r.title.clone(),
            file: r.file.clone(),
            reason,
        };
        if !r.report {
            out.unsupported.push(unsupported(
                "used only by a correlation rule (its matches are not reported)".into(),
            ));
            continue;
        }
        let mut g = Gen {
            dialect,
            notes: Vec::new(),
        };
        match g.cond(&r.condition, &r.searches) {
            Ok(condition) => out.queries.push(Query {
                rule_id,
                title: r.title.clone(),
                file: r.file.clone(),
                condition,
                notes: g.notes,
            }),
            Err(reason) => out.unsupported.push(unsupported(reason)),
        }
    }
    for c in &set.correlations {
        out.unsupported.push(Unsupported {
            rule_id: c.id.clone().unwrap_or_else(|| c.title.clone()),
            title: c.title.clone(),
            file: c.file.clone(),
            reason: format!(
                "correlation rule ({:?}): counting over time windows is not expressed in SQL",
                c.kind
            ),
        });
    }
    out
}

/// One query over `table` returning `(rule_id, eventid)` and `columns` for every match of
/// every rule, reading the table once (each row's rule conditions are computed once and
/// joined to a `VALUES` list of the rules). `filter` (already SQL) narrows the rows read.
pub fn combined(
    queries: &[Query],
    table: &str,
    columns: &[(&str, &str)],
    filter: Option<&str>,
) -> String {
    if queries.is_empty() {
        return format!(
            "SELECT CAST(NULL AS VARCHAR) AS rule_id, eventid FROM {table} WHERE 1 = 0"
        );
    }
    let cols: String = columns.iter().map(|(_, a)| format!(", s.{a}")).collect();
    let inner_cols: String = columns
        .iter()
        .map(|(e, a)| format!(", {e} AS {a}"))
        .collect();
    let flags: Vec<String> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| format!("({}) AS m{i}", q.condition))
        .collect();
    let values: Vec<String> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| format!("({i}, {})", literal(&q.rule_id)))
        .collect();
    let pick: Vec<String> = (0..queries.len())
        .map(|i| format!("(r.n = {i} AND s.m{i})"))
        .collect();
    format!(
        "SELECT r.rule_id, s.eventid{cols}\nFROM (SELECT eventid{inner_cols},\n  {}\n  FROM {table}{}) s\nCROSS JOIN (VALUES {}) AS r (n, rule_id)\nWHERE {}",
        flags.join(",\n  "),
        filter.map(|f| format!(" WHERE {f}")).unwrap_or_default(),
        values.join(", "),
        pick.join("\n  OR ")
    )
}

/// What a hunt reads of each matching row besides the rule id and the event id: the SQL
/// expression, its alias in the result, and the member of the CloudTrail record it fills.
pub const HUNT_COLUMNS: &[(&str, &str, &str)] = &[
    ("eventtime", "c_eventtime", "eventTime"),
    ("eventsource", "c_eventsource", "eventSource"),
    ("eventname", "c_eventname", "eventName"),
    ("awsregion", "c_awsregion", "awsRegion"),
    ("sourceipaddress", "c_sourceipaddress", "sourceIPAddress"),
    ("errorcode", "c_errorcode", "errorCode"),
    (
        "recipientaccountid",
        "c_recipientaccountid",
        "recipientAccountId",
    ),
    ("useridentity.type", "c_ui_type", "userIdentity.type"),
    ("useridentity.arn", "c_ui_arn", "userIdentity.arn"),
    (
        "useridentity.principalid",
        "c_ui_principalid",
        "userIdentity.principalId",
    ),
    (
        "useridentity.accountid",
        "c_ui_accountid",
        "userIdentity.accountId",
    ),
    (
        "useridentity.accesskeyid",
        "c_ui_accesskeyid",
        "userIdentity.accessKeyId",
    ),
];

/// The hunt's query: [`combined`] with [`HUNT_COLUMNS`], from `since_ms` on (`eventtime` is
/// CloudTrail's ISO 8601 text, which orders as time).
pub fn hunt_query(queries: &[Query], table: &str, since_ms: Option<i64>) -> String {
    let cols: Vec<(&str, &str)> = HUNT_COLUMNS.iter().map(|(e, a, _)| (*e, *a)).collect();
    let filter =
        since_ms.map(|t| format!("eventtime >= {}", literal(&crate::event::format_time_ms(t))));
    combined(queries, table, &cols, filter.as_deref())
}

/// Why the rows of a hunt could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowsError {
    #[error("the result has no `{0}` column")]
    MissingColumn(String),
    #[error("the result names rule `{0}`, which is not loaded")]
    UnknownRule(String),
    #[error("a row is not a CloudTrail event: {0}")]
    BadRow(String),
}

/// The detections of a hunt's result rows (columns as [`hunt_query`] names them): each row is
/// one rule's match on one event, reported as `trail scan` reports a Sigma match, the event
/// rebuilt from the columns read.
pub fn detections_from_rows(
    set: &RuleSet,
    columns: &[String],
    rows: &[Vec<Option<String>>],
) -> Result<Vec<crate::Detection>, RowsError> {
    let at = |name: &str| {
        columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .ok_or_else(|| RowsError::MissingColumn(name.to_string()))
    };
    let rule_at = at("rule_id")?;
    let id_at = at("eventid")?;
    let mut fields = Vec::new();
    for (_, alias, member) in HUNT_COLUMNS {
        fields.push((at(alias)?, *member));
    }
    let mut out = Vec::new();
    for row in rows {
        let cell = |i: usize| row.get(i).cloned().flatten();
        let rule_id = cell(rule_at).unwrap_or_default();
        let rule = set
            .rules
            .iter()
            .find(|r| r.key() == rule_id)
            .ok_or_else(|| RowsError::UnknownRule(yagura_core::escape::one_line(&rule_id)))?;
        let mut record = serde_json::Map::new();
        let mut identity = serde_json::Map::new();
        if let Some(id) = cell(id_at) {
            record.insert("eventID".into(), id.into());
        }
        for (i, member) in &fields {
            let Some(v) = cell(*i) else { continue };
            match member.strip_prefix("userIdentity.") {
                Some(k) => identity.insert(k.to_string(), v.into()),
                None => record.insert((*member).to_string(), v.into()),
            };
        }
        if !identity.is_empty() {
            record.insert("userIdentity".into(), identity.into());
        }
        let text = serde_json::Value::Object(record).to_string();
        let ev = crate::Event::parse(text).map_err(|e| {
            RowsError::BadRow(format!(
                "event `{}`: {e}",
                yagura_core::escape::one_line(&cell(id_at).unwrap_or_default())
            ))
        })?;
        out.push(crate::scan::sigma_detection(
            rule,
            vec![crate::EventRef::of(&ev)],
        ));
    }
    crate::scan::sort_detections(&mut out);
    Ok(out)
}

/// Why a table name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a table name (letters, digits and `_`, optionally `database.table`)")]
pub struct BadName(pub String);

/// A table name (`table` or `database.table`) made of ASCII letters, digits and `_`, quoted
/// for SQL.
pub fn table_name(s: &str) -> Result<String, BadName> {
    let parts: Vec<&str> = s.split('.').collect();
    let ok = parts.len() <= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 128
                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
    if !ok {
        return Err(BadName(yagura_core::escape::one_line(s)));
    }
    Ok(parts
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join("."))
}

/// A SQL string literal for `s`: `'…'` with quotes doubled; control and bidi characters (and
/// anything else [`yagura_core::escape`] calls dangerous) are written as `chr(n)` joined with
/// `||`, so the query's text stays one clean line and no value can end its literal.
pub fn literal(s: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_control() || yagura_core::escape::bidi(c) {
            if !cur.is_empty() || parts.is_empty() {
                parts.push(format!("'{}'", std::mem::take(&mut cur)));
            }
            parts.push(format!("chr({})", u32::from(c)));
        } else if c == '\'' {
            cur.push_str("''");
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() || parts.is_empty() {
        parts.push(format!("'{cur}'"));
    }
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        format!("({})", parts.join(" || "))
    }
}

/// A `LIKE` pattern's text for a literal piece: `%`, `_` and `\` escaped with `\`.
fn like_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Where a field's value is in a row.
enum Target {
    /// A scalar expression (NULL when missing).
    Scalar(String),
    /// Any element of an array of structs: the array column and the expression of the
    /// element's member (over the lambda variable `e`).
    Element(String, String),
    /// A whole struct, array or map: only `null`/`exists` apply.
    Whole(String),
}

struct Gen {
    dialect: Dialect,
    notes: Vec<String>,
}

/// The deepest condition written (the parser already bounds it; this bounds the writer).
const MAX_DEPTH: usize = 2 * crate::sigma::MAX_CONDITION_DEPTH + 8;

impl Gen {
    fn cond(&mut self, c: &Cond, searches: &[Search]) -> Result<String, String> {
        self.cond_at(c, searches, 0)
    }

    fn cond_at(&mut self, c: &Cond, searches: &[Search], depth: usize) -> Result<String, String> {
        if depth > MAX_DEPTH {
            return Err("the condition nests too deep".into());
        }
        let join = |g: &mut Gen, items: &[Cond], op: &str| -> Result<String, String> {
            let parts = items
                .iter()
                .map(|i| g.cond_at(i, searches, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(match parts.len() {
                0 => (if op == "AND" { "TRUE" } else { "FALSE" }).to_string(),
                1 => parts.concat(),
                _ => format!("({})", parts.join(&format!(" {op} "))),
            })
        };
        match c {
            Cond::Search(i) => {
                let s = searches
                    .get(*i)
                    .ok_or_else(|| "the condition names a missing search".to_string())?;
                self.search(s)
            }
            Cond::Not(inner) => Ok(format!(
                "(NOT {})",
                self.cond_at(inner, searches, depth + 1)?
            )),
            Cond::And(items) => join(self, items, "AND"),
            Cond::Or(items) => join(self, items, "OR"),
            Cond::AtLeast(n, items) => {
                let parts = items
                    .iter()
                    .map(|i| {
                        Ok(format!(
                            "(CASE WHEN {} THEN 1 ELSE 0 END)",
                            self.cond_at(i, searches, depth + 1)?
                        ))
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(format!("({} >= {n})", parts.join(" + ")))
            }
        }
    }

    fn search(&mut self, s: &Search) -> Result<String, String> {
        match s {
            Search::Map(m) => self.map(m),
            Search::AnyMap(maps) => {
                let parts = maps
                    .iter()
                    .map(|m| self.map(m))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(if parts.len() == 1 {
                    parts.concat()
                } else {
                    format!("({})", parts.join(" OR "))
                })
            }
            Search::Keywords(_) => {
                Err("keyword search: the table has no whole-record text to search".into())
            }
        }
    }

    fn map(&mut self, m: &[FieldCond]) -> Result<String, String> {
        let parts = m
            .iter()
            .map(|f| self.field(f))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(match parts.len() {
            0 => "TRUE".into(),
            1 => parts.concat(),
            _ => format!("({})", parts.join(" AND ")),
        })
    }

    /// Where the dotted `path` is in a row.
    fn target(&mut self, path: &[String]) -> Result<Target, String> {
        let shown = path.join(".");
        let Some((first, rest)) = path.split_first() else {
            return Err("keyword search: the table has no whole-record text to search".into());
        };
        let missing = |g: &mut Gen| {
            let note = format!(
                "field `{}` is not in the CloudTrail table: read as missing",
                yagura_core::escape::one_line(&shown)
            );
            if !g.notes.contains(&note) {
                g.notes.push(note);
            }
            Ok(Target::Scalar("CAST(NULL AS VARCHAR)".into()))
        };
        let Some(mut c) = COLUMNS.iter().find(|c| c.name == first.as_str()) else {
            return missing(self);
        };
        let mut expr = c.name.to_lowercase();
        let mut rest = rest;
        loop {
            match (&c.kind, rest.split_first()) {
                (Str, None) => return Ok(Target::Scalar(expr)),
                (Str, Some(_)) => return missing(self),
                (Json, None) => return Ok(Target::Scalar(expr)),
                (Json, Some(_)) => return self.json(&expr, rest).map(Target::Scalar),
                (Struct(_) | ArrayOf(_) | Map, None) => return Ok(Target::Whole(expr)),
                (Map, Some(_)) => {
                    return Err(format!(
                        "field `{}`: members of a map are not expressed",
                        yagura_core::escape::one_line(&shown)
                    ))
                }
                (Struct(members), Some((k, more))) => {
                    let Some(m) = members.iter().find(|m| m.name == k.as_str()) else {
                        return missing(self);
                    };
                    expr = format!("{expr}.{}", m.name.to_lowercase());
                    c = m;
                    rest = more;
                }
                (ArrayOf(members), Some((k, more))) => {
                    let Some(m) = members.iter().find(|m| m.name == k.as_str()) else {
                        return missing(self);
                    };
                    if !more.is_empty() || !matches!(m.kind, Str) {
                        return missing(self);
                    }
                    return Ok(Target::Element(
                        expr,
                        format!("e.{}", m.name.to_lowercase()),
                    ));
                }
            }
        }
    }

    /// The value at a path inside a JSON text column, as text (objects and arrays as JSON
    /// text; NULL when missing or JSON `null`).
    fn json(&self, column: &str, path: &[String]) -> Result<String, String> {
        let mut p = String::from("$");
        for k in path {
            let plain = k
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !plain {
                return Err(format!(
                    "JSON member `{}` is not a plain name (letters, digits, `_`)",
                    yagura_core::escape::one_line(k)
                ));
            }
            p.push('.');
            p.push_str(k);
        }
        let p = literal(&p);
        Ok(match self.dialect {
            Dialect::DuckDb => format!("json_extract_string({column}, {p})"),
            _ => format!(
                "coalesce(json_extract_scalar({column}, {p}), nullif(json_format(json_extract({column}, {p})), 'null'))"
            ),
        })
    }

    fn field(&mut self, f: &FieldCond) -> Result<String, String> {
        let target = self.target(&f.path)?;
        let shown = || yagura_core::escape::one_line(&f.path.join("."));
        match (&f.test, target) {
            (Test::Null | Test::Exists(false), Target::Scalar(x) | Target::Whole(x)) => {
                Ok(format!("({x} IS NULL)"))
            }
            (Test::Exists(true), Target::Scalar(x) | Target::Whole(x)) => {
                Ok(format!("({x} IS NOT NULL)"))
            }
            (Test::Null | Test::Exists(_), Target::Element(arr, x)) => {
                let any = self.any_element(&arr, &format!("{x} IS NOT NULL"));
                Ok(if matches!(f.test, Test::Exists(true)) {
                    any
                } else {
                    format!("(NOT {any})")
                })
            }
            (_, Target::Whole(_)) => Err(format!(
                "field `{}` is a struct or array in the table: only `null` and `exists` apply to it",
                shown()
            )),
            (Test::FieldRef(other), Target::Scalar(x)) => match self.target(other)? {
                Target::Scalar(y) => Ok(format!("coalesce(lower({x}) = lower({y}), false)")),
                _ => Err(format!(
                    "field `{}`: `fieldref` to a struct or array is not expressed",
                    shown()
                )),
            },
            (Test::FieldRef(_), Target::Element(..)) => Err(format!(
                "field `{}`: `fieldref` on an array is not expressed",
                shown()
            )),
            (Test::Values { matchers, all }, t) => {
                let x = match &t {
                    Target::Scalar(x) | Target::Element(_, x) => x.clone(),
                    Target::Whole(_) => unreachable_whole(),
                };
                let parts = matchers
                    .iter()
                    .map(|m| self.matcher(m, &x).map_err(|e| format!("field `{}`: {e}", shown())))
                    .collect::<Result<Vec<_>, _>>()?;
                let joined = match parts.len() {
                    0 => "FALSE".to_string(),
                    1 => parts.concat(),
                    _ => format!("({})", parts.join(if *all { " AND " } else { " OR " })),
                };
                Ok(match t {
                    Target::Element(arr, _) if *all => {
                        // every value must be found, each in some element
                        let each = parts
                            .iter()
                            .map(|p| self.any_element(&arr, p))
                            .collect::<Vec<_>>();
                        format!("({})", each.join(" AND "))
                    }
                    Target::Element(arr, _) => self.any_element(&arr, &joined),
                    _ => format!("coalesce({joined}, false)"),
                })
            }
        }
    }

    /// True when some element `e` of the array `arr` satisfies `pred` (two-valued).
    fn any_element(&self, arr: &str, pred: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!(
                "coalesce(len(list_filter({arr}, lambda e: coalesce({pred}, false))) > 0, false)"
            ),
            _ => format!("coalesce(any_match({arr}, e -> coalesce({pred}, false)), false)"),
        }
    }

    fn matcher(&self, m: &Matcher, x: &str) -> Result<String, String> {
        let like = |pat: String, cased: bool| {
            let subject = if cased {
                x.to_string()
            } else {
                format!("lower({x})")
            };
            format!("({subject} LIKE {} ESCAPE '\\')", literal(&pat))
        };
        let lit = |s: &str, pre: &str, post: &str| {
            let mut p = String::from(pre);
            like_escape(s, &mut p);
            p.push_str(post);
            p
        };
        Ok(match m {
            Matcher::Any => format!("({x} IS NOT NULL)"),
            Matcher::Exact(s, true) => format!("({x} = {})", literal(s)),
            Matcher::Exact(s, false) => format!("(lower({x}) = {})", literal(s)),
            Matcher::Prefix(s, cased) => like(lit(s, "", "%"), *cased),
            Matcher::Suffix(s, cased) => like(lit(s, "%", ""), *cased),
            Matcher::Contains(s, cased) => like(lit(s, "%", "%"), *cased),
            Matcher::Glob(re, toks) => {
                let cased = !re.as_str().starts_with("(?is)");
                let mut p = String::new();
                for t in toks {
                    match t {
                        WildTok::Lit(l) if cased => like_escape(l, &mut p),
                        WildTok::Lit(l) => like_escape(&l.to_lowercase(), &mut p),
                        WildTok::Star => p.push('%'),
                        WildTok::Q => p.push('_'),
                    }
                }
                like(p, cased)
            }
            Matcher::Re(re, _) => {
                format!("{}({x}, {})", self.dialect.regex_fn(), literal(re.as_str()))
            }
            Matcher::Num(op, n) => {
                if !n.is_finite() {
                    return Err(format!("`{n}` is not a finite number"));
                }
                let op = match op {
                    CmpOp::Gt => ">",
                    CmpOp::Gte => ">=",
                    CmpOp::Lt => "<",
                    CmpOp::Lte => "<=",
                    CmpOp::Eq => "=",
                    CmpOp::Neq => "<>",
                };
                format!("(TRY_CAST(trim({x}) AS DOUBLE) {op} {n:?})")
            }
            Matcher::Cidr(IpAddr::V4(net), bits) => {
                let mask: u32 = if *bits == 0 {
                    0
                } else {
                    u32::MAX << (32 - u32::from(*bits))
                };
                let lo = u32::from(*net) & mask;
                let hi = lo | !mask;
                let octet = |k: u8| format!("TRY_CAST(split_part(trim({x}), '.', {k}) AS BIGINT)");
                let shape = format!(
                    "{}(trim({x}), '^[0-9]{{1,3}}\\.[0-9]{{1,3}}\\.[0-9]{{1,3}}\\.[0-9]{{1,3}}$')",
                    self.dialect.regex_fn()
                );
                let each: Vec<String> = (1..=4).map(|k| format!("{} <= 255", octet(k))).collect();
                format!(
                    "({shape} AND {} AND ({} * 16777216 + {} * 65536 + {} * 256 + {}) BETWEEN {lo} AND {hi})",
                    each.join(" AND "),
                    octet(1),
                    octet(2),
                    octet(3),
                    octet(4)
                )
            }
            Matcher::Cidr(IpAddr::V6(_), _) => {
                return Err("IPv6 `cidr` blocks are not expressed in SQL".into())
            }
        })
    }
}

/// A whole struct never reaches a value test (refused just before).
fn unreachable_whole() -> String {
    "NULL".into()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::sigma::LoadOptions;
    use proptest::prelude::*;

    /// Reads back a literal written by [`literal`]: the text it stands for, and the rest of
    /// the input after it. A SQL reader would do the same: `'…'` with `''` inside, `chr(n)`,
    /// joined by ` || ` inside parentheses.
    fn read_literal(sql: &str) -> Option<(String, &str)> {
        fn one(s: &str) -> Option<(String, &str)> {
            if let Some(body) = s.strip_prefix('\'') {
                let mut out = String::new();
                let mut it = body.char_indices().peekable();
                while let Some((i, c)) = it.next() {
                    if c == '\'' {
                        if it.peek().map(|p| p.1) == Some('\'') {
                            it.next();
                            out.push('\'');
                            continue;
                        }
                        return Some((out, body.get(i + 1..)?));
                    }
                    out.push(c);
                }
                None
            } else {
                let rest = s.strip_prefix("chr(")?;
                let end = rest.find(')')?;
                let n: u32 = rest.get(..end)?.parse().ok()?;
                Some((char::from_u32(n)?.to_string(), rest.get(end + 1..)?))
            }
        }
        if let Some(inner) = sql.strip_prefix('(') {
            let mut out = String::new();
            let mut rest = inner;
            loop {
                let (piece, r) = one(rest)?;
                out.push_str(&piece);
                if let Some(r) = r.strip_prefix(" || ") {
                    rest = r;
                } else {
                    return Some((out, r.strip_prefix(')')?));
                }
            }
        }
        one(sql)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// No value leaves its literal: the literal reads back as the value, nothing follows
        /// it, and it holds no line break or control character.
        #[test]
        fn literals_hold_any_string(s in any::<String>()) {
            let l = literal(&s);
            let (back, rest) = read_literal(&l).expect("reads back");
            prop_assert_eq!(back, s);
            prop_assert_eq!(rest, "");
            prop_assert!(!l.chars().any(|c| c.is_control()));
        }

        /// A rule made of arbitrary values gives a query whose every literal reads back: the
        /// query's text outside the literals is the generator's own.
        #[test]
        fn hostile_values_stay_literals(v in "[ -~\u{80}-\u{10ffff}]{0,40}", m in 0usize..5) {
            let modifier = ["", "|contains", "|startswith", "|endswith", "|cased"][m];
            let yaml = format!(
                "title: t\nlogsource: {{product: aws}}\ndetection:\n  sel:\n    eventName{modifier}: {}\n  condition: sel\n",
                serde_json::to_string(&v).unwrap()
            );
            let (set, errs) = RuleSet::from_sources([("t.yml", yaml.as_str())], &LoadOptions::default());
            prop_assume!(errs.is_empty());
            for d in [Dialect::DuckDb, Dialect::Athena] {
                let g = generate(&set, d);
                prop_assert_eq!(g.queries.len(), 1);
                let sql = g.queries[0].sql("t");
                // strip every literal: what stays has no quote
                let mut rest = sql.as_str();
                let mut outside = String::new();
                while let Some(at) = rest.find(['\'', '(']) {
                    outside.push_str(&rest[..at]);
                    let tail = &rest[at..];
                    if tail.starts_with('\'') || tail.starts_with("('") || tail.starts_with("(chr(") {
                        let (_, r) = read_literal(tail).expect("a literal reads back");
                        rest = r;
                    } else {
                        outside.push('(');
                        rest = &tail[1..];
                    }
                }
                outside.push_str(rest);
                prop_assert!(!outside.contains('\''), "{}", sql);
                prop_assert!(!outside.contains(';'), "{}", sql);
            }
        }
    }

    fn one(det: &str, d: Dialect) -> Generated {
        let y = format!("title: t\nid: r1\nlogsource: {{product: aws}}\ndetection:\n{det}");
        let (set, errs) = RuleSet::from_sources([("t.yml", y.as_str())], &LoadOptions::default());
        assert!(errs.is_empty(), "{errs:?}");
        generate(&set, d)
    }

    #[test]
    fn fields_map_to_columns_structs_and_json() {
        let g = one(
            "  sel:\n    eventName: RunInstances\n    userIdentity.sessionContext.sessionIssuer.type: Role\n    requestParameters.userName|contains: 'a_b%'\n  condition: sel\n",
            Dialect::DuckDb,
        );
        let c = &g.queries[0].condition;
        assert!(c.contains("lower(eventname) = 'runinstances'"), "{c}");
        assert!(
            c.contains("lower(useridentity.sessioncontext.sessionissuer.type) = 'role'"),
            "{c}"
        );
        assert!(
            c.contains("lower(json_extract_string(requestparameters, '$.userName')) LIKE '%a\\_b\\%%' ESCAPE '\\'"),
            "{c}"
        );
        let g = one(
            "  sel:\n    requestParameters.userName: x\n  condition: sel\n",
            Dialect::Athena,
        );
        assert!(g.queries[0]
            .condition
            .contains("json_extract_scalar(requestparameters, '$.userName')"));
    }

    #[test]
    fn unsupported_rules_say_why() {
        for (det, why) in [
            (
                "  keywords:\n    - evil\n  condition: keywords\n",
                "keyword",
            ),
            ("  sel:\n    userIdentity: x\n  condition: sel\n", "struct"),
            (
                "  sel:\n    sourceIPAddress|cidr: '::1/128'\n  condition: sel\n",
                "IPv6",
            ),
            (
                "  sel:\n    requestParameters.a-b: x\n  condition: sel\n",
                "plain name",
            ),
        ] {
            let g = one(det, Dialect::DuckDb);
            assert!(g.queries.is_empty(), "{det}");
            assert!(g.unsupported[0].reason.contains(why), "{:?}", g.unsupported);
        }
        let g = one(
            "  sel:\n    status: success\n  condition: sel\n",
            Dialect::DuckDb,
        );
        assert_eq!(g.queries.len(), 1);
        assert!(g.queries[0].notes[0].contains("`status` is not in the CloudTrail table"));
    }

    #[test]
    fn table_names_are_checked() {
        assert_eq!(
            table_name("db.cloudtrail_logs").unwrap(),
            "\"db\".\"cloudtrail_logs\""
        );
        assert!(table_name("x; DROP TABLE y").is_err());
        assert!(table_name("a.b.c").is_err());
        assert!(table_name("").is_err());
    }

    #[test]
    fn ddl_has_the_documented_columns() {
        let d = ddl("t", Dialect::DuckDb);
        assert!(
            d.contains("useridentity STRUCT(type VARCHAR, principalid VARCHAR"),
            "{d}"
        );
        assert!(
            d.contains("resources STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[]"),
            "{d}"
        );
        let a = ddl("t", Dialect::Athena);
        assert!(a.contains("tlsdetails struct<tlsversion: string"), "{a}");
    }
}
