//! Benchmark driver for `bench/trail.sh`:
//! `trail_bench [--threads N] [--sigma DIR] [--no-native] [--read-only] [--stream] PATH…`
//! (`--stream`: single-event detections are counted as found, not kept: the scan's own memory)
//! Prints one JSON line: events, errors, detections, seconds, events per second.
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut threads = 1usize;
    let mut sigma: Option<PathBuf> = None;
    let mut native = true;
    let mut read_only = false;
    let mut stream = false;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--sigma" => sigma = args.next().map(PathBuf::from),
            "--no-native" => native = false,
            "--read-only" => read_only = true,
            "--stream" => stream = true,
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let rules = sigma.map(|d| {
        let t = Instant::now();
        let (set, s) = yagura_trail::sigma::RuleSet::load_dir_summary(
            &d,
            &yagura_trail::sigma::LoadOptions::default(),
        );
        eprintln!(
            "rules loaded: {} of {} documents in {:.2} s ({} skipped for another log source, {} not run, {} failed)",
            set.rules.len(),
            s.documents,
            t.elapsed().as_secs_f64(),
            s.skipped_total(),
            s.unsupported.len(),
            s.failed.len()
        );
        set
    });
    let cpu0 = cpu_seconds();
    let start = Instant::now();
    let (events, errors, detections) = if read_only {
        let mut n = 0u64;
        let mut e = 0u64;
        for p in &paths {
            for item in yagura_trail::read_path(p) {
                match item {
                    Ok(ev) => {
                        n += 1;
                        std::hint::black_box(ev.event_name());
                    }
                    Err(_) => e += 1,
                }
            }
        }
        (n, e, 0)
    } else {
        let refs: Vec<&std::path::Path> = paths.iter().map(PathBuf::as_path).collect();
        let opts = yagura_trail::Options {
            native,
            ..Default::default()
        };
        if stream {
            let found = std::sync::atomic::AtomicU64::new(0);
            let sink = |d: yagura_trail::Detection| {
                std::hint::black_box(d);
                found.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            };
            let r =
                yagura_trail::scan_paths_streaming(&refs, rules.as_ref(), &opts, threads, &sink);
            let n = found.load(std::sync::atomic::Ordering::Relaxed) as usize;
            (r.stats.events, r.stats.errors, n + r.detections.len())
        } else {
            let r = yagura_trail::scan_paths(&refs, rules.as_ref(), &opts, threads);
            (r.stats.events, r.stats.errors, r.detections.len())
        }
    };
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!(
        "{{\"threads\":{threads},\"events\":{events},\"errors\":{errors},\"detections\":{detections},\"seconds\":{secs:.3},\"cpu_seconds\":{cpu:.2},\"events_per_second\":{:.0},\"events_per_cpu_second\":{:.0}}}",
        events as f64 / secs,
        events as f64 / cpu.max(0.01)
    );
}

/// User + system CPU time of this process, from /proc (Linux), in seconds.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // fields after the command: state is index 0; utime is field 14 of the line, index 11 here
    (ticks(11) + ticks(12)) / 100.0
}
