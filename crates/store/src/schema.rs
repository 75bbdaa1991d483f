//! The database schema and the undo triggers.

use rusqlite::Connection;

/// The schema version, kept in `PRAGMA user_version`.
pub const VERSION: i64 = 1;

pub const SCHEMA: &str = r#"
PRAGMA user_version = 1;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per document: the file as added (so the project needs nothing
-- outside itself) and the plain text strand made of it.
CREATE TABLE documents (
    id        TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    hash      TEXT NOT NULL,
    bytes     BLOB NOT NULL,
    text      TEXT NOT NULL
);

CREATE TABLE cases (
    participant TEXT NOT NULL,
    attribute   TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (participant, attribute)
);

-- Segments at every unit. A changed document's segments whose text is gone
-- stay, with current = 0, so the codings on them are never lost.
CREATE TABLE segments (
    id       INTEGER PRIMARY KEY,
    document TEXT NOT NULL REFERENCES documents(id),
    sid      TEXT NOT NULL,
    unit     TEXT NOT NULL CHECK (unit IN ('sentence', 'paragraph', 'turn')),
    turn     INTEGER NOT NULL,
    speaker  TEXT NOT NULL,
    role     TEXT NOT NULL,
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL,
    text     TEXT NOT NULL,
    current  INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX segments_by_document ON segments(document, current, unit);
CREATE UNIQUE INDEX segments_current_sid ON segments(sid) WHERE current = 1;

CREATE TABLE codebooks (
    hash  TEXT PRIMARY KEY,
    toml  TEXT NOT NULL,
    added TEXT NOT NULL
);

CREATE TABLE codings (
    id       INTEGER PRIMARY KEY,
    segment  INTEGER NOT NULL REFERENCES segments(id),
    code     TEXT NOT NULL,
    coder    TEXT NOT NULL,
    source   TEXT NOT NULL CHECK (source IN ('automatic', 'manual')),
    status   TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
    rule     TEXT,
    evidence TEXT,
    codebook TEXT,
    time     TEXT NOT NULL,
    UNIQUE (segment, code, coder)
);
CREATE INDEX codings_by_code ON codings(code);
CREATE INDEX codings_by_coder ON codings(coder, status);

CREATE TABLE memos (
    id     INTEGER PRIMARY KEY,
    kind   TEXT NOT NULL CHECK (kind IN ('project', 'document', 'segment', 'code')),
    target TEXT NOT NULL,
    coder  TEXT NOT NULL,
    text   TEXT NOT NULL,
    time   TEXT NOT NULL
);

CREATE TABLE history (
    id      INTEGER PRIMARY KEY,
    time    TEXT NOT NULL,
    coder   TEXT,
    command TEXT NOT NULL,
    summary TEXT NOT NULL,
    undoes  INTEGER REFERENCES history(id)
);
CREATE TRIGGER history_is_append_only_update BEFORE UPDATE ON history
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER history_is_append_only_delete BEFORE DELETE ON history
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;

-- For each command, the SQL that reverses each change it made.
CREATE TABLE undolog (
    id      INTEGER PRIMARY KEY,
    history INTEGER NOT NULL,
    sql     TEXT NOT NULL
);
CREATE INDEX undolog_by_history ON undolog(history);
"#;

/// Tables whose changes can be undone.
const UNDOABLE: &[&str] = &[
    "meta",
    "documents",
    "cases",
    "segments",
    "codebooks",
    "codings",
    "memos",
];

/// Creates this connection's undo triggers. They are TEMP so that they
/// exist only while strand has the database open and can read the
/// connection's `temp.undo_state` (the history entry being recorded); a
/// permanent trigger could not refer to a temporary table.
pub fn undo_triggers(conn: &Connection) -> rusqlite::Result<()> {
    let mut sql = String::from("CREATE TEMP TABLE IF NOT EXISTS undo_state (history INTEGER);\n");
    for table in UNDOABLE {
        let columns: Vec<String> = {
            let mut st = conn.prepare(&format!("PRAGMA main.table_info({table})"))?;
            let rows = st.query_map([], |r| r.get::<_, String>(1))?;
            rows.collect::<Result<_, _>>()?
        };
        let when = "WHEN (SELECT history FROM temp.undo_state) IS NOT NULL";
        let log =
            "INSERT INTO undolog(history, sql) VALUES ((SELECT history FROM temp.undo_state),";
        let sets = columns
            .iter()
            .map(|c| format!("'\"{c}\"=' || quote(old.\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let names = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(",");
        let values = columns
            .iter()
            .map(|c| format!("quote(old.\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_insert AFTER INSERT ON main.{table} {when}
             BEGIN {log} 'DELETE FROM {table} WHERE rowid=' || new.rowid); END;
             CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_update AFTER UPDATE ON main.{table} {when}
             BEGIN {log} 'UPDATE {table} SET ' || {sets} || ' WHERE rowid=' || old.rowid); END;
             CREATE TEMP TRIGGER IF NOT EXISTS undo_{table}_delete BEFORE DELETE ON main.{table} {when}
             BEGIN {log} 'INSERT INTO {table}(rowid,{names}) VALUES(' || old.rowid || ',' || {values} || ')'); END;\n",
            names = names.replace('\'', "''"),
        ));
    }
    conn.execute_batch(&sql)
}
