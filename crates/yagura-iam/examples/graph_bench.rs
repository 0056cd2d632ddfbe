//! Benchmark for `bench/iam.sh`: the escalation graph and every principal's shortest paths over
//! one GetAccountAuthorizationDetails document (the synthetic account of
//! `bench/iam_synthetic.py`), with the time of each step and the peak memory of the process.
//! Usage: cargo run --release -p yagura-iam --example graph_bench -- GAAD.json
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;
use yagura_iam::analyze::{analyze_accounts, AccountAuthorization};
use yagura_iam::graph::Extra;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// CPU seconds (user + system) of this process so far, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit(')').next()?.to_string();
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

fn main() {
    let path = std::env::args().nth(1).expect("GAAD file");
    let text = std::fs::read_to_string(&path).unwrap();
    let db = yagura_iam::actions::db().unwrap();
    let t = Instant::now();
    let auth = AccountAuthorization::from_json(&path, &text).unwrap();
    let parse = t.elapsed();
    if let Some(who) = std::env::var_os("EXPLAIN") {
        let (g, i, edges) = yagura_iam::graph::Graph::explain(
            std::slice::from_ref(&auth),
            &Extra::default(),
            who.to_str().unwrap(),
        )
        .unwrap()
        .unwrap();
        println!("{} dist {:?}", g.label(i), g.dist[i]);
        for e in edges
            .iter()
            .filter(|e| g.nodes[e.to].admin.is_some())
            .take(5)
        {
            println!("  -> {} {} {:?}", g.label(e.to), e.label(), e.grants);
        }
        return;
    }
    if std::env::var_os("GRAPH_ONLY").is_some() {
        let t = Instant::now();
        let c = cpu_seconds();
        let g = yagura_iam::graph::Graph::build(std::slice::from_ref(&auth), &Extra::default())
            .unwrap();
        println!(
            "graph alone: {:.3} s wall, {:.2} s CPU ({} edges)",
            t.elapsed().as_secs_f64(),
            cpu_seconds() - c,
            g.edges.len()
        );
        if std::env::var_os("PRINT_PATHS").is_some() {
            for i in 0..g.nodes.len() {
                for p in g.paths(i) {
                    println!("{}", g.describe(&p));
                }
            }
        }
        return;
    }
    let t = Instant::now();
    let c = cpu_seconds();
    let a = analyze_accounts(db, std::slice::from_ref(&auth), &Extra::default()).unwrap();
    let analyse = t.elapsed();
    let analyse_cpu = cpu_seconds() - c;
    let g = &a.graph;
    let t = Instant::now();
    let mut paths = 0usize;
    let mut longest = 0usize;
    for i in 0..g.nodes.len() {
        for p in g.paths(i) {
            paths += 1;
            longest = longest.max(p.len());
            let _ = g.describe(&p);
        }
    }
    let walk = t.elapsed();
    let admins = g.nodes.iter().filter(|n| n.admin.is_some()).count();
    let reach = g.dist.iter().filter(|d| d.is_some_and(|d| d > 0)).count();
    let empower = g.empowers.iter().filter(|e| !e.is_empty()).count();
    let potential = g.potential.iter().filter(|e| !e.is_empty()).count();
    println!(
        "yagura: {} principals ({} errors), {} admin-equivalent, {reach} with a path ({paths} paths, longest {longest} hops), \
         {empower} can make others admin, {potential} with potential paths, {} findings",
        g.nodes.len(),
        auth.errors.len(),
        admins,
        a.findings.len()
    );
    println!(
        "yagura: parse {:.3} s, graph + paths + findings {:.3} s ({analyse_cpu:.2} s CPU), describing every path {:.3} s; total {:.3} s; peak RSS {:.0} MB",
        parse.as_secs_f64(),
        analyse.as_secs_f64(),
        walk.as_secs_f64(),
        (parse + analyse + walk).as_secs_f64(),
        peak_rss_mb()
    );
}
