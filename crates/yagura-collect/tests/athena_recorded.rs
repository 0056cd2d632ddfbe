//! RECORDED RESPONSES: `trail hunt --athena` through the real Athena client of
//! `yagura_collect::athena`. moto's Athena accepts StartQueryExecution but does not run SQL (its
//! results are whatever a test seeds), so the answers below are Athena's wire form (JSON 1.1
//! bodies, as the Athena API reference shows them: StartQueryExecution's id, GetQueryExecution
//! moving from QUEUED/RUNNING to SUCCEEDED or FAILED with its statistics or reason,
//! GetQueryResults in pages whose first row is the header) replayed with aws-smithy-mocks.
//! The rows are read back into detections by `yagura_trail::sql::detections_from_rows`, as the
//! binary does before writing the report.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use aws_sdk_athena::Client;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use yagura_collect::athena::{run_with, AthenaQuery, Poll};
use yagura_trail::sigma::{LoadOptions, RuleSet};

const QUERY_ID: &str = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

fn client(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        interceptor = interceptor.with_rule(r);
    }
    Client::from_conf(
        aws_sdk_athena::Config::builder()
            .behavior_version(aws_sdk_athena::config::BehaviorVersion::latest())
            .region(aws_sdk_athena::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_athena::config::Credentials::new(
                "test-key-id",
                "test-secret",
                None,
                None,
                "recorded",
            ))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build(),
    )
}

fn fast() -> Poll {
    Poll {
        first_wait: Duration::from_millis(1),
        max_wait: Duration::from_millis(4),
        timeout: Duration::from_secs(5),
    }
}

fn state(s: &str, extra: &str) -> String {
    format!(
        r#"{{"QueryExecution":{{"QueryExecutionId":"{QUERY_ID}","Query":"SELECT …","StatementType":"DML","WorkGroup":"primary","Status":{{"State":"{s}","SubmissionDateTime":1.7331e9{extra}}}{}}}}}"#,
        if s == "SUCCEEDED" {
            r#","Statistics":{"EngineExecutionTimeInMillis":2841,"DataScannedInBytes":734003}"#
        } else {
            ""
        }
    )
}

const COLUMNS: [&str; 14] = [
    "rule_id",
    "eventid",
    "c_eventtime",
    "c_eventsource",
    "c_eventname",
    "c_awsregion",
    "c_sourceipaddress",
    "c_errorcode",
    "c_recipientaccountid",
    "c_ui_type",
    "c_ui_arn",
    "c_ui_principalid",
    "c_ui_accountid",
    "c_ui_accesskeyid",
];

fn row(cells: &[Option<&str>]) -> String {
    let data: Vec<String> = cells
        .iter()
        .map(|c| match c {
            Some(v) => format!(
                r#"{{"VarCharValue":{}}}"#,
                serde_json::to_string(v).unwrap()
            ),
            None => "{}".to_string(),
        })
        .collect();
    format!(r#"{{"Data":[{}]}}"#, data.join(","))
}

fn page(rows: &[String], next: Option<&str>) -> String {
    let info: Vec<String> = COLUMNS
        .iter()
        .map(|c| {
            format!(
                r#"{{"CatalogName":"hive","Name":"{c}","Label":"{c}","Type":"varchar","Nullable":"UNKNOWN","CaseSensitive":true,"Precision":2147483647,"Scale":0}}"#
            )
        })
        .collect();
    format!(
        r#"{{"UpdateCount":0,"ResultSet":{{"Rows":[{}],"ResultSetMetadata":{{"ColumnInfo":[{}]}}}}{}}}"#,
        rows.join(","),
        info.join(","),
        next.map(|n| format!(r#","NextToken":"{n}""#))
            .unwrap_or_default()
    )
}

fn hit(rule: &str, id: &str, name: &str) -> String {
    row(&[
        Some(rule),
        Some(id),
        Some("2023-07-10T12:01:02Z"),
        Some("cloudtrail.amazonaws.com"),
        Some(name),
        Some("us-east-1"),
        Some("203.0.113.7"),
        None,
        Some("123456789012"),
        Some("IAMUser"),
        Some("arn:aws:iam::123456789012:user/mallory"),
        Some("AIDAEXAMPLE"),
        Some("123456789012"),
        None,
    ])
}

const RULES: &str = "title: Stop logging\nid: r-stop\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    eventName: StopLogging\n  condition: sel\n---\ntitle: Delete trail\nid: r-delete\nlevel: high\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    eventName: DeleteTrail\n  condition: sel\n";

fn query() -> AthenaQuery {
    AthenaQuery {
        workgroup: "primary".into(),
        database: Some("security".into()),
        output_location: None,
        sql: "SELECT r.rule_id, s.eventid … CROSS JOIN (VALUES (0, 'r-stop'), (1, 'r-delete')) …"
            .into(),
    }
}

#[tokio::test]
async fn a_hunt_polls_until_done_and_reads_every_page() {
    let start = mock!(Client::start_query_execution)
        .match_requests(|r| {
            r.work_group() == Some("primary")
                && r.query_execution_context().and_then(|c| c.database()) == Some("security")
                && r.query_string().is_some_and(|q| q.contains("CROSS JOIN"))
        })
        .sequence()
        .http_status(200, Some(format!(r#"{{"QueryExecutionId":"{QUERY_ID}"}}"#)))
        .build();
    let status = mock!(Client::get_query_execution)
        .match_requests(|r| r.query_execution_id() == Some(QUERY_ID))
        .sequence()
        .http_status(200, Some(state("QUEUED", "")))
        .http_status(200, Some(state("RUNNING", "")))
        .http_status(
            200,
            Some(state("SUCCEEDED", r#","CompletionDateTime":1.7331e9"#)),
        )
        .build();
    let header = row(&COLUMNS.map(Some));
    let results = mock!(Client::get_query_results)
        .match_requests(|r| r.query_execution_id() == Some(QUERY_ID))
        .sequence()
        .http_status(
            200,
            Some(page(
                &[header, hit("r-stop", "e-1", "StopLogging")],
                Some("page-2"),
            )),
        )
        .http_status(
            200,
            Some(page(
                &[
                    hit("r-delete", "e-2", "DeleteTrail"),
                    hit("r-stop", "e-3", "StopLogging"),
                ],
                None,
            )),
        )
        .build();
    let c = client(&[&start, &status, &results]);
    let rows = run_with(&c, &query(), fast()).await.unwrap();
    assert_eq!(rows.query_id, QUERY_ID);
    assert_eq!(rows.polls, 3);
    assert_eq!(rows.scanned_bytes, Some(734_003));
    assert_eq!(rows.columns, COLUMNS.map(String::from).to_vec());
    // the header row of the first page is not a hit; the second page is read
    assert_eq!(rows.rows.len(), 3);
    assert_eq!(results.num_calls(), 2);

    let (set, errs) = RuleSet::from_sources([("r.yml", RULES)], &LoadOptions::default());
    assert!(errs.is_empty(), "{errs:?}");
    let d = yagura_trail::sql::detections_from_rows(&set, &rows.columns, &rows.rows).unwrap();
    let got: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d.id.as_str(), d.events[0].event_id.as_str()))
        .collect();
    assert_eq!(got.len(), 3);
    for want in [
        ("sigma:r-stop", "e-1"),
        ("sigma:r-delete", "e-2"),
        ("sigma:r-stop", "e-3"),
    ] {
        assert!(got.contains(&want), "{got:?}");
    }
    let e = &d[0].events[0];
    assert_eq!(e.principal, "arn:aws:iam::123456789012:user/mallory");
    assert_eq!(e.source_ip, "203.0.113.7");
    assert_eq!(e.account, "123456789012");
    assert!(d[0]
        .message
        .en
        .contains("by `arn:aws:iam::123456789012:user/mallory`"));
}

/// StartQueryExecution's answer: the query's id.
fn started() -> Rule {
    mock!(Client::start_query_execution)
        .sequence()
        .http_status(200, Some(format!(r#"{{"QueryExecutionId":"{QUERY_ID}"}}"#)))
        .build()
}

#[tokio::test]
async fn a_failed_query_says_why() {
    let start = started();
    let status = mock!(Client::get_query_execution)
        .sequence()
        .http_status(
            200, Some(state(
                "FAILED",
                r#","StateChangeReason":"TABLE_NOT_FOUND: line 3:8: Table 'awsdatacatalog.security.cloudtrail_logs' does not exist""#,
            )))
        .build();
    let c = client(&[&start, &status]);
    let e = run_with(&c, &query(), fast()).await.unwrap_err();
    assert_eq!(e.code, "FAILED");
    assert!(e.message.contains("TABLE_NOT_FOUND"), "{e:?}");
}

#[tokio::test]
async fn a_query_past_its_timeout_is_stopped() {
    let start = started();
    let status = mock!(Client::get_query_execution)
        .sequence()
        .http_status(200, Some(state("RUNNING", "")))
        .repeatedly()
        .build();
    let stop = mock!(Client::stop_query_execution)
        .match_requests(|r| r.query_execution_id() == Some(QUERY_ID))
        .sequence()
        .http_status(200, Some("{}".to_string()))
        .build();
    let c = client(&[&start, &status, &stop]);
    let poll = Poll {
        timeout: Duration::from_millis(20),
        ..fast()
    };
    let e = run_with(&c, &query(), poll).await.unwrap_err();
    assert_eq!(e.code, "Timeout");
    assert_eq!(stop.num_calls(), 1);
    // backoff: the waits double up to the cap, so a 20 ms timeout takes a handful of polls
    assert!(
        status.num_calls() >= 3 && status.num_calls() < 20,
        "{}",
        status.num_calls()
    );
}

#[tokio::test]
async fn access_denied_is_a_collect_error() {
    let start = mock!(Client::start_query_execution)
        .sequence()
        .http_status(
            400, Some(r#"{"__type":"AccessDeniedException","Message":"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: athena:StartQueryExecution"}"#
                .to_string()))
        .build();
    let c = client(&[&start]);
    let e = run_with(&c, &query(), fast()).await.unwrap_err();
    assert_eq!(e.operation, "athena:StartQueryExecution");
    assert!(e.code.contains("AccessDenied"), "{e:?}");
}
