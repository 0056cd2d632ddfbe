//! Writing a large report: run with
//! `cargo test -p yagura-report --release --test scale -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Instant;
use yagura_core::{Finding, Lang, Severity, Status};
use yagura_report::{write, Format, WriteOptions};

#[test]
#[ignore = "measurement, run by hand"]
fn write_100k_findings_in_every_format() {
    let ids = [
        "security-group-admin-port-open-to-world",
        "root-account-without-mfa",
        "s3-bucket-public",
        "ec2-instance-missing-owner-tag",
    ];
    let findings: Vec<Finding> = (0..100_000)
        .map(|i| {
            let status = [Status::Fail, Status::Pass, Status::Unknown][i % 3];
            Finding::new(
                ids[i % 4],
                status,
                Severity::ALL[i % 5],
                format!("arn:aws:ec2:us-east-1:123456789012:instance/i-{i:08x}"),
                "123456789012",
                "us-east-1",
                yagura_core::text!(
                    "instance {i} is <b>bad</b>",
                    "インスタンス {i} に問題があります",
                    i = i
                ),
            )
            .with_evidence("tag:Name", format!("=cmd{i}"))
        })
        .collect();
    let catalogue = common::catalogue();
    let report = common::report(&findings, &catalogue, &[], Lang::Ja);
    for format in Format::ALL {
        let mut out = Vec::with_capacity(64 << 20);
        let t = Instant::now();
        write(
            format,
            &report,
            &mut out,
            &WriteOptions {
                show_pass: true,
                ..Default::default()
            },
        )
        .unwrap();
        println!(
            "{:<6} {:>8.1} ms {:>8.1} MiB",
            format.as_str(),
            t.elapsed().as_secs_f64() * 1000.0,
            out.len() as f64 / (1 << 20) as f64
        );
    }
}
