//! Writes the crafted inputs of issue 16 into a folder and prints, one case a line, how
//! `bench/hostile.sh` runs each: `name US prepare US move-from US move-to US args`, US being the
//! ASCII unit separator (0x1f: no path holds it, and shell `read` does not merge empty fields
//! around it as it does around tabs), every argument list shell-quoted (a root path holds `#`,
//! `%`, `?` and spaces).
//!
//! usage: hostile_cases DIR [TESTDATA]

fn quote(args: &[String]) -> String {
    args.iter()
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() -> std::process::ExitCode {
    let mut argv = std::env::args().skip(1);
    let Some(dir) = argv.next() else {
        eprintln!("usage: hostile_cases DIR [TESTDATA]");
        return std::process::ExitCode::from(2);
    };
    let testdata = argv
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(yagura_testkit::hostile::shared_testdata);
    match yagura_testkit::hostile::write_cases(std::path::Path::new(&dir), &testdata) {
        Ok(cases) => {
            for c in cases {
                let (from, to) = c
                    .then_move
                    .map(|(a, b)| {
                        (
                            quote(&[a.display().to_string()]),
                            quote(&[b.display().to_string()]),
                        )
                    })
                    .unwrap_or_default();
                println!(
                    "{}\x1f{}\x1f{from}\x1f{to}\x1f{}",
                    c.name,
                    c.prepare.map(|p| quote(&p)).unwrap_or_default(),
                    quote(&c.args)
                );
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hostile_cases: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
