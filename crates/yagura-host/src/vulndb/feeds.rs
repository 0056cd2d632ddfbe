//! Parsers of the feed formats into [`Advisory`] rows.

use super::{distro_key, Advisory, FixState};
use serde_json::Value;
use std::collections::HashMap;

/// Parses a JSON document (serde_json refuses nesting deeper than 128 levels, so a hostile
/// document cannot exhaust the stack).
pub fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text)
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

/// Debian release codenames to version numbers (OSV and the store use numbers).
pub fn debian_release(codename: &str) -> Option<&'static str> {
    Some(match codename {
        "buzz" => "1.1",
        "hamm" => "2.0",
        "potato" => "2.2",
        "woody" => "3.0",
        "sarge" => "3.1",
        "etch" => "4",
        "lenny" => "5",
        "squeeze" => "6",
        "wheezy" => "7",
        "jessie" => "8",
        "stretch" => "9",
        "buster" => "10",
        "bullseye" => "11",
        "bookworm" => "12",
        "trixie" => "13",
        "forky" => "14",
        "sid" => "sid",
        _ => return None,
    })
}

/// The distribution key and release of an OSV ecosystem: `Debian:12` → (debian, 12),
/// `Alpine:v3.20` → (alpine, v3.20), `Ubuntu:Pro:18.04:LTS` → (ubuntu, 18.04),
/// `Red Hat:enterprise_linux:9::appstream` → (rhel, 9), `Rocky Linux:9` → (rocky, 9); the
/// release is the first part after the name that starts with a digit (or `v` and a digit).
pub fn osv_ecosystem(eco: &str) -> (String, String) {
    let mut parts = eco.split(':');
    let distro = distro_key(parts.next().unwrap_or_default());
    let release = parts
        .find(|p| {
            let p = p.strip_prefix('v').unwrap_or(p);
            p.starts_with(|c: char| c.is_ascii_digit())
        })
        .unwrap_or_default()
        .to_string();
    (distro, release)
}

/// Parses one OSV record (`affected[].package.ecosystem` like `Debian:12`, `Alpine:v3.20`,
/// `AlmaLinux:9`; `ranges[]` of type `ECOSYSTEM`).
pub fn parse_osv(v: &Value) -> Result<Vec<Advisory>, String> {
    let id = s(v, "id").ok_or("an OSV record without `id`")?;
    if v.get("withdrawn").and_then(Value::as_str).is_some() {
        return Ok(Vec::new());
    }
    let mut aliases: Vec<String> = v
        .get("aliases")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if let Some(up) = v.get("upstream").and_then(Value::as_array) {
        aliases.extend(up.iter().filter_map(|x| x.as_str().map(str::to_string)));
    }
    aliases.sort();
    aliases.dedup();
    let summary = s(v, "summary")
        .or_else(|| s(v, "details"))
        .unwrap_or_default()
        .chars()
        .take(500)
        .collect::<String>();
    let record_severity = v
        .get("database_specific")
        .and_then(|d| s(d, "severity"))
        .or_else(|| {
            v.get("affected")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|a| a.get("ecosystem_specific"))
                .and_then(|e| s(e, "urgency").or_else(|| s(e, "severity")))
        });
    let mut out = Vec::new();
    let affected = v
        .get("affected")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("`{id}`: no `affected` list"))?;
    for a in affected {
        let Some(pkg) = a.get("package") else {
            continue;
        };
        let (Some(eco), Some(name)) = (s(pkg, "ecosystem"), s(pkg, "name")) else {
            continue;
        };
        let (distro, release) = osv_ecosystem(&eco);
        let severity = a
            .get("ecosystem_specific")
            .and_then(|e| s(e, "urgency").or_else(|| s(e, "severity")))
            .or_else(|| record_severity.clone());
        let base = Advisory {
            id: id.clone(),
            aliases: aliases.clone(),
            distro,
            release,
            package: name,
            state: FixState::Unfixed,
            introduced: None,
            fixed: None,
            last_affected: None,
            severity,
            summary: summary.clone(),
        };
        let ranges = a.get("ranges").and_then(Value::as_array);
        let mut any = false;
        for r in ranges.into_iter().flatten() {
            if s(r, "type").as_deref() != Some("ECOSYSTEM") {
                continue;
            }
            // events in order: each `introduced` opens a range that the next `fixed` or
            // `last_affected` closes
            let mut cur: Option<Advisory> = None;
            for e in r
                .get("events")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(i) = s(e, "introduced") {
                    if let Some(open) = cur.take() {
                        out.push(open);
                    }
                    let mut row = base.clone();
                    row.introduced = Some(i);
                    cur = Some(row);
                } else if let Some(f) = s(e, "fixed") {
                    let mut row = cur.take().unwrap_or_else(|| base.clone());
                    row.state = FixState::Fixed;
                    row.fixed = Some(f);
                    out.push(row);
                } else if let Some(l) = s(e, "last_affected") {
                    let mut row = cur.take().unwrap_or_else(|| base.clone());
                    row.last_affected = Some(l);
                    out.push(row);
                }
                any = true;
            }
            if let Some(open) = cur.take() {
                out.push(open);
            }
        }
        if !any {
            // explicit `versions` only: each listed version is affected
            for ver in a
                .get("versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(ver) = ver.as_str() {
                    let mut row = base.clone();
                    row.introduced = Some(ver.to_string());
                    row.last_affected = Some(ver.to_string());
                    out.push(row);
                }
            }
        }
    }
    Ok(out)
}

/// Parses Debian security tracker JSON: the tracker's own export (`{package: {CVE: {releases:
/// {codename: {status, fixed_version, urgency, nodsa_reason}}}}}`) or one DSA/DLA/CVE entry in
/// the annotated form (`Header` and `Annotations`).
pub fn parse_debian_tracker(v: &Value) -> Result<Vec<Advisory>, String> {
    if let (Some(h), Some(anns)) = (
        v.get("Header"),
        v.get("Annotations").and_then(Value::as_array),
    ) {
        let id = s(h, "ID").ok_or("a tracker entry without `Header.ID`")?;
        let summary = s(h, "Description").unwrap_or_default();
        let mut aliases: Vec<String> = Vec::new();
        for a in anns {
            if s(a, "Type").as_deref() == Some("xref") {
                for b in a
                    .get("Bugs")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(b) = b.as_str() {
                        aliases.push(b.to_string());
                    }
                }
            }
        }
        let mut out = Vec::new();
        for a in anns {
            if s(a, "Type").as_deref() != Some("package") {
                continue;
            }
            let (Some(rel), Some(pkg)) = (s(a, "Release"), s(a, "Package")) else {
                continue;
            };
            let Some(release) = debian_release(&rel) else {
                continue;
            };
            let kind = s(a, "Kind").unwrap_or_default();
            let version = s(a, "Version");
            let (state, fixed) = match kind.as_str() {
                "fixed" => (FixState::Fixed, version),
                "not-affected" => continue,
                // `ignored` and end of life: the distribution will not fix it; `no-dsa` and
                // `postponed` may still come in a point release
                "ignored" | "end-of-life" => (FixState::WontFix, None),
                _ => (FixState::Unfixed, None),
            };
            out.push(Advisory {
                id: id.clone(),
                aliases: aliases.clone(),
                distro: "debian".into(),
                release: release.into(),
                package: pkg,
                state,
                introduced: None,
                fixed,
                last_affected: None,
                severity: s(a, "Severity"),
                summary: summary.clone(),
            });
        }
        return Ok(out);
    }
    let obj = v.as_object().ok_or("neither OSV nor Debian tracker JSON")?;
    let mut out = Vec::new();
    for (pkg, cves) in obj {
        let Some(cves) = cves.as_object() else {
            continue;
        };
        for (cve, entry) in cves {
            let summary = s(entry, "description").unwrap_or_default();
            let Some(rels) = entry.get("releases").and_then(Value::as_object) else {
                continue;
            };
            for (codename, r) in rels {
                let Some(release) = debian_release(codename) else {
                    continue;
                };
                let status = s(r, "status").unwrap_or_default();
                let fixed = s(r, "fixed_version");
                let urgency = s(r, "urgency");
                let nodsa = s(r, "nodsa_reason").unwrap_or_default();
                let (state, fixed) = match status.as_str() {
                    "resolved" => match fixed.as_deref() {
                        Some("0") | None => continue, // not affected
                        _ => (FixState::Fixed, fixed),
                    },
                    _ if nodsa == "ignored"
                        || matches!(urgency.as_deref(), Some("unimportant" | "end-of-life")) =>
                    {
                        (FixState::WontFix, None)
                    }
                    "undetermined" | "open" => (FixState::Unfixed, None),
                    _ => (FixState::Unfixed, None),
                };
                out.push(Advisory {
                    id: cve.clone(),
                    aliases: Vec::new(),
                    distro: "debian".into(),
                    release: release.into(),
                    package: pkg.clone(),
                    state,
                    introduced: None,
                    fixed,
                    last_affected: None,
                    severity: urgency,
                    summary: summary.chars().take(500).collect(),
                });
            }
        }
    }
    Ok(out)
}

/// The (distro, release) an OVAL feed covers, from its file name or its platform text.
fn oval_target(label: &str, platform: &str) -> Option<(String, String)> {
    let name = label
        .rsplit('/')
        .next()
        .unwrap_or(label)
        .to_ascii_lowercase();
    let version_after = |s: &str, key: &str| -> Option<String> {
        let i = s.find(key)? + key.len();
        let v: String = s
            .get(i..)?
            .trim_start_matches(['-', '_', ' '])
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let v = v.trim_end_matches('.').to_string();
        (!v.is_empty()).then_some(v)
    };
    for (key, distro) in [
        ("cbl-mariner", "mariner"),
        ("azurelinux", "azurelinux"),
        ("rhel", "rhel"),
        ("almalinux", "almalinux"),
        ("rocky", "rocky"),
        ("oraclelinux", "ol"),
        ("oracle", "ol"),
    ] {
        if let Some(v) = version_after(&name, key) {
            let v = if matches!(distro, "rhel" | "almalinux" | "rocky" | "ol") {
                v.split('.').next().unwrap_or_default().to_string()
            } else {
                v
            };
            return Some((distro.into(), v));
        }
    }
    let p = platform.to_ascii_lowercase();
    if let Some(v) = version_after(&p, "red hat enterprise linux") {
        return Some((
            "rhel".into(),
            v.split('.').next().unwrap_or_default().into(),
        ));
    }
    if let Some(v) = version_after(&p, "cbl-mariner") {
        return Some(("mariner".into(), v));
    }
    None
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children()
        .find(|c| c.is_element() && c.tag_name().name() == tag)
}

fn text_of(n: Option<roxmltree::Node<'_, '_>>) -> String {
    n.and_then(|n| n.text())
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Parses an OVAL definitions document (the RHEL family's and CBL-Mariner's): each
/// `vulnerability` definition's rpminfo tests give a package name and an EVR bound (`less
/// than` = fixed in, `less than or equal` = last affected).
pub fn parse_oval(text: &str, label: &str) -> Result<Vec<Advisory>, String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(text, opts).map_err(|e| format!("bad XML: {e}"))?;
    let by_id: HashMap<&str, roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.is_element())
        .filter_map(|n| n.attribute("id").map(|id| (id, n)))
        .collect();
    let platform = doc
        .descendants()
        .find(|n| n.tag_name().name() == "platform")
        .and_then(|n| n.text())
        .unwrap_or_default();
    let (distro, release) = oval_target(label, platform)
        .ok_or("cannot tell which distribution release this OVAL feed covers (name the file like `rhel-9.oval.xml`)")?;
    let mut out = Vec::new();
    for def in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "definition")
    {
        if def.attribute("class") != Some("vulnerability")
            && def.attribute("class") != Some("patch")
        {
            continue;
        }
        let Some(meta) = child(def, "metadata") else {
            continue;
        };
        let refs: Vec<String> = meta
            .children()
            .filter(|c| c.tag_name().name() == "reference")
            .filter_map(|c| c.attribute("ref_id").map(str::to_string))
            .collect();
        let advisory_id = text_of(child(meta, "advisory_id"));
        let id = refs
            .iter()
            .find(|r| r.starts_with("CVE-") || r.starts_with("RHSA-") || r.starts_with("ALSA-"))
            .cloned()
            .or_else(|| (!advisory_id.is_empty()).then(|| advisory_id.clone()))
            .or_else(|| def.attribute("id").map(str::to_string))
            .unwrap_or_default();
        let aliases: Vec<String> = refs.iter().filter(|r| **r != id).cloned().collect();
        let severity = {
            let s = text_of(child(meta, "severity"));
            let s = if s.is_empty() {
                child(meta, "advisory")
                    .map(|a| text_of(child(a, "severity")))
                    .unwrap_or_default()
            } else {
                s
            };
            (!s.is_empty()).then_some(s)
        };
        let patchable = text_of(child(meta, "patchable"));
        let summary = text_of(child(meta, "title"));
        for crit in def
            .descendants()
            .filter(|n| n.tag_name().name() == "criterion")
        {
            let Some(test) = crit.attribute("test_ref").and_then(|t| by_id.get(t)) else {
                continue;
            };
            if test.tag_name().name() != "rpminfo_test" {
                continue;
            }
            let obj = test
                .children()
                .find(|c| c.tag_name().name() == "object")
                .and_then(|o| o.attribute("object_ref"))
                .and_then(|r| by_id.get(r));
            let state = test
                .children()
                .find(|c| c.tag_name().name() == "state")
                .and_then(|o| o.attribute("state_ref"))
                .and_then(|r| by_id.get(r));
            let (Some(obj), Some(state)) = (obj, state) else {
                continue;
            };
            let name = text_of(child(*obj, "name"));
            let Some(evr) = child(*state, "evr") else {
                continue;
            };
            let bound = evr.text().unwrap_or_default().trim().to_string();
            if name.is_empty() || bound.is_empty() {
                continue;
            }
            let mut row = Advisory {
                id: id.clone(),
                aliases: aliases.clone(),
                distro: distro.clone(),
                release: release.clone(),
                package: name,
                state: FixState::Unfixed,
                introduced: None,
                fixed: None,
                last_affected: None,
                severity: severity.clone(),
                summary: summary.clone(),
            };
            match evr.attribute("operation") {
                Some("less than") => {
                    // an unpatchable definition keeps the bound, but nothing fixes it yet
                    row.state = if patchable == "false" {
                        FixState::Unfixed
                    } else {
                        FixState::Fixed
                    };
                    row.fixed = Some(bound);
                }
                Some("less than or equal") => {
                    row.last_affected = Some(bound);
                }
                _ => continue,
            }
            out.push(row);
        }
    }
    Ok(out)
}

/// Parses Amazon Linux `updateinfo.xml`: each `update` of type `security` fixes its packages
/// at the listed epoch:version-release.
pub fn parse_updateinfo(text: &str) -> Result<Vec<Advisory>, String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc =
        roxmltree::Document::parse_with_options(text, opts).map_err(|e| format!("bad XML: {e}"))?;
    let mut out = Vec::new();
    for up in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "update")
    {
        if up.attribute("type").is_some_and(|t| t != "security") {
            continue;
        }
        let get = |tag: &str| {
            up.children()
                .find(|c| c.tag_name().name() == tag)
                .and_then(|c| c.text())
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let id = get("id");
        if id.is_empty() {
            continue;
        }
        let severity = Some(get("severity")).filter(|s| !s.is_empty());
        let summary = get("title");
        let mut aliases: Vec<String> = up
            .descendants()
            .filter(|n| n.tag_name().name() == "reference")
            .filter_map(|n| n.attribute("id").map(str::to_string))
            .collect();
        aliases.sort();
        aliases.dedup();
        for coll in up
            .descendants()
            .filter(|n| n.tag_name().name() == "collection")
        {
            let short = coll.attribute("short").unwrap_or_default();
            let release = if let Some(r) = short.strip_prefix("amazon-linux-") {
                r.split('-').next().unwrap_or_default().to_string()
            } else if id.starts_with("ALAS2023") {
                "2023".into()
            } else if id.starts_with("ALAS2-") {
                "2".into()
            } else {
                "1".into()
            };
            let mut seen = std::collections::BTreeSet::new();
            for p in coll.children().filter(|n| n.tag_name().name() == "package") {
                let (Some(name), Some(ver), Some(rel)) = (
                    p.attribute("name"),
                    p.attribute("version"),
                    p.attribute("release"),
                ) else {
                    continue;
                };
                let epoch = p.attribute("epoch").unwrap_or("0");
                let fixed = if epoch.is_empty() || epoch == "0" {
                    format!("{ver}-{rel}")
                } else {
                    format!("{epoch}:{ver}-{rel}")
                };
                if !seen.insert((name.to_string(), fixed.clone())) {
                    continue;
                }
                out.push(Advisory {
                    id: id.clone(),
                    aliases: aliases.clone(),
                    distro: "amzn".into(),
                    release: release.clone(),
                    package: name.to_string(),
                    state: FixState::Fixed,
                    introduced: None,
                    fixed: Some(fixed),
                    last_affected: None,
                    severity: severity.clone(),
                    summary: summary.clone(),
                });
            }
        }
    }
    Ok(out)
}
