//! Adding documents and cases, and keeping codings when a document changes.

use rusqlite::params;
use sha2::{Digest, Sha256};
use strand_transcript::{segments, Cases, Transcript, Unit};

use crate::{Error, Tx};

/// Every unit is stored, whatever the codebook's: codes may have their own
/// unit, and agreement can be measured at any of them.
const UNITS: [Unit; 3] = [Unit::Sentence, Unit::Paragraph, Unit::Turn];

/// What adding a document did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A document new to the project.
    New { segments: usize },
    /// The same bytes as the stored document: nothing changed.
    Unchanged,
    /// A new version of a stored document. Codings on segments whose text
    /// is unchanged were kept (moved to where the text now is); the rest
    /// stay on the old version's segments and are listed.
    Changed { kept: usize, orphaned: Vec<Orphan> },
}

/// A coding whose segment's text is not in the new version of its document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Orphan {
    pub segment: String,
    pub code: String,
    pub coder: String,
}

struct New {
    sid: String,
    unit: &'static str,
    turn: usize,
    speaker: String,
    role: &'static str,
    start: usize,
    end: usize,
}

fn new_segments(t: &Transcript) -> Vec<New> {
    let mut out = Vec::new();
    for unit in UNITS {
        for s in segments(t, unit) {
            let turn = &t.turns[s.turn - 1];
            out.push(New {
                sid: s.id,
                unit: unit.as_str(),
                turn: s.turn,
                speaker: turn.speaker.clone(),
                role: s.role.as_str(),
                start: s.span.start,
                end: s.span.end,
            });
        }
    }
    out
}

impl Tx<'_> {
    /// Adds (or updates) a document from its file's bytes and the
    /// transcript parsed from them.
    pub fn add_document(
        &self,
        file_name: &str,
        bytes: &[u8],
        t: &Transcript,
    ) -> Result<Added, Error> {
        let hash = format!("{:x}", Sha256::digest(bytes));
        let stored: Option<String> = self
            .tx
            .query_row("SELECT hash FROM documents WHERE id = ?1", [&t.id], |r| {
                r.get(0)
            })
            .ok();
        let fresh = new_segments(t);
        match stored {
            Some(h) if h == hash => Ok(Added::Unchanged),
            None => {
                self.tx.execute(
                    "INSERT INTO documents(id, file_name, hash, bytes, text) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![t.id, file_name, hash, bytes, t.text],
                )?;
                let mut insert = self.tx.prepare_cached(INSERT_SEGMENT)?;
                for s in &fresh {
                    insert_segment(&mut insert, t, s)?;
                }
                Ok(Added::New {
                    segments: fresh.iter().filter(|s| s.unit == "sentence").count(),
                })
            }
            Some(_) => self.replace_document(file_name, bytes, &hash, t, fresh),
        }
    }

    fn replace_document(
        &self,
        file_name: &str,
        bytes: &[u8],
        hash: &str,
        t: &Transcript,
        fresh: Vec<New>,
    ) -> Result<Added, Error> {
        self.tx.execute(
            "UPDATE documents SET file_name = ?2, hash = ?3, bytes = ?4, text = ?5 WHERE id = ?1",
            params![t.id, file_name, hash, bytes, t.text],
        )?;
        // The old version's current segments, matched to the new ones by
        // unit and text: the same words keep their row (and so their
        // codings), preferring the row with the same id when a sentence
        // occurs twice.
        struct Old {
            row: i64,
            sid: String,
            unit: String,
            text: String,
            used: bool,
        }
        let mut old: Vec<Old> = {
            let mut st = self.tx.prepare(
                "SELECT id, sid, unit, text FROM segments WHERE document = ?1 AND current = 1 ORDER BY id",
            )?;
            let rows = st.query_map([&t.id], |r| {
                Ok(Old {
                    row: r.get(0)?,
                    sid: r.get(1)?,
                    unit: r.get(2)?,
                    text: r.get(3)?,
                    used: false,
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        // Retire every old row first so that the unique index on current
        // ids never sees two current rows with one id mid-way.
        self.tx.execute(
            "UPDATE segments SET current = 0 WHERE document = ?1 AND current = 1",
            [&t.id],
        )?;
        let mut by_text: std::collections::HashMap<(String, String), Vec<usize>> =
            Default::default();
        for (i, o) in old.iter().enumerate() {
            by_text
                .entry((o.unit.clone(), o.text.clone()))
                .or_default()
                .push(i);
        }
        let mut reuse: Vec<Option<usize>> = Vec::with_capacity(fresh.len());
        for s in &fresh {
            let text = &t.text[s.start..s.end];
            let pick = by_text
                .get(&(s.unit.to_string(), text.to_string()))
                .and_then(|candidates| {
                    candidates
                        .iter()
                        .copied()
                        .filter(|&i| !old[i].used)
                        .min_by_key(|&i| old[i].sid != s.sid)
                });
            if let Some(i) = pick {
                old[i].used = true;
            }
            reuse.push(pick);
        }
        let mut update = self.tx.prepare_cached(
            "UPDATE segments SET sid = ?2, turn = ?3, speaker = ?4, role = ?5, start = ?6, \"end\" = ?7, current = 1 WHERE id = ?1",
        )?;
        let mut insert = self.tx.prepare_cached(INSERT_SEGMENT)?;
        for (s, pick) in fresh.iter().zip(&reuse) {
            match pick {
                Some(i) => {
                    update.execute(params![
                        old[*i].row,
                        s.sid,
                        s.turn,
                        s.speaker,
                        s.role,
                        s.start,
                        s.end
                    ])?;
                }
                None => {
                    insert_segment(&mut insert, t, s)?;
                }
            }
        }
        let kept: usize = self.tx.query_row(
            "SELECT count(*) FROM codings c JOIN segments s ON s.id = c.segment WHERE s.document = ?1 AND s.current = 1",
            [&t.id],
            |r| r.get(0),
        )?;
        let mut orphaned = Vec::new();
        for o in old.iter().filter(|o| !o.used) {
            let mut st = self.tx.prepare_cached(
                "SELECT code, coder FROM codings WHERE segment = ?1 ORDER BY code, coder",
            )?;
            let rows = st.query_map([o.row], |r| {
                Ok(Orphan {
                    segment: o.sid.clone(),
                    code: r.get(0)?,
                    coder: r.get(1)?,
                })
            })?;
            for row in rows {
                orphaned.push(row?);
            }
        }
        orphaned.sort();
        Ok(Added::Changed { kept, orphaned })
    }

    /// Records case attributes, replacing changed values.
    pub fn set_cases(&self, cases: &Cases) -> Result<usize, Error> {
        let mut st = self.tx.prepare_cached(
            "INSERT INTO cases(participant, attribute, value) VALUES (?1, ?2, ?3)
             ON CONFLICT(participant, attribute) DO UPDATE SET value = excluded.value WHERE value != excluded.value",
        )?;
        let mut changed = 0;
        for case in cases.iter() {
            for attribute in &cases.attributes {
                let value = cases.attribute(&case.id, attribute).unwrap_or("");
                changed += st.execute(params![case.id, attribute, value])?;
            }
        }
        Ok(changed)
    }
}

/// Inserts one of a document's segments (current) with its text.
fn insert_segment(
    insert: &mut rusqlite::CachedStatement<'_>,
    t: &Transcript,
    s: &New,
) -> rusqlite::Result<usize> {
    insert.execute(params![
        t.id,
        s.sid,
        s.unit,
        s.turn,
        s.speaker,
        s.role,
        s.start,
        s.end,
        &t.text[s.start..s.end]
    ])
}

const INSERT_SEGMENT: &str =
    "INSERT INTO segments(document, sid, unit, turn, speaker, role, start, \"end\", text, current)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)";
