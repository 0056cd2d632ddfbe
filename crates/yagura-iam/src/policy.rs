//! The policy model (IAM-01): one type for identity, resource, trust, SCP/RCP, boundary and
//! session policies, parsed with positions and printed back to canonical JSON.

use crate::json::{self, Json, Pos, Value};
use crate::pattern::Pattern;
use crate::Error;
use serde_json::{Map, Value as JValue};

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// `Action` or `NotAction` (likewise for resources): the listed patterns, and whether the element
/// was the negated form.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    pub not: bool,
    pub patterns: Vec<Pattern>,
    /// Written as a single string rather than an array.
    pub single: bool,
}

/// A principal value: `"*"` or a map of principal types to values.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    Any,
    /// (type, values) in document order; type is `AWS`, `Service`, `Federated`, `CanonicalUser`.
    Map(Vec<(String, Vec<String>, bool)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalElement {
    pub not: bool,
    pub principal: Principal,
}

/// A condition value as written; AWS compares them as strings.
#[derive(Debug, Clone, PartialEq)]
pub enum CondValue {
    String(String),
    Bool(bool),
    Number(String),
}

impl CondValue {
    pub fn as_str(&self) -> &str {
        match self {
            CondValue::String(s) | CondValue::Number(s) => s,
            CondValue::Bool(true) => "true",
            CondValue::Bool(false) => "false",
        }
    }
}

/// One `operator → key → values` entry of a Condition block.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator as written (`ForAnyValue:StringLikeIfExists`).
    pub operator: String,
    pub op: Option<crate::condition::Operator>,
    pub key: String,
    pub values: Vec<CondValue>,
    pub single: bool,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub action: Option<Matcher>,
    pub resource: Option<Matcher>,
    pub principal: Option<PrincipalElement>,
    pub conditions: Vec<Condition>,
    pub pos: Pos,
}

impl Policy {
    /// Parses a policy document. `source` names the input in errors (a file name, `policy`).
    pub fn parse(source: &str, text: &str) -> Result<Policy, Error> {
        let doc = json::parse(text).map_err(|e| Error::Syntax {
            input: source.to_string(),
            line: e.pos.line,
            column: e.pos.column,
            message: e.message,
        })?;
        Policy::from_json(source, &doc)
    }

    /// Builds a policy from an already parsed JSON value (a policy inside a larger document).
    pub fn from_json(source: &str, doc: &Json) -> Result<Policy, Error> {
        let err = |pos: Pos, message: String| Error::Policy {
            input: source.to_string(),
            line: pos.line,
            column: pos.column,
            message,
        };
        let Value::Object(members) = &doc.value else {
            return Err(err(
                doc.pos,
                format!("a policy must be a JSON object, found {}", doc.value.kind()),
            ));
        };
        let mut version = None;
        let mut id = None;
        let mut statements = None;
        let mut seen: Vec<&str> = Vec::new();
        for (k, kpos, v) in members {
            if seen.contains(&k.as_str()) {
                return Err(err(*kpos, format!("duplicate policy element `{k}`")));
            }
            seen.push(k);
            match k.as_str() {
                "Version" => {
                    let s = string(v).map_err(|m| err(v.pos, format!("`Version` {m}")))?;
                    if s != "2012-10-17" && s != "2008-10-17" {
                        return Err(err(
                            v.pos,
                            format!("unknown `Version` `{s}` (expected `2012-10-17`)"),
                        ));
                    }
                    version = Some(s);
                }
                "Id" => id = Some(string(v).map_err(|m| err(v.pos, format!("`Id` {m}")))?),
                "Statement" => {
                    let list = match &v.value {
                        Value::Array(items) => items.iter().collect::<Vec<_>>(),
                        Value::Object(_) => vec![v],
                        other => {
                            return Err(err(
                                v.pos,
                                format!(
                                    "`Statement` must be an object or an array, found {}",
                                    other.kind()
                                ),
                            ))
                        }
                    };
                    let mut out = Vec::with_capacity(list.len());
                    for s in list {
                        out.push(statement(s).map_err(|(p, m)| err(p, m))?);
                    }
                    statements = Some(out);
                }
                other => return Err(err(*kpos, format!("unknown policy element `{other}`"))),
            }
        }
        let Some(statements) = statements else {
            return Err(err(doc.pos, "the policy has no `Statement`".to_string()));
        };
        Ok(Policy {
            version,
            id,
            statements,
        })
    }

    /// The canonical JSON form: keys in AWS's documented order, `Statement` always an array,
    /// single values kept as strings.
    pub fn to_json(&self) -> JValue {
        let mut m = Map::new();
        if let Some(v) = &self.version {
            m.insert("Version".into(), JValue::String(v.clone()));
        }
        if let Some(v) = &self.id {
            m.insert("Id".into(), JValue::String(v.clone()));
        }
        let stmts = self.statements.iter().map(Statement::to_json).collect();
        m.insert("Statement".into(), JValue::Array(stmts));
        JValue::Object(m)
    }

    /// The canonical JSON text (pretty printed, two-space indent).
    pub fn to_canonical_string(&self) -> String {
        serde_json::to_string_pretty(&self.to_json()).unwrap_or_default()
    }
}

fn one_or_many(values: &[String], single: bool) -> JValue {
    if single && values.len() == 1 {
        JValue::String(values[0].clone())
    } else {
        JValue::Array(values.iter().cloned().map(JValue::String).collect())
    }
}

impl Statement {
    pub fn to_json(&self) -> JValue {
        let mut m = Map::new();
        if let Some(s) = &self.sid {
            m.insert("Sid".into(), JValue::String(s.clone()));
        }
        m.insert("Effect".into(), JValue::String(self.effect.as_str().into()));
        if let Some(p) = &self.principal {
            let v = match &p.principal {
                Principal::Any => JValue::String("*".into()),
                Principal::Map(entries) => {
                    let mut pm = Map::new();
                    for (t, vals, single) in entries {
                        pm.insert(t.clone(), one_or_many(vals, *single));
                    }
                    JValue::Object(pm)
                }
            };
            m.insert(if p.not { "NotPrincipal" } else { "Principal" }.into(), v);
        }
        for (name, notname, mm) in [
            ("Action", "NotAction", &self.action),
            ("Resource", "NotResource", &self.resource),
        ] {
            if let Some(mm) = mm {
                let raws: Vec<String> = mm.patterns.iter().map(|p| p.raw.clone()).collect();
                m.insert(
                    if mm.not { notname } else { name }.into(),
                    one_or_many(&raws, mm.single),
                );
            }
        }
        if !self.conditions.is_empty() {
            let mut cm: Map<String, JValue> = Map::new();
            for c in &self.conditions {
                let entry = cm
                    .entry(c.operator.clone())
                    .or_insert_with(|| JValue::Object(Map::new()));
                let vals: Vec<JValue> = c
                    .values
                    .iter()
                    .map(|v| match v {
                        CondValue::String(s) => JValue::String(s.clone()),
                        CondValue::Bool(b) => JValue::Bool(*b),
                        CondValue::Number(n) => serde_json::from_str::<JValue>(n)
                            .unwrap_or_else(|_| JValue::String(n.clone())),
                    })
                    .collect();
                let v = if c.single && vals.len() == 1 {
                    vals.into_iter().next().unwrap_or(JValue::Null)
                } else {
                    JValue::Array(vals)
                };
                if let JValue::Object(inner) = entry {
                    inner.insert(c.key.clone(), v);
                }
            }
            m.insert("Condition".into(), JValue::Object(cm));
        }
        JValue::Object(m)
    }
}

fn string(v: &Json) -> Result<String, String> {
    match &v.value {
        Value::String(s) => Ok(s.clone()),
        other => Err(format!("must be a string, found {}", other.kind())),
    }
}

/// A string or a non-empty array of strings.
fn strings(v: &Json, what: &str) -> Result<(Vec<String>, bool), (Pos, String)> {
    match &v.value {
        Value::String(s) => Ok((vec![s.clone()], true)),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                match &i.value {
                    Value::String(s) => out.push(s.clone()),
                    other => {
                        return Err((
                            i.pos,
                            format!("`{what}` must hold strings, found {}", other.kind()),
                        ))
                    }
                }
            }
            Ok((out, false))
        }
        other => Err((
            v.pos,
            format!(
                "`{what}` must be a string or an array of strings, found {}",
                other.kind()
            ),
        )),
    }
}

fn statement(v: &Json) -> Result<Statement, (Pos, String)> {
    let Value::Object(members) = &v.value else {
        return Err((
            v.pos,
            format!("a statement must be an object, found {}", v.value.kind()),
        ));
    };
    let mut sid = None;
    let mut effect = None;
    let mut action: Option<Matcher> = None;
    let mut resource: Option<Matcher> = None;
    let mut principal: Option<PrincipalElement> = None;
    let mut conditions = Vec::new();
    let dup = |pos: Pos, a: &str, b: &str| {
        Err((pos, format!("a statement cannot have both `{a}` and `{b}`")))
    };
    let mut seen: Vec<&str> = Vec::new();
    for (k, kpos, val) in members {
        if seen.contains(&k.as_str()) {
            return Err((*kpos, format!("duplicate statement element `{k}`")));
        }
        seen.push(k);
        match k.as_str() {
            "Sid" => sid = Some(string(val).map_err(|m| (val.pos, format!("`Sid` {m}")))?),
            "Effect" => {
                let s = string(val).map_err(|m| (val.pos, format!("`Effect` {m}")))?;
                effect = Some(match s.as_str() {
                    "Allow" => Effect::Allow,
                    "Deny" => Effect::Deny,
                    _ => {
                        return Err((
                            val.pos,
                            format!("`Effect` must be `Allow` or `Deny`, found `{s}`"),
                        ))
                    }
                });
            }
            "Action" | "NotAction" => {
                if action.is_some() {
                    return dup(*kpos, "Action", "NotAction");
                }
                let (list, single) = strings(val, k)?;
                action = Some(Matcher {
                    not: k == "NotAction",
                    patterns: list.iter().map(|s| Pattern::action(s)).collect(),
                    single,
                });
            }
            "Resource" | "NotResource" => {
                if resource.is_some() {
                    return dup(*kpos, "Resource", "NotResource");
                }
                let (list, single) = strings(val, k)?;
                resource = Some(Matcher {
                    not: k == "NotResource",
                    patterns: list.iter().map(|s| Pattern::resource(s)).collect(),
                    single,
                });
            }
            "Principal" | "NotPrincipal" => {
                if principal.is_some() {
                    return dup(*kpos, "Principal", "NotPrincipal");
                }
                let p = match &val.value {
                    Value::String(s) if s == "*" => Principal::Any,
                    Value::Object(entries) => {
                        let mut out = Vec::new();
                        for (t, tpos, tv) in entries {
                            if !matches!(
                                t.as_str(),
                                "AWS" | "Service" | "Federated" | "CanonicalUser"
                            ) {
                                return Err((
                                    *tpos,
                                    format!("unknown principal type `{t}` (expected AWS, Service, Federated or CanonicalUser)"),
                                ));
                            }
                            let (vals, single) = strings(tv, t)?;
                            out.push((t.clone(), vals, single));
                        }
                        Principal::Map(out)
                    }
                    Value::String(s) => {
                        return Err((
                            val.pos,
                            format!("`{k}` must be `*` or an object, found `{s}`"),
                        ))
                    }
                    other => {
                        return Err((
                            val.pos,
                            format!("`{k}` must be `*` or an object, found {}", other.kind()),
                        ))
                    }
                };
                principal = Some(PrincipalElement {
                    not: k == "NotPrincipal",
                    principal: p,
                });
            }
            "Condition" => {
                let Value::Object(ops) = &val.value else {
                    return Err((
                        val.pos,
                        format!("`Condition` must be an object, found {}", val.value.kind()),
                    ));
                };
                for (op, opos, keys) in ops {
                    let Value::Object(keys) = &keys.value else {
                        return Err((
                            keys.pos,
                            format!(
                                "condition operator `{op}` must map to an object, found {}",
                                keys.value.kind()
                            ),
                        ));
                    };
                    let parsed = crate::condition::Operator::parse(op);
                    for (key, kp, vals) in keys {
                        let one = |j: &Json| -> Result<CondValue, (Pos, String)> {
                            match &j.value {
                                Value::String(s) => Ok(CondValue::String(s.clone())),
                                Value::Bool(b) => Ok(CondValue::Bool(*b)),
                                Value::Number(n) => Ok(CondValue::Number(n.clone())),
                                other => Err((
                                    j.pos,
                                    format!(
                                        "condition value for `{key}` must be a string, boolean or number, found {}",
                                        other.kind()
                                    ),
                                )),
                            }
                        };
                        let (values, single) = match &vals.value {
                            Value::Array(items) => {
                                let mut out = Vec::with_capacity(items.len());
                                for i in items {
                                    out.push(one(i)?);
                                }
                                (out, false)
                            }
                            _ => (vec![one(vals)?], true),
                        };
                        conditions.push(Condition {
                            operator: op.clone(),
                            op: parsed,
                            key: key.clone(),
                            values,
                            single,
                            pos: if *kp == Pos::default() { *opos } else { *kp },
                        });
                    }
                }
            }
            other => return Err((*kpos, format!("unknown statement element `{other}`"))),
        }
    }
    let Some(effect) = effect else {
        return Err((v.pos, "the statement has no `Effect`".to_string()));
    };
    Ok(Statement {
        sid,
        effect,
        action,
        resource,
        principal,
        conditions,
        pos: v.pos,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn errors_name_the_position() {
        let e = Policy::parse(
            "p.json",
            "{\n \"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Permit\"}\n}",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.json:3:26: `Effect` must be `Allow` or `Deny`, found `Permit`"
        );
        let e = Policy::parse(
            "p",
            "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": 3}]}",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("p:1:46: `Action` must be"), "{e}");
    }

    #[test]
    fn duplicate_elements_are_errors() {
        let e = Policy::parse(
            "p",
            r#"{"Statement": {"Effect": "Allow", "Effect": "Deny"}}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "p:1:35: duplicate statement element `Effect`"
        );
        let e = Policy::parse("p", r#"{"Statement": [], "Statement": []}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "p:1:19: duplicate policy element `Statement`"
        );
    }

    #[test]
    fn statement_object_or_array_and_round_trip() {
        let p = Policy::parse(
            "p",
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":["a","b"],
               "Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:max-keys":[10]}}}}"#,
        )
        .unwrap();
        let text = p.to_canonical_string();
        let q = Policy::parse("p", &text).unwrap();
        assert_eq!(p.to_json(), q.to_json());
        assert!(text.contains("\"aws:SecureTransport\": true"));
    }
}
