//! The schema and its migrations. `PRAGMA user_version` holds the number of migrations applied;
//! each migration runs in its own transaction together with the version bump, so a store is
//! always at one version or the next, never in between.

/// `PRAGMA application_id` of a yagura store ("YAGR").
pub const APPLICATION_ID: i32 = 0x5941_4752;

/// Migrations in order; migration `i` brings the store from version `i` to `i + 1`.
/// Never edit a released migration: add one.
pub const MIGRATIONS: &[&str] = &[
    // 1: runs, findings, workflow with its audit trail, checkpoints, actions, snapshots.
    r#"
    CREATE TABLE runs (
        id            INTEGER PRIMARY KEY,
        scope         TEXT    NOT NULL,
        started_at    TEXT    NOT NULL,
        finished_at   TEXT    NOT NULL,
        tool_version  TEXT    NOT NULL,
        accounts      TEXT    NOT NULL CHECK (json_valid(accounts)),
        complete      INTEGER NOT NULL CHECK (complete IN (0, 1)),
        n_pass        INTEGER NOT NULL DEFAULT 0,
        n_fail        INTEGER NOT NULL DEFAULT 0,
        n_unknown     INTEGER NOT NULL DEFAULT 0,
        n_muted       INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX runs_by_scope ON runs (scope, id);

    -- Findings are stored once per distinct content and once per distinct key: a run of
    -- 100,000 findings that did not change since the last run adds ~100,000 small rows.
    CREATE TABLE finding_keys (
        id        INTEGER PRIMARY KEY,
        key       TEXT    NOT NULL UNIQUE,
        check_id  TEXT    NOT NULL CHECK (check_id <> '')
    );
    CREATE INDEX finding_keys_by_check ON finding_keys (check_id);

    CREATE TABLE finding_bodies (
        id    INTEGER PRIMARY KEY,
        hash  INTEGER NOT NULL,  -- FNV-1a 64 of json; equal hashes are compared by json
        json  TEXT    NOT NULL
    );
    CREATE INDEX finding_bodies_by_hash ON finding_bodies (hash);

    CREATE TABLE findings (
        run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,  -- order within the run
        key_id    INTEGER NOT NULL REFERENCES finding_keys (id),
        body_id   INTEGER NOT NULL REFERENCES finding_bodies (id),
        status    TEXT    NOT NULL CHECK (status IN ('PASS', 'FAIL', 'UNKNOWN', 'MUTED')),
        severity  TEXT    NOT NULL,
        muted     INTEGER NOT NULL CHECK (muted IN (0, 1)),
        PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX findings_by_key ON findings (key_id, run_id);
    CREATE INDEX findings_by_status ON findings (run_id, status, severity);

    CREATE TABLE workflow (
        key         TEXT PRIMARY KEY,
        status      TEXT NOT NULL CHECK (status IN
                        ('open', 'acknowledged', 'in_progress', 'resolved', 'risk_accepted')),
        assignee    TEXT,
        note        TEXT,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL
    );

    CREATE TABLE workflow_audit (
        id            INTEGER PRIMARY KEY,
        key           TEXT NOT NULL,
        at            TEXT NOT NULL,
        who           TEXT NOT NULL,
        old_status    TEXT,
        new_status    TEXT NOT NULL,
        old_assignee  TEXT,
        new_assignee  TEXT,
        old_note      TEXT,
        new_note      TEXT
    );
    CREATE INDEX workflow_audit_by_key ON workflow_audit (key, id);

    CREATE TABLE checkpoints (
        namespace  TEXT NOT NULL CHECK (namespace <> ''),
        key        TEXT NOT NULL CHECK (key <> ''),
        value      TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
    ) WITHOUT ROWID;

    CREATE TABLE actions (
        id        INTEGER PRIMARY KEY,
        time      TEXT NOT NULL,
        resource  TEXT NOT NULL,
        action    TEXT NOT NULL,
        result    TEXT NOT NULL,
        reason    TEXT NOT NULL
    );
    CREATE INDEX actions_by_time ON actions (time, id);

    CREATE TABLE inventory_snapshots (
        id        INTEGER PRIMARY KEY,
        taken_at  TEXT NOT NULL,
        json      TEXT NOT NULL CHECK (json_valid(json))
    );
    CREATE INDEX inventory_snapshots_by_time ON inventory_snapshots (taken_at, id);
    "#,
    // 2: the configuration timeline (WATCH-01): one row per resource per change, AWS Config's
    // item and diff as JSON.
    r#"
    CREATE TABLE config_items (
        id             INTEGER PRIMARY KEY,
        snapshot_id    INTEGER REFERENCES inventory_snapshots (id) ON DELETE SET NULL,
        account        TEXT NOT NULL,
        region         TEXT NOT NULL,
        resource_type  TEXT NOT NULL CHECK (resource_type <> ''),
        resource_id    TEXT NOT NULL CHECK (resource_id <> ''),
        arn            TEXT,
        captured_at    TEXT NOT NULL,
        status         TEXT NOT NULL,
        item           TEXT NOT NULL CHECK (json_valid(item)),
        diff           TEXT CHECK (diff IS NULL OR json_valid(diff))
    );
    CREATE INDEX config_items_by_resource
        ON config_items (account, region, resource_type, resource_id, id);
    CREATE INDEX config_items_by_id ON config_items (resource_id, id);
    CREATE INDEX config_items_by_arn ON config_items (arn, id) WHERE arn IS NOT NULL;
    "#,
    // 3: incremental CloudTrail sources: objects read (exactly once), their detections, and
    // the multi-event state saved with the checkpoints.
    r#"
    CREATE TABLE trail_objects (
        source        TEXT    NOT NULL CHECK (source <> ''),
        key           TEXT    NOT NULL,
        records       INTEGER NOT NULL,
        events        INTEGER NOT NULL,
        errors        INTEGER NOT NULL,
        processed_at  TEXT    NOT NULL,
        PRIMARY KEY (source, key)
    ) WITHOUT ROWID;

    CREATE TABLE trail_detections (
        id            INTEGER PRIMARY KEY,
        source        TEXT    NOT NULL CHECK (source <> ''),
        fingerprint   TEXT    NOT NULL,
        detection_id  TEXT    NOT NULL,
        object_key    TEXT,   -- the object whose commit stored it (NULL: multi-event)
        json          TEXT    NOT NULL CHECK (json_valid(json)),
        found_at      TEXT    NOT NULL,
        UNIQUE (source, fingerprint)
    );

    CREATE TABLE trail_state (
        source      TEXT PRIMARY KEY CHECK (source <> ''),
        state       TEXT NOT NULL CHECK (json_valid(state)),
        updated_at  TEXT NOT NULL
    ) WITHOUT ROWID;
    "#,
];
