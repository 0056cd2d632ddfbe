//! The crafted inputs of issue 16 (hostile input), made on the spot: the hostile-input tests of
//! the binary use them one by one, and `examples/hostile_cases.rs` writes them all into a folder
//! with the command line that reads each, for `bench/hostile.sh`.
//!
//! Nothing here is committed as a large file: every input is a few lines of generator.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A Sigma rule's head up to its selection (`eventName: StopLogging`); a condition follows.
pub const RULE_HEAD: &str = "title: hostile\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    eventName: StopLogging\n";

/// A Sigma rule whose condition nests `depth` parentheses.
pub fn rule_deep_parens(depth: usize) -> String {
    format!(
        "{RULE_HEAD}  condition: {}sel{}\n",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

/// A Sigma rule whose condition is `not` `depth` times.
pub fn rule_deep_nots(depth: usize) -> String {
    format!("{RULE_HEAD}  condition: {}sel\n", "not ".repeat(depth))
}

/// Anchors that expand a 100 KB value 9⁸ times (tens of gigabytes once built), in a few lines.
pub fn anchor_bomb() -> String {
    let mut bomb = format!("a0: &a0 \"{}\"\n", "x".repeat(100_000));
    for i in 1..9 {
        let refs: Vec<String> = (0..9).map(|_| format!("*a{}", i - 1)).collect();
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", refs.join(", ")));
    }
    bomb
}

/// Nine levels of ten aliases each under `bomb:`: 10⁹ strings once expanded, under 1 KB written.
pub fn alias_bomb() -> String {
    let mut s = String::from("bomb:\n  l0: &l0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..=9 {
        let prev = format!("*l{}", i - 1);
        let items = [prev.as_str(); 10].join(", ");
        s.push_str(&format!("  l{i}: &l{i} [{items}]\n"));
    }
    s
}

/// `entry` two thousand times as a YAML list, the first anchoring one megabyte as `&b` where
/// `{}` stands, the others reusing it as `*b`: 2 GB of strings once built, which the parser's
/// repetition limit lets through.
pub fn large_value_reused(entry: &str) -> String {
    let big = format!("&b \"{}\"", "x".repeat(1 << 20));
    let mut s = format!("  - {}\n", entry.replace("{}", &big));
    for _ in 0..2000 {
        s.push_str(&format!("  - {}\n", entry.replace("{}", "*b")));
    }
    s
}

/// `bomb:` and `depth` nested flow sequences.
pub fn deep_flow(depth: usize) -> String {
    format!("bomb: {}{}\n", "[".repeat(depth), "]".repeat(depth))
}

/// A BerkeleyDB hash `Packages` of a few hundred KB whose ~90,000 data items all point at one
/// overflow page that links to itself, each claiming 360 KB: without a budget the values add up
/// to tens of gigabytes.
pub fn bdb_bomb() -> Vec<u8> {
    const PS: usize = 4096;
    let pages = 96;
    let mut db = vec![0u8; PS * pages];
    let put32 = |db: &mut [u8], at: usize, v: u32| db[at..at + 4].copy_from_slice(&v.to_le_bytes());
    let put16 = |db: &mut [u8], at: usize, v: u16| db[at..at + 2].copy_from_slice(&v.to_le_bytes());
    put32(&mut db, 12, 0x0006_1561); // hash magic
    put32(&mut db, 20, PS as u32); // page size
    put32(&mut db, 32, (pages - 1) as u32); // last page
    let overflow = pages - 2;
    for n in 1..overflow {
        let p = n * PS;
        db[p + 25] = 13; // P_HASH
        let entries = (PS - 26) / 2 - 8;
        put16(&mut db, p + 20, entries as u16);
        for i in 0..entries {
            // keys end at the page's end, data items are the last 16 bytes: all overlapping
            let off = if i % 2 == 0 { PS } else { PS - 16 };
            put16(&mut db, p + 26 + 2 * i, off as u16);
        }
        db[p + PS - 16] = 3; // H_OFFPAGE
        put32(&mut db, p + PS - 16 + 4, overflow as u32); // first overflow page
        put32(&mut db, p + PS - 16 + 8, 360_000); // total length
    }
    // the overflow page: 4,000 bytes of data, and itself as the next page
    let p = overflow * PS;
    db[p + 25] = 7;
    put16(&mut db, p + 22, 4000);
    put32(&mut db, p + 16, overflow as u32);
    db
}

/// The values a lazy JSON reader rejects, each in an otherwise ordinary record that the
/// built-in detections catch (an administrator policy attached to a user): `NaN`, `1e400`, a
/// lone surrogate and 100,000 nested arrays. One file each, `e0.json` … `e3.json`.
pub fn write_unreadable_values(dir: &Path) -> std::io::Result<()> {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    for (i, junk) in ["NaN", "1e400", "\"\\ud800\"", deep.as_str()]
        .iter()
        .enumerate()
    {
        let text = format!(
            r#"{{"Records":[{{"eventVersion":"1.08","eventTime":"2024-03-01T10:0{i}:00Z","eventID":"00000000-0000-4000-8000-00000000000{i}","eventSource":"iam.amazonaws.com","eventName":"AttachUserPolicy","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ci","accountId":"111122223333","userName":"ci"}},"requestParameters":{{"junk":{junk},"userName":"backup-admin","policyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}}}}]}}"#
        );
        std::fs::write(dir.join(format!("e{i}.json")), text)?;
    }
    Ok(())
}

/// Makes a FIFO (with `mkfifo`).
pub fn mkfifo(p: &Path) -> std::io::Result<()> {
    let ok = Command::new("mkfifo").arg(p).status()?.success();
    if ok {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "mkfifo {} failed",
            p.display()
        )))
    }
}

/// One crafted case for `bench/hostile.sh`: a name, what it is, and the yagura arguments that
/// read it (after `--data-dir`), with an optional first run that prepares the data directory.
/// Each case gets a fresh data directory.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: &'static str,
    /// yagura arguments of a run made first (its time is not measured).
    pub prepare: Option<Vec<String>>,
    /// A file moved into place after `prepare` (a feed turned corrupt between two imports).
    pub then_move: Option<(PathBuf, PathBuf)>,
    pub args: Vec<String>,
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn case(name: &'static str, args: &[&str]) -> Case {
    Case {
        name,
        prepare: None,
        then_move: None,
        args: args.iter().map(|a| a.to_string()).collect(),
    }
}

/// `trail scan LOG --sigma RULES --format json`.
fn scan_with_rules(name: &'static str, log: &Path, rules: &Path) -> Case {
    case(
        name,
        &[
            "trail",
            "scan",
            &s(log),
            "--sigma",
            &s(rules),
            "--format",
            "json",
        ],
    )
}

/// Writes every crafted case of issue 16 under `dir` and returns how to run each. `testdata` is
/// `../shared/testdata` (real CloudTrail logs and Sigma rules beside the hostile ones).
pub fn write_cases(dir: &Path, testdata: &Path) -> std::io::Result<Vec<Case>> {
    let mk = |p: &Path| std::fs::create_dir_all(p);
    let ct = testdata.join("cloudtrail");
    let stop = ct.join("stratus/aws.defense-evasion.cloudtrail-stop.json");
    let rule = ct.join("sigma/rules/aws_cloudtrail_disable_logging.yml");
    let mut cases = Vec::new();

    // Sigma rules: each bad rule beside a good one, scanned over one real log
    let sigma_case = |name: &'static str, file: &str, text: String| -> std::io::Result<Case> {
        let rules = dir.join(name);
        mk(&rules)?;
        std::fs::copy(&rule, rules.join("good.yml"))?;
        std::fs::write(rules.join(file), text)?;
        Ok(scan_with_rules(name, &stop, &rules))
    };
    cases.push(sigma_case(
        "sigma-deep-parens",
        "r.yml",
        rule_deep_parens(200_000),
    )?);
    cases.push(sigma_case(
        "sigma-deep-nots",
        "r.yml",
        rule_deep_nots(200_000),
    )?);
    cases.push(sigma_case(
        "sigma-alias-bomb",
        "r.yml",
        format!("{RULE_HEAD}  condition: sel\n{}", anchor_bomb()),
    )?);
    cases.push(sigma_case(
        "sigma-deep-flow",
        "r.yml",
        format!(
            "{RULE_HEAD}  condition: sel\nx: {}{}\n",
            "[".repeat(300_000),
            "]".repeat(300_000)
        ),
    )?);

    // rules folder with a loop, 40 links to one rule, a FIFO, /dev/zero
    let rules = dir.join("sigma-links-fifo-zero");
    mk(&rules.join("sub"))?;
    std::fs::copy(&rule, rules.join("sub/good.yml"))?;
    std::os::unix::fs::symlink(&rules, rules.join("sub/loop"))?;
    for i in 0..40 {
        std::os::unix::fs::symlink(
            rules.join("sub/good.yml"),
            rules.join(format!("again{i}.yml")),
        )?;
    }
    mkfifo(&rules.join("fifo.yml"))?;
    std::os::unix::fs::symlink("/dev/zero", rules.join("zero.yml"))?;
    cases.push(scan_with_rules("sigma-links-fifo-zero", &stop, &rules));

    // a trail folder with a FIFO, /dev/zero as a .gz, a loop and a broken link
    let logs = dir.join("trail-fifo-zero-loop");
    mk(&logs.join("a"))?;
    std::fs::copy(&stop, logs.join("a/stop.json"))?;
    mkfifo(&logs.join("a/fifo.json"))?;
    std::os::unix::fs::symlink("/dev/zero", logs.join("zero.json.gz"))?;
    std::os::unix::fs::symlink(&logs, logs.join("a/loop"))?;
    std::os::unix::fs::symlink(dir.join("nowhere"), logs.join("broken"))?;
    cases.push(case(
        "trail-fifo-zero-loop",
        &["trail", "scan", &s(&logs), "--format", "json"],
    ));

    // values the lazy reader rejects, in events the detections catch
    let lenient = dir.join("trail-nan-1e400-surrogate-deep");
    mk(&lenient)?;
    write_unreadable_values(&lenient)?;
    cases.push(case(
        "trail-nan-1e400-surrogate-deep",
        &["trail", "scan", &s(&lenient), "--format", "json"],
    ));

    // exceptions and destinations files
    let cfg = dir.join("config");
    mk(&cfg)?;
    let dest = "destinations:\n  - name: hook\n    kind: webhook\n    url: http://127.0.0.1:9/x\n    min_severity: low\n";
    let files: [(&'static str, &str, String); 6] = [
        (
            "exceptions-alias-bomb",
            "exceptions",
            format!("version: 1\n{}", alias_bomb()),
        ),
        (
            "exceptions-large-value-reused",
            "exceptions",
            format!(
                "version: 1\nnot_adopted:\n{}",
                large_value_reused("{check: iam-user-unused, reason: {}}")
            ),
        ),
        (
            "exceptions-deep-flow",
            "exceptions",
            format!("version: 1\n{}", deep_flow(100_000)),
        ),
        (
            "notify-alias-bomb",
            "notify",
            format!("version: 1\n{}{dest}", alias_bomb()),
        ),
        (
            "notify-deep-flow",
            "notify",
            format!("version: 1\n{}{dest}", deep_flow(100_000)),
        ),
        (
            "notify-huge-timeout",
            "notify",
            format!("version: 1\nsettings:\n  timeout_seconds: 18446744073709551615\n{dest}"),
        ),
    ];
    for (name, kind, text) in files {
        let f = cfg.join(format!("{name}.yaml"));
        std::fs::write(&f, text)?;
        cases.push(match kind {
            "exceptions" => case(
                name,
                &["audit", "--demo", "--no-store", "--exceptions", &s(&f)],
            ),
            _ => case(name, &["notify", "test", "--config", &s(&f)]),
        });
    }

    // host --root: the BerkeleyDB bomb, special files, a root whose path holds # % ?
    let root_case = |name: &'static str, os_release: &str| -> std::io::Result<(PathBuf, Case)> {
        let root = dir.join(name);
        mk(&root.join("etc"))?;
        std::fs::write(root.join("etc/os-release"), os_release)?;
        let args = [
            "host",
            "--root",
            &s(&root),
            "--no-elf",
            "--no-runtime",
            "--no-store",
            "--format",
            "json",
        ];
        Ok((root, case(name, &args)))
    };
    let (bdb, c) = root_case("host-rpm-bdb-bomb", "ID=amzn\nVERSION_ID=\"2\"\n")?;
    mk(&bdb.join("var/lib/rpm"))?;
    std::fs::write(bdb.join("var/lib/rpm/Packages"), bdb_bomb())?;
    cases.push(c);
    let (special, c) = root_case("host-fifo-zero-loop", "ID=debian\nVERSION_ID=\"12\"\n")?;
    mk(&special.join("var/lib/dpkg"))?;
    mk(&special.join("etc/ssh"))?;
    mk(&special.join("root"))?;
    for p in [
        "var/lib/dpkg/status",
        "etc/ssh/sshd_config",
        "etc/environment",
        "root/.env",
    ] {
        mkfifo(&special.join(p))?;
    }
    std::os::unix::fs::symlink("/dev/zero", special.join("etc/login.defs"))?;
    std::os::unix::fs::symlink("/etc", special.join("etc/loop"))?;
    cases.push(c);
    let (odd, mut c) = root_case(
        "host-root #1 %2e%2e ?x=1",
        "ID=mariner\nVERSION_ID=\"2.0\"\n",
    )?;
    mk(&odd.join("var/lib/rpm"))?;
    std::fs::copy(
        testdata.join("host/rpm/cbl-mariner-2.0/var/lib/rpm/rpmdb.sqlite"),
        odd.join("var/lib/rpm/rpmdb.sqlite"),
    )?;
    c.name = "host-root-percent-hash-query";
    cases.push(c);

    // a feed imported whole, then again with one corrupt document: refused, nothing replaced
    let feed = dir.join("feed-corrupt-reimport");
    crate::host::write_osv_dir(
        &feed,
        &crate::host::debian_osv(&[crate::host::SECURITY_FIXES], "T"),
    );
    let broken = dir.join("feed-broken.json");
    std::fs::write(&broken, b"{\"id\": \"T-x\", \"affected\": [")?;
    cases.push(Case {
        name: "feed-corrupt-reimport",
        prepare: Some(vec!["db".into(), "import".into(), s(&feed)]),
        then_move: Some((broken, feed.join("T-broken.json"))),
        args: vec!["db".into(), "import".into(), s(&feed)],
    });
    Ok(cases)
}

/// `../shared/testdata`, beside the repository.
pub fn shared_testdata() -> PathBuf {
    crate::repo_root().join("../shared/testdata")
}
