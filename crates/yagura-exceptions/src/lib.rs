//! The exceptions file kept under version control (AUD-22).
//!
//! Two lists, each entry for one check and optionally a resource, account and region pattern
//! (`*` and `?` wildcards), always with a written reason and optionally an expiry date:
//!
//! ```yaml
//! version: 1
//! not_adopted:            # the rule is not adopted by this organisation
//!   - check: inspector-disabled
//!     reason: "we run yagura host on every instance instead (decided 2026-05, SEC-12)"
//! accepted:               # the finding is a known, accepted risk
//!   - check: security-group-port-open-to-world
//!     resource: "arn:aws:ec2:*:123456789012:security-group/sg-0abc*"
//!     account: "123456789012"
//!     region: "ap-northeast-1"
//!     reason: "public game server, reviewed by SRE 2026-04-01"
//!     expires: 2026-12-31
//!   - check: "s3-*"                # a check pattern: every check it matches
//!     tags: {env: "dev*"}         # only resources tagged so (users, roles, security groups,
//!     reason: "development data"  # instances, RDS; see `Exceptions::apply_tagged`)
//! ```
//!
//! [`Exceptions::parse`] reads the file and reports the first error with its file, line and
//! column; [`Exceptions::validate`] reports every entry that names an unknown check;
//! [`Exceptions::apply`] marks matching findings muted (their evaluated status is kept) and says
//! which exceptions expired and which matched nothing, so the CLI can warn.
//!
//! Matching: a *not adopted* entry mutes every result of its check (PASS, FAIL and UNKNOWN) in
//! scope; an *accepted* entry mutes FAIL and UNKNOWN results only, so that a fixed resource shows
//! as PASS again and its exception shows up as unused. Not-adopted entries are tried first, then
//! accepted ones, each in file order; the first match wins. An entry applies up to and including
//! its expiry date.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod file;
mod glob;

pub use file::{format_date, parse_date, VERSION};
pub use glob::Glob;

use std::collections::{BTreeMap, HashMap};

/// The tags of a resource, as the inventory keeps them.
pub type Tags = BTreeMap<String, String>;
use std::fmt;
use std::path::Path;
use time::Date;
use yagura_core::{Finding, Mute, MuteKind, Status};

/// A 1-based line and column in the exceptions file.
pub use yagura_core::file::Location;

/// `origin:line:column` when the position is known, else `origin`.
fn at(origin: &str, location: Option<Location>) -> String {
    match location {
        Some(l) => format!("{origin}:{l}"),
        None => origin.to_string(),
    }
}

/// Reading or parsing the exceptions file failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExceptionsError {
    /// The file is not valid YAML or does not follow the format.
    #[error("{}: {message}", at(origin, *location))]
    Invalid {
        origin: String,
        location: Option<Location>,
        message: String,
    },
    #[error("cannot read the exceptions file `{origin}`: {source}")]
    Read {
        origin: String,
        #[source]
        source: std::io::Error,
    },
}

/// One exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    pub kind: MuteKind,
    /// The index within its list (`not_adopted` or `accepted`).
    pub index: usize,
    /// The check id, or a pattern of ids with `*` and `?` (`s3-*`).
    pub check: String,
    /// `check` compiled, when it has a wildcard.
    pub check_pattern: Option<Glob>,
    /// Tags the finding's resource must carry, each value a pattern; a finding whose resource
    /// has no tags known (an account, a bucket) never matches an entry with tags.
    pub tags: Vec<(String, Glob)>,
    pub resource: Option<Glob>,
    pub account: Option<Glob>,
    pub region: Option<Glob>,
    pub reason: String,
    /// The last day the exception applies.
    pub expires: Option<Date>,
    /// Where the entry starts in the file; `None` only in a flow-style section of more than 300
    /// entries.
    pub location: Option<Location>,
}

impl Exception {
    /// True when the exception's check and patterns match the finding (expiry and status aside).
    pub fn matches(&self, f: &Finding) -> bool {
        self.matches_tagged(f, None)
    }

    /// [`Exception::matches`], given the tags of the finding's resource.
    pub fn matches_tagged(&self, f: &Finding, tags: Option<&Tags>) -> bool {
        let check = match &self.check_pattern {
            Some(g) => g.matches(&f.check_id),
            None => self.check == f.check_id,
        };
        let tagged = self.tags.is_empty()
            || tags.is_some_and(|t| {
                self.tags
                    .iter()
                    .all(|(k, g)| t.get(k).is_some_and(|v| g.matches(v)))
            });
        check
            && tagged
            && self
                .resource
                .as_ref()
                .is_none_or(|g| g.matches(&f.resource))
            && self.account.as_ref().is_none_or(|g| g.matches(&f.account))
            && self.region.as_ref().is_none_or(|g| g.matches(&f.region))
    }

    /// True when the exception mutes this finding's status: not adopted mutes every status,
    /// accepted only FAIL and UNKNOWN.
    pub fn mutes_status(&self, status: Status) -> bool {
        match self.kind {
            MuteKind::NotAdopted => true,
            MuteKind::Accepted => matches!(status, Status::Fail | Status::Unknown),
        }
    }

    /// True after the expiry date.
    pub fn is_expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|d| today > d)
    }

    /// The list the entry is in, as written in the file.
    pub fn list_name(&self) -> &'static str {
        match self.kind {
            MuteKind::NotAdopted => "not_adopted",
            MuteKind::Accepted => "accepted",
        }
    }

    /// A short description for messages: ``accepted[2] `check-id` (resource `arn:…`)``.
    pub fn describe(&self) -> String {
        let mut s = format!("{}[{}] `{}`", self.list_name(), self.index, self.check);
        for (name, g) in [
            ("resource", &self.resource),
            ("account", &self.account),
            ("region", &self.region),
        ] {
            if let Some(g) = g {
                s.push_str(&format!(" {name} `{g}`"));
            }
        }
        for (k, g) in &self.tags {
            s.push_str(&format!(" tag `{k}={g}`"));
        }
        s
    }

    fn mute(&self) -> Mute {
        Mute {
            kind: self.kind,
            reason: self.reason.clone(),
            expires: self.expires.map(format_date),
        }
    }
}

/// A problem found by [`Exceptions::validate`]: the file parsed, but an entry is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub origin: String,
    pub location: Option<Location>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", at(&self.origin, self.location), self.message)
    }
}

/// An exception past its expiry date, and how many findings it would have muted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    pub exception: Exception,
    /// Findings it matches (whose status it would mute), whether or not another exception
    /// mutes them now.
    pub would_mute: usize,
}

/// What [`Exceptions::apply`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyStats {
    /// Findings muted as not adopted.
    pub muted_not_adopted: usize,
    /// Findings muted as accepted.
    pub muted_accepted: usize,
    /// Exceptions past their expiry date: they muted nothing. In file order.
    pub expired: Vec<Expired>,
    /// Exceptions in force that muted nothing (no matching finding, or an accepted one whose
    /// findings all pass now). In file order.
    pub unused: Vec<Exception>,
}

impl ApplyStats {
    pub fn muted(&self) -> usize {
        self.muted_not_adopted + self.muted_accepted
    }
}

/// A parsed exceptions file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exceptions {
    origin: String,
    /// Not-adopted entries first, then accepted ones, each in file order.
    entries: Vec<Exception>,
}

impl Exceptions {
    /// No exceptions (no file given).
    pub fn empty() -> Exceptions {
        Exceptions::default()
    }

    /// Parses the text of an exceptions file; `origin` (the path) names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Exceptions, ExceptionsError> {
        file::parse(origin, text)
    }

    /// Reads and parses a file.
    pub fn load(path: &Path) -> Result<Exceptions, ExceptionsError> {
        let origin = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ExceptionsError::Read {
            origin: origin.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| ExceptionsError::Invalid {
            origin: origin.clone(),
            location: None,
            message: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })?;
        Exceptions::parse(&origin, &text)
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Not-adopted entries first, then accepted ones, each in file order.
    pub fn entries(&self) -> &[Exception] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries of each check, split for [`Exceptions::apply`].
    fn index(&self, today: Date) -> HashMap<&str, ForCheck<'_>> {
        let mut index: HashMap<&str, ForCheck<'_>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            let slot = index.entry(e.check.as_str()).or_default();
            if e.is_expired(today) {
                slot.expired.push(i);
                continue;
            }
            match &e.resource {
                Some(g) if g.is_literal() => slot.literal.entry(g.as_str()).or_default().push(i),
                Some(_) => slot.patterns.push(i),
                None => slot.universal.push(i),
            }
        }
        for slot in index.values_mut() {
            if slot.patterns.len() >= REGEX_SET_FROM {
                let regexes = slot.patterns.iter().filter_map(|&i| {
                    self.entries
                        .get(i)
                        .and_then(|e| e.resource.as_ref())
                        .map(Glob::to_regex)
                });
                // Too large a set falls back to testing the patterns one by one.
                slot.set = regex::RegexSet::new(regexes)
                    .ok()
                    .filter(|set| set.len() == slot.patterns.len());
            }
        }
        index
    }

    /// Exceptions in force on `today` that expire within `days` days (the CLI warns ahead).
    pub fn expiring_within(&self, today: Date, days: u32) -> Vec<&Exception> {
        let horizon = today.saturating_add(time::Duration::days(i64::from(days)));
        self.entries
            .iter()
            .filter(|e| e.expires.is_some_and(|d| d >= today && d <= horizon))
            .collect()
    }

    /// Reports every entry that names a check `known` does not know, and entries that repeat an
    /// earlier one (same list, check and patterns). In file order.
    pub fn validate(&self, known: &dyn Fn(&str) -> bool) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut seen: BTreeMap<EntryKey<'_>, &Exception> = BTreeMap::new();
        for e in &self.entries {
            if e.check_pattern.is_none() && !known(&e.check) {
                problems.push(Problem {
                    origin: self.origin.clone(),
                    location: e.location,
                    message: format!(
                        "unknown check `{}` in {}[{}] (`yagura rule` lists the checks)",
                        e.check,
                        e.list_name(),
                        e.index
                    ),
                });
            }
            let key = (
                MuteKind2::from(e.kind),
                e.check.as_str(),
                e.resource.as_ref().map(Glob::as_str),
                e.account.as_ref().map(Glob::as_str),
                e.region.as_ref().map(Glob::as_str),
            );
            if let Some(first) = seen.get(&key) {
                problems.push(Problem {
                    origin: self.origin.clone(),
                    location: e.location,
                    message: format!(
                        "{} repeats {}[{}]{}; only the first one applies",
                        e.describe(),
                        first.list_name(),
                        first.index,
                        first
                            .location
                            .map(|l| format!(" at line {}", l.line))
                            .unwrap_or_default()
                    ),
                });
            } else {
                seen.insert(key, e);
            }
        }
        problems.sort_by_key(|p| p.location);
        problems
    }

    /// Mutes the findings that an exception in force matches (sets [`Finding::mute`], keeps
    /// [`Finding::status`]). A finding already muted is left as it is.
    ///
    /// Entries are indexed by check id, and by resource when the resource pattern has no
    /// wildcard; the wildcard patterns of a check that has many are matched in one pass of a
    /// `RegexSet`. Each finding is tested only against the entries that can match it.
    pub fn apply(&self, findings: &mut [Finding], today: Date) -> ApplyStats {
        self.apply_tagged(findings, today, &|_| None)
    }

    /// [`Exceptions::apply`], with the tags of each finding's resource (for entries with
    /// `tags:`). Entries whose check is a pattern are tried for every check id it matches.
    pub fn apply_tagged<'t>(
        &self,
        findings: &mut [Finding],
        today: Date,
        tags: &dyn Fn(&Finding) -> Option<&'t Tags>,
    ) -> ApplyStats {
        let index = self.index(today);
        let patterned: Vec<(Glob, &ForCheck<'_>)> = index
            .iter()
            .map(|(k, slot)| (Glob::new(k), slot))
            .filter(|(g, _)| !g.is_literal())
            .collect();
        // The slots that can match a check id: its own and those of the patterns matching it.
        let mut by_check: HashMap<String, Vec<&ForCheck<'_>>> = HashMap::new();
        let mut used = vec![0usize; self.entries.len()];
        let mut stats = ApplyStats::default();
        for f in findings.iter_mut() {
            if f.mute.is_some() {
                continue;
            }
            let id = f.check_id.as_ref();
            if !by_check.contains_key(id) {
                let mut slots: Vec<&ForCheck<'_>> = index.get(id).into_iter().collect();
                slots.extend(
                    patterned
                        .iter()
                        .filter(|(g, _)| g.matches(id))
                        .map(|(_, s)| *s),
                );
                by_check.insert(id.to_string(), slots);
            }
            let Some(slots) = by_check.get(id).filter(|s| !s.is_empty()) else {
                continue;
            };
            let resource_tags = tags(f);
            let applies = |i: usize, f: &Finding| {
                self.entries
                    .get(i)
                    .is_some_and(|e| e.mutes_status(f.status) && e.matches_tagged(f, resource_tags))
            };
            let mut winner = None;
            for slot in slots {
                let w = Self::slot_winner(slot, f, &applies);
                if w.is_some_and(|w| winner.is_none_or(|x| w < x)) {
                    winner = w;
                }
                for &i in &slot.expired {
                    if applies(i, f) {
                        if let Some(n) = used.get_mut(i) {
                            *n += 1;
                        }
                    }
                }
            }
            if let Some(e) = winner.and_then(|i| self.entries.get(i).map(|e| (i, e))) {
                if let Some(n) = used.get_mut(e.0) {
                    *n += 1;
                }
                f.mute = Some(Box::new(e.1.mute()));
                match e.1.kind {
                    MuteKind::NotAdopted => stats.muted_not_adopted += 1,
                    MuteKind::Accepted => stats.muted_accepted += 1,
                }
            }
        }
        self.finish(stats, &used, today)
    }

    /// The first entry of one check's slot that mutes the finding.
    fn slot_winner(
        slot: &ForCheck<'_>,
        f: &Finding,
        applies: &dyn Fn(usize, &Finding) -> bool,
    ) -> Option<usize> {
        let mut winner = slot
            .literal
            .get(&*f.resource)
            .and_then(|list| list.iter().copied().find(|&i| applies(i, f)));
        let mut consider = |i: usize| {
            if winner.is_none_or(|w| i < w) {
                winner = Some(i);
            }
        };
        if let Some(i) = slot.universal.iter().copied().find(|&i| applies(i, f)) {
            consider(i);
        }
        match &slot.set {
            // Every resource pattern of the check in one pass; the set's indices follow
            // `patterns`, which is in precedence order.
            Some(set) => {
                let first = set
                    .matches(&f.resource)
                    .into_iter()
                    .filter_map(|k| slot.patterns.get(k).copied())
                    .find(|&i| applies(i, f));
                if let Some(i) = first {
                    consider(i);
                }
            }
            None => {
                if let Some(i) = slot.patterns.iter().copied().find(|&i| applies(i, f)) {
                    consider(i);
                }
            }
        }
        winner
    }

    /// The expired and unused entries, after a pass over the findings.
    fn finish(&self, mut stats: ApplyStats, used: &[usize], today: Date) -> ApplyStats {
        for (e, n) in self.entries.iter().zip(used) {
            if e.is_expired(today) {
                stats.expired.push(Expired {
                    exception: e.clone(),
                    would_mute: *n,
                });
            } else if *n == 0 {
                stats.unused.push(e.clone());
            }
        }
        stats.expired.sort_by_key(|x| x.exception.location);
        stats.unused.sort_by_key(|e| e.location);
        stats
    }
}

/// From this many resource patterns on one check, `apply` matches them all at once.
const REGEX_SET_FROM: usize = 8;

/// The entries of one check, split by how they are matched.
#[derive(Default)]
struct ForCheck<'a> {
    /// Entries in force whose resource pattern has no wildcard, by resource.
    literal: HashMap<&'a str, Vec<usize>>,
    /// Entries in force with a wildcard resource pattern, in precedence order.
    patterns: Vec<usize>,
    /// `patterns` compiled together, when there are many.
    set: Option<regex::RegexSet>,
    /// Entries in force without a resource pattern, in precedence order.
    universal: Vec<usize>,
    /// Expired entries: they mute nothing; their matches are counted.
    expired: Vec<usize>,
}

/// What makes two entries the same: list, check and patterns.
type EntryKey<'a> = (
    MuteKind2,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

/// `MuteKind` is not `Ord`; a local stand-in for keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MuteKind2 {
    NotAdopted,
    Accepted,
}

impl From<MuteKind> for MuteKind2 {
    fn from(k: MuteKind) -> Self {
        match k {
            MuteKind::NotAdopted => MuteKind2::NotAdopted,
            MuteKind::Accepted => MuteKind2::Accepted,
        }
    }
}
