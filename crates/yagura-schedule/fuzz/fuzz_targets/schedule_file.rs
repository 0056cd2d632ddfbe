//! The schedule file (`schedule plan|run --config`) on arbitrary bytes, read from disk like the
//! command reads it: never a panic, an error names the file, and every schedule of a file that
//! loads is planned (tagged by name, by the guard's patterns, at a few instants) in bounded time.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_schedule::{plan, Config, Resource, ResourceKind, ResourceState};

fuzz_target!(|data: &[u8]| {
    let Ok(tmp) = tempfile::tempdir() else { return };
    let file = tmp.path().join("schedule.toml");
    if std::fs::write(&file, data).is_err() {
        return;
    }
    let config = match Config::load(&file) {
        Ok(c) => c,
        Err(e) => {
            assert!(e.to_string().contains("schedule.toml"), "{e}");
            return;
        }
    };
    let kinds = [
        ResourceKind::Ec2Instance,
        ResourceKind::RdsInstance,
        ResourceKind::AutoScalingGroup,
    ];
    let resources: Vec<Resource> = config
        .schedules
        .keys()
        .take(16)
        .enumerate()
        .map(|(i, name)| {
            let tags = [
                (config.tag_key.clone(), name.clone()),
                ("Name".to_string(), format!("prod-{name}")),
                ("env".to_string(), "prod".to_string()),
            ];
            let state = if i % 2 == 0 {
                ResourceState::Running
            } else {
                ResourceState::Stopped
            };
            Resource::new(
                kinds[i % 3],
                format!("r-{i}"),
                state,
                tags.into_iter().collect(),
            )
        })
        .collect();
    for secs in [0i64, 1_795_000_000, 1_800_000_000] {
        let Ok(now) = jiff::Timestamp::from_second(secs) else {
            continue;
        };
        let p = plan(now, &config, &resources);
        assert_eq!(p.entries.len(), resources.len());
    }
});
