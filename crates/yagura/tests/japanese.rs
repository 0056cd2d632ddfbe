//! Japanese everywhere (issue 19, acceptance 3): every subcommand run with `--lang ja` over the
//! demo data and offline fixtures (moto where a command needs AWS) prints no English word
//! outside the allowed list of `yagura_testkit::ja`, on stdout or stderr — progress, warnings,
//! errors and output alike. The subcommands come from the binary's help, so a new one fails
//! here until it has a case. Help texts, completion scripts and manual pages are clap's English
//! and are not run here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;
use yagura_testkit::{
    aws_env, command_paths, ja::untranslated, moto_available, repo_root, required_in_ci,
    yagura_cmd, yagura_limited, Moto,
};

/// How a case runs: offline, or against moto (the sample account, empty).
#[derive(Clone, Copy, PartialEq)]
enum Needs {
    Offline,
    Moto,
}

/// Which streams are text for a person (a JSON document on stdout is not).
#[derive(Clone, Copy, PartialEq)]
enum Streams {
    Both,
    StderrOnly,
}

struct Case {
    args: Vec<String>,
    needs: Needs,
    streams: Streams,
    /// Run under `timeout` for this many seconds (a server that serves until interrupted).
    timeout: Option<u64>,
}

/// Command paths that are not run: they only group subcommands (their own run prints help), or
/// they print a script or roff generated from the English clap definitions.
const NOT_RUN: &[(&str, &str)] = &[
    ("", "the top level prints help"),
    ("creds", "groups subcommands"),
    ("schedule", "groups subcommands"),
    ("db", "groups subcommands"),
    ("report", "groups subcommands"),
    ("iam", "groups subcommands"),
    ("iam bastion", "groups subcommands"),
    ("trail", "groups subcommands"),
    ("notify", "groups subcommands"),
    ("completions", "a shell script"),
    (
        "man",
        "roff from the clap definitions (English, like --help)",
    ),
];

/// A row of the case table: path, arguments, needs, streams, timeout.
type Row<'a> = (&'a str, Vec<String>, Needs, Streams, Option<u64>);

fn cases(dir: &Path) -> BTreeMap<String, Case> {
    let root = repo_root();
    let p = |rel: &str| root.join(rel).to_string_lossy().into_owned();
    let d = |rel: &str| dir.join(rel).to_string_lossy().into_owned();
    let host_root = p("crates/yagura-host/tests/fixtures/checks/host-package-vulnerable/fail/root");
    let feed = p("crates/yagura-host/tests/fixtures/checks/host-package-vulnerable/fail/feeds");
    let trail = p("crates/yagura-trail/tests/fixtures/checks/console-login-without-mfa/fail.json");
    let auth = p("crates/yagura-iam/tests/fixtures/account-authorization-details.json");
    let sigma = yagura_testkit::cloudtrail_testdata()
        .join("sigma/rules")
        .to_string_lossy()
        .into_owned();
    let inventory = p("crates/yagura/demo/inventory.json");
    let schedule = p("examples/schedule.toml");
    let table: Vec<Row> = vec![
        (
            "audit",
            v(&["audit", "--demo"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "findings",
            v(&["findings"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "rule",
            v(&["rule", "root-mfa-disabled"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        ("rules", v(&["rules"]), Needs::Offline, Streams::Both, None),
        (
            "creds login",
            v(&["creds", "login", "--profile", "dev"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "creds exec",
            v(&["creds", "exec", "dev", "--", "true"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "creds process",
            v(&["creds", "process", "dev"]),
            Needs::Offline,
            Streams::StderrOnly,
            None,
        ),
        (
            "creds console",
            v(&["creds", "console", "dev"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "creds profiles",
            v(&["creds", "profiles", "--org"]),
            Needs::Moto,
            Streams::Both,
            None,
        ),
        (
            "creds add",
            v(&["creds", "add", "stored", "--backend", "file", "--env"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "creds list",
            v(&["creds", "list"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "creds remove",
            v(&["creds", "remove", "nobody"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "creds clear",
            v(&["creds", "clear"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "creds rotate",
            v(&["creds", "rotate", "dev"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "creds server",
            v(&["creds", "server", "dev"]),
            Needs::Offline,
            Streams::StderrOnly,
            Some(3),
        ),
        (
            "schedule plan",
            v(&[
                "schedule",
                "plan",
                "--config",
                &schedule,
                "--now",
                "2026-11-25T13:00:00Z",
            ]),
            Needs::Moto,
            Streams::Both,
            None,
        ),
        (
            "schedule holidays",
            v(&["schedule", "holidays", "2026"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "schedule run",
            v(&[
                "schedule",
                "run",
                "--config",
                &schedule,
                "--now",
                "2026-11-25T13:00:00Z",
            ]),
            Needs::Moto,
            Streams::Both,
            None,
        ),
        (
            "host",
            v(&["host", "--root", &host_root]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "host fleet",
            v(&[
                "host",
                "fleet",
                "--tag",
                "Scan=yes",
                "--bucket",
                "fleet-out",
                "--binary-url",
                "s3://fleet-out/yagura",
                "--timeout",
                "5s",
            ]),
            Needs::Moto,
            Streams::Both,
            None,
        ),
        (
            "db import",
            v(&["db", "import", &feed]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "db update",
            v(&[
                "db",
                "update",
                "osv-debian",
                "--mirror",
                "http://127.0.0.1:9",
            ]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "db export",
            v(&["db", "export", &d("vulndb.export")]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "db status",
            v(&["db", "status"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "report merge",
            v(&["report", "merge", &d("audit.json"), &d("missing.json")]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "iam simulate",
            v(&["iam", "simulate", &d("case.json"), "--format", "text"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "iam analyze",
            v(&["iam", "analyze", "--from-inventory", &inventory]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "iam validate",
            v(&["iam", "validate", &p("policy/yagura-audit-readonly.json")]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "iam bastion plan",
            v(&[
                "iam",
                "bastion",
                "plan",
                "--identity-account",
                "111111111111",
                "--resource-account",
                "222222222222",
            ]),
            Needs::Offline,
            Streams::StderrOnly,
            None,
        ),
        (
            "iam bastion verify",
            v(&[
                "iam",
                "bastion",
                "verify",
                "--identity-account",
                "123456789012",
                &auth,
            ]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "trail scan",
            v(&["trail", "scan", &trail]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "trail sql",
            v(&["trail", "sql", "--sigma", &sigma, "--dialect", "duckdb"]),
            Needs::Offline,
            Streams::StderrOnly,
            None,
        ),
        (
            "trail hunt",
            v(&[
                "trail",
                "hunt",
                "--athena",
                "--workgroup",
                "primary",
                "--table",
                "cloudtrail_logs",
                "--sigma",
                &sigma,
            ]),
            Needs::Moto,
            Streams::Both,
            None,
        ),
        (
            "trail consume",
            v(&[
                "trail",
                "consume",
                "--sqs",
                "https://sqs.us-east-1.amazonaws.com/123456789012/no-such-queue",
                "--until-empty",
                "--wait",
                "0",
            ]),
            Needs::Moto,
            Streams::Both,
            None,
        ),
        (
            "trail watch",
            v(&[
                "trail",
                "watch",
                "s3://trail-logs/AWSLogs/",
                "--max-polls",
                "1",
                "--region",
                "us-east-1",
            ]),
            Needs::Moto,
            Streams::Both,
            None,
        ),
        (
            "watch",
            v(&["watch", "--from-inventory", &inventory]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "timeline",
            v(&["timeline", "arn:aws:s3:::public-acl-bucket"]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
        (
            "notify test",
            v(&["notify", "test", "--config", &d("notify.yaml")]),
            Needs::Offline,
            Streams::Both,
            None,
        ),
    ];
    table
        .into_iter()
        .map(|(path, args, needs, streams, timeout)| {
            (
                path.to_string(),
                Case {
                    args,
                    needs,
                    streams,
                    timeout,
                },
            )
        })
        .collect()
}

fn v(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// The files the cases read: an AWS config with a plain-key profile, an `iam simulate` case, a
/// destinations file whose webhook nobody answers, a JSON report for `report merge`.
/// AWS's documented example key id, split so that no key-shaped string stands in the source.
const EXAMPLE_KEY_ID: &str = concat!("AKIA", "IOSFODNN7EXAMPLE");

fn prepare(dir: &Path) {
    std::fs::write(
        dir.join("aws-config"),
        format!("[profile dev]\nregion = us-east-1\naws_access_key_id = {EXAMPLE_KEY_ID}\naws_secret_access_key = not-a-real-secret\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("case.json"),
        r#"{"request": {"principal": "arn:aws:iam::123456789012:user/alice", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
            "identity_policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("notify.yaml"),
        "version: 1\nsettings:\n  attempts: 1\n  timeout_seconds: 2\ndestinations:\n  - name: hook\n    kind: webhook\n    url: http://127.0.0.1:9/hook\n    min_severity: info\n",
    )
    .unwrap();
    let o = yagura_cmd()
        .arg("--data-dir")
        .arg(dir.join("report-data"))
        .args(["audit", "--demo", "--format", "json", "-o"])
        .arg(dir.join("audit.json"))
        .output()
        .unwrap();
    assert!(dir.join("audit.json").exists(), "{o:?}");
}

#[test]
fn every_subcommand_speaks_japanese() {
    let paths = command_paths();
    let dir = tempfile::tempdir().unwrap();
    prepare(dir.path());
    let cases = cases(dir.path());
    let moto = if required_in_ci(moto_available(), "moto_server") {
        Some(Moto::start())
    } else {
        None
    };
    let glossary = glossary();
    let mut problems = Vec::new();
    for path in &paths {
        let name = path.join(" ");
        if NOT_RUN.iter().any(|(p, _)| *p == name) {
            continue;
        }
        let Some(case) = cases.get(&name) else {
            problems.push(format!("`yagura {name}` has no case in tests/japanese.rs"));
            continue;
        };
        let mut c = match case.timeout {
            Some(s) => yagura_limited(8 << 20, s),
            None => yagura_cmd(),
        };
        match (case.needs, &moto) {
            (Needs::Moto, Some(m)) => {
                aws_env(&mut c, &m.endpoint(), ("AKIDEXAMPLE", "not-a-real-secret"));
            }
            (Needs::Moto, None) => continue,
            (Needs::Offline, _) => {
                c.env("AWS_CONFIG_FILE", dir.path().join("aws-config"))
                    .env("AWS_ACCESS_KEY_ID", EXAMPLE_KEY_ID)
                    .env("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
                    .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
            }
        }
        c.arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(["--lang", "ja"])
            .args(&case.args);
        let o = c.output().unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        let mut words = untranslated(&stderr);
        words.extend(off_glossary(&stderr, &glossary));
        if case.streams == Streams::Both {
            words.extend(untranslated(&stdout));
            words.extend(off_glossary(&stdout, &glossary));
        }
        if !words.is_empty() {
            problems.push(format!(
                "`yagura {name}` prints English words {words:?}:\n{stdout}{stderr}"
            ));
        }
    }
    for name in cases.keys() {
        assert!(
            paths.iter().any(|p| p.join(" ") == *name),
            "the case `{name}` names no subcommand"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The glossary: (English, Japanese, variants not to use).
fn glossary() -> Vec<(String, String, Vec<String>)> {
    let text = std::fs::read_to_string(repo_root().join("docs/glossary-ja.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(
                cols.len() >= 2,
                "glossary line without a Japanese term: {l}"
            );
            let avoid = cols
                .get(2)
                .map(|v| {
                    v.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            (cols[0].to_string(), cols[1].to_string(), avoid)
        })
        .collect()
}

/// The glossary's variants that `text` uses instead of its terms.
fn off_glossary(text: &str, glossary: &[(String, String, Vec<String>)]) -> Vec<String> {
    let mut out = Vec::new();
    for (en, ja, avoid) in glossary {
        for v in avoid {
            // a variant that is a prefix of the term itself (ユーザ / ユーザー) is not one
            let hits = text.matches(v.as_str()).count();
            let in_term = if ja.starts_with(v.as_str()) {
                text.matches(ja.as_str()).count()
            } else {
                0
            };
            if hits > in_term {
                out.push(format!("{v} (glossary: {en} = {ja})"));
            }
        }
    }
    out
}

/// Every message template of the catalogue — each check's title, what, why and fix, and the data
/// it reads — and every fixed word of the reports, in Japanese: no English word outside the allowed list, and the
/// glossary's terms, not their variants.
#[test]
fn every_template_of_the_catalogue_is_japanese() {
    let glossary = glossary();
    let mut problems = Vec::new();
    let lists: [&[&yagura_core::CheckMeta]; 4] = [
        yagura_audit::CHECKS,
        yagura_host::CHECKS,
        yagura_iam::CHECKS,
        yagura_trail::CHECKS,
    ];
    let mut n = 0;
    for meta in lists.iter().flat_map(|l| l.iter()) {
        for (field, t) in [
            ("title", &meta.title),
            ("what", &meta.what),
            ("why", &meta.why),
            ("fix", &meta.fix),
        ] {
            n += 1;
            let ja = t.get(yagura_core::Lang::Ja);
            let words = untranslated(ja);
            let off = off_glossary(ja, &glossary);
            if !words.is_empty() || !off.is_empty() {
                problems.push(format!("{} {field}: {words:?} {off:?}: {ja}", meta.id));
            }
        }
        // the data it reads, as `yagura rule ID` prints it in either language; each name an
        // identifier, not a description in English (the audit's names are its inventory
        // fields, `alias`, which its own meta-test holds to the data it gates on)
        let needs = meta.needs_line();
        let mut words = untranslated(&needs);
        if !yagura_audit::CHECKS.iter().any(|c| c.id == meta.id) {
            words.extend(meta.needs.iter().flat_map(|n| untranslated(n)));
        }
        if !words.is_empty() {
            problems.push(format!("{} needs: {words:?}: {needs}", meta.id));
        }
    }
    for label in yagura_report::all_labels(yagura_core::Lang::Ja) {
        n += 1;
        let words = untranslated(label);
        let off = off_glossary(label, &glossary);
        if !words.is_empty() || !off.is_empty() {
            problems.push(format!("report label: {words:?} {off:?}: {label}"));
        }
    }
    assert!(n > 400, "only {n} templates");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `trail scan` of files it cannot read whole says why in Japanese (the file's name and its
/// text quoted as they are): a gzip file cut short, a JSON file that is not CloudTrail, a line
/// that is not JSON, a link out of the folder scanned; the English stays as it was.
#[test]
fn trail_read_errors_are_japanese() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(br#"{"Records":[{"eventTime":"2026-01-01T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"},{"eventTime":"#)
        .unwrap();
    let gz = gz.finish().unwrap();
    let truncated = dir.path().join("cut.json.gz");
    std::fs::write(&truncated, &gz[..gz.len() - 12]).unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(&other, "{\"name\": \"not a trail\"}\n[1, 2]\n{\"a\" 1}\n").unwrap();
    // a folder whose only log is a link out of it: the walk does not follow it
    let folder = dir.path().join("logs");
    std::fs::create_dir(&folder).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&other, folder.join("elsewhere.json")).unwrap();
    for (file, english) in [
        (&truncated, "gzip stream is truncated or corrupt"),
        (&other, "missing field `eventTime`"),
        (&folder, "a link out of the folder"),
    ] {
        let run = |lang: &str| {
            let o = yagura_cmd()
                .arg("--data-dir")
                .arg(dir.path().join("data"))
                .args(["--lang", lang, "trail", "scan"])
                .arg(file)
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "{o:?}");
            String::from_utf8_lossy(&o.stderr).into_owned()
        };
        let ja = run("ja");
        assert!(ja.contains("エラー: `"), "{ja}");
        assert!(ja.contains(&*file.to_string_lossy()), "{ja}");
        assert!(
            untranslated(&ja).is_empty(),
            "{:?}:\n{ja}",
            untranslated(&ja)
        );
        let en = run("en");
        assert!(en.contains(english), "{en}");
    }
}

/// `iam analyze --explain` of every user, group and role of the demo data, and of a principal
/// that is not there, in Japanese: the statement lines under each edge too (actions, ARNs and
/// names as they are).
#[test]
fn iam_explain_is_japanese() {
    fn arns(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::String(s)
                if s.starts_with("arn:aws:iam::")
                    && [":user/", ":role/", ":group/"]
                        .iter()
                        .any(|k| s.contains(k)) =>
            {
                out.insert(s.clone());
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| arns(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| arns(x, out)),
            _ => {}
        }
    }
    let inventory = repo_root().join("crates/yagura/demo/inventory.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    let mut principals = std::collections::BTreeSet::new();
    arns(&doc, &mut principals);
    assert!(principals.len() > 10, "{principals:?}");
    principals.insert("role/no-such-role".to_string());
    let dir = tempfile::tempdir().unwrap();
    let mut statements = 0;
    let mut problems = Vec::new();
    for who in &principals {
        let o = yagura_cmd()
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--lang", "ja", "iam", "analyze", "--from-inventory"])
            .arg(&inventory)
            .args(["--explain", who])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        statements += text.matches(" に許可").count();
        let words = untranslated(&text);
        if !words.is_empty() {
            problems.push(format!("--explain {who}: {words:?}\n{text}"));
        }
    }
    assert!(statements > 100, "only {statements} statement lines");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
