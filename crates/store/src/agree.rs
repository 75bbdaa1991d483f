//! Gathering coders' decisions into reliability data for
//! strand-agreement.
//!
//! The unit of analysis is a current participant segment at the chosen
//! unit (sentence, paragraph or turn). A coder's value for a code on a
//! unit is 1 when one of their accepted codings of that code overlaps the
//! unit (so a turn-level coding counts for each of its sentences), 0 when
//! they coded the unit's document but not that, and missing when they have
//! made no decision at all in that document: a coder who has not yet read
//! a transcript has not disagreed about it. Krippendorff's alpha uses the
//! missing values as missing; kappa and percent agreement use the units
//! both (all) coders coded.

use std::collections::{BTreeMap, BTreeSet};

use strand_agreement::{
    character_agreement, cohen_kappa, krippendorff_alpha, percent_agreement, CharacterCounts, Value,
};
use strand_transcript::OffsetIndex;

use crate::{Error, Store};

/// One coder's accepted codings: (code, document) to byte ranges.
type Applied = BTreeMap<(String, String), Vec<(usize, usize)>>;

/// Agreement statistics over one set of units.
#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    /// Units coded by at least two of the coders.
    pub units: usize,
    pub percent: Option<f64>,
    /// Cohen's kappa: two coders only.
    pub kappa: Option<f64>,
    /// Krippendorff's alpha (nominal).
    pub alpha: Option<f64>,
}

/// Agreement on one code.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeAgreement {
    pub code: String,
    pub statistics: Statistics,
    /// NVivo's character-level percent agreement and kappa (two coders).
    pub character_percent: Option<f64>,
    pub character_kappa: Option<f64>,
}

/// A unit on which coders differ about a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub segment: String,
    pub code: String,
    /// Per coder, in the order asked: applied, not applied, or not coded.
    pub applied: Vec<Option<bool>>,
}

/// The result of [`Store::agreement`].
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub coders: Vec<String>,
    pub unit: String,
    /// Codes at least one of the coders applied, in codebook order (codes
    /// no longer in the codebook last).
    pub codes: Vec<CodeAgreement>,
    /// Every code's units pooled into one set of (unit, code) decisions.
    pub pooled: Statistics,
    pub disagreements: Vec<Disagreement>,
}

fn statistics(rows: &[Vec<Value>]) -> Statistics {
    let units = rows
        .iter()
        .filter(|r| r.iter().flatten().count() >= 2)
        .count();
    let kappa = (rows.first().map_or(0, Vec::len) == 2).then(|| {
        let pairs: Vec<[Value; 2]> = rows.iter().map(|r| [r[0], r[1]]).collect();
        cohen_kappa(&pairs)
    });
    Statistics {
        units,
        percent: percent_agreement(rows),
        kappa: kappa.flatten(),
        alpha: krippendorff_alpha(rows),
    }
}

impl Store {
    /// Agreement between `coders` at `unit`.
    pub fn agreement(&self, coders: &[String], unit: &str) -> Result<Agreement, Error> {
        if coders.len() < 2 {
            return Err(Error::TooFewCoders(coders.len()));
        }
        let conn = self.conn();
        // Per coder: documents they have decided anything in, and their
        // accepted codings as (code, document) -> byte ranges.
        let mut decided: Vec<BTreeSet<String>> = Vec::new();
        let mut applied: Vec<Applied> = Vec::new();
        for coder in coders {
            let mut st = conn.prepare(
                "SELECT s.document, c.code, c.status, s.start, s.\"end\" FROM codings c
                 JOIN segments s ON s.id = c.segment WHERE c.coder = ?1 AND s.current = 1",
            )?;
            let rows = st.query_map([coder], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, usize>(3)?,
                    r.get::<_, usize>(4)?,
                ))
            })?;
            let mut docs = BTreeSet::new();
            let mut spans: Applied = BTreeMap::new();
            for row in rows {
                let (document, code, status, start, end) = row?;
                docs.insert(document.clone());
                if status == "accepted" {
                    spans
                        .entry((code, document))
                        .or_default()
                        .push((start, end));
                }
            }
            decided.push(docs);
            applied.push(spans);
        }
        let codebook = self.codebook()?;
        let mut codes: Vec<String> = applied
            .iter()
            .flat_map(|m| m.keys().map(|(c, _)| c.clone()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let position = |c: &str| {
            codebook
                .codes
                .iter()
                .position(|x| x.id == c)
                .unwrap_or(usize::MAX)
        };
        codes.sort_by(|a, b| position(a).cmp(&position(b)).then(a.cmp(b)));

        let units: Vec<_> = self
            .segments(unit, None)?
            .into_iter()
            .filter(|s| s.role == "participant")
            .collect();
        let texts: BTreeMap<String, String> = {
            let mut st = conn.prepare("SELECT id, text FROM documents")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let indexes: BTreeMap<&str, OffsetIndex> = texts
            .iter()
            .map(|(id, text)| (id.as_str(), OffsetIndex::new(text)))
            .collect();

        let mut per_code = Vec::new();
        let mut pooled: Vec<Vec<Value>> = Vec::new();
        let mut disagreements = Vec::new();
        for code in &codes {
            let mut rows: Vec<Vec<Value>> = Vec::with_capacity(units.len());
            for u in &units {
                let row: Vec<Value> = (0..coders.len())
                    .map(|k| {
                        if !decided[k].contains(&u.document) {
                            return None;
                        }
                        let hit = applied[k]
                            .get(&(code.clone(), u.document.clone()))
                            .is_some_and(|spans| {
                                spans.iter().any(|&(s, e)| s < u.end && u.start < e)
                            });
                        Some(u32::from(hit))
                    })
                    .collect();
                let present: Vec<u32> = row.iter().flatten().copied().collect();
                if present.len() >= 2 && present.iter().any(|v| *v != present[0]) {
                    disagreements.push(Disagreement {
                        segment: u.sid.clone(),
                        code: code.clone(),
                        applied: row.iter().map(|v| v.map(|v| v == 1)).collect(),
                    });
                }
                rows.push(row);
            }
            let (character_percent, character_kappa) = if coders.len() == 2 {
                let mut documents = Vec::new();
                for (id, index) in &indexes {
                    if !(decided[0].contains(*id) && decided[1].contains(*id)) {
                        continue;
                    }
                    let total = texts[*id].chars().count() as u64;
                    let ranges = |k: usize| -> Vec<std::ops::Range<u64>> {
                        applied[k]
                            .get(&(code.clone(), id.to_string()))
                            .map(|spans| {
                                spans
                                    .iter()
                                    .map(|&(s, e)| index.at(s).0 as u64..index.at(e).0 as u64)
                                    .collect()
                            })
                            .unwrap_or_default()
                    };
                    documents.push(CharacterCounts::from_ranges(total, &ranges(0), &ranges(1)));
                }
                character_agreement(&documents)
            } else {
                (None, None)
            };
            per_code.push(CodeAgreement {
                code: code.clone(),
                statistics: statistics(&rows),
                character_percent,
                character_kappa,
            });
            pooled.extend(rows);
        }
        let order: std::collections::HashMap<&str, usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.sid.as_str(), i))
            .collect();
        disagreements.sort_by(|a, b| {
            let key = |d: &Disagreement| order.get(d.segment.as_str()).copied();
            key(a)
                .cmp(&key(b))
                .then(position(&a.code).cmp(&position(&b.code)))
        });
        Ok(Agreement {
            coders: coders.to_vec(),
            unit: unit.to_string(),
            codes: per_code,
            pooled: statistics(&pooled),
            disagreements,
        })
    }
}
