//! Suggestions, decisions, manual codings and memos.

use rusqlite::{params, OptionalExtension};
use strand_coding::Coding;

use crate::{Error, Tx, AUTO};

/// A coder's decision about a code on a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
}

impl Decision {
    fn status(self) -> &'static str {
        match self {
            Decision::Accept => "accepted",
            Decision::Reject => "rejected",
        }
    }
}

/// What a coding command changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new row.
    Added,
    /// An existing row's status changed.
    Changed,
    /// The coder had already decided exactly this.
    Unchanged,
}

fn check_coder(coder: &str) -> Result<(), Error> {
    if coder.trim().is_empty() || coder.starts_with(AUTO) {
        return Err(Error::BadCoder(coder.to_string()));
    }
    Ok(())
}

impl Tx<'_> {
    /// Stores an automatic coding as a suggestion, unless the same code is
    /// already suggested on the same segment: a second `autocode` adds
    /// nothing. Returns whether a row was added.
    pub fn suggest(&self, coding: &Coding, codebook: &str) -> Result<bool, Error> {
        let segment = self.segment_row(&coding.segment)?;
        let evidence = serde_json::json!({
            "rule": coding.evidence.rule,
            "start": coding.evidence.span.start,
            "end": coding.evidence.span.end,
            "negated": coding.evidence.negated,
            "recoded_from": coding.recoded_from.as_deref(),
        })
        .to_string();
        let n = self.tx.prepare_cached(
            "INSERT INTO codings(segment, code, coder, source, status, rule, evidence, codebook, time)
             VALUES (?1, ?2, ?3, 'automatic', 'suggested', ?4, ?5, ?6, ?7)
             ON CONFLICT(segment, code, coder) DO NOTHING",
        )?
        .execute(params![
            segment,
            &*coding.code,
            AUTO,
            &*coding.evidence.pattern,
            evidence,
            codebook,
            self.now()
        ])?;
        Ok(n > 0)
    }

    /// The row id of the current segment `sid`.
    pub(crate) fn segment_row(&self, sid: &str) -> Result<i64, Error> {
        self.tx
            .prepare_cached("SELECT id FROM segments WHERE sid = ?1 AND current = 1")?
            .query_row([sid], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::UnknownSegment {
                segment: sid.to_string(),
                hint: segment_hint(sid),
            })
    }

    fn check_code(&self, code: &str) -> Result<(), Error> {
        let codebook = self.codebook()?;
        if codebook.get(code).is_some() {
            return Ok(());
        }
        Err(Error::UnknownCode {
            code: code.to_string(),
            similar: crate::queries::similar_code(&codebook, code),
        })
    }

    /// A coder applies `code` to segment `sid` by hand (or re-accepts a
    /// code they had rejected).
    pub fn code(&self, sid: &str, code: &str, coder: &str) -> Result<Outcome, Error> {
        check_coder(coder)?;
        self.check_code(code)?;
        let segment = self.segment_row(sid)?;
        let existing: Option<String> = self
            .tx
            .query_row(
                "SELECT status FROM codings WHERE segment = ?1 AND code = ?2 AND coder = ?3",
                params![segment, code, coder],
                |r| r.get(0),
            )
            .optional()?;
        match existing.as_deref() {
            Some("accepted") => Ok(Outcome::Unchanged),
            Some(_) => {
                self.tx.execute(
                    "UPDATE codings SET status = 'accepted', time = ?4 WHERE segment = ?1 AND code = ?2 AND coder = ?3",
                    params![segment, code, coder, self.now()],
                )?;
                Ok(Outcome::Changed)
            }
            None => {
                self.tx.execute(
                    "INSERT INTO codings(segment, code, coder, source, status, time)
                     VALUES (?1, ?2, ?3, 'manual', 'accepted', ?4)",
                    params![segment, code, coder, self.now()],
                )?;
                Ok(Outcome::Added)
            }
        }
    }

    /// Removes a coder's coding (manual, accepted or rejected) of `code` on
    /// `sid`. Suggestions are not removed: they are the automatic coder's.
    pub fn uncode(&self, sid: &str, code: &str, coder: &str) -> Result<(), Error> {
        check_coder(coder)?;
        let segment = self.segment_row(sid)?;
        let n = self.tx.execute(
            "DELETE FROM codings WHERE segment = ?1 AND code = ?2 AND coder = ?3",
            params![segment, code, coder],
        )?;
        if n == 0 {
            return Err(Error::NotCoded {
                segment: sid.to_string(),
                code: code.to_string(),
                coder: coder.to_string(),
            });
        }
        Ok(())
    }

    /// A coder accepts or rejects `code` on `sid`. Accepting a suggestion
    /// keeps its rule and evidence, so the accepted coding stays traceable
    /// to what suggested it.
    pub fn decide(
        &self,
        sid: &str,
        code: &str,
        coder: &str,
        decision: Decision,
    ) -> Result<Outcome, Error> {
        check_coder(coder)?;
        self.check_code(code)?;
        let segment = self.segment_row(sid)?;
        let existing: Option<String> = self
            .tx
            .query_row(
                "SELECT status FROM codings WHERE segment = ?1 AND code = ?2 AND coder = ?3",
                params![segment, code, coder],
                |r| r.get(0),
            )
            .optional()?;
        let status = decision.status();
        match existing {
            Some(s) if s == status => Ok(Outcome::Unchanged),
            Some(_) => {
                self.tx.execute(
                    "UPDATE codings SET status = ?4, time = ?5 WHERE segment = ?1 AND code = ?2 AND coder = ?3",
                    params![segment, code, coder, status, self.now()],
                )?;
                Ok(Outcome::Changed)
            }
            None => {
                // From the suggestion when there is one; a decision about
                // a code nobody suggested is a manual coding.
                let n = self.tx.execute(
                    "INSERT INTO codings(segment, code, coder, source, status, rule, evidence, codebook, time)
                     SELECT segment, code, ?3, 'automatic', ?4, rule, evidence, codebook, ?5
                     FROM codings WHERE segment = ?1 AND code = ?2 AND coder = ?6",
                    params![segment, code, coder, status, self.now(), AUTO],
                )?;
                if n == 0 {
                    self.tx.execute(
                        "INSERT INTO codings(segment, code, coder, source, status, time)
                         VALUES (?1, ?2, ?3, 'manual', ?4, ?5)",
                        params![segment, code, coder, status, self.now()],
                    )?;
                }
                Ok(Outcome::Added)
            }
        }
    }

    /// Writes a memo. `target` is empty for the project, a document id, a
    /// segment id (`P07:t12.s3`) or, with `on_code`, a code id.
    pub fn memo(&self, target: &str, on_code: bool, coder: &str, text: &str) -> Result<i64, Error> {
        check_coder(coder)?;
        let kind = if on_code {
            self.check_code(target)?;
            "code"
        } else if target.is_empty() {
            "project"
        } else if target.contains(':') {
            self.segment_row(target)?;
            "segment"
        } else {
            let known: bool = self.tx.query_row(
                "SELECT count(*) > 0 FROM documents WHERE id = ?1",
                [target],
                |r| r.get(0),
            )?;
            if !known {
                return Err(Error::UnknownDocument {
                    document: target.to_string(),
                });
            }
            "document"
        };
        self.tx.execute(
            "INSERT INTO memos(kind, target, coder, text, time) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kind, target, coder, text, self.now()],
        )?;
        Ok(self.tx.last_insert_rowid())
    }
}

/// Why a segment id may not be found: the form users mistype most.
fn segment_hint(sid: &str) -> Option<String> {
    if !sid.contains(':') {
        return Some("segment ids look like `P07:t12.s3` (document, turn, sentence)".into());
    }
    None
}
