#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! WATCH-06: the unmodified SigmaHQ rules on hand-made events, one positive and one near miss
//! each, for the rules whose semantics are subtle (booleans against strings, `contains: '*'`,
//! arrays in paths, `startswith`, `|all` over an object's text, `null`, filters with `not`).

use serde_json::{json, Value};
use std::path::Path;
use yagura_trail::sigma::RuleSet;
use yagura_trail::Event;

fn rules() -> RuleSet {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/testdata/cloudtrail/sigma/rules"
    ));
    let (set, errors) = RuleSet::load_dir(dir);
    assert!(errors.is_empty());
    set
}

fn ev(source: &str, name: &str, extra: Value) -> Event {
    let mut v = json!({
        "eventTime": "2024-01-01T00:00:00Z",
        "eventSource": source,
        "eventName": name,
        "eventType": "AwsApiCall",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice", "userName": "alice"},
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15",
    });
    if let (Value::Object(m), Value::Object(x)) = (&mut v, extra) {
        for (k, val) in x {
            if val.is_null() {
                m.remove(&k);
            } else {
                m.insert(k, val);
            }
        }
    }
    Event::parse(v.to_string()).unwrap()
}

fn fires(set: &RuleSet, stem: &str, e: &Event) -> bool {
    let idx = set
        .rules
        .iter()
        .position(|r| Path::new(&r.file).file_stem().unwrap().to_string_lossy() == stem)
        .unwrap_or_else(|| panic!("no rule {stem}"));
    let mut out = vec![];
    set.matches(e, &mut out);
    out.contains(&idx)
}

#[test]
fn subtle_rules_fire_and_near_misses_do_not() {
    let s = rules();
    let ec2 = "ec2.amazonaws.com";
    // `contains: '*'` filters: any errorMessage / errorCode / responseElements with Failure
    let export = |extra| ev(ec2, "CreateInstanceExportTask", extra);
    assert!(fires(
        &s,
        "aws_ec2_vm_export_failure",
        &export(json!({"responseElements": {"exportTask": {"state": "active"}}}))
    ));
    assert!(!fires(
        &s,
        "aws_ec2_vm_export_failure",
        &export(json!({"errorCode": "AccessDenied"}))
    ));
    assert!(!fires(
        &s,
        "aws_ec2_vm_export_failure",
        &export(json!({"errorMessage": ""}))
    ));
    assert!(!fires(
        &s,
        "aws_ec2_vm_export_failure",
        &export(json!({"responseElements": {"state": "FAILURE"}}))
    ));
    // startswith + `contains: '*'` over an array of layers
    let lam = |name: &str, extra| ev("lambda.amazonaws.com", name, extra);
    assert!(fires(
        &s,
        "aws_new_lambda_layer_attached",
        &lam(
            "UpdateFunctionConfiguration20150331v2",
            json!({"requestParameters": {"layers": ["arn:aws:lambda:us-east-1:1:layer:x:1"]}})
        )
    ));
    assert!(!fires(
        &s,
        "aws_new_lambda_layer_attached",
        &lam(
            "UpdateFunctionConfiguration20150331v2",
            json!({"requestParameters": {"layers": []}})
        )
    ));
    assert!(!fires(
        &s,
        "aws_new_lambda_layer_attached",
        &lam(
            "GetFunctionConfiguration",
            json!({"requestParameters": {"layers": ["x"]}})
        )
    ));
    // a path through an array of objects holding an array of strings
    let ecs = |cmd: &str| {
        ev(
            "ecs.amazonaws.com",
            "RegisterTaskDefinition",
            json!({"requestParameters": {"containerDefinitions": [{"name": "a", "command": ["sh", "-c", cmd]}]}}),
        )
    };
    assert!(fires(
        &s,
        "aws_ecs_task_definition_cred_endpoint_query",
        &ecs("curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
    ));
    assert!(!fires(
        &s,
        "aws_ecs_task_definition_cred_endpoint_query",
        &ecs("echo hello")
    ));
    // a JSON boolean against the string 'true' / 'false'
    let rds = |public: Value| {
        ev(
            "rds.amazonaws.com",
            "RestoreDBInstanceFromDBSnapshot",
            json!({"responseElements": {"publiclyAccessible": public}}),
        )
    };
    assert!(fires(&s, "aws_rds_public_db_restore", &rds(json!(true))));
    assert!(!fires(&s, "aws_rds_public_db_restore", &rds(json!(false))));
    let gd = |enable: Value, err: Value| {
        ev(
            "guardduty.amazonaws.com",
            "UpdateDetector",
            json!({"requestParameters": {"detectorId": "d", "enable": enable}, "errorCode": err}),
        )
    };
    assert!(fires(
        &s,
        "aws_cloudtrail_guardduty_detector_deleted_or_updated",
        &gd(json!(false), Value::Null)
    ));
    assert!(!fires(
        &s,
        "aws_cloudtrail_guardduty_detector_deleted_or_updated",
        &gd(json!(true), Value::Null)
    ));
    assert!(!fires(
        &s,
        "aws_cloudtrail_guardduty_detector_deleted_or_updated",
        &gd(json!(false), json!("AccessDenied"))
    ));
    assert!(fires(
        &s,
        "aws_cloudtrail_guardduty_detector_deleted_or_updated",
        &gd(json!(false), json!("Success"))
    ));
    // `contains: '*'` on a nested value that must exist
    let pw = |v: Value| {
        ev(
            "rds.amazonaws.com",
            "ModifyDBInstance",
            json!({"responseElements": {"pendingModifiedValues": v}}),
        )
    };
    assert!(fires(
        &s,
        "aws_rds_change_master_password",
        &pw(json!({"masterUserPassword": "****"}))
    ));
    assert!(!fires(
        &s,
        "aws_rds_change_master_password",
        &pw(json!({"allocatedStorage": 20}))
    ));
    // the console's own user agent is filtered out
    let tok = |ua: &str| {
        ev(
            "signin.amazonaws.com",
            "GetSigninToken",
            json!({"userAgent": ua}),
        )
    };
    assert!(fires(&s, "aws_console_getsignintoken", &tok("Mozilla/5.0")));
    assert!(!fires(
        &s,
        "aws_console_getsignintoken",
        &tok("Jersey/${project.version} (HttpUrlConnection 1.8.0_312)")
    ));
    // `contains|all` over the JSON text of requestParameters
    let pol = |doc: &str| {
        ev(
            "iam.amazonaws.com",
            "PutUserPolicy",
            json!({"userAgent": "S3 Browser 9.5.5", "requestParameters": {"policyDocument": doc}}),
        )
    };
    let doc = r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::<YOUR-BUCKET-NAME>/*"]}]}"#;
    assert!(fires(
        &s,
        "aws_iam_s3browser_templated_s3_bucket_policy_creation",
        &pol(doc)
    ));
    assert!(!fires(
        &s,
        "aws_iam_s3browser_templated_s3_bucket_policy_creation",
        &pol(&doc.replace("Allow", "Deny"))
    ));
    // root: case-insensitive equality; service events excluded
    let root = |t: &str, ty: &str| {
        ev(
            ec2,
            "RunInstances",
            json!({"userIdentity": {"type": t}, "eventType": ty}),
        )
    };
    assert!(fires(
        &s,
        "aws_root_account_usage",
        &root("Root", "AwsApiCall")
    ));
    assert!(fires(
        &s,
        "aws_root_account_usage",
        &root("ROOT", "AwsConsoleSignIn")
    ));
    assert!(!fires(
        &s,
        "aws_root_account_usage",
        &root("Root", "AwsServiceEvent")
    ));
    assert!(!fires(
        &s,
        "aws_root_account_usage",
        &root("IAMUser", "AwsApiCall")
    ));
    // exact (not contains) user agent, case-insensitive
    let th = |ua: &str| ev("s3.amazonaws.com", "ListBuckets", json!({"userAgent": ua}));
    assert!(fires(
        &s,
        "aws_cloudtrail_pua_trufflehog",
        &th("trufflehog")
    ));
    assert!(!fires(
        &s,
        "aws_cloudtrail_pua_trufflehog",
        &th("TruffleHog v3")
    ));
    // a field CloudTrail does not have never matches
    assert!(!fires(
        &s,
        "aws_delete_saml_provider",
        &ev("iam.amazonaws.com", "DeleteSAMLProvider", json!({}))
    ));
    assert!(fires(
        &s,
        "aws_delete_saml_provider",
        &ev(
            "iam.amazonaws.com",
            "DeleteSAMLProvider",
            json!({"status": "Success"})
        )
    ));
    // fieldref: the caller changing its own password is filtered
    let ulp = |arn: &str, user: &str| {
        ev(
            "iam.amazonaws.com",
            "UpdateLoginProfile",
            json!({"userIdentity": {"type": "IAMUser", "arn": arn}, "requestParameters": {"userName": user}}),
        )
    };
    assert!(fires(
        &s,
        "aws_update_login_profile",
        &ulp("arn:aws:iam::1:user/alice", "bob")
    ));
    assert!(!fires(&s, "aws_update_login_profile", &ulp("bob", "BOB")));
    // the assumed-role regex and its filters
    let imds = |ip: &str| {
        ev(
            ec2,
            "DescribeInstances",
            json!({"userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/aws:ec2-instance/i-0abc"}, "sourceIPAddress": ip}),
        )
    };
    assert!(fires(
        &s,
        "aws_cloudtrail_imds_malicious_usage",
        &imds("198.51.100.1")
    ));
    assert!(!fires(
        &s,
        "aws_cloudtrail_imds_malicious_usage",
        &imds("AWS Internal")
    ));
}
