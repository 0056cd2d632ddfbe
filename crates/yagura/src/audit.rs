//! `yagura audit`: collect (or load) an inventory, evaluate the checks, apply exceptions, keep
//! the run, report.

use crate::cli::{AuditArgs, Global};
use crate::common::{emit_with_text, now_rfc3339, sanitize, write_atomic_with};
use anyhow::{Context, Result};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use yagura_audit::compliance::FRAMEWORKS;
use yagura_audit::{AuditConfig, Scoping, Selection};
use yagura_core::Severity;
use yagura_exceptions::Exceptions;
use yagura_inventory::Inventory;

/// The sample inventory built into the binary: a small account seeded on moto with each
/// misconfiguration and a compliant twin (see `scripts/seed_moto.py`).
const DEMO_INVENTORY: &str = include_str!("../demo/inventory.json");
/// The demo's exceptions file, used with `--demo` unless `--exceptions` is given.
const DEMO_EXCEPTIONS: &str = include_str!("../demo/exceptions.yaml");

pub fn run(g: &Global, a: AuditArgs) -> Result<u8> {
    let started = OffsetDateTime::now_utc();
    // The selection first: an unknown check or service stops the run before any collection.
    let selection = Scoping {
        checks: a.checks.clone(),
        excluded_checks: a.excluded_checks.clone(),
        services: a.services.clone(),
        severities: a
            .severity
            .iter()
            .map(|s| s.parse::<Severity>())
            .collect::<Result<_, _>>()?,
        compliance: a.compliance.clone(),
    }
    .select()?;
    if a.list_checks {
        return list_checks(g, &selection);
    }
    if a.list_compliance {
        return list_compliance(&a.out);
    }
    let mut cfg = match &a.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read audit settings `{}`", p.display()))?;
            serde_json::from_str::<AuditConfig>(&text).map_err(|e| {
                anyhow::anyhow!(
                    "audit settings `{}` are not valid at line {}, column {}: {e}",
                    p.display(),
                    e.line(),
                    e.column()
                )
            })?
        }
        None => AuditConfig::default(),
    };
    cfg.now = match &a.as_of {
        // The demo is evaluated as of its recording, so its results never drift.
        None if a.demo => OffsetDateTime::parse("2026-11-24T00:00:00Z", &Rfc3339)?,
        Some(t) => OffsetDateTime::parse(t, &Rfc3339)
            .with_context(|| format!("`--as-of {}` is not an RFC 3339 time", sanitize(t)))?,
        None => started,
    };
    // Exceptions first: a broken file should stop the run before minutes of collection.
    let exceptions = match &a.exceptions {
        Some(p) => Some(Exceptions::load(p)?),
        None if a.demo => Some(Exceptions::parse(
            "built-in demo exceptions",
            DEMO_EXCEPTIONS,
        )?),
        None => None,
    };
    let notifier = a
        .notify
        .as_deref()
        .map(crate::notify::Notifier::load)
        .transpose()?;

    let inventory = if a.demo {
        yagura_inventory::from_json("built-in demo inventory", DEMO_INVENTORY)?
    } else if let Some(p) = &a.from_inventory {
        Inventory::load(p)?
    } else {
        crate::collecting::collect(g, &a.collect, a.shard, &now_rfc3339())?
    };
    if let Some(p) = &a.save_inventory {
        write_atomic_with(p, |w| Ok(serde_json::to_writer_pretty(w, &inventory)?))?;
        if !g.quiet {
            eprintln!("saved inventory to {}", sanitize(&p.display().to_string()));
        }
    }

    let mut findings = yagura_audit::evaluate(&inventory, &cfg);
    selection.retain(&mut findings);
    // A shard evaluates the whole inventory (the escalation graph spans accounts) and keeps the
    // findings of its own accounts: the other accounts were read for their IAM only.
    if let Some(shard) = a.shard {
        findings.retain(|f| shard.contains(&f.account));
    }
    if let Some(ex) = &exceptions {
        let catalogue = crate::common::catalogue()?;
        for p in ex.validate(&|id| catalogue.get(id).is_some()) {
            eprintln!("warning: {}", sanitize(&p.to_string()));
        }
        // The tags index only when an entry asks for tags: a large inventory spares it.
        let tags = if ex.entries().iter().any(|e| !e.tags.is_empty()) {
            yagura_audit::resource_tags(&inventory)
        } else {
            Default::default()
        };
        let stats = ex.apply_tagged(&mut findings, cfg.now.date(), &|f| {
            tags.get(&*f.resource).copied()
        });
        for e in &stats.expired {
            eprintln!(
                "warning: exception expired and no longer applies: {}",
                sanitize(&e.exception.describe())
            );
        }
        for u in &stats.unused {
            eprintln!(
                "note: exception matched nothing: {}",
                sanitize(&u.describe())
            );
        }
    }

    let accounts: Vec<String> = inventory
        .accounts
        .iter()
        .map(|a| a.account_id.clone())
        .filter(|id| a.shard.is_none_or(|s| s.contains(id)))
        .collect();
    // A scoped run is its own history: compared with a full run, the checks it left out
    // would read as fixed.
    let scope = match selection.label() {
        "" => format!("audit:{}", accounts.join(",")),
        label => format!("audit:{}|{label}", accounts.join(",")),
    };
    if !a.no_store && !a.demo {
        match crate::common::store_run(g, &scope, &accounts, started, &findings) {
            Ok(Some(line)) if !g.quiet => eprintln!("{line}"),
            Ok(_) => {}
            // The report still matters more than the history: say so and go on.
            Err(e) => eprintln!(
                "warning: the run was not stored: {}",
                sanitize(&format!("{e:#}"))
            ),
        }
    }
    if let Some(n) = &notifier {
        let stored = (!a.no_store && !a.demo).then_some(scope.as_str());
        let notes =
            crate::notify::audit_notes(g, &inventory, &findings, a.notify_findings, stored)?;
        n.send(g, &notes);
    }
    let generated_at = cfg.now.format(&Rfc3339).unwrap_or_default();
    let mut shipped = true;
    if a.send_to_security_hub {
        shipped = send_to_security_hub(g, &a, &scope, &findings, &generated_at)?;
    }
    let table = selection
        .framework()
        .map(|f| f.table(&findings, &|id| selection.contains(id)));
    // A shard's report says what it covers, so that `report merge` can tell a whole
    // Organization from a missing shard.
    let extra = a.shard.map(|s| {
        serde_json::json!({ "shard": yagura_report::ShardCover {
            index: s.index,
            count: s.count,
            hash: yagura_collect::SHARD_HASH.to_string(),
            accounts: accounts.clone(),
        }})
    });
    let code = emit_with_text(
        g,
        &a.out,
        "audit",
        &findings,
        &[],
        extra.as_ref(),
        &generated_at,
        None,
        table.as_ref(),
    )?;
    // Findings that did not reach Security Hub make the run an error, after the report.
    Ok(if shipped { code } else { code.max(2) })
}

/// `--send-to-security-hub`: imports the findings and says what happened on stderr; false when
/// some findings did not reach Security Hub.
fn send_to_security_hub(
    g: &Global,
    a: &AuditArgs,
    scope: &str,
    findings: &[yagura_core::Finding],
    generated_at: &str,
) -> Result<bool> {
    let region = a.collect.regions.first().cloned();
    let asff = crate::common::asff_findings(g, scope, findings, generated_at, region)?;
    let total = asff.len();
    let sum = crate::collecting::send_to_security_hub(&a.collect, asff)?;
    if !g.quiet {
        crate::etr!(
            "Security Hub: imported {i} of {total} finding(s) into {t} account/region(s)",
            "Security Hub: {total} 件中 {i} 件の検出結果を {t} 個のアカウント・リージョンに取り込みました",
            i = sum.imported,
            t = sum.targets
        );
    }
    let w = crate::i18n::warning_prefix();
    for (account, region, reason, n) in &sum.failed {
        let (region, reason) = (sanitize(region), sanitize(reason));
        crate::etr!(
            "{w}: {n} finding(s) of {account} in {region} were not imported: {reason}",
            "{w}: {account} の {region} の検出結果 {n} 件を取り込めませんでした: {reason}"
        );
    }
    for (id, code, message) in &sum.refused {
        let (id, code, message) = (sanitize(id), sanitize(code), sanitize(message));
        crate::etr!(
            "{w}: Security Hub refused finding {id}: {code} {message}",
            "{w}: Security Hub が検出結果 {id} を拒否しました: {code} {message}"
        );
    }
    Ok(sum.failed.is_empty() && sum.refused.is_empty())
}

/// `--list-compliance`: each framework with its coverage by the catalogue, as text or JSON.
fn list_compliance(out: &crate::cli::OutputArgs) -> Result<u8> {
    let rows: Vec<_> = FRAMEWORKS.iter().map(|f| (f, f.coverage())).collect();
    if out.first_format() == yagura_report::Format::Json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|(f, c)| {
                serde_json::json!({
                    "framework": f.key, "alias": f.alias, "name": f.name,
                    "requirements": c.automated + c.manual + c.not_covered,
                    "automated": c.automated, "manual": c.manual, "not_covered": c.not_covered,
                })
            })
            .collect();
        let mut buf = Vec::new();
        yagura_core::escape::write_json(&mut buf, &v)?;
        buf.push(b'\n');
        crate::out::write_stdout(&buf)?;
        return Ok(0);
    }
    crate::outln!(
        "{:<26} {:<8} {:>12} {:>9} {:>6} {:>11}",
        "FRAMEWORK",
        "ALIAS",
        "REQUIREMENTS",
        "AUTOMATED",
        "MANUAL",
        "NOT COVERED"
    );
    for (f, c) in &rows {
        crate::outln!(
            "{:<26} {:<8} {:>12} {:>9} {:>6} {:>11}",
            f.key,
            f.alias,
            c.automated + c.manual + c.not_covered,
            c.automated,
            c.manual,
            c.not_covered
        );
    }
    Ok(0)
}

/// `--list-checks`: the selected checks, one a line (id, service, severity, title).
fn list_checks(g: &Global, selection: &Selection) -> Result<u8> {
    let lang = crate::common::lang(g);
    for c in selection.checks() {
        crate::outln!(
            "{:<48} {:<16} {:<8} {}",
            c.id,
            c.service,
            c.severity.as_str(),
            c.title.get(lang)
        );
    }
    Ok(0)
}
