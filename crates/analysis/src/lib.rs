//! Aggregation: from codings to the tables a study reports.
//!
//! The fourth stage of the pipeline (transcript -> segments -> codings ->
//! *tables* -> report). A [`Tally`] reduces each transcript and its
//! codings to what the tables need, rolling each coding up the code
//! hierarchy (a segment coded `barriers.cost` counts for `barriers` too):
//! per case and theme, the segments that voice it and the one that best
//! illustrates it; per pair of codes, the units they share. Documents are
//! tallied one at a time and in any order, so a corpus need never be held
//! whole. Polars then counts, from one row per case and theme, how many
//! cases and segments voice each theme, overall and per value of a case
//! attribute such as Trust. It also picks exemplar quotes for each theme.
//!
//! [`study`] (a corpus in memory) and [`study_tally`] (a finished tally)
//! compute the full set of tables `strand analyse` writes:
//! prevalence by every case attribute, the matrix coding query, code
//! co-occurrence, the framework matrix, theme summaries per Trust and the
//! gap analysis against a [`strand_directory::Directory`] (see [`gap`] for
//! its ranking). [`to_parquet`] writes any table as Parquet.
//!
//! This is the only crate that depends on polars, which is slow to build on
//! small machines; its results leave as plain [`strand_table::Table`]s so
//! the report stage and everything else build without it. It does not draw
//! or write anything.

mod attributes;
mod convert;
mod cooccurrence;
mod exemplars;
pub mod framework;
pub mod gap;
mod prepare;
mod prevalence;
mod study;
mod tally;

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use strand_codebook::Codebook;
use strand_coding::Coding;
use strand_table::{Table, Value};

use crate::prepare::Prepared;
use strand_transcript::{Cases, Corpus, CorpusWarning, Unit};

pub use convert::{from_parquet, to_dataframe, to_parquet, to_table};
pub use exemplars::QUOTES_PER_THEME;
pub use gap::GapAttributes;
pub use study::{study, study_tally, StudyTable};
pub use tally::{DocumentTally, Tally};

/// Why analysis failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "no case attribute `{name}` to break prevalence down by; the cases file has: {available}"
    )]
    UnknownAttribute { name: String, available: String },
    #[error("no case attribute `{name}` to {purpose}; the cases file has: {available}")]
    MissingAttribute {
        name: String,
        purpose: &'static str,
        available: String,
    },
    #[error("aggregation failed: {0}")]
    Polars(#[from] polars::error::PolarsError),
}

/// What to analyse.
pub struct Input<'a> {
    pub corpus: &'a Corpus,
    pub codebook: &'a Codebook,
    pub codings: &'a [Coding],
    /// The unit the codings were made at.
    pub unit: Unit,
    /// The case attribute to break prevalence down by (`trust`).
    pub by: &'a str,
}

/// The tables of one analysis run.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// `summary`: metric, value: the size of the corpus and of the coding.
    pub summary: Table,
    /// `participants`: attribute, value, cases.
    pub participants: Table,
    /// `prevalence`: one row per code in codebook order.
    pub prevalence: Table,
    /// `prevalence_by_<attribute>`: one row per code and attribute value.
    pub prevalence_by: Table,
    /// `exemplars`: up to [`QUOTES_PER_THEME`] quotes per code.
    pub exemplars: Table,
}

impl Analysis {
    pub fn tables(&self) -> [&Table; 5] {
        [
            &self.summary,
            &self.participants,
            &self.prevalence,
            &self.prevalence_by,
            &self.exemplars,
        ]
    }
}

/// Runs every aggregation.
pub fn analyse(input: &Input<'_>) -> Result<Analysis, Error> {
    check_by(&input.corpus.cases, &input.corpus.warnings, input.by)?;
    let p = Prepared::new(tally_corpus(input), &input.corpus.cases)?;
    analyse_prepared(&p, input.by, &input.corpus.warnings)
}

/// The tally of a corpus held in memory and its codings, documents
/// tallied in parallel.
pub(crate) fn tally_corpus<'a>(input: &Input<'a>) -> Tally<'a> {
    let mut tally = Tally::new(input.codebook, input.unit);
    let transcripts = &input.corpus.transcripts;
    let documents: HashMap<&str, usize> = transcripts
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut per_document: Vec<Vec<&Coding>> = vec![Vec::new(); transcripts.len()];
    let mut unplaced = 0;
    for c in input.codings {
        match documents.get(&*c.document) {
            Some(&d) => per_document[d].push(c),
            None => unplaced += 1,
        }
    }
    let tallies: Vec<DocumentTally> = transcripts
        .par_iter()
        .zip(per_document)
        .map(|(t, codings)| tally.document(t, codings))
        .collect();
    for d in tallies {
        tally.add(d);
    }
    tally.add_unplaced(unplaced);
    tally
}

fn check_by(cases: &Cases, warnings: &[CorpusWarning], by: &str) -> Result<(), Error> {
    if !warnings.contains(&CorpusWarning::NoCasesFile) && !cases.attributes.iter().any(|a| a == by)
    {
        return Err(Error::UnknownAttribute {
            name: by.to_string(),
            available: cases.attributes.join(", "),
        });
    }
    Ok(())
}

/// [`analyse`] on a prepared tally, with prevalence broken down by the
/// attribute `by`.
pub(crate) fn analyse_prepared(
    p: &Prepared<'_>,
    by: &str,
    warnings: &[CorpusWarning],
) -> Result<Analysis, Error> {
    check_by(p.cases_file, warnings, by)?;
    Ok(Analysis {
        summary: summary(p),
        participants: participants(p.cases_file, &p.cases),
        prevalence: prevalence::overall(p)?,
        prevalence_by: prevalence::by_attribute(p, by)?,
        exemplars: exemplars::exemplars(p),
    })
}

/// Rounds a percentage to one decimal place, as reports show it.
pub(crate) fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

fn summary(p: &Prepared<'_>) -> Table {
    let s = &p.counts;
    let mut table = Table::new("summary", &["metric", "value"]);
    let rows: [(&str, Value); 9] = [
        ("documents", s.documents.into()),
        ("participants", p.cases.len().into()),
        ("turns", s.turns.into()),
        ("participant_turns", s.participant_turns.into()),
        ("unit", p.unit.as_str().into()),
        ("participant_segments", s.participant_segments.into()),
        ("coded_segments", s.coded_segments.into()),
        ("codings", s.codings.into()),
        ("words", s.words.into()),
    ];
    for (k, v) in rows {
        table.push(vec![k.into(), v]).expect("two columns");
    }
    table
}

/// `present`: the participants present in the transcripts, sorted.
fn participants(cases: &Cases, present: &[String]) -> Table {
    let mut table = Table::new("participants", &["attribute", "value", "cases"]);
    for (i, attribute) in cases.attributes.iter().enumerate() {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for case in cases
            .iter()
            .filter(|c| present.binary_search(&c.id).is_ok())
        {
            *counts.entry(case.values[i].as_str()).or_default() += 1;
        }
        let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
        // Numbers in numeric order (2 before 10), text alphabetically.
        if counts.iter().all(|(v, _)| v.parse::<f64>().is_ok()) {
            counts.sort_by(|a, b| {
                a.0.parse::<f64>()
                    .unwrap_or(0.0)
                    .total_cmp(&b.0.parse::<f64>().unwrap_or(0.0))
            });
        }
        for (value, n) in counts {
            table
                .push(vec![attribute.as_str().into(), value.into(), n.into()])
                .expect("three columns");
        }
    }
    table
}
