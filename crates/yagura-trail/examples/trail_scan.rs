//! Scans paths and prints the detections as JSON lines: `trail_scan [--sigma DIR] PATH…`.
use std::path::PathBuf;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut rules = None;
    if args.first().map(String::as_str) == Some("--sigma") && args.len() > 1 {
        let dir = PathBuf::from(args.remove(1));
        args.remove(0);
        let (set, errors) = yagura_trail::sigma::RuleSet::load_dir(&dir);
        for e in &errors {
            eprintln!("rule not loaded: {e}");
        }
        eprintln!("{} rules loaded, {} not", set.rules.len(), errors.len());
        rules = Some(set);
    }
    let paths: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let refs: Vec<&std::path::Path> = paths.iter().map(PathBuf::as_path).collect();
    let report =
        yagura_trail::scan_paths(&refs, rules.as_ref(), &yagura_trail::Options::default(), 1);
    for d in &report.detections {
        match serde_json::to_string(d) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("{e}"),
        }
    }
    for e in &report.errors {
        eprintln!("{}", e.en);
    }
    eprintln!(
        "{} events, {} errors, {} detections",
        report.stats.events,
        report.stats.errors,
        report.detections.len()
    );
}
