//! `yagura creds`: MFA sessions and role credentials (CRED-01…CRED-03).
//!
//! Secrets go to stdout only where the command's purpose is to hand them over (`process`,
//! `console`, the token line of `server`), or into a child's environment (`exec`); never to
//! stderr.
//!
//! Codes and secrets are asked on the controlling terminal (`/dev/tty`), so a prompt works
//! even when the AWS CLI runs `yagura creds process` with its output piped; where there is no
//! terminal, `--mfa-code` or the profile's `yagura_mfa_command` gives the code.
//!
//! `console` prints one line: the federation `login` URL, whose `SigninToken` is a bearer
//! credential for the console (15 minutes to use it, then a console session of up to 12
//! hours). That URL is the only secret it prints; the role's keys and session token go only
//! to the federation endpoint (inside the getSigninToken request, over HTTPS), never to
//! stdout or stderr. `--token-url-only` prints that request URL instead (it carries the
//! session: the user asked for it).

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use yagura_collect::sts_client::SdkSts;
use yagura_creds::{
    AwsFiles, Backend, FlowEnv, FlowError, FlowOptions, FlowResult, KeyStore, Keystore, Partition,
    Secret, SessionCache, StoredKey, SwitchRoleOptions,
};

use crate::cli::Global;
use crate::common::sanitize;

#[derive(Debug, Args)]
pub struct CredsArgs {
    #[command(subcommand)]
    pub command: CredsCommand,
}

#[derive(Debug, Args, Clone)]
pub struct CodeArgs {
    /// The current one-time code of the profile's MFA device (else the profile's
    /// `yagura_mfa_command`, else a prompt on the terminal)
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<String>,
    /// Duration of the MFA session, 15m to 36h (`12h`; a bare number is seconds)
    #[arg(long, value_name = "DURATION", default_value = "12h", value_parser = crate::cli::parse_duration_secs)]
    pub session_duration: u32,
    /// Duration of role sessions (`1h`; a bare number is seconds; default: the profile's
    /// `duration_seconds`, else 1h)
    #[arg(long, value_name = "DURATION", value_parser = crate::cli::parse_duration_secs)]
    pub role_duration: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum CredsCommand {
    /// Start (or reuse) the MFA session of a profile and assume its roles
    Login {
        #[arg(long, env = "AWS_PROFILE", default_value = "default")]
        profile: String,
        #[command(flatten)]
        code: CodeArgs,
    },
    /// Run a command with the profile's credentials in its environment; without a command,
    /// open your shell (`$SHELL`) marked with the profile
    Exec {
        profile: String,
        #[command(flatten)]
        code: CodeArgs,
        /// Hand the credentials over through a local credentials endpoint (refreshed as they
        /// expire) instead of fixed environment variables
        #[arg(long)]
        server: bool,
        /// The command and its arguments, after `--`
        #[arg(last = true)]
        command: Vec<String>,
    },
    /// Print the profile's credentials as `credential_process` JSON (for ~/.aws/config)
    Process {
        profile: String,
        #[command(flatten)]
        code: CodeArgs,
    },
    /// Print a console sign-in URL for the profile's role
    Console {
        profile: String,
        #[command(flatten)]
        code: CodeArgs,
        /// Print the getSigninToken request URL instead of fetching the token
        #[arg(long)]
        token_url_only: bool,
        /// Another federation endpoint (tests: an http://127.0.0.1 stand-in)
        #[arg(long, hide = true, env = "YAGURA_FEDERATION_URL")]
        federation_url: Option<String>,
    },
    /// Profiles for every account of the Organization whose `credential_process` calls
    /// yagura, so every tool shares one MFA session
    Profiles {
        /// List the accounts of the Organization (required for now)
        #[arg(long, required = true)]
        org: bool,
        /// The profile whose credentials list the accounts, and the generated profiles' source
        #[arg(long, env = "AWS_PROFILE", default_value = "default")]
        profile: String,
        /// The role assumed in each account
        #[arg(long, default_value = "OrganizationAccountAccessRole")]
        role_name: String,
        /// Prepended to every profile name
        #[arg(long, default_value = "")]
        prefix: String,
        /// Write the profiles into the AWS config file (a managed block, replaced on each
        /// write; the rest of the file is kept) instead of printing them
        #[arg(long)]
        write: bool,
        /// Generate the AWS CLI's own `role_arn` + `source_profile` + `mfa_serial` profiles
        /// (each tool then asks for its own code) instead of `credential_process`
        #[arg(long)]
        cli_native: bool,
        #[command(flatten)]
        code: CodeArgs,
    },
    /// Keep a profile's long-term access key in the OS keyring (or, explicitly, a 0600 file);
    /// the key id is asked on the terminal, the secret without echo (or read from stdin)
    Add {
        profile: String,
        /// keyring (Secret Service, Keychain, Credential Manager) or file (0600 in the data
        /// directory)
        #[arg(long, default_value = "keyring", value_parser = ["keyring", "file"])]
        backend: String,
        /// Take the key from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
        #[arg(long)]
        env: bool,
    },
    /// List the profiles: where each one's credentials come from, and the cached sessions
    List,
    /// Remove a profile's stored key (and its cached sessions)
    Remove { profile: String },
    /// Remove every cached session (the stored keys stay)
    Clear,
    /// Rotate a stored key: create a new access key, check that it works, store it, then
    /// delete the old one
    Rotate {
        profile: String,
        #[command(flatten)]
        code: CodeArgs,
    },
    /// A credentials endpoint on loopback for tools without `credential_process`: the
    /// container credentials protocol with a token, and with --imds the EC2 metadata one.
    /// Prints the variables to export, then serves until interrupted
    Server {
        profile: String,
        /// The port (0: any free one)
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Answer the EC2 instance metadata (IMDSv2) paths too; any local process can then
        /// read the credentials, as on an instance
        #[arg(long)]
        imds: bool,
        #[command(flatten)]
        code: CodeArgs,
    },
}

pub fn run(g: &Global, a: CredsArgs) -> Result<u8> {
    match a.command {
        CredsCommand::Login { profile, code } => {
            let (r, _) = flow(g, &profile, &code, true)?;
            let until = r
                .credentials
                .expiration
                .map_or_else(|| crate::tr!("no expiry", "期限なし"), |t| t.to_string());
            if !g.quiet {
                let cached = if r.prompted {
                    String::new()
                } else {
                    crate::tr!(" (cached)", "(キャッシュ)")
                };
                crate::etr!(
                    "profile `{p}`: credentials ready{cached}, valid until {until}",
                    "プロファイル `{p}`: 認証情報を用意しました{cached}。有効期限: {until}",
                    p = sanitize(&profile)
                );
            }
            Ok(0)
        }
        CredsCommand::Exec {
            profile,
            code,
            server,
            command,
        } => exec(g, &profile, &code, server, &command),
        CredsCommand::Process { profile, code } => {
            let (r, _) = flow(g, &profile, &code, false)?;
            let json = yagura_creds::credential_process_json(&r.credentials)?;
            crate::outln!("{}", json.expose());
            Ok(0)
        }
        CredsCommand::Console {
            profile,
            code,
            token_url_only,
            federation_url,
        } => {
            let (r, _) = flow(g, &profile, &code, !g.quiet)?;
            let partition = Partition::of_region(r.region.as_deref().unwrap_or("us-east-1"));
            let federation = federation_url
                .as_deref()
                .unwrap_or_else(|| partition.federation());
            let token_url = yagura_creds::signin_token_url_at(&r.credentials, None, federation)?;
            if token_url_only {
                crate::outln!("{}", token_url.expose());
                if !g.quiet {
                    eprintln!("GET this URL, then open the federation endpoint with `Action=login` and the answer's `SigninToken`");
                }
                return Ok(0);
            }
            let body = yagura_collect::sts_client::https_or_loopback_get(token_url.expose())
                .map_err(|e| anyhow::anyhow!("cannot get a sign-in token: {e}"))?;
            let token = yagura_creds::parse_signin_token_response(&body)?;
            let destination = partition.console(r.region.as_deref());
            let url = yagura_creds::login_url_at(&token, &destination, "yagura", federation);
            crate::outln!("{}", url.expose());
            Ok(0)
        }
        CredsCommand::Profiles {
            org: _,
            profile,
            role_name,
            prefix,
            write,
            cli_native,
            code,
        } => profiles(g, &profile, role_name, prefix, write, cli_native, &code),
        CredsCommand::Add {
            profile,
            backend,
            env,
        } => add(g, &profile, &backend, env),
        CredsCommand::List => list(g),
        CredsCommand::Remove { profile } => {
            let p = paths(g)?;
            let ks = Keystore::new(&p.data_dir);
            let Some(old) = ks.remove(&profile)? else {
                bail!(crate::tr!(
                    "profile `{p}` has no stored key",
                    "プロファイル `{p}` には保存したキーがありません",
                    p = sanitize(&profile)
                ));
            };
            let cache = SessionCache::open(&p.cache_dir)?;
            let mfa = AwsFiles::load(&p.config, &p.credentials)
                .ok()
                .and_then(|f| {
                    f.profiles
                        .get(&profile)
                        .and_then(|r| r.get("mfa_serial").map(|v| v.value.clone()))
                });
            let _ = cache.remove(&yagura_creds::CacheKey::session(
                &old.access_key_id,
                mfa.as_deref(),
            ));
            if !g.quiet {
                crate::etr!(
                    "profile `{p}`: key {k} removed from the {b}",
                    "プロファイル `{p}`: キー {k} を `{b}` から削除しました",
                    p = sanitize(&profile),
                    k = yagura_creds::keystore::mask_key_id(&old.access_key_id),
                    b = old.backend.as_str()
                );
            }
            Ok(0)
        }
        CredsCommand::Clear => {
            let p = paths(g)?;
            let n = SessionCache::open(&p.cache_dir)?.clear()?;
            if !g.quiet {
                crate::etr!(
                    "{n} cached session(s) removed",
                    "キャッシュ済みのセッションを {n} 件削除しました"
                );
            }
            Ok(0)
        }
        CredsCommand::Rotate { profile, code } => rotate(g, &profile, &code),
        CredsCommand::Server {
            profile,
            port,
            imds,
            code,
        } => server(g, &profile, port, imds, &code),
    }
}

fn paths(g: &Global) -> Result<yagura_creds::Paths> {
    let mut p = yagura_creds::default_paths(&|k| std::env::var_os(k))
        .context("cannot find the AWS config files: set HOME or AWS_CONFIG_FILE")?;
    if let Some(d) = &g.data_dir {
        p.cache_dir = d.join("sessions");
        p.data_dir.clone_from(d);
    }
    Ok(p)
}

/// The controlling terminal, for prompts that must reach the user even when stdin and stderr
/// are pipes (the AWS CLI runs `credential_process` so).
fn terminal() -> Option<std::fs::File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()
}

/// Asks `question` on the terminal; `secret`: without echo.
fn ask_terminal(question: &str, secret: bool) -> Result<Secret, String> {
    let Some(mut tty) = terminal() else {
        return Err("no terminal to ask on".to_string());
    };
    let _ = write!(tty, "{question}");
    let _ = tty.flush();
    let echo_off = secret
        && tty
            .try_clone()
            .ok()
            .and_then(|t| {
                std::process::Command::new("stty")
                    .arg("-echo")
                    .stdin(t)
                    .status()
                    .ok()
            })
            .is_some_and(|s| s.success());
    let mut line = String::new();
    let read = tty
        .try_clone()
        .map(std::io::BufReader::new)
        .and_then(|mut r| r.read_line(&mut line));
    if echo_off {
        if let Ok(t) = tty.try_clone() {
            let _ = std::process::Command::new("stty")
                .arg("echo")
                .stdin(t)
                .status();
        }
        let _ = writeln!(tty);
    }
    read.map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(Secret::new(line.trim().to_string()))
}

/// Reads a one-time code from the terminal without echo.
fn prompt_code(serial: &str) -> Result<Secret, String> {
    ask_terminal(&format!("MFA code for {}: ", sanitize(serial)), true).map_err(|_| {
        "no code: pass --mfa-code, set `yagura_mfa_command` in the profile, or run in a terminal"
            .to_string()
    })
}

/// Loads the AWS files with the key store's profiles.
fn load_files(p: &yagura_creds::Paths) -> Result<(AwsFiles, Keystore)> {
    let mut files = AwsFiles::load(&p.config, &p.credentials)?;
    let ks = Keystore::new(&p.data_dir);
    files.stored = ks.names()?;
    Ok((files, ks))
}

/// Runs the credential flow for `profile`. `notes` prints advice on stderr.
fn flow(g: &Global, profile: &str, code: &CodeArgs, notes: bool) -> Result<(FlowResult, AwsFiles)> {
    let p = paths(g)?;
    let (files, ks) = load_files(&p)?;
    let resolved = files.resolve(profile)?;
    let cache = SessionCache::open(&p.cache_dir)?;
    let sts = SdkSts::from_env(resolved.region.as_deref());
    let given = code.mfa_code.clone();
    let command = resolved.mfa_command.clone();
    let mut ask = |serial: &str| -> Result<Secret, String> {
        if let Some(c) = &given {
            return Ok(Secret::new(c.clone()));
        }
        if let Some(cmd) = &command {
            return yagura_creds::code_from_command(cmd).map_err(|e| e.to_string());
        }
        prompt_code(serial)
    };
    let options = FlowOptions {
        session_duration_seconds: code.session_duration,
        role_duration_seconds: code.role_duration,
        ..FlowOptions::default()
    };
    let env = FlowEnv {
        keys: Some(&ks as &dyn KeyStore),
        sso: Some(&sts),
        sso_cache_dir: Some(p.sso_cache_dir.clone()),
    };
    match yagura_creds::credentials_for_env(
        &files,
        profile,
        &cache,
        &sts,
        &mut ask,
        jiff::Timestamp::now(),
        &options,
        &env,
    ) {
        Ok(r) => {
            if notes {
                for n in &r.notes {
                    eprintln!("note: {}", sanitize(n));
                }
            }
            Ok((r, files))
        }
        Err(FlowError::Sts {
            call,
            profile: p,
            source,
        }) => {
            let problem = source.problem();
            if problem.drop_cached_session {
                // The session that signed the call has expired: forget it.
                let _ = yagura_creds::forget_session(&resolved, &cache);
            }
            bail!("sts {call} for profile `{p}`: {source}")
        }
        Err(e) => Err(e.into()),
    }
}

/// `creds exec`: a command, or the user's shell, with the profile's credentials.
fn exec(
    g: &Global,
    profile: &str,
    code: &CodeArgs,
    server: bool,
    command: &[String],
) -> Result<u8> {
    if std::env::var_os("YAGURA_PROFILE").is_some() {
        bail!("already inside `yagura creds exec` (YAGURA_PROFILE is set): exit that shell first");
    }
    let (r, _) = flow(g, profile, code, !g.quiet)?;
    let mut env = yagura_creds::exec_env(&r.credentials, r.region.as_deref(), profile);
    let mut _serving = None;
    if server {
        // the child refreshes its credentials from a loopback endpoint instead
        let (s, vars) = start_server(g, profile, 0, false, code)?;
        env.set.retain(|(k, _)| {
            !k.starts_with("AWS_ACCESS_KEY_ID")
                && !k.starts_with("AWS_SECRET")
                && k != "AWS_SESSION_TOKEN"
                && k != "AWS_CREDENTIAL_EXPIRATION"
        });
        env.remove.extend(
            [
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SESSION_TOKEN",
            ]
            .iter()
            .map(|s| (*s).to_string()),
        );
        env.remove.retain(|k| !vars.iter().any(|(v, _)| v == k));
        env.set.extend(vars);
        _serving = Some(s);
    }
    let (prog, args, shell) = match command.split_first() {
        Some((p, a)) => (p.clone(), a.to_vec(), false),
        None => {
            let sh = std::env::var("SHELL")
                .ok()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "/bin/sh".to_string());
            (sh, Vec::new(), true)
        }
    };
    let mut cmd = std::process::Command::new(&prog);
    cmd.args(&args);
    env.apply(&mut cmd);
    if shell {
        let until = r
            .credentials
            .expiration
            .map_or_else(|| "no expiry".to_string(), |t| t.to_string());
        // A visible marker: a banner, and the prompt of shells that take PS1 from the
        // environment (bash reads ~/.bashrc, which usually sets its own: YAGURA_PROFILE is
        // there for it).
        let ps1 = std::env::var("PS1").unwrap_or_else(|_| "\\$ ".to_string());
        cmd.env("PS1", format!("(yagura:{profile}) {ps1}"));
        crate::etr!(
            "yagura: a shell with profile `{p}` (credentials valid until {until}); `exit` to leave",
            "yagura: プロファイル `{p}` のシェルです(認証情報の有効期限: {until})。`exit` で抜けます",
            p = sanitize(profile)
        );
    }
    let status = cmd
        .status()
        .with_context(|| format!("cannot run `{}`", sanitize(&prog)))?;
    if shell && !g.quiet {
        crate::etr!(
            "yagura: left the shell of profile `{p}`",
            "yagura: プロファイル `{p}` のシェルを抜けました",
            p = sanitize(profile)
        );
    }
    Ok(status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)))
}

/// `creds profiles --org`.
fn profiles(
    g: &Global,
    profile: &str,
    role_name: String,
    prefix: String,
    write: bool,
    cli_native: bool,
    code: &CodeArgs,
) -> Result<u8> {
    let (r, files) = flow(g, profile, code, !g.quiet)?;
    let resolved = files.resolve(profile)?;
    let sts = SdkSts::from_env(r.region.as_deref());
    let region = r.region.clone();
    let partition = Partition::of_region(region.as_deref().unwrap_or("us-east-1"));
    let listed = sts
        .list_org_accounts(&r.credentials, &role_name, partition.arn_name())
        .map_err(|e| anyhow::anyhow!("organizations ListAccounts: {e}"))?;
    let mut accounts = Vec::with_capacity(listed.len());
    for a in listed {
        let alias = match a.alias {
            Ok(alias) => alias,
            Err(e) => {
                if !g.quiet {
                    let account = yagura_creds::Account {
                        id: a.id.clone(),
                        alias: None,
                        name: a.name.clone(),
                    };
                    let (fallback, by) = yagura_creds::profile_base_name(&account);
                    let after = match by {
                        yagura_creds::NamedBy::OrganizationsName => "its Organizations name",
                        _ => "its account id",
                    };
                    eprintln!(
                        "note: account {}: cannot read its IAM alias through role `{}` \
                         ({}); its profile is named after {after} (`{}`)",
                        sanitize(&a.id),
                        sanitize(&role_name),
                        sanitize(&format!("{}: {}", e.code, e.message)),
                        sanitize(&format!("{prefix}{fallback}"))
                    );
                }
                None
            }
        };
        accounts.push(yagura_creds::Account {
            id: a.id,
            alias,
            name: a.name,
        });
    }
    let process_command = if cli_native {
        None
    } else {
        let exe = std::env::current_exe().context("cannot find the yagura executable")?;
        Some(exe.display().to_string())
    };
    let n = accounts.len();
    let text = yagura_creds::switch_role_profiles(
        &accounts,
        &SwitchRoleOptions {
            role_name,
            source_profile: profile.to_string(),
            mfa_serial: resolved.mfa_serial.clone(),
            region: region.clone(),
            duration_seconds: None,
            prefix,
            partition,
            process_command,
        },
    )?;
    if !write {
        crate::out::write_stdout(text.as_bytes())?;
        return Ok(0);
    }
    let p = paths(g)?;
    let existing = match std::fs::read_to_string(&p.config) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read `{}`", p.config.display())),
    };
    let updated = yagura_creds::replace_managed_block(&existing, &text);
    // the result must still parse, and every generated profile resolve
    let check = AwsFiles::parse(Some((&updated, "the updated config")), None)
        .context("the updated config would not parse: not written")?;
    drop(check);
    let mode = std::fs::metadata(&p.config).ok().map(|m| m.permissions());
    crate::common::write_atomic(&p.config, updated.as_bytes())
        .with_context(|| format!("cannot write `{}`", p.config.display()))?;
    if let Some(m) = mode {
        // keep the file's mode (often 0600)
        let _ = std::fs::set_permissions(&p.config, m);
    }
    if !g.quiet {
        crate::etr!(
            "{n} profile(s) written to `{f}` (between the yagura BEGIN/END lines; the rest of the file is kept)",
            "プロファイル {n} 件を `{f}` に書き込みました(yagura の BEGIN/END 行の間。ファイルの他の部分はそのままです)",
            f = p.config.display()
        );
    }
    Ok(0)
}

/// `creds add`.
fn add(g: &Global, profile: &str, backend: &str, from_env: bool) -> Result<u8> {
    let Some(backend) = Backend::parse(backend) else {
        bail!("backend `{}` is not `keyring` or `file`", sanitize(backend));
    };
    let (id, secret) = if from_env {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(i), Some(s)) => (i, Secret::new(s)),
            _ => bail!("--env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set"),
        }
    } else if terminal().is_some() && std::io::stdin().is_terminal() {
        let id = ask_terminal("Access key id: ", false).map_err(anyhow::Error::msg)?;
        let secret = ask_terminal("Secret access key: ", true).map_err(anyhow::Error::msg)?;
        (id.expose().to_string(), secret)
    } else {
        // not a terminal: two lines on stdin, the key id then the secret
        let mut lines = std::io::stdin().lock().lines();
        let mut next = || -> Result<String> {
            Ok(lines
                .next()
                .transpose()?
                .map(|l| l.trim().to_string())
                .unwrap_or_default())
        };
        let id = next()?;
        let secret = Secret::new(next()?);
        (id, secret)
    };
    let p = paths(g)?;
    let ks = Keystore::new(&p.data_dir);
    ks.add(
        profile,
        &StoredKey {
            access_key_id: id.clone(),
            secret_access_key: secret,
        },
        backend,
        jiff::Timestamp::now(),
    )?;
    if !g.quiet {
        let place = match backend {
            Backend::Keyring => crate::tr!("the OS keyring", "OS のキーリング"),
            Backend::File => format!("`{}` (0600)", ks.index_path().display()),
        };
        crate::etr!(
            "profile `{p}`: key {k} stored in {place}",
            "プロファイル `{p}`: キー {k} を {place} に保存しました",
            p = sanitize(profile),
            k = yagura_creds::keystore::mask_key_id(&id)
        );
        if let Ok(files) = AwsFiles::load(&p.config, &p.credentials) {
            if files
                .profiles
                .get(profile)
                .is_some_and(|r| r.get("aws_secret_access_key").is_some())
            {
                crate::etr!(
                    "note: `{f}` still holds a secret key for `{p}` in plain text: remove it from that file (yagura uses the stored key)",
                    "注意: `{f}` に `{p}` のシークレットキーが平文で残っています。そのファイルから削除してください(yagura は保存したキーを使います)",
                    f = p.credentials.display(),
                    p = sanitize(profile)
                );
            }
        }
    }
    Ok(0)
}

/// `creds list`.
fn list(g: &Global) -> Result<u8> {
    let p = paths(g)?;
    let (files, ks) = load_files(&p)?;
    let stored: std::collections::BTreeMap<String, yagura_creds::keystore::IndexEntry> =
        ks.list()?.into_iter().collect();
    let mut names: std::collections::BTreeSet<String> = files.profiles.keys().cloned().collect();
    names.extend(stored.keys().cloned());
    crate::outln!(
        "{} {} MFA",
        yagura_report::pad(&crate::tr!("PROFILE", "プロファイル"), 28),
        yagura_report::pad(&crate::tr!("CREDENTIALS", "認証情報"), 48)
    );
    for name in &names {
        let what = match files.resolve(name) {
            Ok(r) => {
                let source = match &r.source {
                    yagura_creds::Source::StaticKeys { access_key_id, .. } => crate::tr!(
                        "plain-text key {k} in {f}",
                        "平文のキー {k}(`{f}`)",
                        k = yagura_creds::keystore::mask_key_id(access_key_id),
                        f = if files
                            .profiles
                            .get(&r.source_profile)
                            .and_then(|x| x.get("aws_access_key_id"))
                            .is_some_and(|v| v.origin.file == p.credentials.display().to_string())
                        {
                            "credentials"
                        } else {
                            "config"
                        }
                    ),
                    yagura_creds::Source::Stored { profile } => match stored.get(profile) {
                        Some(e) => crate::tr!(
                            "key {k} in the {b}",
                            "キー {k}(`{b}`)",
                            k = yagura_creds::keystore::mask_key_id(&e.access_key_id),
                            b = e.backend.as_str()
                        ),
                        None => crate::tr!("stored key (missing)", "保存したキー(見つかりません)"),
                    },
                    yagura_creds::Source::Process(_) => "credential_process".to_string(),
                    yagura_creds::Source::Sso(s) => {
                        let (account, role) = (&s.account_id, &s.role_name);
                        crate::tr!(
                            "sso {account} {role}",
                            "SSO(アカウント {account}、ロール `{role}`)"
                        )
                    }
                    yagura_creds::Source::CredentialSource(s) => {
                        crate::tr!("credential_source {s}", "`credential_source` `{s}`")
                    }
                };
                if r.roles.is_empty() {
                    source
                } else {
                    crate::tr!(
                        "role via `{s}` ({source})",
                        "`{s}` 経由のロール({source})",
                        s = r.source_profile
                    )
                }
            }
            Err(e) => format!(
                "{}: {}",
                crate::i18n::error_prefix(),
                crate::i18n::error_text(&anyhow::Error::new(e))
            ),
        };
        let mfa = files
            .resolve(name)
            .ok()
            .and_then(|r| r.mfa_serial)
            .unwrap_or_else(|| "-".to_string());
        // a profile's name is the user's: quoted in Japanese text, like every name
        let shown = crate::tr!("{name}", "`{name}`", name = sanitize(name));
        crate::outln!(
            "{} {} {}",
            yagura_report::pad(&shown, 28),
            yagura_report::pad(&sanitize(&what), 48),
            sanitize(&mfa)
        );
    }
    let cache = SessionCache::open(&p.cache_dir)?;
    let now = jiff::Timestamp::now();
    let live: Vec<_> = cache
        .entries()?
        .into_iter()
        .filter(|(_, e)| e.is_some_and(|t| t > now))
        .collect();
    crate::outln!(
        "{}",
        crate::tr!(
            "{n} cached session(s) valid now (`yagura creds clear` removes them)",
            "現在有効なキャッシュ済みセッション: {n} 件(`yagura creds clear` で削除できます)",
            n = live.len()
        )
    );
    Ok(0)
}

/// `creds rotate`: aws-vault's order: create the new key with the old key's (MFA) session,
/// wait until the new key works, store it, delete the old key.
fn rotate(g: &Global, profile: &str, code: &CodeArgs) -> Result<u8> {
    let p = paths(g)?;
    let (files, ks) = load_files(&p)?;
    let Some(old) = ks.get(profile)? else {
        let profile = sanitize(profile);
        bail!(crate::tr!(
            "profile `{profile}` has no stored key to rotate: `yagura creds add {profile}` first",
            "プロファイル `{profile}` にはローテーションする保存済みのキーがありません: 先に `yagura creds add {profile}` を実行してください"
        ));
    };
    let resolved = files.resolve(profile)?;
    let backend = ks
        .list()?
        .into_iter()
        .find(|(n, _)| n == profile)
        .map_or(Backend::Keyring, |(_, e)| e.backend);
    // the profile's own (MFA) session, signed by the old key
    let (session, _) = flow(g, profile, code, false)?;
    let sts = SdkSts::from_env(resolved.region.as_deref());
    let new = sts
        .create_access_key(&session.credentials)
        .map_err(|e| anyhow::anyhow!("iam CreateAccessKey: {e}"))?;
    // IAM is eventually consistent: the new key may take a few seconds to work
    let mut works = Err(anyhow::anyhow!("not tried"));
    for attempt in 0..15 {
        match sts.caller_identity(&new) {
            Ok(_) => {
                works = Ok(());
                break;
            }
            Err(e) => works = Err(anyhow::anyhow!("{e}")),
        }
        std::thread::sleep(std::time::Duration::from_millis(500 * (attempt + 1).min(4)));
    }
    if let Err(e) = works {
        bail!(
            "the new key {} does not work yet ({e}); the old key is kept and still stored; delete the new key in IAM or run rotate again",
            yagura_creds::keystore::mask_key_id(&new.access_key_id)
        );
    }
    ks.add(
        profile,
        &StoredKey {
            access_key_id: new.access_key_id.clone(),
            secret_access_key: new.secret_access_key.clone(),
        },
        backend,
        jiff::Timestamp::now(),
    )?;
    sts.delete_access_key(&session.credentials, &old.access_key_id)
        .map_err(|e| {
            anyhow::anyhow!(
                "the new key is stored, but deleting the old key {} failed: {e}; delete it in IAM",
                yagura_creds::keystore::mask_key_id(&old.access_key_id)
            )
        })?;
    let cache = SessionCache::open(&p.cache_dir)?;
    let _ = cache.remove(&yagura_creds::CacheKey::session(
        &old.access_key_id,
        resolved.mfa_serial.as_deref(),
    ));
    if !g.quiet {
        crate::etr!(
            "profile `{p}`: key {old} replaced by {new} (the old key is deleted)",
            "プロファイル `{p}`: キー {old} を {new} に置き換えました(古いキーは削除済み)",
            p = sanitize(profile),
            old = yagura_creds::keystore::mask_key_id(&old.access_key_id),
            new = yagura_creds::keystore::mask_key_id(&new.access_key_id)
        );
    }
    Ok(0)
}

/// A running credentials server.
struct Serving {
    stop: Arc<std::sync::atomic::AtomicBool>,
    port: u16,
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // wake the accept loop
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Starts the endpoint on a thread; returns it and the variables a client needs.
fn start_server(
    g: &Global,
    profile: &str,
    port: u16,
    imds: bool,
    code: &CodeArgs,
) -> Result<(Serving, Vec<(String, Secret)>)> {
    // the first flow asks for a code now, on the terminal; later calls use the cache
    flow(g, profile, code, !g.quiet)?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", port))
        .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
    let port = listener.local_addr()?.port();
    let settings = Arc::new(yagura_creds::server::Settings {
        container_path: "/creds".to_string(),
        token: yagura_creds::server::random_token()?,
        imds,
        imds_token: yagura_creds::server::random_token()?,
        role_name: yagura_creds::sanitize_profile_name(profile),
        port,
    });
    let (g2, profile2) = (
        Global {
            quiet: true,
            ..g.clone()
        },
        profile.to_string(),
    );
    let code2 = CodeArgs {
        mfa_code: None,
        ..code.clone()
    };
    let creds: Arc<dyn Fn() -> Result<yagura_creds::Credentials, String> + Send + Sync> =
        Arc::new(move || {
            flow(&g2, &profile2, &code2, false)
                .map(|(r, _)| r.credentials)
                .map_err(|e| sanitize(&format!("{e:#}")))
        });
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (s2, stop2) = (settings.clone(), stop.clone());
    std::thread::spawn(move || {
        let _ = yagura_creds::server::serve(listener, s2, creds, stop2);
    });
    let mut vars = vec![
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".to_string(),
            Secret::new(format!("http://127.0.0.1:{port}/creds")),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN".to_string(),
            settings.token.clone(),
        ),
    ];
    if imds {
        vars.push((
            "AWS_EC2_METADATA_SERVICE_ENDPOINT".to_string(),
            Secret::new(format!("http://127.0.0.1:{port}/")),
        ));
    }
    Ok((Serving { stop, port }, vars))
}

/// `creds server`.
fn server(g: &Global, profile: &str, port: u16, imds: bool, code: &CodeArgs) -> Result<u8> {
    let (_serving, vars) = start_server(g, profile, port, imds, code)?;
    for (k, v) in &vars {
        crate::outln!("{k}={}", v.expose());
    }
    crate::out::flush_stdout()?;
    if !g.quiet {
        crate::etr!(
            "yagura: serving the credentials of profile `{p}` on 127.0.0.1 (export the lines above in the tool's environment); Ctrl-C ends it",
            "yagura: プロファイル `{p}` の認証情報を 127.0.0.1 で提供しています(上の行をツールの環境に `export` してください)。Ctrl-C で終了します",
            p = sanitize(profile)
        );
    }
    let term = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, term.clone())?;
    }
    while !term.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    Ok(0)
}
