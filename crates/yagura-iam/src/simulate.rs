//! `yagura iam simulate`: requests with their policies in, decisions out (JSON).

use crate::eval::{authorize, PolicySet, Request, Response};
use crate::json::{self, Json, Value};
use crate::policy::Policy;
use crate::Error;
use std::collections::BTreeMap;

/// One simulation case: a request and the policies that apply to it.
#[derive(Debug, Clone, Default)]
pub struct Case {
    pub request: Request,
    pub policies: PolicySet,
}

fn err(source: &str, j: &Json, message: String) -> Error {
    Error::Input {
        input: source.to_string(),
        line: j.pos.line,
        column: j.pos.column,
        message,
    }
}

fn field<'a>(members: &'a [(String, json::Pos, Json)], name: &str) -> Option<&'a Json> {
    members
        .iter()
        .find(|(k, _, _)| k == name)
        .map(|(_, _, v)| v)
}

fn str_field(
    source: &str,
    members: &[(String, json::Pos, Json)],
    name: &str,
) -> Result<Option<String>, Error> {
    match field(members, name) {
        None => Ok(None),
        Some(Json {
            value: Value::Null, ..
        }) => Ok(None),
        Some(j) => match &j.value {
            Value::String(s) => Ok(Some(s.clone())),
            other => Err(err(
                source,
                j,
                format!("`{name}` must be a string, found {}", other.kind()),
            )),
        },
    }
}

fn opt_policy(source: &str, j: Option<&Json>, name: &str) -> Result<Option<Policy>, Error> {
    match j {
        None => Ok(None),
        Some(Json {
            value: Value::Null, ..
        }) => Ok(None),
        Some(j) => Policy::from_json(&format!("{source} ({name})"), j).map(Some),
    }
}

fn policy_list(source: &str, j: Option<&Json>, name: &str) -> Result<Vec<Policy>, Error> {
    match j {
        None => Ok(Vec::new()),
        Some(Json {
            value: Value::Null, ..
        }) => Ok(Vec::new()),
        Some(
            j @ Json {
                value: Value::Array(items),
                ..
            },
        ) => {
            let _ = j;
            items
                .iter()
                .enumerate()
                .map(|(i, p)| Policy::from_json(&format!("{source} ({name}[{i}])"), p))
                .collect()
        }
        Some(j) => Err(err(
            source,
            j,
            format!(
                "`{name}` must be an array of policies, found {}",
                j.value.kind()
            ),
        )),
    }
}

/// Organization policies per level, root first (`scps`, `rcps`): absent or null means none.
fn levels(
    source: &str,
    members: &[(String, json::Pos, Json)],
    name: &str,
) -> Result<Vec<Vec<Policy>>, Error> {
    match field(members, name) {
        None => Ok(Vec::new()),
        Some(Json {
            value: Value::Null, ..
        }) => Ok(Vec::new()),
        Some(Json {
            value: Value::Array(levels),
            ..
        }) => levels
            .iter()
            .enumerate()
            .map(|(l, level)| policy_list(source, Some(level), &format!("{name}[{l}]")))
            .collect(),
        Some(other) => Err(err(
            source,
            other,
            format!(
                "`{name}` must be an array of arrays of policies, found {}",
                other.value.kind()
            ),
        )),
    }
}

/// Reads one case from its JSON object.
pub fn case_from_json(source: &str, j: &Json) -> Result<Case, Error> {
    let Value::Object(members) = &j.value else {
        return Err(err(
            source,
            j,
            format!(
                "a simulation case must be an object, found {}",
                j.value.kind()
            ),
        ));
    };
    let Some(rj) = field(members, "request") else {
        return Err(err(source, j, "the case has no `request`".to_string()));
    };
    let Value::Object(rm) = &rj.value else {
        return Err(err(
            source,
            rj,
            format!("`request` must be an object, found {}", rj.value.kind()),
        ));
    };
    let need = |name: &str| -> Result<String, Error> {
        str_field(source, rm, name)?
            .ok_or_else(|| err(source, rj, format!("the request has no `{name}`")))
    };
    let mut context = BTreeMap::new();
    if let Some(cj) = field(rm, "context") {
        match &cj.value {
            Value::Null => {}
            Value::Object(entries) => {
                for (k, _, v) in entries {
                    let scalar = |x: &Json| -> Result<String, Error> {
                        match &x.value {
                            Value::String(s) | Value::Number(s) => Ok(s.clone()),
                            Value::Bool(b) => Ok(b.to_string()),
                            other => Err(err(source, x, format!("context value of `{k}` must be a string or an array of strings, found {}", other.kind()))),
                        }
                    };
                    let vals = match &v.value {
                        Value::Array(items) => {
                            items.iter().map(scalar).collect::<Result<Vec<_>, _>>()?
                        }
                        _ => vec![scalar(v)?],
                    };
                    context.insert(k.clone(), vals);
                }
            }
            other => {
                return Err(err(
                    source,
                    cj,
                    format!("`context` must be an object, found {}", other.kind()),
                ))
            }
        }
    }
    let request = Request {
        principal: need("principal")?,
        action: need("action")?,
        resource: need("resource")?,
        resource_account: str_field(source, rm, "resource_account")?,
        context,
    };
    let scps = levels(source, members, "scps")?;
    let rcps = levels(source, members, "rcps")?;
    let management_account = str_field(source, members, "management_account")?;
    Ok(Case {
        request,
        policies: PolicySet {
            identity_policies: policy_list(
                source,
                field(members, "identity_policies"),
                "identity_policies",
            )?,
            resource_policy: opt_policy(
                source,
                field(members, "resource_policy"),
                "resource_policy",
            )?,
            scps,
            rcps,
            management_account,
            permission_boundary: opt_policy(
                source,
                field(members, "permission_boundary"),
                "permission_boundary",
            )?,
            session_policy: opt_policy(source, field(members, "session_policy"), "session_policy")?,
        },
    })
}

/// Reads one case or a JSON array of cases. The bool says whether the input was an array.
pub fn parse_cases(source: &str, input: &str) -> Result<(Vec<Case>, bool), Error> {
    let doc = json::parse(input).map_err(|e| Error::Syntax {
        input: source.to_string(),
        line: e.pos.line,
        column: e.pos.column,
        message: e.message,
    })?;
    match &doc.value {
        Value::Array(items) => Ok((
            items
                .iter()
                .map(|c| case_from_json(source, c))
                .collect::<Result<_, _>>()?,
            true,
        )),
        _ => Ok((vec![case_from_json(source, &doc)?], false)),
    }
}

/// Decides every case; one response per case, in order.
pub fn simulate(cases: &[Case]) -> Vec<Response> {
    cases
        .iter()
        .map(|c| authorize(&c.request, &c.policies))
        .collect()
}

/// The whole `yagura iam simulate` step: JSON in (one case or an array), JSON out (one response
/// or an array, in the same order), pretty printed.
pub fn simulate_json(input: &str) -> Result<String, Error> {
    let (cases, array) = parse_cases("input", input)?;
    let responses = simulate(&cases);
    let out = if array {
        serde_json::to_string_pretty(&responses)
    } else {
        match responses.first() {
            Some(r) => serde_json::to_string_pretty(r),
            None => Ok("[]".to_string()),
        }
    };
    out.map_err(|e| Error::Output(e.to_string()))
}
