//! The yagura command line. Only this crate prints.

mod audit;
mod cli;
mod collecting;
mod common;
mod creds;
mod findings;
mod host;
mod host_fleet;
mod iam;
mod merge;
mod notify;
mod rule;
mod schedule;
mod trail;
mod watch;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc, not the C library's allocator: see the workspace Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
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
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if common::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            for line in error_lines(&e) {
                eprintln!("error: {}", common::sanitize(&line));
            }
            ExitCode::from(2)
        }
    }
}

/// An error, one line each (outside text in it can never start a line of its own): the error
/// and its causes, or the problems of a schedule file, one per line.
fn error_lines(e: &anyhow::Error) -> Vec<String> {
    match e.downcast_ref::<yagura_schedule::ConfigError>() {
        Some(yagura_schedule::ConfigError::Invalid { file, problems }) => problems
            .iter()
            .map(|p| format!("{file}:{}:{}: {}", p.line, p.column, p.message))
            .collect(),
        _ => vec![format!("{e:#}")],
    }
}
