//! Reading the store.

use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

use rusqlite::{params, Connection, OptionalExtension};
use strand_codebook::Codebook;
use strand_transcript::{Invalid, Transcript};

use crate::{Error, Store};

/// Where a stored codebook's errors point: it has no file of its own.
const CODEBOOK_NAME: &str = "codebook.toml (in the project)";

pub(crate) fn codebook(
    conn: &Connection,
    cache: &crate::CodebookCache,
) -> Result<Rc<Codebook>, Error> {
    let hash: String =
        conn.query_row("SELECT value FROM meta WHERE key = 'codebook'", [], |r| {
            r.get(0)
        })?;
    if let Some(c) = cache.borrow().as_ref().filter(|c| c.hash == hash) {
        return Ok(c.clone());
    }
    let text: String =
        conn.query_row("SELECT toml FROM codebooks WHERE hash = ?1", [&hash], |r| {
            r.get(0)
        })?;
    let parsed = Rc::new(Codebook::parse(Path::new(CODEBOOK_NAME), &text)?);
    *cache.borrow_mut() = Some(parsed.clone());
    Ok(parsed)
}

pub(crate) fn codebook_text(conn: &Connection) -> Result<String, Error> {
    Ok(conn.query_row(
        "SELECT toml FROM codebooks WHERE hash = (SELECT value FROM meta WHERE key = 'codebook')",
        [],
        |r| r.get(0),
    )?)
}

/// The code id closest to a mistyped one: same last part, or the fewest
/// edits, when close enough to be a likely typo.
pub(crate) fn similar_code(codebook: &Codebook, code: &str) -> Option<String> {
    let last = code.rsplit('.').next().unwrap_or(code);
    if let Some(c) = codebook
        .codes
        .iter()
        .find(|c| c.id.rsplit('.').next() == Some(last))
    {
        return Some(c.id.clone());
    }
    codebook
        .codes
        .iter()
        .map(|c| (strand_codebook::edit_distance(&c.id, code), &c.id))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, id)| id.clone())
}

/// A document in the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    pub id: String,
    pub file_name: String,
    pub hash: String,
    /// Current sentence segments.
    pub sentences: usize,
    /// Codings on current segments, all coders and statuses.
    pub codings: usize,
}

/// A segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentRow {
    pub sid: String,
    pub document: String,
    pub unit: String,
    pub turn: usize,
    pub speaker: String,
    pub role: String,
    /// Byte range in the document's text.
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A coding with its segment.
#[derive(Debug, Clone, PartialEq)]
pub struct CodingRow {
    pub segment: SegmentRow,
    pub code: String,
    pub coder: String,
    pub source: String,
    pub status: String,
    pub rule: Option<String>,
    /// JSON: rule index, matched byte range, negation, recoded-from code.
    pub evidence: Option<String>,
    pub codebook: Option<String>,
    pub time: String,
    /// Whether the segment is in its document's current version.
    pub current: bool,
}

/// A memo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoRow {
    pub id: i64,
    pub kind: String,
    pub target: String,
    pub coder: String,
    pub text: String,
    pub time: String,
}

/// A history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: i64,
    pub time: String,
    pub coder: Option<String>,
    pub command: String,
    pub summary: String,
    pub undoes: Option<i64>,
    /// The entry that undid this one, if any.
    pub undone_by: Option<i64>,
}

const SEGMENT_COLUMNS: &str =
    "s.sid, s.document, s.unit, s.turn, s.speaker, s.role, s.start, s.\"end\", s.text";

fn segment_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<SegmentRow> {
    Ok(SegmentRow {
        sid: r.get(at)?,
        document: r.get(at + 1)?,
        unit: r.get(at + 2)?,
        turn: r.get(at + 3)?,
        speaker: r.get(at + 4)?,
        role: r.get(at + 5)?,
        start: r.get(at + 6)?,
        end: r.get(at + 7)?,
        text: r.get(at + 8)?,
    })
}

impl Store {
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The current codebook (parsed once per version).
    pub fn codebook(&self) -> Result<Rc<Codebook>, Error> {
        codebook(&self.conn, &self.codebook)
    }

    /// The current codebook's TOML text.
    pub fn codebook_text(&self) -> Result<String, Error> {
        codebook_text(&self.conn)
    }

    /// Documents in id order.
    pub fn documents(&self) -> Result<Vec<DocumentRow>, Error> {
        let mut st = self.conn.prepare(
            "SELECT d.id, d.file_name, d.hash,
                (SELECT count(*) FROM segments s WHERE s.document = d.id AND s.current = 1 AND s.unit = 'sentence'),
                (SELECT count(*) FROM codings c JOIN segments s ON s.id = c.segment WHERE s.document = d.id AND s.current = 1)
             FROM documents d ORDER BY d.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(DocumentRow {
                id: r.get(0)?,
                file_name: r.get(1)?,
                hash: r.get(2)?,
                sentences: r.get(3)?,
                codings: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every document parsed again from its stored bytes, in id order.
    pub fn transcripts(&self) -> Result<Vec<Transcript>, Error> {
        let mut st = self
            .conn
            .prepare("SELECT file_name, bytes FROM documents ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, bytes) = row?;
            // Bytes were decoded once already when added, with the
            // researcher's choice about invalid bytes; replacing is what
            // reproduces that text when they chose to replace.
            out.push(strand_transcript::parse_file(
                Path::new(&name),
                bytes,
                Invalid::Replace,
            )?);
        }
        Ok(out)
    }

    /// Case attributes: participant -> attribute -> value.
    pub fn cases(&self) -> Result<BTreeMap<String, BTreeMap<String, String>>, Error> {
        let mut st = self.conn.prepare(
            "SELECT participant, attribute, value FROM cases ORDER BY participant, attribute",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for row in rows {
            let (p, a, v) = row?;
            out.entry(p).or_default().insert(a, v);
        }
        Ok(out)
    }

    /// Case attribute names in a stable order.
    pub fn attributes(&self) -> Result<Vec<String>, Error> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT attribute FROM cases ORDER BY attribute")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The current segment `sid`.
    pub fn segment(&self, sid: &str) -> Result<SegmentRow, Error> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {SEGMENT_COLUMNS} FROM segments s WHERE s.sid = ?1 AND s.current = 1"
                ),
                [sid],
                |r| segment_row(r, 0),
            )
            .optional()?
            .ok_or_else(|| Error::UnknownSegment {
                segment: sid.to_string(),
                hint: None,
            })
    }

    /// Current segments at `unit` in document order, optionally of one
    /// document.
    pub fn segments(&self, unit: &str, document: Option<&str>) -> Result<Vec<SegmentRow>, Error> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {SEGMENT_COLUMNS} FROM segments s
             WHERE s.current = 1 AND s.unit = ?1 AND (?2 IS NULL OR s.document = ?2)
             ORDER BY s.document, s.start, s.\"end\""
        ))?;
        let rows = st.query_map(params![unit, document], |r| segment_row(r, 0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Codings in document and segment order, then code and coder. With
    /// `all_versions` false, only codings on current segments.
    pub fn codings(&self, all_versions: bool) -> Result<Vec<CodingRow>, Error> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {SEGMENT_COLUMNS}, c.code, c.coder, c.source, c.status, c.rule, c.evidence, c.codebook, c.time, s.current
             FROM codings c JOIN segments s ON s.id = c.segment
             WHERE ?1 OR s.current = 1
             ORDER BY s.document, s.current DESC, s.start, s.\"end\", s.unit, c.code, c.coder"
        ))?;
        let rows = st.query_map([all_versions], |r| {
            Ok(CodingRow {
                segment: segment_row(r, 0)?,
                code: r.get(9)?,
                coder: r.get(10)?,
                source: r.get(11)?,
                status: r.get(12)?,
                rule: r.get(13)?,
                evidence: r.get(14)?,
                codebook: r.get(15)?,
                time: r.get(16)?,
                current: r.get(17)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Codings left on segments whose text is no longer in their document.
    pub fn orphans(&self) -> Result<Vec<crate::Orphan>, Error> {
        let mut st = self.conn.prepare(
            "SELECT s.sid, c.code, c.coder FROM codings c JOIN segments s ON s.id = c.segment
             WHERE s.current = 0 ORDER BY s.sid, c.code, c.coder",
        )?;
        let rows = st.query_map([], |r| {
            Ok(crate::Orphan {
                segment: r.get(0)?,
                code: r.get(1)?,
                coder: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Memos in the order written.
    pub fn memos(&self) -> Result<Vec<MemoRow>, Error> {
        let mut st = self
            .conn
            .prepare("SELECT id, kind, target, coder, text, time FROM memos ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(MemoRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                target: r.get(2)?,
                coder: r.get(3)?,
                text: r.get(4)?,
                time: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The history, oldest first.
    pub fn history(&self) -> Result<Vec<HistoryRow>, Error> {
        let mut st = self.conn.prepare(
            "SELECT h.id, h.time, h.coder, h.command, h.summary, h.undoes,
                (SELECT u.id FROM history u WHERE u.undoes = h.id)
             FROM history h ORDER BY h.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(HistoryRow {
                id: r.get(0)?,
                time: r.get(1)?,
                coder: r.get(2)?,
                command: r.get(3)?,
                summary: r.get(4)?,
                undoes: r.get(5)?,
                undone_by: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Coders who have made decisions (not the automatic coder).
    pub fn coders(&self) -> Result<Vec<String>, Error> {
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT coder FROM codings WHERE coder != ?1 ORDER BY coder")?;
        let rows = st.query_map([crate::AUTO], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Runs SQLite's integrity check: `ok` when the file is whole.
    pub fn integrity_check(&self) -> Result<String, Error> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}
