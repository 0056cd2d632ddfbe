//! `yagura host fleet`: the host scan on every instance with a tag, through SSM Run Command,
//! the results collected from S3, merged into one report and stored per host (HOST-07).

use crate::cli::{Global, OutputArgs};
use crate::common::{emit, now_rfc3339, sanitize};
use anyhow::{Context, Result};
use clap::Args;
use std::time::Duration;
use yagura_collect::fleet::{Fleet, FleetRequest, HostOutput, Invocation};
use yagura_collect::ConnectOptions;
use yagura_host::fleet::ScanScript;

#[derive(Debug, Args)]
pub struct FleetArgs {
    /// The instances to scan: `KEY=VALUE` of a tag
    #[arg(long, value_name = "KEY=VALUE", required_unless_present_any = ["collect", "print_document", "print_user_data"])]
    pub tag: Option<String>,
    /// Where each host fetches the yagura binary: `https://…` (curl) or `s3://bucket/key`
    /// (the AWS CLI, with the instance role)
    #[arg(long, value_name = "URL", required_unless_present = "collect")]
    pub binary_url: Option<String>,
    /// The binary's SHA-256, checked on each host before it runs
    #[arg(long)]
    pub binary_sha256: Option<String>,
    /// The bucket SSM writes each host's output to
    #[arg(long, required_unless_present_any = ["print_document"])]
    pub bucket: Option<String>,
    /// Key prefix in the bucket
    #[arg(long, default_value = "yagura-fleet")]
    pub prefix: String,
    /// Refresh the vulnerability data on each host first (`db update`, with `--mirror` if given)
    #[arg(long)]
    pub update_db: bool,
    /// A feed mirror for `db update` on the hosts
    #[arg(long, env = "YAGURA_DB_MIRROR")]
    pub mirror: Option<String>,
    /// How long to wait for the hosts
    #[arg(long, default_value = "30m", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// Do not send anything: collect the outputs of an earlier run (`RUN` as printed by that run,
    /// or `launch` for the user-data scans)
    #[arg(long, value_name = "RUN")]
    pub collect: Option<String>,
    /// Print the SSM document (JSON) that runs the same scan, then exit
    #[arg(long)]
    pub print_document: bool,
    /// Print a user-data script that scans an instance at launch, then exit
    #[arg(long)]
    pub print_user_data: bool,
    /// AWS profile (default: the standard credential chain)
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Region of the instances and of SSM
    #[arg(long)]
    pub region: Option<String>,
    /// Do not keep the hosts' runs in the store
    #[arg(long)]
    pub no_store: bool,
    #[command(flatten)]
    pub out: OutputArgs,
}

/// `--timeout`: the one duration grammar, at most two days.
fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = crate::cli::parse_duration(s)?;
    if d > Duration::from_secs(48 * 3600) {
        return Err(format!("`{s}`: at most 48h"));
    }
    Ok(d)
}

fn script(a: &FleetArgs) -> ScanScript {
    ScanScript {
        binary_url: a.binary_url.clone().unwrap_or_default(),
        sha256: a.binary_sha256.clone(),
        mirror: a.mirror.clone(),
        update_db: a.update_db,
    }
}

fn check_prefix(p: &str) -> Result<String> {
    let p = p.trim_matches('/').to_string();
    if p.is_empty()
        || !p
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        || p.split('/').any(|c| c == "..")
    {
        let p = sanitize(&p);
        anyhow::bail!(crate::tr!(
            "`--prefix {p}`: letters, digits and - _ . / only",
            "`--prefix {p}`: 英字、数字と - _ . / のみ使えます"
        ));
    }
    Ok(p)
}

pub fn run(g: &Global, a: FleetArgs) -> Result<u8> {
    let prefix = check_prefix(&a.prefix)?;
    if a.print_document {
        crate::outln!(
            "{}",
            yagura_core::escape::json_string(&script(&a).ssm_document())?
        );
        return Ok(0);
    }
    let bucket = a.bucket.clone().context(crate::tr!(
        "--bucket is required",
        "`--bucket` を指定してください"
    ))?;
    if yagura_collect::trail_s3::parse_s3_url(&format!("s3://{bucket}")).is_none() {
        let shown = sanitize(&bucket);
        anyhow::bail!(crate::tr!(
            "`--bucket {shown}` is not a bucket name",
            "`--bucket {shown}` はバケット名ではありません"
        ));
    }
    if a.print_user_data {
        crate::outln!("{}", script(&a).user_data(&bucket, &prefix));
        return Ok(0);
    }
    let connect = ConnectOptions {
        profile: a.profile.clone(),
        region: a.region.clone(),
        endpoint_url: None,
        max_attempts: None,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context(crate::tr!(
            "cannot start the async runtime",
            "非同期ランタイムを開始できません"
        ))?;
    let quiet = g.quiet;
    let (run_prefix, invocations, outputs) = rt.block_on(async {
        let sdk = yagura_collect::load_config(&connect).await;
        let fleet = Fleet::from_config(&sdk);
        let mut invocations: Vec<Invocation> = Vec::new();
        let run_prefix = match &a.collect {
            Some(run) => format!("{prefix}/{}/", check_prefix(run)?),
            None => {
                let (key, value) = a
                    .tag
                    .as_deref()
                    .and_then(|t| t.split_once('='))
                    .context(crate::tr!(
                        "--tag must be KEY=VALUE",
                        "`--tag` は `KEY=VALUE` の形で指定してください"
                    ))?;
                let run = time::OffsetDateTime::now_utc().unix_timestamp().to_string();
                let key_prefix = format!("{prefix}/{run}");
                let req = FleetRequest {
                    tag_key: key.to_string(),
                    tag_value: value.to_string(),
                    commands: script(&a).commands(),
                    bucket: bucket.clone(),
                    key_prefix: key_prefix.clone(),
                    execution_timeout: a.timeout,
                    comment: format!("yagura host fleet run {run}"),
                    document: "AWS-RunShellScript".to_string(),
                };
                let id = fleet.send(&req).await.map_err(anyhow::Error::new)?;
                if !quiet {
                    let (key, value, id, secs) = (
                        sanitize(key),
                        sanitize(value),
                        sanitize(&id),
                        a.timeout.as_secs(),
                    );
                    crate::etr!(
                        "sent the scan to tag:{key}={value} as command {id} (run {run}); waiting up to {secs} s",
                        "タグ `{key}={value}` のインスタンスにスキャンをコマンド {id} として送信しました(実行 {run})。最大 {secs} 秒待ちます"
                    );
                }
                let mut shown = 0usize;
                invocations = fleet
                    .wait(&id, a.timeout, Duration::from_secs(5), &mut |inv| {
                        let done = inv
                            .iter()
                            .filter(|i| {
                                !matches!(i.status.as_str(), "Pending" | "InProgress" | "Delayed")
                            })
                            .count();
                        if !quiet && done != shown {
                            shown = done;
                            let all = inv.len();
                            crate::etr!(
                                "{done} of {all} host(s) done",
                                "ホスト {all} 台のうち {done} 台が完了しました"
                            );
                        }
                    })
                    .await
                    .map_err(anyhow::Error::new)?;
                format!("{key_prefix}/{id}/")
            }
        };
        let outputs = fleet
            .outputs(&bucket, &run_prefix)
            .await
            .map_err(anyhow::Error::new)?;
        Ok::<_, anyhow::Error>((run_prefix, invocations, outputs))
    })?;
    merge_and_store(g, &a, &bucket, &run_prefix, &invocations, outputs)
}

fn merge_and_store(
    g: &Global,
    a: &FleetArgs,
    bucket: &str,
    run_prefix: &str,
    invocations: &[Invocation],
    outputs: Vec<HostOutput>,
) -> Result<u8> {
    let started = time::OffsetDateTime::now_utc();
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let mut hosts = std::collections::BTreeSet::new();
    for inv in invocations {
        if inv.status != "Success" {
            let (id, status, details) = (&inv.instance_id, &inv.status, &inv.details);
            errors.push(crate::tr!(
                "{id}: the scan ended {status} ({details})",
                "{id}: スキャンは `{status}` で終わりました:「{details}」"
            ));
        }
    }
    for o in outputs {
        let shown = format!("s3://{bucket}/{}", o.key);
        let parsed = o
            .body
            .map_err(|e| e.render(crate::i18n::lang()))
            .and_then(|b| {
                let text = String::from_utf8_lossy(&b).into_owned();
                yagura_report::read_json_report(&text).map_err(|e| {
                    crate::tr!(
                        "{shown}: {e}",
                        "`{shown}` を結果として読み取れません:「{e}」"
                    )
                })
            });
        match parsed {
            Ok(r) => {
                if !hosts.insert(o.instance_id.clone()) {
                    let id = &o.instance_id;
                    errors.push(crate::tr!(
                        "{id}: more than one output; the first is used",
                        "{id}: 出力が複数あります。最初のものを使います"
                    ));
                    continue;
                }
                errors.extend(r.errors.iter().map(|e| format!("{}: {e}", o.instance_id)));
                if !a.no_store {
                    let scope = format!("host:{}", o.instance_id);
                    match crate::common::store_run(
                        g,
                        &scope,
                        std::slice::from_ref(&o.instance_id),
                        started,
                        &r.findings,
                    ) {
                        Ok(Some(line)) if !g.quiet => {
                            eprintln!("{}: {line}", sanitize(&o.instance_id))
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let (id, e) = (
                                sanitize(&o.instance_id),
                                sanitize(&crate::i18n::error_text(&e)),
                            );
                            crate::etr!(
                                "warning: the run of {id} was not stored: {e}",
                                "警告: {id} の実行を保存できませんでした: {e}"
                            )
                        }
                    }
                }
                findings.extend(r.findings);
            }
            Err(e) => errors.push(format!("{}: {e}", o.instance_id)),
        }
    }
    for inv in invocations {
        if inv.status == "Success" && !hosts.contains(&inv.instance_id) {
            let id = &inv.instance_id;
            errors.push(crate::tr!(
                "{id}: the scan succeeded but its output is not under s3://{bucket}/{run_prefix}",
                "{id}: スキャンは成功しましたが、出力が s3://{bucket}/{run_prefix} の下にありません"
            ));
        }
    }
    if hosts.is_empty() {
        let (bucket, run_prefix) = (sanitize(bucket), sanitize(run_prefix));
        let first = errors
            .first()
            .map(|e| crate::tr!(" ({e})", "({e})", e = sanitize(e)))
            .unwrap_or_default();
        anyhow::bail!(crate::tr!(
            "no host result under s3://{bucket}/{run_prefix}{first}",
            "s3://{bucket}/{run_prefix} の下にホストの結果がありません{first}"
        ));
    }
    if !g.quiet {
        let (n, h, bucket, run_prefix) = (
            findings.len(),
            hosts.len(),
            sanitize(bucket),
            sanitize(run_prefix),
        );
        crate::etr!(
            "merged {n} finding(s) of {h} host(s) from s3://{bucket}/{run_prefix}",
            "s3://{bucket}/{run_prefix} からホスト {h} 台の結果 {n} 件をまとめました"
        );
    }
    let extra = serde_json::json!({
        "fleet": {
            "hosts": hosts,
            "results": format!("s3://{bucket}/{run_prefix}"),
            "invocations": invocations.iter().map(|i| serde_json::json!({
                "instance_id": i.instance_id, "status": i.status, "details": i.details,
            })).collect::<Vec<_>>(),
        }
    });
    emit(
        g,
        &a.out,
        "host-fleet",
        &findings,
        &errors,
        Some(&extra),
        &now_rfc3339(),
    )
}
