//! A Sigma engine for CloudTrail (WATCH-06).
//!
//! Rules are loaded unmodified from YAML (several documents per file allowed), compiled once
//! into matchers, and indexed by `eventName` so that an event is only tested against the rules
//! that can match it. Semantics follow the Sigma specification:
//! - string equality is case-insensitive; `*` and `?` are wildcards, `\` escapes them;
//! - `null` means the field is absent (or JSON `null`);
//! - modifiers `contains`, `startswith`, `endswith`, `all`, `re` (with `i`, `m`, `s`), `cidr`,
//!   `exists`, `fieldref`, `cased`, `windash`, `base64`, `base64offset`, `gt`/`gte`/`lt`/`lte`;
//!   `expand` needs placeholder values ([`LoadOptions::placeholders`]);
//! - a list of values is an OR (an AND with `|all`), a list of maps is an OR of the maps;
//! - conditions with `and`, `or`, `not`, parentheses, `1 of x*`, `N of x*`, `all of x*`,
//!   `1 of them`;
//! - dotted field paths traverse arrays (any element matches) and EC2's `{"items":[…]}`;
//! - a field that holds an object or array is matched by its compact JSON text, and for
//!   `contains`/wildcards/`re` also by any string inside it (policy documents are logged as JSON
//!   strings inside `requestParameters`);
//! - correlation rules (`event_count`, `value_count`, `temporal`, `temporal_ordered`) with
//!   `group-by` and `timespan`, evaluated by [`Correlator`].
//!
//! The loader never drops a rule silently: [`RuleSet::load_dir`] returns the rules it compiled
//! and a [`LoadError`] for every rule it could not, with the reason.

use crate::event::{scalar_text, Event, RawLookup};
use regex::Regex;
use serde::Serialize;
use serde_json::Value;
use serde_yaml_ng::{Mapping, Value as Yaml};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::path::Path;
use yagura_core::file::Location;

/// Why a rule (or rule file) did not load, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("`{file}`{}{}: {reason}",
    location.map(|l| format!(":{}:{}", l.line, l.column)).unwrap_or_default(),
    rule.as_ref().map(|r| format!(" rule `{r}`")).unwrap_or_default())]
#[non_exhaustive]
pub struct LoadError {
    pub file: String,
    /// The rule's title or id, when it could be read.
    pub rule: Option<String>,
    pub reason: String,
    /// Where in the file (1-based), when known; `line:column` in JSON.
    #[serde(serialize_with = "location_text")]
    pub location: Option<Location>,
}

fn location_text<S: serde::Serializer>(l: &Option<Location>, s: S) -> Result<S::Ok, S::Error> {
    match l {
        Some(l) => s.serialize_str(&l.to_string()),
        None => s.serialize_none(),
    }
}

impl LoadError {
    fn new(file: &str, rule: Option<String>, reason: String, location: Option<Location>) -> Self {
        LoadError {
            file: file.to_string(),
            rule,
            reason,
            location,
        }
    }
}

/// Options for loading rules.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Values for `|expand` placeholders (`%name%` → values). A rule using a placeholder that is
    /// not given here is not loaded (counted as unsupported).
    pub placeholders: HashMap<String, Vec<String>>,
    /// Compile every rule whatever its `logsource` (to check a rule pack: nothing is skipped
    /// for being written for another log).
    pub any_logsource: bool,
}

/// What loading rules did with every rule document it found: each one is loaded, skipped for
/// another log source, not run because of its status (or placeholders without values), or
/// failed with the reason and position. Nothing is dropped silently:
/// [`LoadSummary::accounted`] equals [`LoadSummary::documents`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadSummary {
    /// Rule files read (`.yml`, `.yaml`).
    pub files: usize,
    /// Rule documents in them (a file that is not valid YAML counts as one).
    pub documents: usize,
    /// Detection rules compiled and run.
    pub loaded: usize,
    /// Correlation rules compiled and run.
    pub correlations: usize,
    /// Rules written for another log source, by `product/service` (or category).
    pub skipped: BTreeMap<String, usize>,
    /// Rules not run: `status: deprecated` or `unsupported`, or placeholders without values.
    pub unsupported: Vec<LoadError>,
    /// Rules that could not be read or compiled.
    pub failed: Vec<LoadError>,
    /// Entries of the folder that were not read (special files, links out of it, unreadable
    /// folders): not rule documents, so not in the counts above.
    pub unreadable: Vec<LoadError>,
}

impl LoadSummary {
    /// Rules skipped for another log source.
    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    /// Every document accounted for: loaded, skipped, unsupported or failed.
    pub fn accounted(&self) -> usize {
        self.loaded
            + self.correlations
            + self.skipped_total()
            + self.unsupported.len()
            + self.failed.len()
    }

    /// The problems a user must see: failures, unreadable entries and unsupported rules.
    pub fn problems(&self) -> Vec<LoadError> {
        let mut out = self.unreadable.clone();
        out.extend(self.failed.iter().cloned());
        out.extend(self.unsupported.iter().cloned());
        out
    }
}

/// A compiled detection rule.
#[derive(Debug)]
pub struct Rule {
    pub title: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub level: String,
    pub description: String,
    pub tags: Vec<String>,
    pub falsepositives: Vec<String>,
    pub file: String,
    pub(crate) searches: Vec<Search>,
    pub(crate) condition: Cond,
    /// Whether the rule's own matches are reported (false when only a correlation uses it and
    /// the correlation does not ask to `generate`).
    pub report: bool,
}

/// The kind of a correlation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrelationKind {
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
}

/// A compiled correlation rule.
#[derive(Debug)]
pub struct Correlation {
    pub title: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub level: String,
    pub description: String,
    pub tags: Vec<String>,
    pub file: String,
    pub kind: CorrelationKind,
    /// Indexes into [`RuleSet::rules`].
    pub rules: Vec<usize>,
    pub group_by: Vec<Vec<String>>,
    pub timespan_ms: i64,
    /// The field counted by `value_count`.
    pub field: Option<Vec<String>>,
    pub condition: Vec<(CmpOp, f64)>,
    /// Whether the referenced rules' own matches are reported too (`generate: true`).
    pub generate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

impl CmpOp {
    fn test(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Gt => a > b,
            CmpOp::Gte => a >= b,
            CmpOp::Lt => a < b,
            CmpOp::Lte => a <= b,
            CmpOp::Eq => (a - b).abs() < f64::EPSILON,
            CmpOp::Neq => (a - b).abs() >= f64::EPSILON,
        }
    }
}

/// Compiled rules with their index.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub correlations: Vec<Correlation>,
    by_name: crate::detection::FnvMap<String, Vec<usize>>,
    unindexed: Vec<usize>,
}

#[derive(Debug)]
pub(crate) enum Search {
    /// One map: every field condition holds.
    Map(Vec<FieldCond>),
    /// A list of maps: any of them.
    AnyMap(Vec<Vec<FieldCond>>),
    /// Keywords: any of them is found in the record's text.
    Keywords(Vec<Matcher>),
}

#[derive(Debug)]
pub(crate) struct FieldCond {
    pub(crate) path: Vec<String>,
    pub(crate) test: Test,
}

#[derive(Debug)]
pub(crate) enum Test {
    /// The field is absent or null.
    Null,
    Exists(bool),
    /// Any value at the path equals (case-insensitively) any value at the other path.
    FieldRef(Vec<String>),
    /// Any value at the path satisfies any (or, with `all`, every) matcher.
    Values {
        matchers: Vec<Matcher>,
        all: bool,
    },
}

#[derive(Debug)]
pub(crate) enum Matcher {
    Exact(String, bool),
    Prefix(String, bool),
    Suffix(String, bool),
    Contains(String, bool),
    /// A wildcard pattern: its regex, and its pieces (for the SQL generator's `LIKE`).
    Glob(Regex, Vec<WildTok>),
    /// A regular expression, and a literal any match must contain (for `.+LITERAL.+`-shaped
    /// patterns), tested first: most values fail on the literal without running the regex.
    Re(Regex, Option<Box<memchr::memmem::Finder<'static>>>),
    Cidr(IpAddr, u8),
    Num(CmpOp, f64),
    /// Matches any value (`*`).
    Any,
}

#[derive(Debug, Clone)]
pub(crate) enum Cond {
    Search(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// At least `n` of the items (`N of x*`).
    AtLeast(usize, Vec<Cond>),
}

// ---------------------------------------------------------------- loading

/// The largest rule file read (SigmaHQ's largest is about 40 KB).
pub const MAX_RULE_FILE_BYTES: usize = 1 << 20;

/// Budgets of a rule file's YAML.
fn yaml_budget() -> yagura_core::yaml::Budget {
    yagura_core::yaml::Budget {
        max_bytes: MAX_RULE_FILE_BYTES,
        ..yagura_core::yaml::Budget::default()
    }
}

/// Deepest nesting of a rule's condition (parentheses and `not`).
pub const MAX_CONDITION_DEPTH: usize = 64;

/// What a rule document is, before compiling it.
enum Disposition {
    Load,
    /// Written for another log source (the label).
    Skip(String),
    /// Not run because of its status.
    Retired(String),
}

/// A rule runs on the log it was written for: CloudTrail is `product: aws, service:
/// cloudtrail`. A rule without `logsource` (one's own) runs; a rule for another product,
/// service, or a generic category (`webserver`, `proxy`…) is skipped.
fn disposition(y: &Yaml, opts: &LoadOptions) -> Disposition {
    if let Some(st) = ystr(y, "status") {
        let st = st.to_ascii_lowercase();
        if st == "deprecated" || st == "unsupported" {
            return Disposition::Retired(st);
        }
    }
    if opts.any_logsource {
        return Disposition::Load;
    }
    let Some(ls) = y.get("logsource") else {
        return Disposition::Load;
    };
    let field = |k: &str| ystr(ls, k).map(|v| v.to_ascii_lowercase());
    let (product, service, category) = (field("product"), field("service"), field("category"));
    let ours = product.as_deref().is_none_or(|p| p == "aws")
        && service.as_deref().is_none_or(|s| s == "cloudtrail")
        && category.is_none();
    if ours {
        return Disposition::Load;
    }
    let label = match (product, service, category) {
        (Some(p), Some(s), _) => format!("{p}/{s}"),
        (Some(p), None, _) => p,
        (None, Some(s), _) => s,
        (None, None, Some(c)) => c,
        (None, None, None) => "unknown".into(),
    };
    Disposition::Skip(label)
}

/// The log source label of a rule written for another log, and its name and id, read from the
/// top-level lines of a one-document file in SigmaHQ's plain layout (`logsource:` followed by
/// indented `product:`/`service:`/`category:` lines, plain or quoted scalars). `None` for
/// anything else (several documents, a correlation, flow style, a rule for CloudTrail, a
/// deprecated or unsupported one): those are parsed whole. A file skipped this way is not
/// parsed further, so a YAML error elsewhere in it is not reported: it is not run either way.
fn quick_skip(text: &str, opts: &LoadOptions) -> Option<(String, Vec<String>)> {
    if opts.any_logsource || text.starts_with("---") || text.contains("\n---") {
        return None;
    }
    let scalar = |v: &str| -> Option<String> {
        let v = v.trim();
        let v = match (v.chars().next(), v.chars().last()) {
            (Some(q @ ('\'' | '"')), Some(e)) if e == q && v.len() >= 2 => v.get(1..v.len() - 1)?,
            (Some('\'' | '"' | '{' | '[' | '&' | '*' | '!' | '|' | '>'), _) => return None,
            _ => v.split(" #").next()?.trim(),
        };
        (!v.is_empty() && !v.contains('\\')).then(|| v.to_string())
    };
    let mut top = Mapping::new();
    let mut names = Vec::new();
    let mut in_logsource = false;
    let mut logsource = Mapping::new();
    let mut seen_logsource = false;
    for line in text.lines() {
        let indented = line.starts_with(' ') || line.starts_with('\t');
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indented {
            if in_logsource {
                let (k, v) = t.split_once(':')?;
                if matches!(k, "product" | "service" | "category") {
                    logsource.insert(Yaml::String(k.to_string()), Yaml::String(scalar(v)?));
                }
            }
            continue;
        }
        in_logsource = false;
        let (k, v) = line.split_once(':')?;
        match k {
            "logsource" => {
                if seen_logsource || !v.trim().is_empty() {
                    return None;
                }
                seen_logsource = true;
                in_logsource = true;
            }
            "status" => {
                top.insert(Yaml::String("status".into()), Yaml::String(scalar(v)?));
            }
            "name" | "id" => names.push(scalar(v)?),
            "correlation" => return None,
            _ => {}
        }
    }
    if !seen_logsource {
        return None;
    }
    top.insert(Yaml::String("logsource".into()), Yaml::Mapping(logsource));
    match disposition(&Yaml::Mapping(top), opts) {
        Disposition::Skip(label) => Some((label, names)),
        _ => None,
    }
}

/// The position of the first `needle` at or after `from_line` in `text` (1-based), or of
/// `from_line` when it is not found.
fn locate(text: &str, from_line: usize, needle: &str) -> Location {
    for (i, line) in text.lines().enumerate().skip(from_line.saturating_sub(1)) {
        if !needle.is_empty() {
            if let Some(at) = line.find(needle) {
                return Location {
                    line: i + 1,
                    column: line.get(..at).map_or(0, |p| p.chars().count()) + 1,
                };
            }
        }
    }
    Location {
        line: from_line.max(1),
        column: 1,
    }
}

/// Why a rule document does not run (for the correlations that refer to it).
#[derive(Debug, Clone)]
enum NotRun {
    Skipped(String),
    Unsupported,
    Failed,
}

fn join_problems(p: &[Problem]) -> String {
    p.iter()
        .map(|p| p.reason.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A reason a rule did not compile, with the text to look for to place it.
struct Problem {
    reason: String,
    at: String,
}

impl Problem {
    fn new(reason: impl Into<String>, at: impl Into<String>) -> Problem {
        Problem {
            reason: reason.into(),
            at: at.into(),
        }
    }
}

impl RuleSet {
    /// Loads every `.yml`/`.yaml` file below `dir` (sorted), returning the rules that run and
    /// every rule that failed or is unsupported (rules for other log sources are left out
    /// silently here; [`RuleSet::load_dir_summary`] counts them).
    pub fn load_dir(dir: &Path) -> (RuleSet, Vec<LoadError>) {
        Self::load_dir_with(dir, &LoadOptions::default())
    }

    pub fn load_dir_with(dir: &Path, opts: &LoadOptions) -> (RuleSet, Vec<LoadError>) {
        let (set, summary) = Self::load_dir_summary(dir, opts);
        (set, summary.problems())
    }

    /// Loads every rule file below `dir` (a folder walked with [`crate::walk`], or one file)
    /// and says what became of each rule document.
    pub fn load_dir_summary(dir: &Path, opts: &LoadOptions) -> (RuleSet, LoadSummary) {
        let accept = |name: &str, is_dir: bool| {
            !name.starts_with('.')
                && (is_dir || {
                    let n = name.to_ascii_lowercase();
                    n.ends_with(".yml") || n.ends_with(".yaml")
                })
        };
        let w = crate::walk::walk(dir, &crate::walk::Limits::default(), &accept);
        let unreadable: Vec<LoadError> = w
            .errors
            .iter()
            .map(|e| LoadError::new(&e.path.display().to_string(), None, e.reason(), None))
            .collect();
        let mut docs = Vec::new();
        let mut read_failed = Vec::new();
        for f in &w.files {
            let name = f.display().to_string();
            match crate::walk::read_text(f, MAX_RULE_FILE_BYTES) {
                Ok(text) => docs.push((name, text)),
                Err(e) => read_failed.push(LoadError::new(
                    &name,
                    None,
                    format!("cannot read: {e}"),
                    None,
                )),
            }
        }
        let (set, mut summary) =
            Self::from_sources_summary(docs.iter().map(|(n, t)| (n.as_str(), t.as_str())), opts);
        summary.files += read_failed.len();
        summary.documents += read_failed.len();
        summary.failed.extend(read_failed);
        summary.unreadable = unreadable;
        (set, summary)
    }

    /// Compiles rules from `(file name, YAML text)` pairs; returns the rules that run and every
    /// rule that failed or is unsupported.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
        opts: &LoadOptions,
    ) -> (RuleSet, Vec<LoadError>) {
        let (set, summary) = Self::from_sources_summary(sources, opts);
        (set, summary.problems())
    }

    /// Compiles rules from `(file name, YAML text)` pairs, saying what became of each document.
    pub fn from_sources_summary<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
        opts: &LoadOptions,
    ) -> (RuleSet, LoadSummary) {
        let mut set = RuleSet::default();
        let mut sum = LoadSummary::default();
        // correlations wait for every rule: (file, text, document line, value)
        let mut pending_corr: Vec<(&str, &str, usize, Yaml)> = Vec::new();
        // names and ids of rules not run, with why (to place the correlations over them)
        let mut not_loaded: HashMap<String, NotRun> = HashMap::new();
        let budget = yaml_budget();
        for (file, text) in sources {
            sum.files += 1;
            // a one-document rule for another log source is counted from its top-level lines,
            // without parsing the rest (most of a rule repository)
            if let Some((label, names)) = quick_skip(text, opts) {
                sum.documents += 1;
                *sum.skipped.entry(label.clone()).or_default() += 1;
                for n in names {
                    not_loaded.insert(n, NotRun::Skipped(label.clone()));
                }
                continue;
            }
            let docs = match yagura_core::yaml::load_documents(text, &budget) {
                Ok(d) => d,
                Err(e) => {
                    sum.documents += 1;
                    sum.failed.push(LoadError::new(
                        file,
                        None,
                        format!("not valid YAML: {}", e.reason),
                        e.location,
                    ));
                    continue;
                }
            };
            for doc in docs {
                sum.documents += 1;
                let y = doc.value;
                if y.get("correlation").is_some() {
                    pending_corr.push((file, text, doc.line, y));
                    continue;
                }
                let names = [ystr(&y, "name"), ystr(&y, "id")];
                let not_run = match disposition(&y, opts) {
                    Disposition::Load => match compile_rule(file, &y, opts) {
                        Ok(r) => {
                            set.rules.push(r);
                            continue;
                        }
                        Err(problems) => {
                            let placeholder =
                                problems.iter().all(|p| p.reason.contains("placeholder"));
                            let first = problems.first().map(|p| p.at.as_str()).unwrap_or_default();
                            let e = LoadError::new(
                                file,
                                rule_label(&y),
                                join_problems(&problems),
                                Some(locate(text, doc.line, first)),
                            );
                            if placeholder {
                                sum.unsupported.push(e);
                                NotRun::Unsupported
                            } else {
                                sum.failed.push(e);
                                NotRun::Failed
                            }
                        }
                    },
                    Disposition::Skip(label) => {
                        *sum.skipped.entry(label.clone()).or_default() += 1;
                        NotRun::Skipped(label)
                    }
                    Disposition::Retired(status) => {
                        // compiled only to say what else is wrong with it; never run
                        let why = match compile_rule(file, &y, opts) {
                            Ok(_) => format!("status `{status}`: not run"),
                            Err(p) => {
                                format!("status `{status}`: not run ({})", join_problems(&p))
                            }
                        };
                        sum.unsupported.push(LoadError::new(
                            file,
                            rule_label(&y),
                            why,
                            Some(locate(text, doc.line, "status")),
                        ));
                        NotRun::Unsupported
                    }
                };
                for n in names.into_iter().flatten() {
                    not_loaded.insert(n, not_run.clone());
                }
            }
        }
        for (file, text, line, y) in pending_corr {
            // a correlation over rules of another log source is skipped with them, one over
            // unsupported rules is unsupported
            let refs = y
                .get("correlation")
                .map(|c| ystrs(c, "rules"))
                .unwrap_or_default();
            let skipped = refs.iter().find_map(|r| match not_loaded.get(r) {
                Some(NotRun::Skipped(label)) => Some(label.clone()),
                _ => None,
            });
            if let Some(label) = skipped {
                *sum.skipped.entry(label).or_default() += 1;
                continue;
            }
            let unsupported = refs
                .iter()
                .find(|r| matches!(not_loaded.get(*r), Some(NotRun::Unsupported)));
            if let Some(r) = unsupported {
                sum.unsupported.push(LoadError::new(
                    file,
                    rule_label(&y),
                    format!("refers to rule `{r}`, which is not run"),
                    Some(locate(text, line, r)),
                ));
                continue;
            }
            match compile_correlation(file, &y, &set.rules) {
                Ok(c) => set.correlations.push(c),
                Err(reason) => sum.failed.push(LoadError::new(
                    file,
                    rule_label(&y),
                    reason,
                    Some(locate(text, line, "correlation")),
                )),
            }
        }
        for c in &set.correlations {
            let generate = c.generate_flag();
            for &r in &c.rules {
                if let Some(rule) = set.rules.get_mut(r) {
                    rule.report = rule.report && generate;
                }
            }
        }
        set.build_index();
        sum.loaded = set.rules.len();
        sum.correlations = set.correlations.len();
        (set, sum)
    }

    fn build_index(&mut self) {
        self.by_name.clear();
        self.unindexed.clear();
        let event_name = vec!["eventName".to_string()];
        for (i, r) in self.rules.iter().enumerate() {
            if let Some(names) = required_values(&r.condition, &r.searches, &event_name) {
                for n in names {
                    let list = self.by_name.entry(n).or_default();
                    if !list.contains(&i) {
                        list.push(i);
                    }
                }
                continue;
            }
            self.unindexed.push(i);
        }
    }

    /// How many rules are tested against every event (not narrowed by `eventName`).
    pub fn unindexed_len(&self) -> usize {
        self.unindexed.len()
    }

    /// The indexes of the rules that match `ev`, in rule order.
    pub fn matches(&self, ev: &Event, out: &mut Vec<usize>) {
        out.clear();
        let name = ev.event_name();
        let mut buf = [0u8; 128];
        let lowered;
        let key: &str = if name.len() <= buf.len() {
            let dst = buf.get_mut(..name.len()).unwrap_or_default();
            dst.copy_from_slice(name.as_bytes());
            dst.make_ascii_lowercase();
            std::str::from_utf8(dst).unwrap_or_default()
        } else {
            lowered = name.to_ascii_lowercase();
            &lowered
        };
        if let Some(list) = self.by_name.get(key) {
            for &i in list {
                if self.rules.get(i).is_some_and(|r| r.matches(ev)) {
                    out.push(i);
                }
            }
        }
        for &i in &self.unindexed {
            if self.rules.get(i).is_some_and(|r| r.matches(ev)) {
                out.push(i);
            }
        }
        out.sort_unstable();
    }
}

impl Correlation {
    fn generate_flag(&self) -> bool {
        self.generate
    }
}

fn rule_label(y: &Yaml) -> Option<String> {
    y.get("title")
        .or_else(|| y.get("id"))
        .and_then(Yaml::as_str)
        .map(str::to_string)
}

fn ystr(y: &Yaml, key: &str) -> Option<String> {
    y.get(key).and_then(|v| match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

fn ystrs(y: &Yaml, key: &str) -> Vec<String> {
    match y.get(key) {
        Some(Yaml::Sequence(s)) => s
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Yaml::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn compile_rule(file: &str, y: &Yaml, opts: &LoadOptions) -> Result<Rule, Vec<Problem>> {
    let title = ystr(y, "title").ok_or_else(|| vec![Problem::new("missing `title`", "")])?;
    let det = y
        .get("detection")
        .and_then(Yaml::as_mapping)
        .ok_or_else(|| vec![Problem::new("missing `detection`", "detection")])?;
    let mut names: Vec<String> = Vec::new();
    let mut searches = Vec::new();
    let mut cond_src: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for (k, v) in det {
        let Some(k) = k.as_str() else {
            problems.push(Problem::new("a detection key is not a string", "detection"));
            continue;
        };
        match k {
            "condition" => match v {
                Yaml::String(s) => cond_src.push(s.clone()),
                Yaml::Sequence(list) => {
                    for c in list {
                        match c.as_str() {
                            Some(s) => cond_src.push(s.to_string()),
                            None => problems.push(Problem::new(
                                "a `condition` entry is not a string",
                                "condition",
                            )),
                        }
                    }
                }
                _ => problems.push(Problem::new("`condition` is not a string", "condition")),
            },
            "timeframe" => problems.push(Problem::new(
                "`timeframe` belongs to the deprecated aggregation syntax; write a correlation rule",
                "timeframe",
            )),
            _ => match compile_search(v, opts) {
                Ok(s) => {
                    names.push(k.to_string());
                    searches.push(s);
                }
                Err(e) => {
                    // named all the same, so that the condition's check says nothing more
                    names.push(k.to_string());
                    searches.push(Search::Keywords(Vec::new()));
                    // place it on the field named in the reason, else on the search
                    let at = e
                        .split('`')
                        .nth(1)
                        .filter(|_| e.starts_with("field `"))
                        .unwrap_or(k)
                        .to_string();
                    problems.push(Problem::new(format!("search `{k}`: {e}"), at));
                }
            },
        }
    }
    if cond_src.is_empty() {
        problems.push(Problem::new("missing `detection.condition`", "detection"));
    }
    let mut conds = Vec::new();
    for c in &cond_src {
        match parse_condition(c, &names) {
            Ok(c) => conds.push(c),
            Err(e) => problems.push(Problem::new(
                format!("condition `{}`: {e}", short_text(c)),
                "condition",
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let condition = if conds.len() == 1 {
        conds.remove(0)
    } else {
        Cond::Or(conds)
    };
    Ok(Rule {
        title,
        id: ystr(y, "id"),
        name: ystr(y, "name"),
        level: ystr(y, "level").unwrap_or_else(|| "medium".into()),
        description: ystr(y, "description").unwrap_or_default(),
        tags: ystrs(y, "tags"),
        falsepositives: ystrs(y, "falsepositives"),
        file: file.to_string(),
        searches,
        condition,
        report: true,
    })
}

/// At most 80 characters of a text quoted in an error.
fn short_text(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn compile_search(v: &Yaml, opts: &LoadOptions) -> Result<Search, String> {
    match v {
        Yaml::Mapping(m) => Ok(Search::Map(compile_map(m, opts)?)),
        Yaml::Sequence(list) => {
            if list.iter().all(|i| i.is_mapping()) && !list.is_empty() {
                let mut maps = Vec::new();
                for i in list {
                    if let Yaml::Mapping(m) = i {
                        maps.push(compile_map(m, opts)?);
                    }
                }
                Ok(Search::AnyMap(maps))
            } else {
                let mut ms = Vec::new();
                for i in list {
                    for s in scalar_strings(i)? {
                        ms.push(compile_string(&format!("*{s}*"), false, false)?);
                    }
                }
                Ok(Search::Keywords(ms))
            }
        }
        Yaml::String(_) | Yaml::Number(_) => {
            let mut ms = Vec::new();
            for s in scalar_strings(v)? {
                ms.push(compile_string(&format!("*{s}*"), false, false)?);
            }
            Ok(Search::Keywords(ms))
        }
        _ => Err("a search must be a map, a list of maps or a list of keywords".into()),
    }
}

fn scalar_strings(v: &Yaml) -> Result<Vec<String>, String> {
    match v {
        Yaml::String(s) => Ok(vec![s.clone()]),
        Yaml::Number(n) => Ok(vec![n.to_string()]),
        Yaml::Bool(b) => Ok(vec![b.to_string()]),
        Yaml::Sequence(list) => {
            let mut out = Vec::new();
            for i in list {
                out.extend(scalar_strings(i)?);
            }
            Ok(out)
        }
        Yaml::Null => Ok(vec![]),
        _ => Err("a value must be a string, number or boolean".into()),
    }
}

fn compile_map(m: &serde_yaml_ng::Mapping, opts: &LoadOptions) -> Result<Vec<FieldCond>, String> {
    let mut out = Vec::new();
    for (k, v) in m {
        let key = match k {
            Yaml::String(s) => s.clone(),
            Yaml::Number(n) => n.to_string(),
            _ => return Err("a field name is not a string".into()),
        };
        out.push(compile_field(&key, v, opts)?);
    }
    Ok(out)
}

fn compile_field(key: &str, v: &Yaml, opts: &LoadOptions) -> Result<FieldCond, String> {
    let mut parts = key.split('|');
    let field = parts.next().unwrap_or_default();
    let mods: Vec<&str> = parts.collect();
    // `'|all': [...]` and the like: keywords (searched in the whole record) with modifiers
    let keyword = field.is_empty();
    let path: Vec<String> = if keyword {
        Vec::new()
    } else {
        field.split('.').map(str::to_string).collect()
    };
    let mut kind: Option<&str> = None;
    let (mut all, mut cased, mut windash, mut re_flags) = (false, false, false, String::new());
    let mut b64 = None;
    let mut enc: Option<Utf16> = None;
    let mut expand = false;
    for m in &mods {
        match *m {
            "contains" | "startswith" | "endswith" | "re" | "cidr" | "exists" | "fieldref"
            | "gt" | "gte" | "lt" | "lte" => {
                if let Some(prev) = kind {
                    if !(prev == "fieldref" || *m == "fieldref") {
                        return Err(format!(
                            "field `{key}`: modifiers `{prev}` and `{m}` conflict"
                        ));
                    }
                    if *m != "fieldref" {
                        // fieldref|contains etc.: keep fieldref as the kind
                        return Err(format!(
                            "field `{key}`: modifier `{m}` after `fieldref` is not supported"
                        ));
                    }
                }
                kind = Some(m);
            }
            "all" => all = true,
            "cased" => cased = true,
            "windash" => windash = true,
            "base64" => b64 = Some(false),
            "base64offset" => b64 = Some(true),
            "expand" => expand = true,
            "wide" | "utf16le" => enc = Some(Utf16::Le),
            "utf16be" => enc = Some(Utf16::Be),
            "utf16" => enc = Some(Utf16::Bom),
            "i" | "ignorecase" => re_flags.push('i'),
            "m" | "multiline" => re_flags.push('m'),
            "s" | "dotall" => re_flags.push('s'),
            other => return Err(format!("field `{key}`: unsupported modifier `{other}`")),
        }
    }
    if enc.is_some() && b64.is_none() {
        return Err(format!(
            "field `{key}`: `wide`/`utf16` only apply with `base64` or `base64offset`"
        ));
    }
    if keyword {
        match kind {
            None => kind = Some("contains"),
            Some("contains" | "startswith" | "endswith" | "re") => {}
            Some(other) => {
                return Err(format!(
                    "keywords `{key}`: modifier `{other}` does not apply to keywords"
                ))
            }
        }
    }
    if v.is_null() && kind.is_none() {
        return Ok(FieldCond {
            path,
            test: Test::Null,
        });
    }
    let mut values = scalar_strings(v).map_err(|e| format!("field `{key}`: {e}"))?;
    if let Yaml::Sequence(list) = v {
        if list.iter().any(Yaml::is_null) && kind.is_none() {
            return Err(format!(
                "field `{key}`: `null` inside a list is not supported; use a separate search"
            ));
        }
    }
    if expand {
        let mut out = Vec::new();
        for val in &values {
            let name = val.trim_matches('%');
            match opts.placeholders.get(name) {
                Some(vals) => out.extend(vals.iter().cloned()),
                None => {
                    return Err(format!(
                        "field `{key}`: placeholder `{val}` has no value (give it with the placeholders option)"
                    ))
                }
            }
        }
        values = out;
    }
    let test = match kind {
        Some("exists") => {
            let want = match v {
                Yaml::Bool(b) => *b,
                Yaml::String(s) if s.eq_ignore_ascii_case("true") => true,
                Yaml::String(s) if s.eq_ignore_ascii_case("false") => false,
                _ => return Err(format!("field `{key}`: `exists` takes true or false")),
            };
            Test::Exists(want)
        }
        Some("fieldref") => {
            let [other] = values.as_slice() else {
                return Err(format!("field `{key}`: `fieldref` takes one field name"));
            };
            Test::FieldRef(other.split('.').map(str::to_string).collect())
        }
        Some(k @ ("gt" | "gte" | "lt" | "lte")) => {
            let op = match k {
                "gt" => CmpOp::Gt,
                "gte" => CmpOp::Gte,
                "lt" => CmpOp::Lt,
                _ => CmpOp::Lte,
            };
            let mut ms = Vec::new();
            for val in &values {
                let n: f64 = val
                    .parse()
                    .map_err(|_| format!("field `{key}`: `{val}` is not a number"))?;
                ms.push(Matcher::Num(op, n));
            }
            Test::Values { matchers: ms, all }
        }
        Some("cidr") => {
            let mut ms = Vec::new();
            for val in &values {
                let (ip, bits) = parse_cidr(val)
                    .ok_or_else(|| format!("field `{key}`: `{val}` is not a CIDR block"))?;
                ms.push(Matcher::Cidr(ip, bits));
            }
            Test::Values { matchers: ms, all }
        }
        Some("re") => {
            let mut ms = Vec::new();
            for val in &values {
                let pat = if re_flags.is_empty() {
                    val.clone()
                } else {
                    format!("(?{re_flags}){val}")
                };
                let re = Regex::new(&pat)
                    .map_err(|e| format!("field `{key}`: bad regular expression `{val}`: {e}"))?;
                let literal = required_literal(val)
                    .filter(|_| !re_flags.contains('i'))
                    .map(|l| Box::new(memchr::memmem::Finder::new(l.as_bytes()).into_owned()));
                ms.push(Matcher::Re(re, literal));
            }
            Test::Values { matchers: ms, all }
        }
        _ => {
            let mut variants: Vec<String> = Vec::new();
            for val in &values {
                let mut vs = vec![val.clone()];
                if windash {
                    vs = windash_variants(val);
                }
                if let Some(offset) = b64 {
                    vs = vs
                        .iter()
                        .flat_map(|s| base64_variants(&encode_text(s, enc), offset))
                        .collect();
                }
                variants.extend(vs);
            }
            let (pre, post) = match kind {
                Some("contains") => ("*", "*"),
                Some("startswith") => ("", "*"),
                Some("endswith") => ("*", ""),
                _ => ("", ""),
            };
            let mut ms = Vec::new();
            for val in &variants {
                // base64 values are literal: escape the wildcards they may contain
                let body = if b64.is_some() {
                    val.replace('\\', "\\\\")
                        .replace('*', "\\*")
                        .replace('?', "\\?")
                } else {
                    val.clone()
                };
                ms.push(
                    compile_string(&format!("{pre}{body}{post}"), cased, false)
                        .map_err(|e| format!("field `{key}`: {e}"))?,
                );
            }
            if ms.is_empty() {
                return Err(format!("field `{key}` has no values"));
            }
            Test::Values { matchers: ms, all }
        }
    };
    Ok(FieldCond { path, test })
}

fn windash_variants(s: &str) -> Vec<String> {
    let dashes = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];
    if !s.contains('-') {
        return vec![s.to_string()];
    }
    dashes
        .iter()
        .map(|d| s.replace('-', &d.to_string()))
        .collect()
}

/// A UTF-16 encoding of the `wide`/`utf16*` modifiers.
#[derive(Debug, Clone, Copy)]
enum Utf16 {
    Le,
    Be,
    /// Little-endian after a byte order mark.
    Bom,
}

/// The bytes a value stands for before base64: UTF-8, or UTF-16 with `wide`/`utf16*`.
fn encode_text(s: &str, enc: Option<Utf16>) -> Vec<u8> {
    match enc {
        None => s.as_bytes().to_vec(),
        Some(e) => {
            let mut out = Vec::with_capacity(s.len() * 2 + 2);
            if matches!(e, Utf16::Bom) {
                out.extend_from_slice(&[0xFF, 0xFE]);
            }
            for u in s.encode_utf16() {
                match e {
                    Utf16::Be => out.extend_from_slice(&u.to_be_bytes()),
                    _ => out.extend_from_slice(&u.to_le_bytes()),
                }
            }
            out
        }
    }
}

fn base64_variants(s: &[u8], offset: bool) -> Vec<String> {
    if !offset {
        return vec![base64(s)];
    }
    // the three encodings of `s` at offsets 0, 1, 2 with the bytes that depend on neighbours
    // removed (as sigma's base64offset does)
    let start = [0usize, 2, 3];
    let end_trim = [None, Some(3usize), Some(2usize)];
    let mut out = Vec::new();
    for i in 0..3 {
        let mut data = vec![b' '; i];
        data.extend_from_slice(s);
        let enc = base64(&data);
        let from = start.get(i).copied().unwrap_or(0);
        let len_mod = (s.len() + i) % 3;
        let trim = match len_mod {
            0 => 0,
            1 => end_trim.get(1).copied().flatten().unwrap_or(0),
            _ => end_trim.get(2).copied().flatten().unwrap_or(0),
        };
        let to = enc.len().saturating_sub(trim);
        if from < to {
            out.push(enc.get(from..to).unwrap_or_default().to_string());
        }
    }
    out
}

use yagura_core::base64::encode as base64;

/// A piece of a Sigma wildcard value: literal text, `*` or `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WildTok {
    Lit(String),
    Star,
    Q,
}

/// Compiles a Sigma string value (wildcards `*`, `?`, escapes `\`) into a matcher.
fn compile_string(s: &str, cased: bool, _regex: bool) -> Result<Matcher, String> {
    // split into literal pieces and wildcards
    use WildTok as Tok;
    let mut toks: Vec<Tok> = Vec::new();
    let mut lit = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&n @ ('*' | '?' | '\\')) => {
                    lit.push(n);
                    chars.next();
                }
                _ => lit.push('\\'),
            },
            '*' | '?' => {
                if !lit.is_empty() {
                    toks.push(Tok::Lit(std::mem::take(&mut lit)));
                }
                let t = if c == '*' { Tok::Star } else { Tok::Q };
                if !(t == Tok::Star && toks.last() == Some(&Tok::Star)) {
                    toks.push(t);
                }
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        toks.push(Tok::Lit(lit));
    }
    let norm = |l: &str| {
        if cased {
            l.to_string()
        } else {
            l.to_lowercase()
        }
    };
    Ok(match toks.as_slice() {
        [] => Matcher::Exact(String::new(), cased),
        [Tok::Star] => Matcher::Any,
        [Tok::Lit(l)] => Matcher::Exact(norm(l), cased),
        [Tok::Lit(l), Tok::Star] => Matcher::Prefix(norm(l), cased),
        [Tok::Star, Tok::Lit(l)] => Matcher::Suffix(norm(l), cased),
        [Tok::Star, Tok::Lit(l), Tok::Star] => Matcher::Contains(norm(l), cased),
        _ => {
            let mut pat = String::from(if cased { "(?s)^" } else { "(?is)^" });
            for t in &toks {
                match t {
                    Tok::Lit(l) => pat.push_str(&regex::escape(l)),
                    Tok::Star => pat.push_str(".*"),
                    Tok::Q => pat.push('.'),
                }
            }
            pat.push('$');
            let re = Regex::new(&pat).map_err(|e| format!("bad wildcard `{s}`: {e}"))?;
            Matcher::Glob(re, toks)
        }
    })
}

/// The literal text every match of a pattern contains, for patterns made of a literal between
/// optional `^`, `.*`, `.+` and `$` (`.+:assumed-role/aws:.+`); `None` for anything else.
fn required_literal(pattern: &str) -> Option<String> {
    let mut p = pattern.strip_prefix('^').unwrap_or(pattern);
    for lead in [".*", ".+"] {
        p = p.strip_prefix(lead).unwrap_or(p);
    }
    let mut p = p.strip_suffix('$').unwrap_or(p);
    for tail in [".*", ".+"] {
        if let Some(t) = p.strip_suffix(tail) {
            // `\.*` is a literal dot repeated, not any text
            if !t.ends_with('\\') {
                p = t;
            }
        }
    }
    let mut out = String::new();
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() => out.push(e),
                _ => return None,
            },
            '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => {
                return None
            }
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Parses an IP address leniently: IPv4 octets with leading zeros (`075.050.255.067`) are
/// read as decimal.
pub fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() == 4 {
        let mut o = [0u8; 4];
        for (slot, p) in o.iter_mut().zip(&parts) {
            if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *slot = p.parse().ok()?;
        }
        return Some(IpAddr::from(o));
    }
    None
}

fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = match s.split_once('/') {
        Some((ip, b)) => (parse_ip(ip)?, b.parse::<u8>().ok()?),
        None => {
            let ip = parse_ip(s)?;
            (ip, if ip.is_ipv4() { 32 } else { 128 })
        }
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(bits))
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(bits))
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

// ---------------------------------------------------------------- conditions

#[derive(Debug, Clone, PartialEq)]
enum CTok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Of,
    Them,
    Pipe,
    Word(String),
}

fn tokenize(s: &str) -> Vec<CTok> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |w: &mut String, out: &mut Vec<CTok>| {
        if w.is_empty() {
            return;
        }
        let t = match w.to_ascii_lowercase().as_str() {
            "and" => CTok::And,
            "or" => CTok::Or,
            "not" => CTok::Not,
            "of" => CTok::Of,
            "them" => CTok::Them,
            _ => CTok::Word(w.clone()),
        };
        out.push(t);
        w.clear();
    };
    for c in s.chars() {
        match c {
            '(' | ')' | '|' => {
                flush(&mut word, &mut out);
                out.push(match c {
                    '(' => CTok::LParen,
                    ')' => CTok::RParen,
                    _ => CTok::Pipe,
                });
            }
            c if c.is_whitespace() => flush(&mut word, &mut out),
            _ => word.push(c),
        }
    }
    flush(&mut word, &mut out);
    out
}

struct CondParser<'a> {
    toks: Vec<CTok>,
    at: usize,
    names: &'a [String],
    /// Parentheses and `not`s open around the current token.
    depth: usize,
}

fn parse_condition(s: &str, names: &[String]) -> Result<Cond, String> {
    let toks = tokenize(s);
    if toks.contains(&CTok::Pipe) {
        return Err(
            "aggregations after `|` are the deprecated syntax; write a correlation rule".into(),
        );
    }
    let mut p = CondParser {
        toks,
        at: 0,
        names,
        depth: 0,
    };
    let c = p.or()?;
    if p.at != p.toks.len() {
        return Err(format!("unexpected `{:?}`", p.toks.get(p.at)));
    }
    Ok(c)
}

impl CondParser<'_> {
    fn peek(&self) -> Option<&CTok> {
        self.toks.get(self.at)
    }
    fn or(&mut self) -> Result<Cond, String> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&CTok::Or) {
            self.at += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::Or(items)
        })
    }
    fn and(&mut self) -> Result<Cond, String> {
        let mut items = vec![self.not()?];
        while self.peek() == Some(&CTok::And) {
            self.at += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::And(items)
        })
    }
    /// Enters one level of nesting (a parenthesis or a `not`), within the depth budget: a
    /// hostile condition cannot exhaust the stack of the parser or of the evaluation.
    fn deeper(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_CONDITION_DEPTH {
            return Err(format!(
                "nests deeper than {MAX_CONDITION_DEPTH} levels (at token {})",
                self.at + 1
            ));
        }
        Ok(())
    }

    fn not(&mut self) -> Result<Cond, String> {
        if self.peek() == Some(&CTok::Not) {
            self.at += 1;
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Cond::Not(Box::new(inner)));
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Cond, String> {
        match self.toks.get(self.at).cloned() {
            Some(CTok::LParen) => {
                self.at += 1;
                self.deeper()?;
                let c = self.or()?;
                self.depth -= 1;
                if self.peek() != Some(&CTok::RParen) {
                    return Err("missing `)`".into());
                }
                self.at += 1;
                Ok(c)
            }
            Some(CTok::Word(w)) => {
                self.at += 1;
                if self.peek() == Some(&CTok::Of) {
                    self.at += 1;
                    let quant = w.to_ascii_lowercase();
                    let targets: Vec<usize> = match self.toks.get(self.at).cloned() {
                        Some(CTok::Them) => {
                            self.at += 1;
                            (0..self.names.len())
                                .filter(|&i| self.names.get(i).is_some_and(|n| !n.starts_with('_')))
                                .collect()
                        }
                        Some(CTok::Word(pat)) => {
                            self.at += 1;
                            let re = compile_string(&pat, true, false)?;
                            let hits: Vec<usize> = (0..self.names.len())
                                .filter(|&i| self.names.get(i).is_some_and(|n| re.test_str(n)))
                                .collect();
                            if hits.is_empty() {
                                return Err(format!("`{pat}` names no search"));
                            }
                            hits
                        }
                        _ => return Err("expected a search name or `them` after `of`".into()),
                    };
                    let items: Vec<Cond> = targets.into_iter().map(Cond::Search).collect();
                    match quant.as_str() {
                        "all" => Ok(Cond::And(items)),
                        "1" | "any" => Ok(Cond::Or(items)),
                        n => match n.parse::<usize>() {
                            Ok(0) => Err("`0 of` matches nothing useful".into()),
                            Ok(k) => Ok(Cond::AtLeast(k, items)),
                            Err(_) => Err(format!("`{w} of`: expected `1`, `all` or a number")),
                        },
                    }
                } else {
                    let i = self
                        .names
                        .iter()
                        .position(|n| *n == w)
                        .ok_or_else(|| format!("`{w}` names no search"))?;
                    Ok(Cond::Search(i))
                }
            }
            other => Err(format!("unexpected `{other:?}`")),
        }
    }
}

/// The lower-cased values that the field at `path` must equal for a condition to hold, when
/// the condition requires it (`eventName` for the main index).
fn required_values(c: &Cond, searches: &[Search], path: &[String]) -> Option<Vec<String>> {
    match c {
        Cond::Search(i) => match searches.get(*i)? {
            Search::Map(m) => map_values(m, path),
            Search::AnyMap(maps) => {
                let mut out = Vec::new();
                for m in maps {
                    out.extend(map_values(m, path)?);
                }
                Some(out)
            }
            Search::Keywords(_) => None,
        },
        Cond::Not(_) | Cond::AtLeast(..) => None,
        Cond::And(items) => items
            .iter()
            .filter_map(|i| required_values(i, searches, path))
            .min_by_key(Vec::len),
        Cond::Or(items) => {
            let mut out = Vec::new();
            for i in items {
                out.extend(required_values(i, searches, path)?);
            }
            Some(out)
        }
    }
}

fn map_values(m: &[FieldCond], path: &[String]) -> Option<Vec<String>> {
    for f in m {
        if f.path == path {
            if let Test::Values {
                matchers,
                all: false,
            } = &f.test
            {
                let mut out = Vec::new();
                for m in matchers {
                    match m {
                        Matcher::Exact(s, _) => out.push(s.to_ascii_lowercase()),
                        _ => return None,
                    }
                }
                return Some(out);
            }
        }
    }
    None
}

// ---------------------------------------------------------------- matching

impl Matcher {
    fn test_str(&self, v: &str) -> bool {
        match self {
            Matcher::Any => true,
            Matcher::Exact(p, cased) => {
                if *cased {
                    v == p
                } else if v.is_ascii() {
                    v.eq_ignore_ascii_case(p)
                } else {
                    v.to_lowercase() == *p
                }
            }
            Matcher::Prefix(p, cased) => {
                if *cased {
                    v.starts_with(p.as_str())
                } else if v.is_ascii() {
                    v.len() >= p.len()
                        && v.as_bytes()
                            .get(..p.len())
                            .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
                } else {
                    v.to_lowercase().starts_with(p.as_str())
                }
            }
            Matcher::Suffix(p, cased) => {
                if *cased {
                    v.ends_with(p.as_str())
                } else if v.is_ascii() {
                    v.len() >= p.len()
                        && v.as_bytes()
                            .get(v.len() - p.len()..)
                            .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
                } else {
                    v.to_lowercase().ends_with(p.as_str())
                }
            }
            Matcher::Contains(p, cased) => {
                if *cased {
                    v.contains(p.as_str())
                } else {
                    v.to_lowercase().contains(p.as_str())
                }
            }
            Matcher::Glob(re, _) => re.is_match(v),
            Matcher::Re(re, literal) => {
                literal
                    .as_ref()
                    .is_none_or(|l| l.find(v.as_bytes()).is_some())
                    && re.is_match(v)
            }
            Matcher::Cidr(net, bits) => parse_ip(v).is_some_and(|ip| in_cidr(ip, *net, *bits)),
            Matcher::Num(op, n) => v.trim().parse::<f64>().is_ok_and(|x| op.test(x, *n)),
        }
    }

    fn test_value(&self, v: &Value) -> bool {
        match v {
            Value::Null => false,
            Value::Object(_) | Value::Array(_) => {
                if matches!(self, Matcher::Num(..) | Matcher::Cidr(..)) {
                    return false;
                }
                // an object is matched by its compact JSON text, and substring-like matchers
                // also by any string inside it (a policy document logged as a JSON string)
                self.test_str(&v.to_string())
                    || (matches!(
                        self,
                        Matcher::Contains(..) | Matcher::Glob(..) | Matcher::Re(..) | Matcher::Any
                    ) && any_leaf(v, &mut |s| self.test_str(s)))
            }
            _ => scalar_text(v).is_some_and(|s| self.test_str(&s)),
        }
    }
}

fn any_leaf(v: &Value, f: &mut dyn FnMut(&str) -> bool) -> bool {
    match v {
        Value::Object(m) => m.values().any(|x| any_leaf(x, f)),
        Value::Array(a) => a.iter().any(|x| any_leaf(x, f)),
        _ => scalar_text(v).is_some_and(|s| f(&s)),
    }
}

impl FieldCond {
    fn matches(&self, ev: &Event) -> bool {
        let path = self.path.as_slice();
        if path.is_empty() {
            // keywords with modifiers: the whole record's text
            return match &self.test {
                Test::Values {
                    matchers,
                    all: true,
                } => matchers.iter().all(|m| m.test_str(ev.raw())),
                Test::Values { matchers, .. } => matchers.iter().any(|m| m.test_str(ev.raw())),
                _ => false,
            };
        }
        // fast path: a plain string (or nothing) reached through objects is tested in place
        match (&self.test, ev.lookup_raw(path)) {
            (_, RawLookup::Complex) => {}
            (Test::Values { matchers, all }, RawLookup::Str(v)) => {
                return if *all {
                    matchers.iter().all(|m| m.test_str(v))
                } else {
                    matchers.iter().any(|m| m.test_str(v))
                };
            }
            (Test::Values { .. }, RawLookup::Missing) => return false,
            (Test::Null, RawLookup::Missing) => return true,
            (Test::Null, RawLookup::Str(_)) => return false,
            (Test::Exists(want), RawLookup::Missing) => return !*want,
            (Test::Exists(want), RawLookup::Str(_)) => return *want,
            (Test::FieldRef(_), _) => {}
        }
        match &self.test {
            Test::Null => !ev.has_path(path),
            Test::Exists(want) => ev.has_path(path) == *want,
            Test::FieldRef(other) => {
                let mut mine = Vec::new();
                ev.visit_path(path, &mut |v| {
                    if let Some(s) = scalar_text(v) {
                        mine.push(s.to_lowercase());
                    }
                });
                let mut found = false;
                ev.visit_path(other, &mut |v| {
                    if let Some(s) = scalar_text(v) {
                        found |= mine.contains(&s.to_lowercase());
                    }
                });
                found
            }
            Test::Values { matchers, all } => {
                if *all {
                    matchers.iter().all(|m| {
                        let mut hit = false;
                        ev.visit_path(path, &mut |v| hit = hit || m.test_value(v));
                        hit
                    })
                } else {
                    let mut hit = false;
                    ev.visit_path(path, &mut |v| {
                        hit = hit || matchers.iter().any(|m| m.test_value(v));
                    });
                    hit
                }
            }
        }
    }
}

impl Search {
    fn matches(&self, ev: &Event) -> bool {
        match self {
            Search::Map(m) => m.iter().all(|f| f.matches(ev)),
            Search::AnyMap(maps) => maps.iter().any(|m| m.iter().all(|f| f.matches(ev))),
            Search::Keywords(ms) => ms.iter().any(|m| m.test_str(ev.raw())),
        }
    }
}

impl Rule {
    /// True when the rule's condition holds for `ev`.
    pub fn matches(&self, ev: &Event) -> bool {
        self.eval(&self.condition, ev)
    }

    fn eval(&self, c: &Cond, ev: &Event) -> bool {
        match c {
            Cond::Search(i) => self.searches.get(*i).is_some_and(|s| s.matches(ev)),
            Cond::Not(inner) => !self.eval(inner, ev),
            Cond::And(items) => items.iter().all(|i| self.eval(i, ev)),
            Cond::Or(items) => items.iter().any(|i| self.eval(i, ev)),
            Cond::AtLeast(n, items) => {
                items.iter().filter(|i| self.eval(i, ev)).take(*n).count() >= *n
            }
        }
    }

    /// The rule's id, or its title when it has none.
    pub fn key(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.title)
    }
}

// ---------------------------------------------------------------- correlation rules

fn parse_timespan(s: &str) -> Option<i64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let mult = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        "M" => 30 * 86_400_000,
        "y" => 365 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(mult)
}

fn compile_correlation(file: &str, y: &Yaml, rules: &[Rule]) -> Result<Correlation, String> {
    let title = ystr(y, "title").ok_or("missing `title`")?;
    let c = y.get("correlation").ok_or("missing `correlation`")?;
    let kind = match ystr(c, "type").as_deref() {
        Some("event_count") => CorrelationKind::EventCount,
        Some("value_count") => CorrelationKind::ValueCount,
        Some("temporal") => CorrelationKind::Temporal,
        Some("temporal_ordered") => CorrelationKind::TemporalOrdered,
        Some(other) => return Err(format!("unsupported correlation type `{other}`")),
        None => return Err("missing `correlation.type`".into()),
    };
    let refs = ystrs(c, "rules");
    if refs.is_empty() {
        return Err("missing `correlation.rules`".into());
    }
    let mut idx = Vec::new();
    for r in &refs {
        let i = rules
            .iter()
            .position(|x| x.name.as_deref() == Some(r) || x.id.as_deref() == Some(r))
            .ok_or_else(|| format!("referenced rule `{r}` is not loaded"))?;
        idx.push(i);
    }
    let timespan = ystr(c, "timespan").ok_or("missing `correlation.timespan`")?;
    let timespan_ms =
        parse_timespan(&timespan).ok_or_else(|| format!("bad timespan `{timespan}`"))?;
    let group_by = ystrs(c, "group-by")
        .iter()
        .map(|g| g.split('.').map(str::to_string).collect())
        .collect();
    let mut condition = Vec::new();
    let mut field = None;
    match c.get("condition") {
        Some(Yaml::Mapping(m)) => {
            for (k, v) in m {
                let k = k.as_str().unwrap_or_default();
                if k == "field" {
                    field = v
                        .as_str()
                        .map(|f| f.split('.').map(str::to_string).collect());
                    continue;
                }
                let op = match k {
                    "gt" => CmpOp::Gt,
                    "gte" => CmpOp::Gte,
                    "lt" => CmpOp::Lt,
                    "lte" => CmpOp::Lte,
                    "eq" => CmpOp::Eq,
                    "neq" => CmpOp::Neq,
                    other => return Err(format!("unknown condition operator `{other}`")),
                };
                let n = v
                    .as_f64()
                    .ok_or_else(|| format!("condition `{k}` is not a number"))?;
                condition.push((op, n));
            }
        }
        None if matches!(
            kind,
            CorrelationKind::Temporal | CorrelationKind::TemporalOrdered
        ) => {}
        _ => return Err("`correlation.condition` must be a map".into()),
    }
    if kind == CorrelationKind::ValueCount && field.is_none() {
        return Err("`value_count` needs `condition.field`".into());
    }
    if matches!(
        kind,
        CorrelationKind::EventCount | CorrelationKind::ValueCount
    ) && condition.is_empty()
    {
        return Err("missing a count condition (gt, gte, lt, lte, eq)".into());
    }
    Ok(Correlation {
        title,
        id: ystr(y, "id"),
        name: ystr(y, "name"),
        level: ystr(y, "level").unwrap_or_else(|| "medium".into()),
        description: ystr(y, "description").unwrap_or_default(),
        tags: ystrs(y, "tags"),
        file: file.to_string(),
        kind,
        rules: idx,
        group_by,
        timespan_ms,
        field,
        condition,
        generate: [c.get("generate"), y.get("generate")]
            .into_iter()
            .flatten()
            .any(|g| g.as_bool() == Some(true)),
    })
}

/// A rule match kept for the correlation stage: the rule, the time, and the values the
/// correlations over that rule group and count by.
#[derive(Debug, Clone)]
pub struct CorrHit<T> {
    pub rule: usize,
    pub time_ms: i64,
    /// Per correlation over this rule: (group key, counted value).
    pub keys: Vec<(usize, String, Option<String>)>,
    pub data: T,
}

impl RuleSet {
    /// The correlation keys of a match of `rule` on `ev`.
    pub fn corr_keys(&self, rule: usize, ev: &Event) -> Vec<(usize, String, Option<String>)> {
        let mut out = Vec::new();
        for (ci, c) in self.correlations.iter().enumerate() {
            if !c.rules.contains(&rule) {
                continue;
            }
            let group: Vec<String> = c
                .group_by
                .iter()
                .map(|p| ev.first_text(p).unwrap_or_default())
                .collect();
            let value = c.field.as_ref().and_then(|p| ev.first_text(p));
            out.push((ci, group.join("\u{1f}"), value));
        }
        out
    }

    /// True when some correlation uses `rule`.
    pub fn correlated(&self, rule: usize) -> bool {
        self.correlations.iter().any(|c| c.rules.contains(&rule))
    }
}

/// One firing of a correlation rule, with the matches behind it.
#[derive(Debug, Clone)]
pub struct CorrFiring<T> {
    pub correlation: usize,
    pub group: String,
    pub value: f64,
    pub hits: Vec<T>,
}

/// Matches in one group's window: (time, rule, counted value, data).
type Window<T> = Vec<(i64, usize, Option<String>, T)>;

/// Evaluates the correlation rules over matches sorted by time. Each group's window restarts
/// after it fires, so one burst gives one alert.
///
/// A count condition with only upper bounds (`lt`, `lte`: "fewer than N") is decided when a
/// window closes instead: windows of `timespan` start at a group's first match, and a group is
/// only seen once it has a match (so "no event at all" is never reported).
pub fn correlate<T: Clone>(set: &RuleSet, hits: &[CorrHit<T>]) -> Vec<CorrFiring<T>> {
    let mut out = Vec::new();
    for (ci, c) in set.correlations.iter().enumerate() {
        let upper_only = matches!(
            c.kind,
            CorrelationKind::EventCount | CorrelationKind::ValueCount
        ) && c
            .condition
            .iter()
            .all(|(op, _)| matches!(op, CmpOp::Lt | CmpOp::Lte));
        if upper_only {
            correlate_closed_windows(ci, c, hits, &mut out);
            continue;
        }
        // per group: (time, rule, value, data)
        let mut windows: BTreeMap<String, Window<T>> = BTreeMap::new();
        for h in hits {
            for (kci, group, value) in &h.keys {
                if *kci != ci {
                    continue;
                }
                let w = windows.entry(group.clone()).or_default();
                w.push((h.time_ms, h.rule, value.clone(), h.data.clone()));
                let start = h.time_ms.saturating_sub(c.timespan_ms);
                w.retain(|(t, ..)| *t >= start);
                let fired = match c.kind {
                    CorrelationKind::EventCount | CorrelationKind::ValueCount => {
                        let n = measure(c, w);
                        c.condition
                            .iter()
                            .all(|(op, x)| op.test(n, *x))
                            .then_some(n)
                    }
                    CorrelationKind::Temporal => {
                        let all = c.rules.iter().all(|r| w.iter().any(|(_, wr, ..)| wr == r));
                        let n = c.rules.len() as f64;
                        (all && c.condition.iter().all(|(op, x)| op.test(n, *x))).then_some(n)
                    }
                    CorrelationKind::TemporalOrdered => {
                        let mut next = 0;
                        for (_, wr, ..) in w.iter() {
                            if c.rules.get(next) == Some(wr) {
                                next += 1;
                            }
                        }
                        (next == c.rules.len()).then_some(next as f64)
                    }
                };
                if let Some(value) = fired {
                    out.push(CorrFiring {
                        correlation: ci,
                        group: group.clone(),
                        value,
                        hits: w.iter().map(|(.., d)| d.clone()).collect(),
                    });
                    w.clear();
                }
            }
        }
    }
    out
}

/// The count of a window: matches (`event_count`) or distinct values (`value_count`).
fn measure<T>(c: &Correlation, w: &Window<T>) -> f64 {
    match c.kind {
        CorrelationKind::ValueCount => {
            let mut vals: Vec<&str> = w.iter().filter_map(|(_, _, v, _)| v.as_deref()).collect();
            vals.sort_unstable();
            vals.dedup();
            vals.len() as f64
        }
        _ => w.len() as f64,
    }
}

fn correlate_closed_windows<T: Clone>(
    ci: usize,
    c: &Correlation,
    hits: &[CorrHit<T>],
    out: &mut Vec<CorrFiring<T>>,
) {
    let mut windows: BTreeMap<String, (i64, Window<T>)> = BTreeMap::new();
    let close = |group: &str, w: &Window<T>, out: &mut Vec<CorrFiring<T>>| {
        let n = measure(c, w);
        if c.condition.iter().all(|(op, x)| op.test(n, *x)) {
            out.push(CorrFiring {
                correlation: ci,
                group: group.to_string(),
                value: n,
                hits: w.iter().map(|(.., d)| d.clone()).collect(),
            });
        }
    };
    for h in hits {
        for (kci, group, value) in &h.keys {
            if *kci != ci {
                continue;
            }
            let entry = (h.time_ms, h.rule, value.clone(), h.data.clone());
            match windows.get_mut(group) {
                Some((start, w)) if h.time_ms > start.saturating_add(c.timespan_ms) => {
                    close(group, w, out);
                    *start = h.time_ms;
                    w.clear();
                    w.push(entry);
                }
                Some((_, w)) => w.push(entry),
                None => {
                    windows.insert(group.clone(), (h.time_ms, vec![entry]));
                }
            }
        }
    }
    for (group, (_, w)) in &windows {
        close(group, w, out);
    }
}

/// Which matches can no longer change what the correlation rules find, given that no event
/// older than `horizon` will arrive any more. For each (correlation, group), the matches up to
/// the last gap longer than the correlation's timespan that ends by `horizon` qualify: every
/// window of either kind (sliding, or the closed windows of "fewer than" conditions) starts
/// afresh after such a gap, so [`correlate`] without them finds the same firings, except those
/// made of them alone (which an earlier evaluation found). A match qualifies when all its keys
/// do; the result has one entry per match.
pub fn stale_matches<T>(set: &RuleSet, hits: &[CorrHit<T>], horizon: i64) -> Vec<bool> {
    let mut times: HashMap<(usize, &str), Vec<i64>> = HashMap::new();
    for h in hits {
        for (ci, group, _) in &h.keys {
            times
                .entry((*ci, group.as_str()))
                .or_default()
                .push(h.time_ms);
        }
    }
    // (correlation, group) -> the latest time whose matches can go
    let mut cutoff: HashMap<(usize, &str), i64> = HashMap::new();
    for ((ci, group), mut ts) in times {
        let Some(c) = set.correlations.get(ci) else {
            continue;
        };
        ts.sort_unstable();
        for (k, &t) in ts.iter().enumerate() {
            if t >= horizon {
                break;
            }
            let next = ts.get(k + 1).copied().unwrap_or(i64::MAX).min(horizon);
            if next.saturating_sub(t) > c.timespan_ms {
                cutoff.insert((ci, group), t);
            }
        }
    }
    hits.iter()
        .map(|h| {
            h.keys.iter().all(|(ci, group, _)| {
                cutoff
                    .get(&(*ci, group.as_str()))
                    .is_some_and(|&c| h.time_ms <= c)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn rule(det: &str) -> Rule {
        let y = format!("title: t\nlogsource: {{product: aws}}\ndetection:\n{det}");
        let (set, errs) = RuleSet::from_sources([("t.yml", y.as_str())], &LoadOptions::default());
        assert!(errs.is_empty(), "{errs:?}");
        set.rules.into_iter().next().unwrap()
    }

    fn ev(extra: &str) -> Event {
        Event::parse(format!(
            r#"{{"eventTime":"2023-07-10T11:42:36Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances"{extra}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn equality_is_case_insensitive_and_wildcards_work() {
        let r = rule("  sel:\n    eventName: 'runinstances'\n  condition: sel\n");
        assert!(r.matches(&ev("")));
        let r = rule("  sel:\n    eventName: 'Run*ces'\n  condition: sel\n");
        assert!(r.matches(&ev("")));
        let r = rule("  sel:\n    eventName: 'Run?nstances'\n  condition: sel\n");
        assert!(r.matches(&ev("")));
        let r = rule("  sel:\n    eventName: 'Run\\*'\n  condition: sel\n");
        assert!(!r.matches(&ev("")));
        let r = rule("  sel:\n    eventName|cased: 'runinstances'\n  condition: sel\n");
        assert!(!r.matches(&ev("")));
    }

    #[test]
    fn null_means_absent_and_exists() {
        let r = rule("  sel:\n    errorCode: null\n  condition: sel\n");
        assert!(r.matches(&ev("")));
        assert!(!r.matches(&ev(r#","errorCode":"AccessDenied""#)));
        assert!(r.matches(&ev(r#","errorCode":null"#)));
        let r = rule("  sel:\n    errorCode|exists: true\n  condition: sel\n");
        assert!(!r.matches(&ev("")));
        assert!(r.matches(&ev(r#","errorCode":"x""#)));
        let r = rule("  sel:\n    errorCode|exists: false\n  condition: sel\n");
        assert!(r.matches(&ev("")));
    }

    #[test]
    fn modifiers() {
        let e = ev(
            r#","userAgent":"aws-cli/2.0 TruffleHog","sourceIPAddress":"075.050.255.67","userIdentity":{"arn":"arn:aws:iam::1:user/bob","userName":"BOB"},"requestParameters":{"userName":"bob","n":5}"#,
        );
        let yes = |d: &str| rule(&format!("  sel:\n{d}\n  condition: sel\n")).matches(&e);
        assert!(yes("    userAgent|contains: 'trufflehog'"));
        assert!(yes("    userAgent|startswith: 'AWS-CLI'"));
        assert!(yes("    userAgent|endswith: 'hog'"));
        assert!(!yes("    userAgent|endswith: 'aws'"));
        assert!(yes(
            "    userAgent|contains|all:\n      - 'cli'\n      - 'truffle'"
        ));
        assert!(!yes(
            "    userAgent|contains|all:\n      - 'cli'\n      - 'python'"
        ));
        assert!(yes(
            "    userAgent|contains:\n      - 'python'\n      - 'truffle'"
        ));
        assert!(yes("    userAgent|re: 'aws-cli/\\d'"));
        assert!(!yes("    userAgent|re: 'AWS-CLI'"));
        assert!(yes("    userAgent|re|i: 'AWS-CLI'"));
        assert!(yes("    sourceIPAddress|cidr: '75.50.0.0/16'"));
        assert!(!yes("    sourceIPAddress|cidr: '10.0.0.0/8'"));
        assert!(yes(
            "    requestParameters.userName|fieldref: userIdentity.userName"
        ));
        assert!(!yes(
            "    requestParameters.userName|fieldref: userIdentity.arn"
        ));
        assert!(yes("    requestParameters.n|gt: 4"));
        assert!(!yes("    requestParameters.n|lt: 4"));
        assert!(yes("    requestParameters: '*bob*'"));
        assert!(yes("    userAgent|windash|contains: '/2.0'"));
    }

    #[test]
    fn conditions() {
        let e = ev(r#","userAgent":"x""#);
        let yes = |d: &str| rule(d).matches(&e);
        let base = "  sel_a:\n    eventName: RunInstances\n  sel_b:\n    userAgent: y\n  filter:\n    userAgent: x\n";
        assert!(yes(&format!("{base}  condition: 1 of sel_*\n")));
        assert!(!yes(&format!("{base}  condition: all of sel_*\n")));
        assert!(!yes(&format!("{base}  condition: sel_a and not filter\n")));
        assert!(yes(&format!(
            "{base}  condition: sel_a and not (sel_b or not filter)\n"
        )));
        assert!(yes(&format!("{base}  condition: 1 of them\n")));
        assert!(!yes(&format!("{base}  condition: all of them\n")));
        assert!(yes(&format!(
            "{base}  condition:\n    - sel_b\n    - sel_a\n"
        )));
        assert!(yes(&format!("{base}  condition: 2 of them\n")));
        assert!(!yes(&format!("{base}  condition: 3 of them\n")));
    }

    #[test]
    fn lists_of_maps_and_items_arrays() {
        let e = ev(
            r#","requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]}}"#,
        );
        let r = rule("  sel:\n    - eventName: x\n    - requestParameters.ipPermissions.items.ipRanges.items.cidrIp: '0.0.0.0/0'\n  condition: sel\n");
        assert!(r.matches(&e));
        let r = rule("  sel:\n    requestParameters.ipPermissions.ipRanges.cidrIp: '0.0.0.0/0'\n  condition: sel\n");
        assert!(r.matches(&e));
    }

    #[test]
    fn bad_rules_are_reported_not_dropped() {
        let src = [
            ("a.yml", "title: a\ndetection:\n  sel:\n    x|nosuch: 1\n  condition: sel\n"),
            ("b.yml", "title: b\ndetection:\n  sel:\n    x: 1\n  timeframe: 5m\n  condition: sel | count() > 5\n"),
            ("c.yml", "title: c\ndetection:\n  sel:\n    x: 1\n  condition: nosel\n"),
            ("d.yml", "title: d\ndetection: [\n"),
            ("e.yml", "title: e\ndetection:\n  sel:\n    x: 1\n  condition: sel\n"),
        ];
        let (set, errs) = RuleSet::from_sources(src, &LoadOptions::default());
        assert_eq!(set.rules.len(), 1);
        assert_eq!(errs.len(), 4);
        assert!(
            errs[0]
                .to_string()
                .contains("unsupported modifier `nosuch`"),
            "{}",
            errs[0]
        );
        assert!(
            errs[1].to_string().contains("correlation rule"),
            "{}",
            errs[1]
        );
        assert!(
            errs[2].to_string().contains("`nosel` names no search"),
            "{}",
            errs[2]
        );
        assert!(
            errs[3].to_string().contains("not valid YAML"),
            "{}",
            errs[3]
        );
    }

    #[test]
    fn regex_literals_are_required_only_when_the_pattern_is_one() {
        assert_eq!(
            required_literal(".+:assumed-role/aws:.+").as_deref(),
            Some(":assumed-role/aws:")
        );
        assert_eq!(required_literal("^ab\\.c$").as_deref(), Some("ab.c"));
        assert_eq!(required_literal("a|b"), None);
        assert_eq!(required_literal("a\\d"), None);
        assert_eq!(required_literal("x\\.*"), None);
        let r = rule("  sel:\n    userAgent|re: '.+:role/aws:.+'\n  condition: sel\n");
        assert!(r.matches(&ev(r#","userAgent":"x:role/aws:y""#)));
        assert!(!r.matches(&ev(r#","userAgent":":role/aws:y""#)));
        assert!(!r.matches(&ev(r#","userAgent":"nothing""#)));
    }

    /// The quick reading of a rule's log source agrees with the full parse on every SigmaHQ
    /// rule it decides.
    #[test]
    fn quick_log_source_agrees_with_the_full_parse_on_sigmahq() {
        let dir = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/cloudtrail/sigmahq"
        ));
        let w = crate::walk::walk(dir, &crate::walk::Limits::default(), &|n, d| {
            d || n.ends_with(".yml")
        });
        let opts = LoadOptions::default();
        let mut quick = 0;
        for f in &w.files {
            let text = std::fs::read_to_string(f).unwrap();
            let full = yagura_core::yaml::load_documents(&text, &yaml_budget()).unwrap();
            let want = match disposition(&full[0].value, &opts) {
                Disposition::Skip(l) => Some(l),
                _ => None,
            };
            if let Some((label, names)) = quick_skip(&text, &opts) {
                quick += 1;
                assert_eq!(Some(label), want, "{}", f.display());
                let id = ystr(&full[0].value, "id");
                assert!(id.is_none_or(|i| names.contains(&i)), "{}", f.display());
            }
        }
        // nearly every rule of another log source is decided without parsing
        assert!(quick > 3600, "{quick}");
    }

    #[test]
    fn base64_values() {
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"ab"), "YWI=");
        let v = base64_variants(b"http", true);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0], "aHR0c");
    }

    #[test]
    fn upper_bound_counts_are_decided_when_the_window_closes() {
        let src = "title: b\nname: b\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: RunInstances\n  condition: sel\n---\ntitle: few\ncorrelation: {type: event_count, rules: [b], timespan: 10m, condition: {lt: 3}}\n";
        let (set, errs) = RuleSet::from_sources([("c.yml", src)], &LoadOptions::default());
        assert!(errs.is_empty(), "{errs:?}");
        // minutes 0, 1, 2 (3 events: not fewer than 3), then 30 and 31 (2 events: fewer)
        let hits: Vec<CorrHit<u32>> = [0, 1, 2, 30, 31]
            .iter()
            .map(|m| CorrHit {
                rule: 0,
                time_ms: m * 60_000,
                keys: vec![(0, String::new(), None)],
                data: *m as u32,
            })
            .collect();
        let f = correlate(&set, &hits);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].hits, vec![30, 31]);
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("10m"), Some(600_000));
        assert_eq!(parse_timespan("1h"), Some(3_600_000));
        assert_eq!(parse_timespan("x"), None);
        assert_eq!(parse_timespan("9223372036854775807y"), None);
    }

    /// Dropping [`stale_matches`] after an evaluation changes nothing later: with the events
    /// seen so far (up to `seen_until`), then the rest (none older than the horizon), the
    /// firings are those of the whole history less the ones made of the dropped matches.
    mod stale {
        use super::*;
        use proptest::prelude::*;

        const SRC: &str = "title: a\nname: a\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: A\n  condition: sel\n---\ntitle: b\nname: b\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: B\n  condition: sel\n---\ntitle: many\ncorrelation: {type: event_count, rules: [a], group-by: [g], timespan: 10m, condition: {gte: 3}}\n---\ntitle: distinct\ncorrelation: {type: value_count, rules: [a, b], group-by: [g], timespan: 10m, condition: {gte: 2, field: v}}\n---\ntitle: both\ncorrelation: {type: temporal, rules: [a, b], group-by: [g], timespan: 5m}\n---\ntitle: ordered\ncorrelation: {type: temporal_ordered, rules: [a, b], group-by: [g], timespan: 7m}\n---\ntitle: few\ncorrelation: {type: event_count, rules: [b], group-by: [g], timespan: 10m, condition: {lt: 3}}\n";

        type Firing = (usize, String, u64, Vec<u32>);

        fn firings(set: &RuleSet, hits: &[CorrHit<u32>]) -> Vec<Firing> {
            correlate(set, hits)
                .into_iter()
                .map(|f| (f.correlation, f.group, f.value.to_bits(), f.hits))
                .collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]
            #[test]
            fn pruning_keeps_later_firings(
                raw in proptest::collection::vec((0usize..2, 0i64..240, 0u8..2, 0u8..3), 0..60),
                horizon_min in 0i64..240,
                slack_min in 0i64..30,
            ) {
                let (set, errs) = RuleSet::from_sources([("c.yml", SRC)], &LoadOptions::default());
                prop_assert!(errs.is_empty(), "{:?}", errs);
                prop_assert_eq!(set.correlations.len(), 5);
                let mut raw = raw;
                raw.sort_by_key(|r| r.1);
                let hits: Vec<CorrHit<u32>> = raw
                    .iter()
                    .enumerate()
                    .map(|(i, &(rule, minute, g, v))| CorrHit {
                        rule,
                        time_ms: minute * 60_000,
                        keys: set
                            .correlations
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| c.rules.contains(&rule))
                            .map(|(ci, _)| (ci, format!("g{g}"), Some(format!("v{v}"))))
                            .collect(),
                        data: i as u32,
                    })
                    .collect();
                let horizon = horizon_min * 60_000;
                let seen_until = horizon + slack_min * 60_000;
                let (seen, later): (Vec<_>, Vec<_>) =
                    hits.iter().cloned().partition(|h| h.time_ms <= seen_until);
                let stale = stale_matches(&set, &seen, horizon);
                let dropped: Vec<u32> = seen
                    .iter()
                    .zip(&stale)
                    .filter(|(_, s)| **s)
                    .map(|(h, _)| h.data)
                    .collect();
                let kept: Vec<CorrHit<u32>> = seen
                    .into_iter()
                    .zip(&stale)
                    .filter(|(_, s)| !**s)
                    .map(|(h, _)| h)
                    .chain(later)
                    .collect();
                let expected: Vec<Firing> = firings(&set, &hits)
                    .into_iter()
                    .filter(|f| !f.3.iter().any(|d| dropped.contains(d)))
                    .collect();
                prop_assert_eq!(firings(&set, &kept), expected);
            }
        }

        #[test]
        fn quiet_groups_go_whole_and_busy_ones_stay() {
            let (set, _) = RuleSet::from_sources([("c.yml", SRC)], &LoadOptions::default());
            let hit = |minute: i64, g: &str| CorrHit {
                rule: 0,
                time_ms: minute * 60_000,
                keys: vec![(0, g.to_string(), None)],
                data: 0u32,
            };
            // g1: minutes 0, 1 then quiet; g2: minutes 50..=59, still within 10 minutes of
            // the horizon (minute 60)
            let mut hits = vec![hit(0, "g1"), hit(1, "g1")];
            hits.extend((50..60).map(|m| hit(m, "g2")));
            let stale = stale_matches(&set, &hits, 60 * 60_000);
            assert_eq!(stale[..2], [true, true]);
            assert!(stale[2..].iter().all(|s| !s));
        }
    }
}
