//! `yagura db update`: the real feeds downloaded from their official locations, verified and
//! swapped in atomically (HOST-02).
//!
//! Each [`Feed`] is named after its source and ecosystem (`osv-debian`, `debian-tracker`,
//! `alas-al2023`, …). An update sends a conditional request (the ETag and Last-Modified of the
//! copy in use), checks the checksum the publisher gives (the MD5 in Google Cloud Storage's
//! `x-goog-hash` for OSV, the SHA-256 of `repomd.xml` for Amazon Linux), reads the download
//! whole into advisory rows and only then replaces the source's rows in one transaction: a
//! failed, truncated or corrupt download leaves the data in use untouched.
//!
//! A mirror (`--mirror BASE_URL`) serves `https://HOST/PATH` as `BASE_URL/HOST/PATH`, every
//! URL followed included (Amazon Linux's `mirror.list` names the repository).

use super::{parse_bytes, Advisory, VulnDb, VulnDbError};
use rusqlite::{params, OptionalExtension};
use sha2::Digest;
use yagura_http::{Client, HttpError, Validators};

/// Where a feed comes from and how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedKind {
    /// One OSV archive: `https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip`.
    OsvZip { ecosystem: &'static str },
    /// One JSON or XML document at a URL (the Debian tracker's export, an OVAL file).
    Document { url: &'static str },
    /// An Amazon Linux repository: its `mirror.list`, then `repodata/repomd.xml`, then the
    /// `updateinfo` it names, checked against the SHA-256 it gives.
    AmazonRepo { mirror_list: &'static str },
}

/// A feed `db update` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Feed {
    pub name: &'static str,
    pub kind: FeedKind,
    /// What it covers, for `db update --list`.
    pub covers: &'static str,
}

/// Every feed, for the distributions yagura reads packages of.
pub const FEEDS: &[Feed] = &[
    Feed {
        name: "osv-debian",
        kind: FeedKind::OsvZip {
            ecosystem: "Debian",
        },
        covers: "Debian (OSV: DSA, DLA, DEBIAN-CVE)",
    },
    Feed {
        name: "osv-ubuntu",
        kind: FeedKind::OsvZip {
            ecosystem: "Ubuntu",
        },
        covers: "Ubuntu (OSV: USN, UBUNTU-CVE)",
    },
    Feed {
        name: "osv-alpine",
        kind: FeedKind::OsvZip {
            ecosystem: "Alpine",
        },
        covers: "Alpine (OSV: ALPINE-CVE)",
    },
    Feed {
        name: "osv-almalinux",
        kind: FeedKind::OsvZip {
            ecosystem: "AlmaLinux",
        },
        covers: "AlmaLinux (OSV: ALSA)",
    },
    Feed {
        name: "osv-rocky",
        kind: FeedKind::OsvZip {
            ecosystem: "Rocky Linux",
        },
        covers: "Rocky Linux (OSV: RLSA)",
    },
    Feed {
        name: "osv-redhat",
        kind: FeedKind::OsvZip {
            ecosystem: "Red Hat",
        },
        covers: "Red Hat Enterprise Linux (OSV: RHSA)",
    },
    Feed {
        name: "debian-tracker",
        kind: FeedKind::Document {
            url: "https://security-tracker.debian.org/tracker/data/json",
        },
        covers: "Debian (the security tracker: unfixed, no-dsa and ignored issues too)",
    },
    Feed {
        name: "alas-al2023",
        kind: FeedKind::AmazonRepo {
            mirror_list: "https://cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list",
        },
        covers: "Amazon Linux 2023 (ALAS2023, the repository's updateinfo)",
    },
    Feed {
        name: "alas-al2",
        kind: FeedKind::AmazonRepo {
            mirror_list: "https://cdn.amazonlinux.com/2/core/latest/x86_64/mirror.list",
        },
        covers: "Amazon Linux 2 (ALAS2, the repository's updateinfo)",
    },
    Feed {
        name: "oval-mariner-2.0",
        kind: FeedKind::Document {
            url: "https://raw.githubusercontent.com/microsoft/AzureLinuxVulnerabilityData/main/cbl-mariner-2.0-oval.xml",
        },
        covers: "CBL-Mariner 2.0 (OVAL)",
    },
    Feed {
        name: "oval-azurelinux-3.0",
        kind: FeedKind::Document {
            url: "https://raw.githubusercontent.com/microsoft/AzureLinuxVulnerabilityData/main/azurelinux-3.0-oval.xml",
        },
        covers: "Azure Linux 3.0 (OVAL)",
    },
];

/// Looks a feed up by name.
pub fn feed(name: &str) -> Option<&'static Feed> {
    FEEDS.iter().find(|f| f.name == name)
}

/// The largest download accepted (the Debian OSV archive is ~100 MB, the tracker's JSON ~80 MB).
const MAX_DOWNLOAD: u64 = 1 << 30;
/// The largest `mirror.list` or `repomd.xml`.
const MAX_SMALL: u64 = 1 << 20;

/// Maps an upstream URL through a mirror: `https://HOST/PATH` → `BASE/HOST/PATH`.
pub fn mirrored(url: &str, mirror: Option<&str>) -> String {
    let Some(base) = mirror
        .map(|m| m.trim_end_matches('/'))
        .filter(|m| !m.is_empty())
    else {
        return url.to_string();
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    format!("{base}/{rest}")
}

/// The official URL of an OSV ecosystem's archive (the name percent-encoded: `Rocky%20Linux`).
pub fn osv_url(ecosystem: &str) -> String {
    let enc = yagura_core::escape::uri_component(ecosystem);
    format!("https://osv-vulnerabilities.storage.googleapis.com/{enc}/all.zip")
}

/// What became of one feed.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// New data was imported.
    Updated {
        advisories: usize,
        /// Rows new since the previous version (none on a first download).
        new_rows: Vec<Advisory>,
    },
    /// The publisher has nothing newer (304, or the same checksum).
    Unchanged { advisories: i64 },
    /// Nothing was changed; the data in use (if any) stays.
    Failed { reason: String, kept: i64 },
}

/// The result line of one feed.
#[derive(Debug, Clone)]
pub struct FeedResult {
    pub name: String,
    /// The URL fetched last (after the mirror).
    pub url: String,
    pub outcome: Outcome,
    /// Bytes downloaded.
    pub bytes: u64,
}

/// How a download is going: (feed, bytes received, bytes expected).
pub type Progress<'a> = dyn FnMut(&str, u64, Option<u64>) + Send + 'a;

/// The conditional-request state of one feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedState {
    pub url: String,
    pub validators: Validators,
    /// SHA-256 (hex) of the data imported last.
    pub sha256: Option<String>,
    /// Unix seconds: last successful check, and last change of the data.
    pub checked_at: i64,
    pub changed_at: i64,
}

impl VulnDb {
    /// The stored state of a feed.
    pub fn feed_state(&self, name: &str) -> Result<Option<FeedState>, VulnDbError> {
        let sq = self.sq();
        self.conn
            .query_row(
                "SELECT url, etag, last_modified, sha256, checked_at, changed_at FROM feed \
                 WHERE name = ?1",
                [name],
                |r| {
                    Ok(FeedState {
                        url: r.get(0)?,
                        validators: Validators {
                            etag: r.get(1)?,
                            last_modified: r.get(2)?,
                        },
                        sha256: r.get(3)?,
                        checked_at: r.get(4)?,
                        changed_at: r.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(sq)
    }

    fn set_feed_state(&self, name: &str, s: &FeedState) -> Result<(), VulnDbError> {
        let sq = self.sq();
        self.conn
            .execute(
                "INSERT OR REPLACE INTO feed (name, url, etag, last_modified, sha256, checked_at, \
                 changed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    name,
                    s.url,
                    s.validators.etag,
                    s.validators.last_modified,
                    s.sha256,
                    s.checked_at,
                    s.changed_at
                ],
            )
            .map(|_| ())
            .map_err(sq)
    }

    fn source_rows(&self, name: &str) -> i64 {
        self.conn
            .query_row(
                "SELECT advisories FROM source WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .unwrap_or(0)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// What a fetch found: the URL of the data, the validators to keep, and the data with its
/// SHA-256 when it changed (`None`: not modified).
type Fetched = Result<(String, Validators, Option<(Vec<u8>, String)>), String>;

/// Why a feed failed, as one line.
fn http_reason(what: &str, url: &str, e: &HttpError) -> String {
    format!("{what} {url}: {e}")
}

/// Updates the named feeds (every feed when `names` is empty). One feed failing does not stop
/// the others; each result says what happened.
pub async fn update(
    db: &mut VulnDb,
    http: &Client,
    names: &[&'static Feed],
    mirror: Option<&str>,
    progress: &mut Progress<'_>,
) -> Vec<FeedResult> {
    let list: Vec<&Feed> = if names.is_empty() {
        FEEDS.iter().collect()
    } else {
        names.to_vec()
    };
    let mut out = Vec::new();
    for f in list {
        out.push(update_one(db, http, f, mirror, progress).await);
    }
    out
}

async fn update_one(
    db: &mut VulnDb,
    http: &Client,
    feed: &Feed,
    mirror: Option<&str>,
    progress: &mut Progress<'_>,
) -> FeedResult {
    let state = db.feed_state(feed.name).ok().flatten().unwrap_or_default();
    let kept = db.source_rows(feed.name);
    let mut result = FeedResult {
        name: feed.name.to_string(),
        url: String::new(),
        outcome: Outcome::Unchanged { advisories: kept },
        bytes: 0,
    };
    let fail = |reason: String| Outcome::Failed { reason, kept };
    let name = feed.name;
    let mut prog = |got: u64, total: Option<u64>| progress(name, got, total);
    // (the URL of the data, its validators to keep, the data when it changed)
    let fetched: Fetched = match feed.kind {
        FeedKind::OsvZip { ecosystem } => {
            let url = mirrored(&osv_url(ecosystem), mirror);
            fetch_document(http, &url, &state, &mut prog, true).await
        }
        FeedKind::Document { url } => {
            let url = mirrored(url, mirror);
            fetch_document(http, &url, &state, &mut prog, false).await
        }
        FeedKind::AmazonRepo { mirror_list } => {
            fetch_amazon(http, mirror_list, mirror, &state, &mut prog).await
        }
    };
    match fetched {
        Err(reason) => result.outcome = fail(reason),
        Ok((url, validators, None)) => {
            result.url = url.clone();
            let s = FeedState {
                url,
                validators,
                checked_at: now(),
                ..state.clone()
            };
            if let Err(e) = db.set_feed_state(feed.name, &s) {
                result.outcome = fail(e.to_string());
            }
        }
        Ok((url, validators, Some((bytes, sha256)))) => {
            result.url = url.clone();
            result.bytes = bytes.len() as u64;
            if state.sha256.as_deref() == Some(sha256.as_str()) && kept > 0 {
                // the same data under new validators: nothing to import
                let s = FeedState {
                    url,
                    validators,
                    sha256: Some(sha256),
                    checked_at: now(),
                    changed_at: state.changed_at,
                };
                if let Err(e) = db.set_feed_state(feed.name, &s) {
                    result.outcome = fail(e.to_string());
                }
                return result;
            }
            let parsed = parse_bytes(&format!("{} ({url})", feed.name), &bytes);
            drop(bytes);
            match parsed.and_then(|p| db.replace_source(feed.name, p)) {
                Err(e) => result.outcome = fail(e.to_string()),
                Ok(stats) => {
                    let t = now();
                    let s = FeedState {
                        url,
                        validators,
                        sha256: Some(sha256),
                        checked_at: t,
                        changed_at: t,
                    };
                    result.outcome = match db.set_feed_state(feed.name, &s) {
                        Ok(()) => Outcome::Updated {
                            advisories: stats.advisories,
                            new_rows: stats.new_rows,
                        },
                        Err(e) => fail(e.to_string()),
                    };
                }
            }
        }
    }
    result
}

/// Fetches one document conditionally. `Ok((url, validators, None))` when it has not changed.
async fn fetch_document(
    http: &Client,
    url: &str,
    state: &FeedState,
    progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
    goog_hash: bool,
) -> Fetched {
    // validators only make sense for the URL they came from (a new mirror starts afresh)
    let v = if state.url == url {
        state.validators.clone()
    } else {
        Validators::default()
    };
    let d = http
        .get(url, &v, MAX_DOWNLOAD, progress)
        .await
        .map_err(|e| http_reason("cannot download", url, &e))?;
    if d.not_modified {
        return Ok((url.to_string(), d.validators, None));
    }
    if goog_hash {
        // `x-goog-hash: crc32c=…, md5=…` (base64): Cloud Storage's checksum of the object
        if let Some(md5) = d
            .headers
            .iter()
            .filter(|(k, _)| k == "x-goog-hash")
            .flat_map(|(_, v)| v.split(','))
            .find_map(|p| p.trim().strip_prefix("md5=").map(str::to_string))
        {
            let got = yagura_core::base64::encode(&md5::Md5::digest(&d.body));
            if got != md5 {
                return Err(format!(
                    "{url}: the download does not match its published MD5 (x-goog-hash): corrupt or cut short"
                ));
            }
        }
    }
    let sha = hex(&sha2::Sha256::digest(&d.body));
    Ok((url.to_string(), d.validators, Some((d.body, sha))))
}

/// The updateinfo location and SHA-256 of a `repomd.xml`.
pub fn repomd_updateinfo(text: &str) -> Result<(String, Option<(String, String)>), String> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, opts)
        .map_err(|e| format!("repomd.xml is not valid XML: {e}"))?;
    let data = doc
        .descendants()
        .find(|n| n.tag_name().name() == "data" && n.attribute("type") == Some("updateinfo"))
        .ok_or("repomd.xml names no updateinfo")?;
    let href = data
        .children()
        .find(|n| n.tag_name().name() == "location")
        .and_then(|n| n.attribute("href"))
        .ok_or("repomd.xml's updateinfo has no location")?;
    let sum = data
        .children()
        .find(|n| n.tag_name().name() == "checksum")
        .and_then(|n| {
            Some((
                n.attribute("type")?.to_ascii_lowercase(),
                n.text()?.trim().to_ascii_lowercase(),
            ))
        });
    Ok((href.to_string(), sum))
}

async fn fetch_amazon(
    http: &Client,
    mirror_list: &str,
    mirror: Option<&str>,
    state: &FeedState,
    progress: &mut (dyn FnMut(u64, Option<u64>) + Send),
) -> Fetched {
    let list_url = mirrored(mirror_list, mirror);
    let list = http
        .get(&list_url, &Validators::default(), MAX_SMALL, &mut |_, _| {})
        .await
        .map_err(|e| http_reason("cannot download", &list_url, &e))?;
    let base = String::from_utf8_lossy(&list.body)
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("https://") || l.starts_with("http://"))
        .map(|l| l.replace("$basearch", "x86_64"))
        .ok_or_else(|| format!("{list_url}: no repository URL in the mirror list"))?;
    let base = format!("{}/", base.trim_end_matches('/'));
    let repomd_url = mirrored(&format!("{base}repodata/repomd.xml"), mirror);
    let v = if state.url == repomd_url {
        state.validators.clone()
    } else {
        Validators::default()
    };
    let repomd = http
        .get(&repomd_url, &v, MAX_SMALL, &mut |_, _| {})
        .await
        .map_err(|e| http_reason("cannot download", &repomd_url, &e))?;
    if repomd.not_modified {
        return Ok((repomd_url, repomd.validators, None));
    }
    let (href, sum) = repomd_updateinfo(&String::from_utf8_lossy(&repomd.body))
        .map_err(|e| format!("{repomd_url}: {e}"))?;
    if href.contains("..") || href.starts_with('/') || href.contains("://") {
        return Err(format!(
            "{repomd_url}: the updateinfo location `{href}` leaves the repository"
        ));
    }
    let published = match sum {
        Some((t, hexsum)) if t == "sha256" => Some(hexsum),
        _ => None,
    };
    if published.is_some() && published == state.sha256 && state.url == repomd_url {
        return Ok((repomd_url, repomd.validators, None));
    }
    let info_url = mirrored(&format!("{base}{href}"), mirror);
    let d = http
        .get(&info_url, &Validators::default(), MAX_DOWNLOAD, progress)
        .await
        .map_err(|e| http_reason("cannot download", &info_url, &e))?;
    let sha = hex(&sha2::Sha256::digest(&d.body));
    if let Some(p) = &published {
        if *p != sha {
            return Err(format!(
                "{info_url}: the download does not match the SHA-256 in repomd.xml: corrupt or cut short"
            ));
        }
    }
    Ok((repomd_url, repomd.validators, Some((d.body, sha))))
}
