//! Best-practice configuration checks (HOST-04) from the effective configuration: sshd with
//! `Include` and `Match`, PAM, login.defs, sysctl, permissions of system directories.

use crate::checks;
use crate::rootfs::{Root, RootError};
use crate::Ctx;
use std::collections::BTreeMap;
use yagura_core::{text, Finding, Severity, Status};

/// Includes nested deeper than this are ignored (sshd's own limit is 16).
const MAX_INCLUDE_DEPTH: usize = 16;

/// A setting with where it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    /// `file:line`
    pub at: String,
}

/// A `Match` block of sshd_config and the settings inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchBlock {
    pub criteria: String,
    pub at: String,
    pub settings: BTreeMap<String, Setting>,
}

/// The effective sshd configuration: global settings (first value wins, as in sshd), and each
/// `Match` block's own settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SshdConfig {
    pub global: BTreeMap<String, Setting>,
    pub matches: Vec<MatchBlock>,
    /// Include patterns or files that could not be read.
    pub errors: Vec<String>,
}

impl SshdConfig {
    /// The global value of a keyword (lowercase), if set.
    pub fn get(&self, key: &str) -> Option<&Setting> {
        self.global.get(key)
    }
}

/// Matches `name` against a shell wildcard pattern (`*`, `?`).
pub fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(c) if *c == '?' || Some(c) == n.get(ni) => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|c| *c == '*')
}

/// Expands a path whose last component may hold wildcards, inside the root; sorted.
fn expand_glob(root: &Root, pattern: &str) -> Result<Vec<String>, RootError> {
    let (dir, file) = match pattern.rsplit_once('/') {
        Some((d, f)) => (if d.is_empty() { "/" } else { d }, f),
        None => ("/etc/ssh", pattern),
    };
    if !file.contains(['*', '?']) {
        return Ok(vec![pattern.to_string()]);
    }
    let names = match root.list_dir(dir) {
        Ok(n) => n,
        Err(e) if e.is_not_found() => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(names
        .into_iter()
        .filter(|n| wildcard(file, n))
        .map(|n| crate::rootfs::join(dir, &n))
        .collect())
}

/// Reads `/etc/ssh/sshd_config` with its includes; `None` when there is none (no sshd).
pub fn read_sshd(root: &Root) -> Result<Option<SshdConfig>, RootError> {
    let text = match root.read_to_string("/etc/ssh/sshd_config") {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut cfg = SshdConfig::default();
    let mut current: Option<usize> = None;
    parse_sshd_into(
        root,
        "/etc/ssh/sshd_config",
        &text,
        &mut cfg,
        &mut current,
        0,
    );
    Ok(Some(cfg))
}

/// Parses sshd_config text (for tests and fuzzing: includes are read through `root`).
pub fn parse_sshd(root: &Root, path: &str, text: &str) -> SshdConfig {
    let mut cfg = SshdConfig::default();
    let mut current = None;
    parse_sshd_into(root, path, text, &mut cfg, &mut current, 0);
    cfg
}

fn parse_sshd_into(
    root: &Root,
    path: &str,
    text: &str,
    cfg: &mut SshdConfig,
    current: &mut Option<usize>,
    depth: usize,
) {
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // keyword, then `=` or whitespace, then arguments
        let (key, rest) = match line.find(|c: char| c.is_whitespace() || c == '=') {
            Some(pos) => (
                line.get(..pos).unwrap_or_default(),
                line.get(pos..).unwrap_or_default(),
            ),
            None => (line, ""),
        };
        let value = rest
            .trim_start()
            .strip_prefix('=')
            .unwrap_or(rest)
            .trim()
            .to_string();
        let key = key.to_ascii_lowercase();
        let at = format!("{path}:{}", i + 1);
        match key.as_str() {
            "include" => {
                if depth >= MAX_INCLUDE_DEPTH {
                    cfg.errors.push(format!("{at}: includes nested too deeply"));
                    continue;
                }
                for pattern in value.split_whitespace() {
                    let pattern = if pattern.starts_with('/') {
                        pattern.to_string()
                    } else {
                        format!("/etc/ssh/{pattern}")
                    };
                    match expand_glob(root, &pattern) {
                        Ok(files) => {
                            for f in files {
                                // as sshd: a Match inside an included file ends with that file
                                let saved = *current;
                                match root.read_to_string(&f) {
                                    Ok(t) => {
                                        parse_sshd_into(root, &f, &t, cfg, current, depth + 1);
                                        *current = saved;
                                    }
                                    Err(e) => cfg.errors.push(format!("{at}: {e}")),
                                }
                            }
                        }
                        Err(e) => cfg.errors.push(format!("{at}: {e}")),
                    }
                }
            }
            "match" => {
                if value.eq_ignore_ascii_case("all") {
                    *current = None;
                } else {
                    cfg.matches.push(MatchBlock {
                        criteria: value,
                        at,
                        settings: BTreeMap::new(),
                    });
                    *current = Some(cfg.matches.len() - 1);
                }
            }
            _ => {
                let target = match current.and_then(|m| cfg.matches.get_mut(m)) {
                    Some(block) => &mut block.settings,
                    None => &mut cfg.global,
                };
                // the first obtained value wins
                target.entry(key).or_insert(Setting { value, at });
            }
        }
    }
}

/// `key = value` / `KEY value` files (login.defs, pwquality.conf, sysctl.conf); later lines win.
fn parse_kv(text: &str, path: &str, out: &mut BTreeMap<String, Setting>) {
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let (k, v) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => match line.split_once(char::is_whitespace) {
                Some((k, v)) => (k.trim(), v.trim()),
                None => continue,
            },
        };
        let k = k.trim_start_matches('-');
        out.insert(
            k.to_string(),
            Setting {
                value: v.to_string(),
                at: format!("{path}:{}", i + 1),
            },
        );
    }
}

/// Reads a key-value file; a missing file is empty.
fn read_kv(
    root: &Root,
    path: &str,
    out: &mut BTreeMap<String, Setting>,
) -> Result<bool, RootError> {
    match root.read_to_string(path) {
        Ok(t) => {
            parse_kv(&t, path, out);
            Ok(true)
        }
        Err(e) if e.is_not_found() => Ok(false),
        Err(e) => Err(e),
    }
}

/// A `password` line of the PAM stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PamModule {
    pub module: String,
    pub args: Vec<String>,
    pub at: String,
}

/// The `password` modules of the PAM stacks (following `@include`, `include` and `substack`).
pub fn read_pam_password(root: &Root) -> Vec<PamModule> {
    let mut out = Vec::new();
    for f in [
        "/etc/pam.d/common-password",
        "/etc/pam.d/system-auth",
        "/etc/pam.d/password-auth",
        "/etc/pam.d/passwd",
    ] {
        pam_file(root, f, &mut out, 0);
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|m| seen.insert(m.at.clone()));
    out
}

fn pam_file(root: &Root, path: &str, out: &mut Vec<PamModule>, depth: usize) {
    if depth > 8 {
        return;
    }
    let Ok(text) = root.read_to_string(path) else {
        return;
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(inc) = line.strip_prefix("@include") {
            pam_file(root, &format!("/etc/pam.d/{}", inc.trim()), out, depth + 1);
            continue;
        }
        let ty = words
            .first()
            .copied()
            .unwrap_or_default()
            .trim_start_matches('-');
        if ty != "password" {
            continue;
        }
        // the control is a word or a bracketed list that may contain spaces
        let rest = line
            .get(line.find(char::is_whitespace).unwrap_or(line.len())..)
            .unwrap_or_default()
            .trim_start();
        let after_control = if rest.starts_with('[') {
            rest.find(']')
                .and_then(|p| rest.get(p + 1..))
                .unwrap_or_default()
        } else {
            rest.find(char::is_whitespace)
                .and_then(|p| rest.get(p..))
                .unwrap_or_default()
        };
        let control = rest
            .get(..rest.len() - after_control.len())
            .unwrap_or_default()
            .trim();
        let mut parts = after_control.split_whitespace();
        let module = parts.next().unwrap_or_default().to_string();
        if matches!(control, "include" | "substack") {
            pam_file(root, &format!("/etc/pam.d/{module}"), out, depth + 1);
            continue;
        }
        let module = module.rsplit('/').next().unwrap_or_default().to_string();
        out.push(PamModule {
            module,
            args: parts.map(str::to_string).collect(),
            at: format!("{path}:{}", i + 1),
        });
    }
}

/// Minimum password length required by checks.
pub const MIN_PASSWORD_LEN: i64 = 14;
/// Maximum password age accepted, days.
pub const MAX_PASSWORD_DAYS: i64 = 365;

fn arg_value(m: &PamModule, key: &str) -> Option<String> {
    m.args.iter().find_map(|a| {
        a.strip_prefix(key)
            .and_then(|r| r.strip_prefix('='))
            .map(str::to_string)
    })
}

/// Evaluates every HOST-04 check on the root.
pub fn check_all(root: &Root, ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    ssh_checks(root, ctx, &mut out);
    password_checks(root, ctx, &mut out);
    aslr_check(root, ctx, &mut out);
    dir_checks(root, ctx, &mut out);
    out
}

fn finding(
    ctx: &Ctx,
    check: &'static yagura_core::CheckMeta,
    status: Status,
    resource: &str,
    msg: yagura_core::Text,
) -> Finding {
    Finding::new(
        check.id,
        status,
        check.severity,
        resource,
        &ctx.account,
        &ctx.region,
        msg,
    )
}

fn ssh_checks(root: &Root, ctx: &Ctx, out: &mut Vec<Finding>) {
    let res = format!("{}:/etc/ssh/sshd_config", ctx.account);
    let cfg = match read_sshd(root) {
        Ok(Some(c)) => c,
        Ok(None) => return, // no sshd here
        Err(e) => {
            for c in [
                &checks::SSH_ROOT_LOGIN,
                &checks::SSH_PASSWORD_AUTH,
                &checks::SSH_PROTOCOL_1,
            ] {
                out.push(finding(
                    ctx,
                    c,
                    Status::Unknown,
                    &res,
                    text!(
                        "cannot read the sshd configuration: {e}",
                        "sshd の設定を読み取れません: {e}"
                    ),
                ));
            }
            return;
        }
    };
    let where_ = |s: Option<&Setting>| s.map(|s| s.at.clone()).unwrap_or_else(|| "default".into());
    // PermitRootLogin: default prohibit-password (OpenSSH >= 7.0)
    let root_login = cfg.get("permitrootlogin");
    let value = root_login
        .map(|s| s.value.to_ascii_lowercase())
        .unwrap_or_else(|| "prohibit-password".into());
    let mut f = if value == "no" {
        finding(
            ctx,
            &checks::SSH_ROOT_LOGIN,
            Status::Pass,
            &res,
            text!(
                "sshd refuses root login (PermitRootLogin no)",
                "sshd は root ログインを拒否します（PermitRootLogin no）"
            ),
        )
    } else {
        let mut f = finding(
            ctx,
            &checks::SSH_ROOT_LOGIN,
            Status::Fail,
            &res,
            text!(
                "sshd permits root login (PermitRootLogin {value})",
                "sshd は root ログインを許可しています（PermitRootLogin {value}）"
            ),
        );
        if value != "yes" {
            f.severity = Severity::Low; // key-only root login
        }
        f.with_recommendation(text!(
            "set `PermitRootLogin no` (now `{value}` at {w})",
            "`PermitRootLogin no` を設定してください（現在 {w} で `{value}`）",
            w = where_(root_login)
        ))
    };
    f = f
        .with_evidence("PermitRootLogin", value)
        .with_evidence("at", where_(root_login));
    out.push(f);
    for m in &cfg.matches {
        if let Some(s) = m
            .settings
            .get("permitrootlogin")
            .filter(|s| !s.value.eq_ignore_ascii_case("no"))
        {
            out.push(
                finding(ctx, &checks::SSH_ROOT_LOGIN, Status::Fail, &format!("{res}#Match {}", m.criteria), text!("sshd permits root login for `Match {c}` (PermitRootLogin {v})", "sshd は `Match {c}` で root ログインを許可しています（PermitRootLogin {v}）", c = m.criteria, v = s.value))
                    .with_evidence("at", s.at.clone())
                    .with_recommendation(text!("set `PermitRootLogin no` at {a}", "{a} で `PermitRootLogin no` を設定してください", a = s.at)),
            );
        }
    }
    // PasswordAuthentication: default yes
    let pw = cfg.get("passwordauthentication");
    let value = pw
        .map(|s| s.value.to_ascii_lowercase())
        .unwrap_or_else(|| "yes".into());
    out.push(if value == "no" {
        finding(ctx, &checks::SSH_PASSWORD_AUTH, Status::Pass, &res, text!("sshd refuses password authentication", "sshd はパスワード認証を拒否します"))
            .with_evidence("at", where_(pw))
    } else {
        finding(ctx, &checks::SSH_PASSWORD_AUTH, Status::Fail, &res, text!("sshd accepts password authentication (PasswordAuthentication {value})", "sshd はパスワード認証を受け付けます（PasswordAuthentication {value}）"))
            .with_evidence("PasswordAuthentication", value.clone())
            .with_evidence("at", where_(pw))
            .with_recommendation(text!("set `PasswordAuthentication no` in /etc/ssh/sshd_config (now `{value}` at {w})", "/etc/ssh/sshd_config で `PasswordAuthentication no` を設定してください（現在 {w} で `{value}`）", w = where_(pw)))
    });
    for m in &cfg.matches {
        if let Some(s) = m
            .settings
            .get("passwordauthentication")
            .filter(|s| s.value.eq_ignore_ascii_case("yes"))
        {
            out.push(
                finding(
                    ctx,
                    &checks::SSH_PASSWORD_AUTH,
                    Status::Fail,
                    &format!("{res}#Match {}", m.criteria),
                    text!(
                        "sshd accepts passwords for `Match {c}`",
                        "sshd は `Match {c}` でパスワード認証を受け付けます",
                        c = m.criteria
                    ),
                )
                .with_evidence("at", s.at.clone())
                .with_recommendation(text!(
                    "set `PasswordAuthentication no` at {a}",
                    "{a} で `PasswordAuthentication no` を設定してください",
                    a = s.at
                )),
            );
        }
    }
    // Protocol: only SSH-2 unless set to include 1
    let proto = cfg.get("protocol");
    let value = proto.map(|s| s.value.clone()).unwrap_or_else(|| "2".into());
    let v1 = value.split(',').any(|p| p.trim() == "1");
    out.push(if v1 {
        finding(
            ctx,
            &checks::SSH_PROTOCOL_1,
            Status::Fail,
            &res,
            text!(
                "sshd allows SSH protocol 1 (Protocol {value})",
                "sshd が SSH プロトコル 1 を許可しています（Protocol {value}）"
            ),
        )
        .with_evidence("at", where_(proto))
        .with_recommendation(text!(
            "set `Protocol 2` at {w}",
            "{w} で `Protocol 2` を設定してください",
            w = where_(proto)
        ))
    } else {
        finding(
            ctx,
            &checks::SSH_PROTOCOL_1,
            Status::Pass,
            &res,
            text!(
                "sshd speaks SSH protocol 2 only",
                "sshd は SSH プロトコル 2 のみを使います"
            ),
        )
    });
}

fn password_checks(root: &Root, ctx: &Ctx, out: &mut Vec<Finding>) {
    let res = format!("{}:/etc/pam.d", ctx.account);
    let pam = read_pam_password(root);
    let quality: Vec<&PamModule> = pam
        .iter()
        .filter(|m| matches!(m.module.as_str(), "pam_pwquality.so" | "pam_cracklib.so"))
        .collect();
    let mut pwq = BTreeMap::new();
    let mut errors = Vec::new();
    if let Err(e) = read_kv(root, "/etc/security/pwquality.conf", &mut pwq) {
        errors.push(e.to_string());
    }
    if let Ok(names) = root.list_dir("/etc/security/pwquality.conf.d") {
        for n in names.iter().filter(|n| n.ends_with(".conf")) {
            if let Err(e) = read_kv(
                root,
                &format!("/etc/security/pwquality.conf.d/{n}"),
                &mut pwq,
            ) {
                errors.push(e.to_string());
            }
        }
    }
    let mut defs = BTreeMap::new();
    let defs_read = read_kv(root, "/etc/login.defs", &mut defs);
    // minimum length: module argument, else pwquality.conf, else the module's default (8/9);
    // pam_unix's own `minlen`; PASS_MIN_LEN of login.defs when no PAM module sets one
    let mut minlen: Option<(i64, String)> = None;
    for m in &quality {
        let (v, at) = match arg_value(m, "minlen") {
            Some(v) => (v, m.at.clone()),
            None => match pwq.get("minlen") {
                Some(s) => (s.value.clone(), s.at.clone()),
                None => (
                    (if m.module == "pam_cracklib.so" {
                        "9"
                    } else {
                        "8"
                    })
                    .into(),
                    format!("{} (default)", m.at),
                ),
            },
        };
        if let Ok(n) = v.parse::<i64>() {
            minlen = Some(minlen.map_or((n, at.clone()), |(o, a)| {
                if n > o {
                    (n, at.clone())
                } else {
                    (o, a)
                }
            }));
        }
    }
    if minlen.is_none() {
        for m in pam.iter().filter(|m| m.module == "pam_unix.so") {
            if let Some(n) = arg_value(m, "minlen").and_then(|v| v.parse::<i64>().ok()) {
                minlen = Some((n, m.at.clone()));
            }
        }
    }
    if minlen.is_none() {
        if let Some(s) = defs.get("PASS_MIN_LEN") {
            if let Ok(n) = s.value.parse::<i64>() {
                minlen = Some((n, s.at.clone()));
            }
        }
    }
    let min = MIN_PASSWORD_LEN;
    out.push(match (&minlen, pam.is_empty() && defs.is_empty()) {
        (_, true) if !errors.is_empty() => finding(ctx, &checks::PASSWORD_MIN_LENGTH, Status::Unknown, &res, text!("cannot read the password policy: {e}", "パスワードポリシーを読み取れません: {e}", e = errors.join("; "))),
        (Some((n, at)), _) if *n >= min => finding(ctx, &checks::PASSWORD_MIN_LENGTH, Status::Pass, &res, text!("passwords need at least {n} characters ({at})", "パスワードは {n} 文字以上が必要です（{at}）")),
        (Some((n, at)), _) => finding(ctx, &checks::PASSWORD_MIN_LENGTH, Status::Fail, &res, text!("passwords need only {n} characters ({at}); at least {min} is recommended", "パスワードの最小長が {n} 文字です（{at}）。{min} 文字以上を推奨します"))
            .with_evidence("minlen", n.to_string())
            .with_evidence("at", at.clone())
            .with_recommendation(text!("set `minlen = {min}` in /etc/security/pwquality.conf", "/etc/security/pwquality.conf で `minlen = {min}` を設定してください")),
        (None, _) => finding(ctx, &checks::PASSWORD_MIN_LENGTH, Status::Fail, &res, text!("no minimum password length is configured (no pam_pwquality or pam_cracklib minlen, no PASS_MIN_LEN)", "パスワード最小長が設定されていません（pam_pwquality / pam_cracklib の `minlen` も PASS_MIN_LEN もありません）"))
            .with_recommendation(text!("install libpam-pwquality and set `minlen = {min}` in /etc/security/pwquality.conf", "libpam-pwquality を導入し /etc/security/pwquality.conf で `minlen = {min}` を設定してください")),
    });
    // complexity
    let mut complexity = Vec::new();
    for m in &quality {
        for key in ["minclass", "dcredit", "ucredit", "lcredit", "ocredit"] {
            let v = arg_value(m, key).or_else(|| pwq.get(key).map(|s| s.value.clone()));
            if let Some(n) = v.and_then(|v| v.parse::<i64>().ok()) {
                if (key == "minclass" && n >= 3) || (key != "minclass" && n < 0) {
                    complexity.push(format!("{key}={n}"));
                }
            }
        }
    }
    complexity.sort();
    complexity.dedup();
    out.push(if quality.is_empty() {
        finding(ctx, &checks::PASSWORD_COMPLEXITY, Status::Fail, &res, text!("no password complexity module (pam_pwquality, pam_cracklib) is in the PAM password stack", "PAM の `password` スタックにパスワード複雑さのモジュール（pam_pwquality、pam_cracklib）がありません"))
            .with_recommendation(text!("install libpam-pwquality and set `minclass = 4` in /etc/security/pwquality.conf", "libpam-pwquality を導入し /etc/security/pwquality.conf で `minclass = 4` を設定してください"))
    } else if complexity.is_empty() {
        finding(ctx, &checks::PASSWORD_COMPLEXITY, Status::Fail, &res, text!("{m} is used but requires no character classes", "{m} は使われていますが文字種を要求していません", m = quality.first().map(|m| m.module.as_str()).unwrap_or_default()))
            .with_recommendation(text!("set `minclass = 4` in /etc/security/pwquality.conf", "/etc/security/pwquality.conf で `minclass = 4` を設定してください"))
    } else {
        finding(ctx, &checks::PASSWORD_COMPLEXITY, Status::Pass, &res, text!("password complexity is required ({c})", "パスワードの複雑さが要求されています（{c}）", c = complexity.join(", ")))
    });
    // maximum age
    let res = format!("{}:/etc/login.defs", ctx.account);
    out.push(match (defs_read, defs.get("PASS_MAX_DAYS")) {
        (Err(e), _) => finding(ctx, &checks::PASSWORD_MAX_AGE, Status::Unknown, &res, text!("cannot read /etc/login.defs: {e}", "/etc/login.defs を読み取れません: {e}")),
        (_, Some(s)) if s.value.parse::<i64>().is_ok_and(|n| n > 0 && n <= MAX_PASSWORD_DAYS) => finding(ctx, &checks::PASSWORD_MAX_AGE, Status::Pass, &res, text!("passwords expire after {v} days", "パスワードは {v} 日で失効します", v = s.value)),
        (_, s) => {
            let v = s.map(|s| s.value.clone()).unwrap_or_else(|| "unset".into());
            let v_ja = s.map_or_else(|| "未設定".to_string(), |s| format!("`{}`", s.value));
            let at = s.map(|s| s.at.clone()).unwrap_or_else(|| "/etc/login.defs".into());
            let max = MAX_PASSWORD_DAYS;
            finding(ctx, &checks::PASSWORD_MAX_AGE, Status::Fail, &res, yagura_core::Text::owned(format!("PASS_MAX_DAYS is {v}: passwords practically never expire"), format!("PASS_MAX_DAYS が {v_ja} で、パスワードが事実上失効しません")))
                .with_evidence("PASS_MAX_DAYS", v.clone())
                .with_evidence("at", at.clone())
                .with_recommendation(text!("set `PASS_MAX_DAYS {max}` at {at} and run `chage --maxdays {max} USER` for existing users", "{at} で `PASS_MAX_DAYS {max}` を設定し、既存ユーザーには `chage --maxdays {max} USER` を実行してください"))
        }
    });
}

/// The effective value of a sysctl key from the configuration files, in systemd-sysctl order
/// (files by name across /usr/lib, /run, /etc — /etc overriding a same-named file — then
/// /etc/sysctl.conf); later assignments win.
pub fn sysctl_configured(root: &Root, key: &str) -> Option<Setting> {
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for dir in [
        "/usr/lib/sysctl.d",
        "/lib/sysctl.d",
        "/run/sysctl.d",
        "/etc/sysctl.d",
    ] {
        if let Ok(names) = root.list_dir(dir) {
            for n in names.into_iter().filter(|n| n.ends_with(".conf")) {
                files.insert(n.clone(), format!("{dir}/{n}"));
            }
        }
    }
    let mut paths: Vec<String> = files.into_values().collect();
    paths.push("/etc/sysctl.conf".into());
    let mut found = None;
    let dotted = key.replace('/', ".");
    for p in paths {
        let mut kv = BTreeMap::new();
        if read_kv(root, &p, &mut kv).is_ok() {
            if let Some(s) = kv.get(&dotted).or_else(|| kv.get(&key.replace('.', "/"))) {
                found = Some(s.clone());
            }
        }
    }
    found
}

fn aslr_check(root: &Root, ctx: &Ctx, out: &mut Vec<Finding>) {
    let res = format!("{}:kernel.randomize_va_space", ctx.account);
    let live = if root.is_live() {
        std::fs::read_to_string("/proc/sys/kernel/randomize_va_space")
            .ok()
            .map(|v| Setting {
                value: v.trim().to_string(),
                at: "/proc/sys/kernel/randomize_va_space".into(),
            })
    } else {
        None
    };
    let configured = sysctl_configured(root, "kernel.randomize_va_space");
    let (value, at) = match live.or(configured) {
        Some(s) => (s.value, s.at),
        None => ("2".to_string(), "kernel default".to_string()),
    };
    out.push(if value == "2" {
        finding(ctx, &checks::ASLR_DISABLED, Status::Pass, &res, text!("ASLR is fully enabled (randomize_va_space 2, {at})", "ASLR は完全に有効です（randomize_va_space 2、{at}）"))
    } else {
        finding(ctx, &checks::ASLR_DISABLED, Status::Fail, &res, text!("ASLR is not fully enabled (randomize_va_space {value}, {at})", "ASLR が完全には有効ではありません（randomize_va_space {value}、{at}）"))
            .with_evidence("randomize_va_space", value.clone())
            .with_evidence("at", at.clone())
            .with_recommendation(text!("set `kernel.randomize_va_space = 2` (now `{value}` at {at}) and run `sysctl --system`", "`kernel.randomize_va_space = 2` を設定し（現在 {at} で `{value}`）`sysctl --system` を実行してください"))
    });
}

/// Directories holding binaries and configuration, which only root may write.
pub const SYSTEM_DIRS: &[&str] = &[
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
    "/etc",
    "/etc/ssh",
    "/etc/pam.d",
    "/etc/sudoers.d",
    "/etc/cron.d",
    "/boot",
    "/usr",
];

fn dir_checks(root: &Root, ctx: &Ctx, out: &mut Vec<Finding>) {
    use std::os::unix::fs::MetadataExt;
    for dir in SYSTEM_DIRS {
        let res = format!("{}:{dir}", ctx.account);
        match root.metadata(dir) {
            Ok(m) if m.is_dir() => {
                let mode = m.mode() & 0o7777;
                let writable = mode & 0o022 != 0 || m.uid() != 0;
                let (uid, gid) = (m.uid(), m.gid());
                out.push(if writable {
                    finding(
                        ctx,
                        &checks::SYSTEM_DIR_WRITABLE,
                        Status::Fail,
                        &res,
                        text!(
                            "{dir} (owner {uid}, mode {mode:o}) is writable by non-root users",
                            "{dir}（所有者 {uid}、モード {mode:o}）は root 以外が書き込めます"
                        ),
                    )
                    .with_evidence("mode", format!("{mode:o}"))
                    .with_evidence("owner", format!("{uid}:{gid}"))
                    .with_recommendation(text!(
                        "run `chown root:root {dir} && chmod go-w {dir}`",
                        "`chown root:root {dir} && chmod go-w {dir}` を実行してください"
                    ))
                } else {
                    finding(
                        ctx,
                        &checks::SYSTEM_DIR_WRITABLE,
                        Status::Pass,
                        &res,
                        text!(
                            "{dir} is writable by root only (mode {mode:o})",
                            "{dir} は root のみ書き込めます（モード {mode:o}）"
                        ),
                    )
                });
            }
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => out.push(finding(
                ctx,
                &checks::SYSTEM_DIR_WRITABLE,
                Status::Unknown,
                &res,
                text!("cannot read {dir}: {e}", "{dir} を読み取れません: {e}"),
            )),
        }
    }
}
