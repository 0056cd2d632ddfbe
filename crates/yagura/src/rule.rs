use crate::cli::{Global, RuleArgs};
use crate::common::{catalogue, lang};
use anyhow::Result;
use yagura_core::Lang;

pub fn run(g: &Global, a: RuleArgs) -> Result<u8> {
    let lang = lang(g);
    let cat = catalogue()?;
    let Some(c) = cat.get(&a.id) else {
        let near: Vec<&str> = cat
            .iter()
            .map(|c| c.id)
            .filter(|id| id.contains(a.id.as_str()) || a.id.contains(id))
            .collect();
        let mut msg = format!("no check with id `{}`", crate::common::sanitize(&a.id));
        if !near.is_empty() {
            msg.push_str(&format!(" (did you mean {}?)", near.join(", ")));
        }
        msg.push_str("; `yagura rules` lists them");
        anyhow::bail!(msg);
    };
    let (what, why, fix, refs, spec, sev, needs, source) = match lang {
        Lang::En => (
            "What it does",
            "Why is this bad?",
            "How to fix",
            "References",
            "Requirements",
            "Severity",
            "Reads",
            "Declared in",
        ),
        Lang::Ja => (
            "何を調べるか",
            "なぜ問題か",
            "対処方法",
            "参考資料",
            "要件",
            "重要度",
            "読むデータ",
            "定義場所",
        ),
    };
    crate::outln!("{} — {}\n", c.id, c.title.get(lang));
    crate::outln!("{sev}: {}", c.severity);
    crate::outln!("{spec}: {}", c.spec.join(", "));
    for (fw, ids) in c.compliance.iter().filter(|(_, ids)| !ids.is_empty()) {
        crate::outln!("{fw}: {}", ids.join(", "));
    }
    if !c.needs.is_empty() {
        crate::outln!("{needs}: {}", c.needs_line());
    }
    crate::outln!("{source}: {}", c.location);
    crate::outln!("\n## {what}\n{}\n", c.what.get(lang));
    crate::outln!("## {why}\n{}\n", c.why.get(lang));
    crate::outln!("## {fix}\n{}\n", c.fix.get(lang));
    crate::outln!("## {refs}");
    for r in c.references {
        crate::outln!("- {r}");
    }
    Ok(0)
}

pub fn list(g: &Global) -> Result<u8> {
    let lang = lang(g);
    for c in catalogue()?.iter() {
        crate::outln!(
            "{:<48} {:<8} {:<14} {}",
            c.id,
            c.severity.as_str(),
            c.spec.join(","),
            c.title.get(lang)
        );
    }
    Ok(0)
}
