//! The project store: where a study's documents, segments, codebook
//! versions, codings, memos and history live, in one SQLite database
//! (`strand.db` in the project folder).
//!
//! What it is for: automatic coding suggests and researchers decide, often
//! several researchers over weeks. Their decisions must survive crashes,
//! stay traceable (who, when, by which rule, under which codebook version)
//! and be undoable. Every command runs in one [`Store::command`]: one
//! `BEGIN IMMEDIATE` transaction, one history entry, and an undo log
//! written by triggers, so a crash or kill at any moment leaves the last
//! committed state whole, and `strand undo` reverses exactly one command.
//!
//! What it is not: it does not parse transcripts (strand-transcript does,
//! from the bytes stored here), find codes (strand-coding pushes its
//! codings into [`Tx::suggest`]), compute statistics (strand-agreement
//! counts what [`Store::agreement`] gathers) or draw anything.
//!
//! # Design choices
//!
//! - **SQLite, not files.** A folder of TSV files cannot be updated by two
//!   shells at once or rolled back after a crash; SQLite in WAL mode with
//!   `synchronous = FULL` gives both, in one file a researcher can copy.
//! - **Undo by triggers** (the technique in SQLite's own "undo/redo"
//!   note), not by each command writing its own inverse: every change to a
//!   table is logged as the SQL that reverses it, so a new command cannot
//!   forget to be undoable. The triggers are temporary (made per
//!   connection) so that a database opened by another tool changes nothing
//!   in the log.
//! - **Decisions are rows per coder.** A suggestion belongs to the automatic
//!   coder (`auto`); a researcher's accept or reject is their own row, so
//!   two coders can decide differently about the same suggestion and their
//!   agreement can be measured.
//! - **History is append-only**: a trigger refuses updates and deletes; an
//!   undo is a new entry that names the entry it undoes.

mod agree;
mod codebook_edit;
mod codings;
mod documents;
mod error;
mod queries;
mod schema;

pub use agree::{Agreement, CodeAgreement, Disagreement, Statistics};
pub use codings::{Decision, Outcome};
pub use documents::{Added, Orphan};
pub use error::Error;
pub use queries::{CodingRow, DocumentRow, HistoryRow, MemoRow, SegmentRow};

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// The database file in a project folder.
pub const DB_FILE: &str = "strand.db";

/// The automatic coder: suggestions are stored under this name.
pub const AUTO: &str = "auto";

/// An open project.
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    /// The last codebook parsed, with its hash: parsing compiles every
    /// rule's regexes, too slow to repeat on each keystroke of a review.
    codebook: CodebookCache,
}

type CodebookCache = std::cell::RefCell<Option<std::rc::Rc<strand_codebook::Codebook>>>;

/// What a command says about itself for the history.
#[derive(Debug, Clone)]
pub struct Command<'a> {
    /// The command line, without free text (memo text, decisions): ids and
    /// options only, so the history never holds transcript words.
    pub line: &'a str,
    /// Who ran it, when a coder is named.
    pub coder: Option<&'a str>,
    /// When, as RFC 3339 (the binary's clock; tests pass a fixed one).
    pub time: &'a str,
}

/// A command's open transaction.
pub struct Tx<'s> {
    tx: rusqlite::Transaction<'s>,
    cache: &'s CodebookCache,
    history: i64,
    time: String,
    summary: std::cell::RefCell<String>,
    undoes: std::cell::Cell<Option<i64>>,
}

impl Store {
    /// Creates a project in `dir` (made if missing) with `codebook` (the
    /// text of a TOML codebook; `codebook_path` names it in errors).
    pub fn init(
        dir: &Path,
        codebook: &str,
        codebook_path: &Path,
        cmd: &Command,
    ) -> Result<Store, Error> {
        let db = dir.join(DB_FILE);
        if db.exists() {
            return Err(Error::AlreadyAProject {
                path: dir.to_path_buf(),
            });
        }
        let io = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        // Check the codebook before creating anything.
        strand_codebook::Codebook::parse(codebook_path, codebook)?;
        // Build the database beside its final name and rename it into
        // place, so a crash during init leaves no half-made project.
        let tmp = dir.join(format!(".{DB_FILE}.init"));
        let _ = std::fs::remove_file(&tmp);
        {
            let conn = Connection::open(&tmp)?;
            conn.execute_batch(schema::SCHEMA)?;
            let mut store = Store {
                conn,
                dir: dir.to_path_buf(),
                codebook: Default::default(),
            };
            store.configure()?;
            store.command(cmd, |tx| {
                tx.set_codebook(codebook, codebook_path)?;
                tx.summarise("created the project");
                Ok(())
            })?;
            store
                .conn
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        }
        std::fs::rename(&tmp, &db).map_err(io)?;
        Store::open(dir)
    }

    /// Opens the project in `dir`.
    pub fn open(dir: &Path) -> Result<Store, Error> {
        let db = dir.join(DB_FILE);
        if !db.is_file() {
            return Err(Error::NotAProject {
                path: dir.to_path_buf(),
            });
        }
        let conn = Connection::open(&db)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > schema::VERSION {
            return Err(Error::NewerSchema {
                path: dir.to_path_buf(),
                found: version,
                supported: schema::VERSION,
            });
        }
        if version < schema::VERSION {
            return Err(Error::NotAProject {
                path: dir.to_path_buf(),
            });
        }
        let mut store = Store {
            conn,
            dir: dir.to_path_buf(),
            codebook: Default::default(),
        };
        store.configure()?;
        Ok(store)
    }

    fn configure(&mut self) -> Result<(), Error> {
        // WAL lets readers (a `strand search` in another shell) work while
        // a command writes; FULL makes each commit durable, not only
        // atomic; the busy timeout makes a second writer wait its turn
        // instead of failing.
        self.conn.busy_timeout(std::time::Duration::from_secs(30))?;
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::undo_triggers(&self.conn)?;
        Ok(())
    }

    /// The project folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Runs `f` as one command: one transaction, one history entry (with
    /// the summary `f` gives [`Tx::summarise`]), every change logged for
    /// undo. Nothing `f` did is kept if it fails.
    pub fn command<T>(
        &mut self,
        cmd: &Command,
        f: impl FnOnce(&Tx) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // The write lock is held from here, so the next id is ours.
        let history: i64 =
            tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM history", [], |r| {
                r.get(0)
            })?;
        tx.execute("DELETE FROM temp.undo_state", [])?;
        tx.execute(
            "INSERT INTO temp.undo_state(history) VALUES (?1)",
            [history],
        )?;
        let t = Tx {
            tx,
            cache: &self.codebook,
            history,
            time: cmd.time.to_string(),
            summary: Default::default(),
            undoes: Default::default(),
        };
        let result = f(&t);
        let Tx {
            tx,
            summary,
            undoes,
            ..
        } = t;
        let value = match result {
            Ok(v) => v,
            Err(e) => {
                // Dropping the transaction rolls it back; the undo state is
                // in the same transaction.
                drop(tx);
                return Err(e);
            }
        };
        tx.execute("DELETE FROM temp.undo_state", [])?;
        tx.execute(
            "INSERT INTO history(id, time, coder, command, summary, undoes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![history, cmd.time, cmd.coder, cmd.line, summary.into_inner(), undoes.get()],
        )?;
        tx.commit()?;
        Ok(value)
    }

    /// Undoes the most recent command that is not an undo and has not been
    /// undone: replays its undo log in reverse, as a new command.
    pub fn undo(&mut self, cmd: &Command) -> Result<Undone, Error> {
        self.command(cmd, |tx| {
            let target: Option<(i64, String)> = tx
                .tx
                .query_row(
                    "SELECT id, command FROM history h
                     WHERE undoes IS NULL
                       AND NOT EXISTS (SELECT 1 FROM history u WHERE u.undoes = h.id)
                       AND command NOT LIKE 'init%'
                     ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((id, command)) = target else {
                return Err(Error::NothingToUndo);
            };
            let statements: Vec<String> = {
                let mut st = tx
                    .tx
                    .prepare("SELECT sql FROM undolog WHERE history = ?1 ORDER BY id DESC")?;
                let rows = st.query_map([id], |r| r.get(0))?;
                rows.collect::<Result<_, _>>()?
            };
            for sql in &statements {
                tx.tx.execute_batch(sql)?;
            }
            tx.undoes.set(Some(id));
            tx.summarise(format!(
                "undid #{id} ({command}): {} change(s)",
                statements.len()
            ));
            Ok(Undone {
                entry: id,
                command,
                changes: statements.len(),
            })
        })
    }
}

/// The result of [`Store::undo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// The history entry undone.
    pub entry: i64,
    pub command: String,
    /// Rows changed back.
    pub changes: usize,
}

impl Tx<'_> {
    /// The history entry this command will be recorded as.
    pub fn history_id(&self) -> i64 {
        self.history
    }

    /// What the history entry should say the command did (counts and
    /// ids, never transcript text).
    pub fn summarise(&self, summary: impl Into<String>) {
        *self.summary.borrow_mut() = summary.into();
    }

    fn now(&self) -> &str {
        &self.time
    }

    /// Makes `text` the project's codebook (a new version, kept beside the
    /// old ones) and returns it parsed.
    pub fn set_codebook(
        &self,
        text: &str,
        path: &Path,
    ) -> Result<strand_codebook::Codebook, Error> {
        let codebook = strand_codebook::Codebook::parse(path, text)?;
        self.tx.execute(
            "INSERT INTO codebooks(hash, toml, added) VALUES (?1, ?2, ?3) ON CONFLICT(hash) DO NOTHING",
            rusqlite::params![codebook.hash, text, self.time],
        )?;
        self.set_meta("codebook", &codebook.hash)?;
        Ok(codebook)
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), Error> {
        self.tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value WHERE value != excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The project's current codebook.
    pub fn codebook(&self) -> Result<std::rc::Rc<strand_codebook::Codebook>, Error> {
        queries::codebook(&self.tx, self.cache)
    }
}

#[cfg(test)]
mod tests;
