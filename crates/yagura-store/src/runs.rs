//! Runs and their findings, and the diff between two runs.

use crate::{Store, StoreError};
use rusqlite::{params, OptionalExtension};
use std::collections::{BTreeMap, HashMap, HashSet};
use time::OffsetDateTime;
use yagura_core::{Finding, Status, Text};

/// The id of a stored run; later runs have larger ids.
pub type RunId = i64;

/// What the caller knows about a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMeta {
    /// What was scanned, chosen by the caller (`audit:123456789012`, `audit:org:o-abc`,
    /// `host:web-1`); runs are compared within one scope.
    pub scope: String,
    pub started_at: OffsetDateTime,
    pub finished_at: OffsetDateTime,
    pub tool_version: String,
    pub accounts: Vec<String>,
    /// False when part of the data could not be read.
    pub complete: bool,
}

/// Counts of a run's findings by evaluated status; `muted` counts muted findings of any status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub pass: u64,
    pub fail: u64,
    pub unknown: u64,
    pub muted: u64,
}

impl RunCounts {
    pub fn total(&self) -> u64 {
        self.pass + self.fail + self.unknown
    }
}

/// A stored run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub id: RunId,
    pub meta: RunMeta,
    pub counts: RunCounts,
}

/// One finding key in a [`Diff`], with the finding as it was and as it is (when present).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffEntry {
    pub key: String,
    pub before: Option<Finding>,
    pub now: Option<Finding>,
    /// Why an entry of `unknown_now` or `not_checked` could not be checked: the UNKNOWN
    /// finding's message, or the account and region the run did not audit.
    pub reason: Option<Text>,
}

/// What changed between two runs, for FAIL findings by [`Finding::key`]. Statuses are the
/// evaluated ones: a muted FAIL is still a FAIL here (its entry carries the mute). Each list is
/// sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// FAIL now, and not FAIL before (PASS, UNKNOWN or absent).
    pub new: Vec<DiffEntry>,
    /// FAIL before, and PASS now, or absent now where its check was read: the run audited its
    /// account and region and its check was not only UNKNOWN there (the resource is gone).
    pub fixed: Vec<DiffEntry>,
    /// FAIL before and now.
    pub still_open: Vec<DiffEntry>,
    /// FAIL before and UNKNOWN now: it could not be checked, so it is not fixed.
    pub unknown_now: Vec<DiffEntry>,
    /// FAIL before and absent now where it could not be checked: its check has only UNKNOWN
    /// findings in its account and region (the list it walks could not be read), or the run did
    /// not audit that account and region at all. Not known to be fixed either; `reason` says why.
    pub not_checked: Vec<DiffEntry>,
}

/// What `yagura findings` shows for a scope: the latest run's findings, what changed since the
/// run before it, and the workflow attributes of every key shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingsView {
    pub latest: RunSummary,
    pub previous: Option<RunSummary>,
    /// The latest run's findings, in recorded order.
    pub findings: Vec<Finding>,
    /// `None` when the scope has a single run.
    pub diff: Option<Diff>,
    /// Workflow attributes of the keys in `findings` and `diff` that have any; a key without
    /// an entry is open and unassigned.
    pub workflow: BTreeMap<String, crate::Workflow>,
}

/// Where a run looked, to tell a resource that is gone from one that could not be checked.
#[derive(Default)]
struct Places {
    /// (account, region) pairs with any finding.
    audited: HashSet<(String, String)>,
    /// (check, account, region) triples with a PASS or FAIL finding: the check read its list.
    decided: HashSet<(String, String, String)>,
    /// (check, account, region) → the body of its first UNKNOWN finding there.
    unknown: HashMap<(String, String, String), i64>,
}

/// Why a finding absent from a run was not checked.
enum Unchecked {
    /// Its check was UNKNOWN in its account and region: this finding body says why.
    Unknown(i64),
    /// The run has nothing in its account and region.
    NotAudited,
}

impl Places {
    /// `None` when the finding's check was read where it was, so its absence means the
    /// resource is gone: the check decided something there, or the run audited the place and
    /// the check had nothing to say (the last resource of its kind deleted). A check with only
    /// UNKNOWN findings in the place could not read the list it walks (the runner then says so
    /// once, on the list).
    fn why_unchecked(&self, f: &Finding) -> Option<Unchecked> {
        let at = (
            f.check_id.to_string(),
            f.account.to_string(),
            f.region.to_string(),
        );
        if self.decided.contains(&at) {
            return None;
        }
        if let Some(&id) = self.unknown.get(&at) {
            return Some(Unchecked::Unknown(id));
        }
        let (_, account, region) = at;
        (!self.audited.contains(&(account, region))).then_some(Unchecked::NotAudited)
    }
}

/// A key's status in one run: FAIL if any finding with the key fails, else UNKNOWN if any is
/// unknown, else PASS.
fn worst(a: Status, b: Status) -> Status {
    let rank = |s: Status| match s {
        Status::Fail => 3,
        Status::Unknown => 2,
        Status::Muted => 1,
        Status::Pass => 0,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

impl Store {
    /// Stores a run and all its findings in one transaction, and returns its id.
    pub fn record_run(
        &mut self,
        meta: &RunMeta,
        findings: &[Finding],
    ) -> Result<RunId, StoreError> {
        let started = self.ts(meta.started_at)?;
        let finished = self.ts(meta.finished_at)?;
        let accounts = serde_json::to_string(&meta.accounts).map_err(|e| StoreError::Invalid {
            path: self.path.clone(),
            reason: e.to_string(),
        })?;
        let path = self.path.clone();
        let busy = self.busy_timeout;
        let sql = |e| crate::map_sql(&path, busy, e);
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO runs (scope, started_at, finished_at, tool_version, accounts, complete)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                meta.scope,
                started,
                finished,
                meta.tool_version,
                accounts,
                meta.complete
            ],
        )
        .map_err(sql)?;
        let run_id = tx.last_insert_rowid();
        let mut counts = RunCounts::default();
        {
            let mut find_key = tx
                .prepare("SELECT id FROM finding_keys WHERE key = ?1")
                .map_err(sql)?;
            let mut new_key = tx
                .prepare("INSERT INTO finding_keys (key, check_id) VALUES (?1, ?2)")
                .map_err(sql)?;
            let mut find_body = tx
                .prepare("SELECT id, json FROM finding_bodies WHERE hash = ?1")
                .map_err(sql)?;
            let mut new_body = tx
                .prepare("INSERT INTO finding_bodies (hash, json) VALUES (?1, ?2)")
                .map_err(sql)?;
            let mut insert = tx
                .prepare(
                    "INSERT INTO findings (run_id, seq, key_id, body_id, status, severity, muted)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(sql)?;
            for (seq, f) in findings.iter().enumerate() {
                let key = f.key();
                let json = serde_json::to_string(f).map_err(|e| StoreError::Invalid {
                    path: path.clone(),
                    reason: format!("finding `{key}` cannot be serialised: {e}"),
                })?;
                match f.status {
                    Status::Pass => counts.pass += 1,
                    Status::Fail => counts.fail += 1,
                    Status::Unknown => counts.unknown += 1,
                    // Only an output status; the mute below counts it.
                    Status::Muted => {}
                }
                if f.mute.is_some() {
                    counts.muted += 1;
                }
                let key_id = match find_key
                    .query_row([&key], |r| r.get::<_, i64>(0))
                    .optional()
                    .map_err(sql)?
                {
                    Some(id) => id,
                    None => {
                        new_key
                            .execute(params![key, f.check_id.as_ref()])
                            .map_err(sql)?;
                        tx.last_insert_rowid()
                    }
                };
                let hash = fnv1a(json.as_bytes());
                let mut body_id = None;
                {
                    let mut rows = find_body.query([hash]).map_err(sql)?;
                    while let Some(row) = rows.next().map_err(sql)? {
                        let same: String = row.get(1).map_err(sql)?;
                        if same == json {
                            body_id = Some(row.get::<_, i64>(0).map_err(sql)?);
                            break;
                        }
                    }
                }
                let body_id = match body_id {
                    Some(id) => id,
                    None => {
                        new_body.execute(params![hash, json]).map_err(sql)?;
                        tx.last_insert_rowid()
                    }
                };
                insert
                    .execute(params![
                        run_id,
                        to_i64(seq as u64),
                        key_id,
                        body_id,
                        f.status.as_str(),
                        f.severity.as_str(),
                        f.mute.is_some(),
                    ])
                    .map_err(sql)?;
            }
        }
        tx.execute(
            "UPDATE runs SET n_pass = ?2, n_fail = ?3, n_unknown = ?4, n_muted = ?5 WHERE id = ?1",
            params![
                run_id,
                to_i64(counts.pass),
                to_i64(counts.fail),
                to_i64(counts.unknown),
                to_i64(counts.muted)
            ],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
        Ok(run_id)
    }

    /// The `n` latest runs of a scope, newest first.
    pub fn latest_runs(&self, scope: &str, n: usize) -> Result<Vec<RunSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE scope = ?1 ORDER BY id DESC LIMIT ?2"
            ))
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![scope, to_i64(n as u64)], RawRun::from_row)
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(self.run_summary(row.map_err(|e| self.err(e))?)?);
        }
        Ok(out)
    }

    /// Deletes the runs of a scope except the `keep` latest, with their findings, in one
    /// transaction; returns how many runs were deleted. Workflow attributes are kept.
    pub fn prune_runs(&mut self, scope: &str, keep: usize) -> Result<usize, StoreError> {
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        let sql = |e| crate::map_sql(&path, busy, e);
        let tx = self.write_tx()?;
        let n = tx
            .execute(
                "DELETE FROM runs WHERE scope = ?1 AND id NOT IN
                     (SELECT id FROM runs WHERE scope = ?1 ORDER BY id DESC LIMIT ?2)",
                params![scope, to_i64(keep as u64)],
            )
            .map_err(sql)?;
        if n > 0 {
            // Bodies and keys no run refers to any more. Workflow rows are keyed by text and stay.
            tx.execute_batch(
                "DELETE FROM finding_bodies WHERE id NOT IN (SELECT body_id FROM findings);
                 DELETE FROM finding_keys WHERE id NOT IN (SELECT key_id FROM findings);",
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(n)
    }

    /// The scopes that have runs, sorted.
    pub fn scopes(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT scope FROM runs ORDER BY scope")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// One run, if it exists.
    pub fn run(&self, id: RunId) -> Result<Option<RunSummary>, StoreError> {
        let raw = self
            .conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"),
                [id],
                RawRun::from_row,
            )
            .optional()
            .map_err(|e| self.err(e))?;
        raw.map(|r| self.run_summary(r)).transpose()
    }

    /// The findings of a run, in the order they were recorded.
    pub fn run_findings(&self, id: RunId) -> Result<Vec<Finding>, StoreError> {
        self.require_run(id)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT b.id, b.json FROM findings f JOIN finding_bodies b ON b.id = f.body_id
                 WHERE f.run_id = ?1 ORDER BY f.seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (fid, json) = row.map_err(|e| self.err(e))?;
            out.push(self.decode_finding(fid, &json)?);
        }
        Ok(out)
    }

    /// The latest run of a scope with its diff against the run before and the workflow
    /// attributes of its keys; `None` when the scope has no run.
    pub fn findings_view(&self, scope: &str) -> Result<Option<FindingsView>, StoreError> {
        let mut runs = self.latest_runs(scope, 2)?.into_iter();
        let Some(latest) = runs.next() else {
            return Ok(None);
        };
        let previous = runs.next();
        let findings = self.run_findings(latest.id)?;
        let diff = previous
            .as_ref()
            .map(|p| self.diff(p.id, latest.id))
            .transpose()?;
        let mut all = self.workflows()?;
        let mut workflow = BTreeMap::new();
        let diff_keys = diff.iter().flat_map(|d| {
            [
                &d.new,
                &d.fixed,
                &d.still_open,
                &d.unknown_now,
                &d.not_checked,
            ]
            .into_iter()
            .flatten()
            .map(|e| e.key.clone())
        });
        for key in findings.iter().map(Finding::key).chain(diff_keys) {
            if let Some(w) = all.remove(&key) {
                workflow.insert(key, w);
            }
        }
        Ok(Some(FindingsView {
            latest,
            previous,
            findings,
            diff,
            workflow,
        }))
    }

    /// The findings of a run with one of the given evaluated statuses, in recorded order
    /// (read through the status index).
    pub fn run_findings_with_status(
        &self,
        id: RunId,
        statuses: &[Status],
    ) -> Result<Vec<Finding>, StoreError> {
        self.require_run(id)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT f.seq, b.id, b.json FROM findings f JOIN finding_bodies b ON b.id = f.body_id
                 WHERE f.run_id = ?1 AND f.status = ?2",
            )
            .map_err(|e| self.err(e))?;
        let mut out: Vec<(i64, Finding)> = Vec::new();
        let mut seen = Vec::new();
        for status in statuses {
            if seen.contains(status) {
                continue;
            }
            seen.push(*status);
            let rows = stmt
                .query_map(params![id, status.as_str()], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (seq, body, json) = row.map_err(|e| self.err(e))?;
                out.push((seq, self.decode_finding(body, &json)?));
            }
        }
        out.sort_by_key(|(seq, _)| *seq);
        Ok(out.into_iter().map(|(_, f)| f).collect())
    }

    /// New, fixed, still-open, unknown-now and not-checked FAIL findings between run `prev` and
    /// run `cur`.
    pub fn diff(&self, prev: RunId, cur: RunId) -> Result<Diff, StoreError> {
        self.require_run(cur)?;
        self.require_run(prev)?;
        let before = self.key_statuses(prev)?;
        let now = self.key_statuses(cur)?;
        // (list, body before, body now); list 5: absent now, fixed or not checked (below).
        let mut picks: Vec<(u8, Option<i64>, Option<i64>)> = Vec::new();
        for (&key, &(status_now, body_now)) in &now {
            if status_now == Status::Fail {
                match before.get(&key) {
                    Some(&(Status::Fail, body_before)) => {
                        picks.push((2, Some(body_before), Some(body_now)))
                    }
                    other => picks.push((0, other.map(|p| p.1), Some(body_now))),
                }
            }
        }
        for (&key, &(status_before, body_before)) in &before {
            if status_before != Status::Fail {
                continue;
            }
            match now.get(&key) {
                Some(&(Status::Fail, _)) => {}
                Some(&(Status::Unknown, body_now)) => {
                    picks.push((3, Some(body_before), Some(body_now)))
                }
                Some(&(_, body_now)) => picks.push((1, Some(body_before), Some(body_now))),
                None => picks.push((5, Some(body_before), None)),
            }
        }
        let places = if picks.iter().any(|p| p.0 == 5) {
            Some(self.places(cur)?)
        } else {
            None
        };
        let mut diff = Diff::default();
        let mut body_stmt = self
            .conn
            .prepare("SELECT json FROM finding_bodies WHERE id = ?1")
            .map_err(|e| self.err(e))?;
        let mut body = |id: i64| -> Result<Finding, StoreError> {
            let json: String = body_stmt
                .query_row([id], |r| r.get(0))
                .map_err(|e| self.err(e))?;
            self.decode_finding(id, &json)
        };
        for (list, b, n) in picks {
            let (before, now) = match (b, n) {
                // Unchanged between the runs (the common case for still-open findings).
                (Some(b), Some(n)) if b == n => {
                    let f = body(b)?;
                    (Some(f.clone()), Some(f))
                }
                (b, n) => (b.map(&mut body).transpose()?, n.map(&mut body).transpose()?),
            };
            // The key is the finding's own: every entry has a finding on one side at least.
            let key = now
                .as_ref()
                .or(before.as_ref())
                .map(Finding::key)
                .unwrap_or_default();
            let mut reason = None;
            let list = match (list, &before, &places) {
                (3, ..) => {
                    reason = now.as_ref().map(|f| f.message.to_text());
                    3
                }
                (5, Some(f), Some(places)) => match places.why_unchecked(f) {
                    None => 1,
                    Some(Unchecked::Unknown(id)) => {
                        reason = Some(body(id)?.message.to_text());
                        4
                    }
                    Some(Unchecked::NotAudited) => {
                        reason = Some(Text::owned(
                            format!(
                                "account {} region {} was not audited in this run",
                                f.account, f.region
                            ),
                            format!(
                                "このランではアカウント {} のリージョン {} を監査していません",
                                f.account, f.region
                            ),
                        ));
                        4
                    }
                },
                (l, ..) => l,
            };
            let entry = DiffEntry {
                key,
                before,
                now,
                reason,
            };
            match list {
                0 => diff.new.push(entry),
                1 => diff.fixed.push(entry),
                2 => diff.still_open.push(entry),
                3 => diff.unknown_now.push(entry),
                _ => diff.not_checked.push(entry),
            }
        }
        for list in [
            &mut diff.new,
            &mut diff.fixed,
            &mut diff.still_open,
            &mut diff.unknown_now,
            &mut diff.not_checked,
        ] {
            list.sort_by(|a, b| a.key.cmp(&b.key));
        }
        Ok(diff)
    }

    /// Where a run looked: the (account, region) pairs it has findings in, and the first
    /// UNKNOWN finding of each (check, account, region), read from the findings' keys.
    fn places(&self, run: RunId) -> Result<Places, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT k.key, f.status, f.body_id FROM findings f
                 JOIN finding_keys k ON k.id = f.key_id WHERE f.run_id = ?1 ORDER BY f.seq",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([run]).map_err(|e| self.err(e))?;
        let mut out = Places::default();
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let key: String = row.get(0).map_err(|e| self.err(e))?;
            let status: String = row.get(1).map_err(|e| self.err(e))?;
            let body: i64 = row.get(2).map_err(|e| self.err(e))?;
            // check|account|region|resource: the first three never hold `|`.
            let mut parts = key.splitn(4, '|');
            let (Some(check), Some(account), Some(region)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            out.audited
                .insert((account.to_string(), region.to_string()));
            let at = (check.to_string(), account.to_string(), region.to_string());
            if status == Status::Unknown.as_str() {
                out.unknown.entry(at).or_insert(body);
            } else {
                out.decided.insert(at);
            }
        }
        Ok(out)
    }

    /// Each key of a run with its worst status and the body of a finding with that status.
    fn key_statuses(&self, run: RunId) -> Result<HashMap<i64, (Status, i64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT key_id, status, body_id FROM findings WHERE run_id = ?1 ORDER BY seq")
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([run]).map_err(|e| self.err(e))?;
        let mut out: HashMap<i64, (Status, i64)> = HashMap::new();
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let key: i64 = row.get(0).map_err(|e| self.err(e))?;
            let status_text = row.get_ref(1).map_err(|e| self.err(e))?;
            let status = status_text
                .as_str()
                .ok()
                .and_then(parse_status)
                .ok_or_else(|| {
                    self.corrupt(
                        format!("finding {} of run {run}", out.len()),
                        "its status is none of PASS, FAIL, UNKNOWN, MUTED",
                    )
                })?;
            let body: i64 = row.get(2).map_err(|e| self.err(e))?;
            out.entry(key)
                .and_modify(|cur| {
                    if worst(cur.0, status) != cur.0 {
                        *cur = (status, body);
                    }
                })
                .or_insert((status, body));
        }
        Ok(out)
    }

    fn decode_finding(&self, id: i64, json: &str) -> Result<Finding, StoreError> {
        serde_json::from_str(json).map_err(|e| self.corrupt(format!("finding body {id}"), e))
    }

    fn require_run(&self, id: RunId) -> Result<RunSummary, StoreError> {
        self.run(id)?.ok_or_else(|| StoreError::NoSuchRun {
            path: self.path.clone(),
            id,
        })
    }

    fn run_summary(&self, raw: RawRun) -> Result<RunSummary, StoreError> {
        let what = format!("run {}", raw.id);
        let accounts: Vec<String> =
            serde_json::from_str(&raw.accounts).map_err(|e| self.corrupt(&what, e))?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(RunSummary {
            id: raw.id,
            meta: RunMeta {
                scope: raw.scope,
                started_at: self.parse_ts(&what, &raw.started_at)?,
                finished_at: self.parse_ts(&what, &raw.finished_at)?,
                tool_version: raw.tool_version,
                accounts,
                complete: raw.complete,
            },
            counts: RunCounts {
                pass: count(raw.n_pass),
                fail: count(raw.n_fail),
                unknown: count(raw.n_unknown),
                muted: count(raw.n_muted),
            },
        })
    }
}

const RUN_COLUMNS: &str = "id, scope, started_at, finished_at, tool_version, accounts, complete, \
                           n_pass, n_fail, n_unknown, n_muted";

struct RawRun {
    id: i64,
    scope: String,
    started_at: String,
    finished_at: String,
    tool_version: String,
    accounts: String,
    complete: bool,
    n_pass: i64,
    n_fail: i64,
    n_unknown: i64,
    n_muted: i64,
}

impl RawRun {
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRun> {
        Ok(RawRun {
            id: r.get(0)?,
            scope: r.get(1)?,
            started_at: r.get(2)?,
            finished_at: r.get(3)?,
            tool_version: r.get(4)?,
            accounts: r.get(5)?,
            complete: r.get(6)?,
            n_pass: r.get(7)?,
            n_fail: r.get(8)?,
            n_unknown: r.get(9)?,
            n_muted: r.get(10)?,
        })
    }
}

fn parse_status(s: &str) -> Option<Status> {
    match s {
        "PASS" => Some(Status::Pass),
        "FAIL" => Some(Status::Fail),
        "UNKNOWN" => Some(Status::Unknown),
        "MUTED" => Some(Status::Muted),
        _ => None,
    }
}

/// FNV-1a, 64 bits, as SQLite's signed integer.
fn fnv1a(bytes: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

pub(crate) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
