//! Athena for `yagura trail hunt --athena` (issue 20): one query run to its end —
//! StartQueryExecution in a workgroup (and database), GetQueryExecution polled with
//! exponential backoff until the query succeeds, fails or is cancelled, then every page of
//! GetQueryResults. The SQL comes from `yagura_trail::sql`; this module only runs it.

use std::time::Duration;

use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};
use yagura_inventory::CollectError;

use crate::{collect_error, load_config, ConnectOptions};

/// Where and how a query runs.
#[derive(Debug, Clone)]
pub struct AthenaQuery {
    pub workgroup: String,
    pub database: Option<String>,
    /// `s3://…` for the results, when the workgroup does not set one.
    pub output_location: Option<String>,
    pub sql: String,
}

/// Polling of GetQueryExecution: the first wait, doubled after each poll up to `max_wait`;
/// the query is given up (and stopped) after `timeout`.
#[derive(Debug, Clone, Copy)]
pub struct Poll {
    pub first_wait: Duration,
    pub max_wait: Duration,
    pub timeout: Duration,
}

impl Default for Poll {
    fn default() -> Self {
        Poll {
            first_wait: Duration::from_millis(500),
            max_wait: Duration::from_secs(10),
            timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// A query's result: column names and rows (NULL as `None`), with what Athena says it cost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryRows {
    pub query_id: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    /// Bytes the query read (what Athena bills), when reported.
    pub scanned_bytes: Option<i64>,
    /// GetQueryExecution calls made.
    pub polls: u32,
}

fn failure(operation: &str, code: &str, message: String) -> CollectError {
    CollectError::new(operation, code, &message)
}

/// Runs `q` through the standard credential chain.
pub fn run_query(
    opts: &ConnectOptions,
    q: &AthenaQuery,
    poll: Poll,
) -> Result<QueryRows, CollectError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failure("athena:StartQueryExecution", "Runtime", e.to_string()))?;
    rt.block_on(async {
        let cfg = load_config(opts).await;
        let client = aws_sdk_athena::Client::new(&cfg);
        run_with(&client, q, poll).await
    })
}

/// Runs `q` with `client` (injectable: the tests give a client of recorded responses).
pub async fn run_with(
    client: &aws_sdk_athena::Client,
    q: &AthenaQuery,
    poll: Poll,
) -> Result<QueryRows, CollectError> {
    let mut start = client
        .start_query_execution()
        .query_string(&q.sql)
        .work_group(&q.workgroup);
    if let Some(db) = &q.database {
        start =
            start.query_execution_context(QueryExecutionContext::builder().database(db).build());
    }
    if let Some(out) = &q.output_location {
        start =
            start.result_configuration(ResultConfiguration::builder().output_location(out).build());
    }
    let started = start
        .send()
        .await
        .map_err(|e| collect_error("athena:StartQueryExecution", e))?;
    let id = started
        .query_execution_id()
        .ok_or_else(|| {
            failure(
                "athena:StartQueryExecution",
                "NoQueryId",
                "Athena returned no query execution id".into(),
            )
        })?
        .to_string();
    let mut out = QueryRows {
        query_id: id.clone(),
        ..QueryRows::default()
    };
    let mut wait = poll.first_wait;
    let mut waited = Duration::ZERO;
    loop {
        let got = client
            .get_query_execution()
            .query_execution_id(&id)
            .send()
            .await
            .map_err(|e| collect_error("athena:GetQueryExecution", e))?;
        out.polls += 1;
        let exec = got.query_execution();
        let status = exec.and_then(|e| e.status());
        match status.and_then(|s| s.state()) {
            Some(QueryExecutionState::Succeeded) => {
                out.scanned_bytes = exec
                    .and_then(|e| e.statistics())
                    .and_then(|s| s.data_scanned_in_bytes());
                break;
            }
            Some(state @ (QueryExecutionState::Failed | QueryExecutionState::Cancelled)) => {
                let reason = status
                    .and_then(|s| s.state_change_reason())
                    .unwrap_or("no reason given");
                return Err(failure(
                    "athena:GetQueryExecution",
                    state.as_str(),
                    format!("query {id} {}: {reason}", state.as_str().to_lowercase()),
                ));
            }
            _ => {}
        }
        if waited >= poll.timeout {
            // best effort: a query given up is not left running (and billing)
            let _ = client
                .stop_query_execution()
                .query_execution_id(&id)
                .send()
                .await;
            return Err(failure(
                "athena:GetQueryExecution",
                "Timeout",
                format!(
                    "query {id} still running after {} s: stopped",
                    waited.as_secs()
                ),
            ));
        }
        tokio::time::sleep(wait).await;
        waited += wait;
        wait = (wait * 2).min(poll.max_wait);
    }
    let mut token: Option<String> = None;
    let mut first_page = true;
    loop {
        let page = client
            .get_query_results()
            .query_execution_id(&id)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| collect_error("athena:GetQueryResults", e))?;
        let Some(rs) = page.result_set() else { break };
        if out.columns.is_empty() {
            out.columns = rs
                .result_set_metadata()
                .map(|m| {
                    m.column_info()
                        .iter()
                        .map(|c| c.name().to_string())
                        .collect()
                })
                .unwrap_or_default();
        }
        let mut rows = rs.rows().iter();
        if first_page {
            // a SELECT's first row is the header
            rows.next();
            first_page = false;
        }
        for r in rows {
            out.rows.push(
                r.data()
                    .iter()
                    .map(|d| d.var_char_value().map(str::to_string))
                    .collect(),
            );
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}
