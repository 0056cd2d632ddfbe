//! The yagura command line. Only this crate prints, and only through `out` on stdout.

// Every byte of stdout goes through `out` (a closed pipe is an error, not a panic).
#![deny(clippy::print_stdout)]

mod audit;
mod cli;
mod collecting;
mod common;
mod creds;
mod findings;
mod host;
mod host_fleet;
mod i18n;
mod iam;
mod logging;
mod merge;
mod notify;
mod out;
mod rule;
mod schedule;
mod trail;
mod watch;

use clap::{ArgMatches, CommandFactory, FromArgMatches};
use std::path::Path;
use std::process::ExitCode;

/// mimalloc, not the C library's allocator: see the workspace Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Stage one: clap checks and types every flag (formats, severities, languages, durations)
    // before any work, so a typo fails at once, not after an Organization has been collected.
    let matches = cli::Cli::command()
        .color(clap_color(std::env::args_os()))
        .get_matches();
    let args = match cli::Cli::from_arg_matches(&matches) {
        Ok(a) => a,
        Err(e) => e.exit(),
    };
    // Stage two: what the settings imply before a command runs.
    logging::init(&args.global);
    i18n::set(common::lang(&args.global));
    if let Some(path) = output_path(&matches) {
        if let Some(name) = looks_like_format(path) {
            etr!(
                "warning: `--output {name}` writes the report to a file named `{name}`; the format is chosen with `--format {lower}`",
                "警告: `--output {name}` はレポートを `{name}` という名前のファイルに書き込みます。形式は `--format {lower}` で選びます",
                name = name,
                lower = name.to_ascii_lowercase()
            );
        }
    }
    if several_formats_without_dir(&matches) {
        eprintln!("error: several formats (`--format a,b`) need `--output-dir DIR`: one file each");
        return ExitCode::from(2);
    }
    tracing::info!(
        "yagura {} {}",
        env!("CARGO_PKG_VERSION"),
        matches.subcommand_name().unwrap_or_default()
    );
    tracing::debug!(lang = ?common::lang(&args.global), color = ?args.global.color, "settings resolved");
    let result = match args.command {
        cli::Command::Audit(a) => audit::run(&args.global, a),
        cli::Command::Findings(a) => findings::run(&args.global, a),
        cli::Command::Rule(a) => rule::run(&args.global, a),
        cli::Command::Rules => rule::list(&args.global),
        cli::Command::Creds(a) => creds::run(&args.global, a),
        cli::Command::Schedule(a) => schedule::run(&args.global, a),
        cli::Command::Host(a) => host::run(&args.global, a),
        cli::Command::Db(a) => host::db(&args.global, a),
        cli::Command::Report(a) => merge::run(&args.global, a),
        cli::Command::Iam(a) => iam::run(&args.global, a),
        cli::Command::Trail(a) => trail::run(&args.global, a),
        cli::Command::Watch(a) => watch::watch(&args.global, a),
        cli::Command::Timeline(a) => watch::timeline(&args.global, a),
        cli::Command::Notify(a) => notify::run(&args.global, a),
        cli::Command::Completions { shell } => completions(shell),
        cli::Command::Man { command } => man(command.as_deref()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader went away before the end of a listing: not a failure. A report's exit code
        // was decided before writing and comes back as `Ok` (see `common::emit`).
        Err(e) if out::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            for line in error_lines(&e) {
                eprintln!("{}: {}", i18n::error_prefix(), common::sanitize(&line));
            }
            ExitCode::from(2)
        }
    }
}

/// `--color` for clap's own help and errors, which it prints while parsing, before the value is
/// known: taken from the raw arguments (the last one wins, as for clap). NO_COLOR clap honours
/// by itself.
fn clap_color(args: impl Iterator<Item = std::ffi::OsString>) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut next_is_value = false;
    for arg in args {
        let Some(arg) = arg.to_str() else {
            next_is_value = false;
            continue;
        };
        if arg == "--" {
            break;
        }
        let value = if next_is_value {
            Some(arg)
        } else {
            arg.strip_prefix("--color=")
        };
        next_is_value = arg == "--color";
        match value {
            Some("always") => choice = clap::ColorChoice::Always,
            Some("never") => choice = clap::ColorChoice::Never,
            Some("auto") => choice = clap::ColorChoice::Auto,
            _ => {}
        }
    }
    choice
}

/// Whether the command the user ran asks for several formats without `--output-dir`: one
/// stream cannot hold two reports.
fn several_formats_without_dir(matches: &ArgMatches) -> bool {
    let mut m = matches;
    loop {
        if let Ok(Some(formats)) = m.try_get_many::<yagura_report::Format>("format") {
            let mut distinct: Vec<&yagura_report::Format> = Vec::new();
            for f in formats {
                if !distinct.contains(&f) {
                    distinct.push(f);
                }
            }
            let dir = matches!(
                m.try_get_one::<std::path::PathBuf>("output_dir"),
                Ok(Some(_))
            );
            return distinct.len() > 1 && !dir;
        }
        match m.subcommand() {
            Some((_, sub)) => m = sub,
            None => return false,
        }
    }
}

/// `--output` of the command the user ran (the innermost subcommand that has one).
fn output_path(matches: &ArgMatches) -> Option<&Path> {
    let mut m = matches;
    let mut found = None;
    loop {
        if let Ok(Some(p)) = m.try_get_one::<std::path::PathBuf>("output") {
            found = Some(p.as_path());
        }
        match m.subcommand() {
            Some((_, sub)) => m = sub,
            None => return found,
        }
    }
}

/// The file name, when `--output` names a bare format (`-o json`) rather than a file: no
/// directory, no extension, and a format's name.
fn looks_like_format(path: &Path) -> Option<&str> {
    const NAMES: &[&str] = &[
        "text", "txt", "table", "json", "csv", "sarif", "ocsf", "asff", "junit", "html", "xml",
        "yaml", "yml", "md", "markdown",
    ];
    let name = path.to_str()?;
    let bare = path.parent().is_none_or(|p| p.as_os_str().is_empty()) && path.extension().is_none();
    (bare && NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))).then_some(name)
}

/// `yagura completions SHELL`.
fn completions(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    let mut cmd = cli::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "yagura", &mut buf);
    out::write_stdout(&buf)?;
    Ok(0)
}

/// `yagura man [COMMAND]`: the page of yagura (which lists its commands), or `yagura-COMMAND(1)`.
fn man(command: Option<&str>) -> anyhow::Result<u8> {
    let cmd = cli::Cli::command();
    let page = match command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            Some(sub) => {
                let full = format!("yagura-{}", sub.get_name());
                sub.clone()
                    .bin_name(format!("yagura {}", sub.get_name()))
                    .display_name(full)
            }
            None => anyhow::bail!(
                "no command `{}`: see `yagura --help`",
                common::sanitize(name)
            ),
        },
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    out::write_stdout(&buf)?;
    Ok(0)
}

/// An error, one line each (outside text in it can never start a line of its own): the error
/// and its causes, or the problems of a schedule file, one per line.
fn error_lines(e: &anyhow::Error) -> Vec<String> {
    match e.downcast_ref::<yagura_schedule::ConfigError>() {
        Some(yagura_schedule::ConfigError::Invalid { file, problems }) => problems
            .iter()
            .map(|p| format!("{file}:{}:{}: {}", p.line, p.column, p.message))
            .collect(),
        _ => vec![i18n::error_text(e)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn a_bare_format_name_as_output_is_noticed() {
        assert_eq!(looks_like_format(Path::new("json")), Some("json"));
        assert_eq!(looks_like_format(Path::new("SARIF")), Some("SARIF"));
        assert_eq!(looks_like_format(Path::new("report.json")), None);
        assert_eq!(looks_like_format(Path::new("out/json")), None);
        assert_eq!(looks_like_format(Path::new("report")), None);
    }

    #[test]
    fn clap_takes_the_last_color_flag() {
        let args = |a: &[&str]| {
            a.iter()
                .map(std::ffi::OsString::from)
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(
            clap_color(args(&["yagura", "--color", "never", "audit"])),
            clap::ColorChoice::Never
        );
        assert_eq!(
            clap_color(args(&["yagura", "--color=never", "--color=always"])),
            clap::ColorChoice::Always
        );
        assert_eq!(
            clap_color(args(&[
                "yagura", "creds", "exec", "p", "--", "--color", "never"
            ])),
            clap::ColorChoice::Auto
        );
    }

    /// Every `yagura …` line of every help text's examples is a command line clap accepts.
    #[test]
    fn the_examples_in_help_parse() {
        fn walk(cmd: &clap::Command, seen: &mut usize) {
            let help = cmd
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            for line in help.lines() {
                for part in line.split("&&") {
                    // the command, without a redirection or the description column
                    let part = part.trim();
                    let part = part.split(" > ").next().unwrap_or_default();
                    let part = part.split("  ").next().unwrap_or_default();
                    if !part.starts_with("yagura ") {
                        continue;
                    }
                    let words: Vec<&str> = part.split_whitespace().collect();
                    *seen += 1;
                    let parsed = cli::Cli::try_parse_from(&words);
                    assert!(parsed.is_ok(), "`{part}` does not parse: {parsed:?}");
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, seen);
            }
        }
        let mut seen = 0;
        walk(&cli::Cli::command(), &mut seen);
        assert!(seen >= 20, "{seen} examples");
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        cli::Cli::command().debug_assert();
    }
}
