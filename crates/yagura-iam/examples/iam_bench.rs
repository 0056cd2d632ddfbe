//! Benchmark for `bench/iam.sh`: (1) parse, expand and classify every AWS managed policy of the
//! iam-dataset tarball; (2) simple authorization decisions per second.
//! Usage: cargo run --release -p yagura-iam --example iam_bench [TARBALL] [DECISIONS]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Read;
use std::time::Instant;
use yagura_iam::actions::db;
use yagura_iam::summary::summarize;
use yagura_iam::{authorize, Decision, Policy, PolicySet, Request};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let tarball = args.get(1).cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/iam/aws-managed-policies.tar.gz"
        )
        .to_string()
    });
    let decisions: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5_000_000);

    // Read the documents first: the measurement covers the analysis, not the tar reading.
    let mut docs = Vec::new();
    let f = std::fs::File::open(&tarball).expect("tarball");
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(f));
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        if !path.contains("/managedpolicies/") || !path.ends_with(".json") {
            continue;
        }
        let mut s = String::new();
        e.read_to_string(&mut s).unwrap();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        docs.push((
            v["name"].as_str().unwrap().to_string(),
            v["document"].to_string(),
        ));
    }

    let t = Instant::now();
    let db = db().unwrap();
    let load = t.elapsed();
    let t = Instant::now();
    let mut flags: BTreeMap<&str, usize> = BTreeMap::new();
    let mut granted = 0usize;
    for (name, doc) in &docs {
        let p = Policy::parse(name, doc).unwrap();
        let s = summarize(db, &p);
        granted += s.actions.len();
        for (k, on) in [
            ("privesc", s.privesc),
            ("resource_exposure", s.resource_exposure),
            ("credentials_exposure", s.credentials_exposure),
            ("data_access", s.data_access),
            ("full_admin", s.full_admin),
        ] {
            *flags.entry(k).or_default() += usize::from(on);
        }
    }
    let analyse = t.elapsed();
    println!(
        "managed policies: {} analysed in {:.3} s ({} granted actions; database load {:.3} s); flags {:?}",
        docs.len(),
        analyse.as_secs_f64(),
        granted,
        load.as_secs_f64(),
        flags
    );

    let identity = Policy::parse(
        "bench",
        r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]},
            {"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},
            {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#,
    )
    .unwrap();
    let set = PolicySet {
        identity_policies: vec![identity],
        ..PolicySet::default()
    };
    let requests = [
        Request {
            principal: "arn:aws:iam::111122223333:user/alice".into(),
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::reports/2026/q1.csv".into(),
            ..Request::default()
        },
        Request {
            principal: "arn:aws:iam::111122223333:user/alice".into(),
            action: "ec2:DescribeInstances".into(),
            resource: "*".into(),
            ..Request::default()
        },
        Request {
            principal: "arn:aws:iam::111122223333:user/alice".into(),
            action: "s3:PutObject".into(),
            resource: "arn:aws:s3:::reports/x".into(),
            ..Request::default()
        },
        Request {
            principal: "arn:aws:iam::111122223333:user/alice".into(),
            action: "s3:DeleteBucket".into(),
            resource: "arn:aws:s3:::reports".into(),
            ..Request::default()
        },
    ];
    let t = Instant::now();
    let mut allows = 0usize;
    for i in 0..decisions {
        let r = authorize(&requests[i % requests.len()], &set);
        allows += usize::from(r.decision == Decision::Allow);
    }
    let el = t.elapsed().as_secs_f64();
    println!(
        "simple decisions: {decisions} in {el:.3} s = {:.0} per second ({allows} allowed)",
        decisions as f64 / el
    );
}
