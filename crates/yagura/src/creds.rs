//! `yagura creds`: MFA sessions and role credentials (CRED-01…CRED-03).
//!
//! Secrets go to stdout only where the command's purpose is to hand them over (`process`,
//! `console`), or into a child's environment (`exec`); never to stderr.
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
use yagura_collect::sts_client::SdkSts;
use yagura_creds::{
    AwsFiles, FlowError, FlowOptions, FlowResult, Partition, Secret, SessionCache,
    SwitchRoleOptions,
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
    /// `yagura_mfa_command`, else a prompt when stdin is a terminal)
    #[arg(long, value_name = "CODE")]
    pub mfa_code: Option<String>,
    /// Duration of the MFA session in seconds (900–129600)
    #[arg(long, default_value_t = 43_200)]
    pub session_duration: u32,
    /// Duration of role sessions in seconds (default: the profile's `duration_seconds`, else 3600)
    #[arg(long)]
    pub role_duration: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum CredsCommand {
    /// Start (or reuse) the MFA session of a profile and assume its roles (CRED-01)
    Login {
        #[arg(long, env = "AWS_PROFILE", default_value = "default")]
        profile: String,
        #[command(flatten)]
        code: CodeArgs,
    },
    /// Run a command with the profile's credentials in its environment (CRED-02)
    Exec {
        profile: String,
        #[command(flatten)]
        code: CodeArgs,
        /// The command and its arguments, after `--`
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    /// Print the profile's credentials as `credential_process` JSON (for ~/.aws/config) (CRED-02)
    Process {
        profile: String,
        #[command(flatten)]
        code: CodeArgs,
    },
    /// Print a console sign-in URL for the profile's role (CRED-02)
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
    /// Print switch-role profiles for every account of the Organization (CRED-03)
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
                .map_or_else(|| "no expiry".to_string(), |t| t.to_string());
            if !g.quiet {
                eprintln!(
                    "profile `{}`: credentials ready{}, valid until {until}",
                    sanitize(&profile),
                    if r.prompted { "" } else { " (cached)" }
                );
            }
            Ok(0)
        }
        CredsCommand::Exec {
            profile,
            code,
            command,
        } => {
            if std::env::var_os("YAGURA_PROFILE").is_some() {
                bail!("already inside `yagura creds exec` (YAGURA_PROFILE is set): exit that shell first");
            }
            let (r, _) = flow(g, &profile, &code, !g.quiet)?;
            let env = yagura_creds::exec_env(&r.credentials, r.region.as_deref(), &profile);
            let Some((prog, args)) = command.split_first() else {
                bail!("no command to run");
            };
            let mut cmd = std::process::Command::new(prog);
            cmd.args(args);
            env.apply(&mut cmd);
            let status = cmd
                .status()
                .with_context(|| format!("cannot run `{}`", sanitize(prog)))?;
            Ok(status.code().map_or(1, |c| u8::try_from(c).unwrap_or(1)))
        }
        CredsCommand::Process { profile, code } => {
            let (r, _) = flow(g, &profile, &code, false)?;
            let json = yagura_creds::credential_process_json(&r.credentials)?;
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            lock.write_all(json.expose().as_bytes())?;
            lock.write_all(b"\n")?;
            lock.flush()?;
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
                println!("{}", token_url.expose());
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
            println!("{}", url.expose());
            Ok(0)
        }
        CredsCommand::Profiles {
            org: _,
            profile,
            role_name,
            prefix,
            code,
        } => {
            let (r, files) = flow(g, &profile, &code, !g.quiet)?;
            let resolved = files.resolve(&profile)?;
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
                                yagura_creds::NamedBy::OrganizationsName => {
                                    "its Organizations name"
                                }
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
            let text = yagura_creds::switch_role_profiles(
                &accounts,
                &SwitchRoleOptions {
                    role_name,
                    source_profile: profile.clone(),
                    mfa_serial: resolved.mfa_serial.clone(),
                    region: region.clone(),
                    duration_seconds: None,
                    prefix,
                    partition,
                },
            )?;
            print!("{text}");
            Ok(0)
        }
    }
}

fn paths(g: &Global) -> Result<yagura_creds::Paths> {
    let mut p = yagura_creds::default_paths(&|k| std::env::var_os(k))
        .context("cannot find the AWS config files: set HOME or AWS_CONFIG_FILE")?;
    if let Some(d) = &g.data_dir {
        p.cache_dir = d.join("sessions");
    }
    Ok(p)
}

/// Reads a one-time code from the terminal without echo (stdin must be a terminal).
fn prompt_code(serial: &str) -> Result<Secret, String> {
    if !std::io::stdin().is_terminal() {
        return Err("no code: pass --mfa-code, set `yagura_mfa_command` in the profile, or run in a terminal".to_string());
    }
    eprint!("MFA code for {}: ", sanitize(serial));
    let _ = std::io::stderr().flush();
    let echo_off = std::process::Command::new("stty")
        .arg("-echo")
        .status()
        .is_ok_and(|s| s.success());
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if echo_off {
        let _ = std::process::Command::new("stty").arg("echo").status();
        eprintln!();
    }
    read.map_err(|e| format!("cannot read the code: {e}"))?;
    Ok(Secret::new(line.trim().to_string()))
}

/// Runs the credential flow for `profile`. `notes` prints advice on stderr.
fn flow(g: &Global, profile: &str, code: &CodeArgs, notes: bool) -> Result<(FlowResult, AwsFiles)> {
    let p = paths(g)?;
    let files = AwsFiles::load(&p.config, &p.credentials)?;
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
    match yagura_creds::credentials_for(
        &files,
        profile,
        &cache,
        &sts,
        &mut ask,
        jiff::Timestamp::now(),
        &options,
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
