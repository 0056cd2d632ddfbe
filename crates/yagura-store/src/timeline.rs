//! The configuration timeline (WATCH-01): configuration items as the watch writes them, one
//! row per resource per change. The store keeps them as JSON it does not interpret; the watch
//! crate gives them their shape (AWS Config's item and diff).

use crate::misc::SnapshotId;
use crate::{Store, StoreError};
use rusqlite::params;
use time::OffsetDateTime;

/// One configuration item to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigItemRecord {
    pub account: String,
    pub region: String,
    pub resource_type: String,
    pub resource_id: String,
    pub arn: Option<String>,
    pub captured_at: OffsetDateTime,
    /// `OK`, `ResourceDiscovered`, `ResourceDeleted`.
    pub status: String,
    /// The item (JSON).
    pub item: String,
    /// The diff from the previous item (JSON), when there was one.
    pub diff: Option<String>,
}

/// A kept configuration item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConfigItem {
    pub id: i64,
    pub snapshot_id: Option<SnapshotId>,
    pub record: ConfigItemRecord,
}

const COLUMNS: &str = "c.id, c.snapshot_id, c.account, c.region, c.resource_type, c.resource_id,
     c.arn, c.captured_at, c.status, c.item, c.diff";

impl Store {
    /// Keeps one watch run: the inventory snapshot (when given) and the items that changed, in
    /// one transaction. Returns the snapshot id.
    pub fn record_watch(
        &mut self,
        taken_at: OffsetDateTime,
        inventory_json: Option<&str>,
        items: &[ConfigItemRecord],
    ) -> Result<Option<SnapshotId>, StoreError> {
        let at = self.ts(taken_at)?;
        let mut stamped = Vec::with_capacity(items.len());
        for i in items {
            stamped.push((i, self.ts(i.captured_at)?));
        }
        let (path, busy) = (self.path.clone(), self.busy_timeout);
        let sql = |e| crate::map_sql(&path, busy, e);
        let tx = self.write_tx()?;
        let snapshot = match inventory_json {
            Some(json) => {
                tx.execute(
                    "INSERT INTO inventory_snapshots (taken_at, json) VALUES (?1, ?2)",
                    params![at, json],
                )
                .map_err(sql)?;
                Some(tx.last_insert_rowid())
            }
            None => None,
        };
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO config_items (snapshot_id, account, region, resource_type,
                        resource_id, arn, captured_at, status, item, diff)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )
                .map_err(sql)?;
            for (i, captured) in &stamped {
                stmt.execute(params![
                    snapshot,
                    i.account,
                    i.region,
                    i.resource_type,
                    i.resource_id,
                    i.arn,
                    captured,
                    i.status,
                    i.item,
                    i.diff,
                ])
                .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(snapshot)
    }

    /// The latest item of every resource ever recorded (deleted ones included), in resource
    /// order.
    pub fn latest_config_items(&self) -> Result<Vec<StoredConfigItem>, StoreError> {
        self.config_query(
            &format!(
                "SELECT {COLUMNS} FROM config_items c
                 JOIN (SELECT max(id) AS id FROM config_items
                       GROUP BY account, region, resource_type, resource_id) m ON c.id = m.id
                 ORDER BY c.account, c.region, c.resource_type, c.resource_id"
            ),
            [],
        )
    }

    /// Every item of the resources whose id or ARN is `resource`, oldest first.
    pub fn config_history(&self, resource: &str) -> Result<Vec<StoredConfigItem>, StoreError> {
        self.config_query(
            &format!(
                "SELECT {COLUMNS} FROM config_items c
                 WHERE c.resource_id = ?1 OR c.arn = ?1 ORDER BY c.id"
            ),
            [resource],
        )
    }

    /// The items recorded by the watch run that kept snapshot `id`, in resource order.
    pub fn config_items_of_snapshot(
        &self,
        id: SnapshotId,
    ) -> Result<Vec<StoredConfigItem>, StoreError> {
        self.config_query(
            &format!(
                "SELECT {COLUMNS} FROM config_items c WHERE c.snapshot_id = ?1
                 ORDER BY c.account, c.region, c.resource_type, c.resource_id"
            ),
            [id],
        )
    }

    fn config_query<P: rusqlite::Params>(
        &self,
        sql: &str,
        p: P,
    ) -> Result<Vec<StoredConfigItem>, StoreError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(p, |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, String>(9)?,
                    r.get::<_, Option<String>>(10)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (
                id,
                snapshot_id,
                account,
                region,
                resource_type,
                resource_id,
                arn,
                at,
                status,
                item,
                diff,
            ) = row.map_err(|e| self.err(e))?;
            out.push(StoredConfigItem {
                id,
                snapshot_id,
                record: ConfigItemRecord {
                    captured_at: self.parse_ts(&format!("configuration item {id}"), &at)?,
                    account,
                    region,
                    resource_type,
                    resource_id,
                    arn,
                    status,
                    item,
                    diff,
                },
            });
        }
        Ok(out)
    }
}
