//! Automatic coding: applies a codebook to a corpus's segments and records,
//! for every coding, the evidence that produced it.
//!
//! This is the third stage of the pipeline (transcript -> segments ->
//! *codings* -> tables -> report). A [`Coder`] segments each transcript at
//! the codebook's unit, asks the codebook's [`Matcher`] where each code's
//! rules fire, applies the codes' negation policies, and pushes each
//! [`Coding`] into a [`Sink`].
//!
//! It is *not* a store of codings (manual coding and review live elsewhere)
//! and it does no counting: tables are the analysis stage's job.

mod check;
mod evaluate;

pub use check::{check, Warning, OVERLAP};
pub use evaluate::{CodeScore, Evaluation, Gold, GoldError};

use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use strand_codebook::{Codebook, Matcher, NegatedPolicy, Speakers};
use strand_transcript::{segments, Corpus, Role, Segment, Transcript, Unit};

/// Why a coding was made: the rule that fired and what it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Index of the rule within the code that fired (the code the match was
    /// recoded from, for a recoded negation).
    pub rule: usize,
    /// The patterns that matched, as written in the codebook.
    pub pattern: String,
    /// Byte range of the matched text in the transcript.
    pub span: Range<usize>,
    /// Whether the match stood in a negation's scope.
    pub negated: bool,
}

/// One code applied to one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    /// Shared with every other coding of the document: a corpus has
    /// millions of codings and few distinct documents, speakers, codes and
    /// coders, so these are reference-counted rather than copied.
    pub document: Arc<str>,
    /// The segment's stable id (`P07:t12.s3`).
    pub segment: String,
    /// Byte range of the segment in the transcript.
    pub segment_span: Range<usize>,
    /// The participant whose turn it is: the case the coding counts for.
    pub speaker: Arc<str>,
    pub code: Arc<str>,
    /// For a negated match recoded by its code's policy (`negated =
    /// "other.code"`): the code whose rule matched. The coding is then
    /// positive evidence for `code`, though its evidence is negated.
    pub recoded_from: Option<Arc<str>>,
    /// Who coded it: `auto:<codebook hash>` for automatic coding, so every
    /// coding can be traced to the exact codebook version that made it.
    pub coder: Arc<str>,
    pub evidence: Evidence,
}

/// Receives codings as they are found.
///
/// Coding pushes into a sink rather than returning an iterator of codings
/// (the same choice ripgrep's searcher makes with its `Sink`): the coder
/// need not know whether codings are collected for analysis, counted for a
/// progress bar, written to a store or printed, and a consumer that wants a
/// `Vec` gets one from the blanket implementation below. A pull-based
/// iterator would have to hold each transcript's segmentation alive between
/// calls and would make "after each document" hooks awkward.
pub trait Sink {
    type Error;

    /// Called once per coding, in document then segment order.
    fn coding(&mut self, coding: Coding) -> Result<(), Self::Error>;

    /// Called after each transcript has been coded.
    fn document_done(&mut self, _transcript: &Transcript) -> Result<(), Self::Error> {
        Ok(())
    }
}

impl Sink for Vec<Coding> {
    type Error = std::convert::Infallible;

    fn coding(&mut self, coding: Coding) -> Result<(), Self::Error> {
        self.push(coding);
        Ok(())
    }
}

/// A document's id and speaker labels, made once per document and shared
/// by its codings.
struct Names {
    document: Arc<str>,
    speakers: Vec<(String, Arc<str>)>,
}

impl Names {
    fn new(t: &Transcript) -> Names {
        let mut speakers: Vec<(String, Arc<str>)> = Vec::new();
        for turn in &t.turns {
            if !speakers.iter().any(|(s, _)| *s == turn.speaker) {
                speakers.push((turn.speaker.clone(), Arc::from(turn.speaker.as_str())));
            }
        }
        Names {
            document: Arc::from(t.id.as_str()),
            speakers,
        }
    }

    fn speaker(&self, label: &str) -> Arc<str> {
        self.speakers
            .iter()
            .find(|(s, _)| s == label)
            .map(|(_, a)| a.clone())
            .unwrap_or_else(|| Arc::from(label))
    }
}

/// Whether a rule's speaker filter admits a turn by `role`.
fn listens(speakers: Speakers, role: Role) -> bool {
    match speakers {
        Speakers::Participant => role == Role::Participant,
        Speakers::Interviewer => role == Role::Interviewer,
        Speakers::Any => true,
    }
}

/// A codebook compiled for coding.
pub struct Coder<'c> {
    codebook: &'c Codebook,
    matcher: Matcher,
    unit: Unit,
    /// Per code, the unit it applies to.
    code_units: Vec<Unit>,
    /// The distinct units in use, the codebook's first.
    units: Vec<Unit>,
    /// Code ids, shared by every coding of each code.
    code_ids: Vec<Arc<str>>,
    coder: Arc<str>,
}

impl<'c> Coder<'c> {
    pub fn new(codebook: &'c Codebook) -> Coder<'c> {
        Coder {
            codebook,
            matcher: Matcher::new(codebook),
            // The codebook crate checked the unit against the same names.
            unit: Unit::from_str(&codebook.unit).unwrap_or_default(),
            code_units: (0..codebook.codes.len())
                .map(|i| Unit::from_str(codebook.unit_of(i)).unwrap_or_default())
                .collect(),
            units: {
                let mut units = vec![Unit::from_str(&codebook.unit).unwrap_or_default()];
                for i in 0..codebook.codes.len() {
                    let u = Unit::from_str(codebook.unit_of(i)).unwrap_or_default();
                    if !units.contains(&u) {
                        units.push(u);
                    }
                }
                units
            },
            code_ids: codebook
                .codes
                .iter()
                .map(|c| Arc::from(c.id.as_str()))
                .collect(),
            coder: Arc::from(format!("auto:{}", codebook.short_hash())),
        }
    }

    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// Codes every transcript of a corpus.
    ///
    /// Documents are coded in parallel (rayon) in batches, and each batch's
    /// codings reach the sink in document order from this thread: the
    /// sink sees exactly what a single thread would produce, whatever the
    /// number of threads, and need not be `Send`. Batches bound the memory
    /// held between coding and the sink.
    pub fn code_corpus<S: Sink>(&self, corpus: &Corpus, sink: &mut S) -> Result<(), S::Error> {
        use rayon::prelude::*;
        const BATCH: usize = 64;
        for batch in corpus.transcripts.chunks(BATCH) {
            let coded: Vec<Vec<Coding>> = batch
                .par_iter()
                .map(|t| {
                    let mut codings = Vec::new();
                    let Ok(()) = self.code_transcript(t, &mut codings);
                    codings
                })
                .collect();
            for (t, codings) in batch.iter().zip(coded) {
                for coding in codings {
                    sink.coding(coding)?;
                }
                sink.document_done(t)?;
            }
        }
        Ok(())
    }

    /// Codes one transcript.
    /// Codes one transcript: each unit the codebook uses, its codes on that
    /// unit's segments, the codebook's own unit first.
    pub fn code_transcript<S: Sink>(&self, t: &Transcript, sink: &mut S) -> Result<(), S::Error> {
        let names = Names::new(t);
        for &unit in &self.units {
            for segment in segments(t, unit) {
                for coding in self.code_segment_named(t, &segment, &names) {
                    sink.coding(coding)?;
                }
            }
        }
        sink.document_done(t)
    }

    /// The unit of a segment, from its id.
    fn unit_of_segment(segment: &Segment) -> Unit {
        let tail = segment.id.rsplit(':').next().unwrap_or("");
        match tail.rsplit_once('.') {
            Some((_, s)) if s.starts_with('s') => Unit::Sentence,
            Some((_, p)) if p.starts_with('p') => Unit::Paragraph,
            _ => Unit::Turn,
        }
    }

    /// Every rule firing on a segment, negated or not, before negation
    /// policies and the choice of one firing per code: what `strand
    /// explain` shows beside the codings that came of it.
    pub fn firings(&self, t: &Transcript, segment: &Segment) -> Vec<strand_codebook::CodeMatch> {
        let role = segment.role;
        let unit = Self::unit_of_segment(segment);
        self.matcher.find_rules_where(
            segment.text(t),
            |s| listens(s, role),
            |c| self.code_units[c] == unit,
        )
    }

    /// Every (code index, rule index) whose rule fires on a segment, before
    /// negation policies and choosing one per code.
    pub fn fired_rules(&self, t: &Transcript, segment: &Segment) -> Vec<(usize, usize)> {
        let role = segment.role;
        let unit = Self::unit_of_segment(segment);
        self.matcher
            .find_rules_where(
                segment.text(t),
                |s| listens(s, role),
                |c| self.code_units[c] == unit,
            )
            .into_iter()
            .filter(|m| !m.negated)
            .map(|m| (m.code, m.rule))
            .collect()
    }

    /// The codings of one segment, sorted by code order in the codebook,
    /// at most one per code.
    pub fn code_segment(&self, t: &Transcript, segment: &Segment) -> Vec<Coding> {
        self.code_segment_named(t, segment, &Names::new(t))
    }

    /// [`Coder::code_segment`] with the document's shared names made once.
    /// at most one per code.
    fn code_segment_named(&self, t: &Transcript, segment: &Segment, names: &Names) -> Vec<Coding> {
        let text = segment.text(t);
        let role = segment.role;
        let listens = |s: Speakers| listens(s, role);
        let speaker = names.speaker(&t.turns[segment.turn - 1].speaker);
        let mut out: Vec<(usize, Coding)> = Vec::new();
        let unit = Self::unit_of_segment(segment);
        for m in self
            .matcher
            .find_where(text, listens, |c| self.code_units[c] == unit)
        {
            let code = &self.codebook.codes[m.code];
            let target = match (&code.negated, m.negated) {
                (_, false) | (NegatedPolicy::Keep, true) => m.code,
                (NegatedPolicy::Ignore, true) => continue,
                (NegatedPolicy::Recode(other), true) => {
                    match self.codebook.codes.iter().position(|c| &c.id == other) {
                        Some(i) => i,
                        None => continue,
                    }
                }
            };
            let coding = Coding {
                document: names.document.clone(),
                segment: segment.id.clone(),
                segment_span: segment.span.clone(),
                speaker: speaker.clone(),
                code: self.code_ids[target].clone(),
                recoded_from: (target != m.code).then(|| self.code_ids[m.code].clone()),
                coder: self.coder.clone(),
                evidence: Evidence {
                    rule: m.rule,
                    pattern: m.pattern,
                    span: segment.span.start + m.span.start..segment.span.start + m.span.end,
                    negated: m.negated,
                },
            };
            // A recoded negation may land on a code that also matched
            // directly; the direct, positive evidence wins.
            match out.iter_mut().find(|(i, _)| *i == target) {
                Some((_, existing)) if existing.evidence.negated && !coding.evidence.negated => {
                    *existing = coding
                }
                Some(_) => {}
                None => out.push((target, coding)),
            }
        }
        out.sort_by_key(|(i, _)| *i);
        out.into_iter().map(|(_, c)| c).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn codebook() -> Codebook {
        Codebook::parse(
            Path::new("cb.toml"),
            r#"
name = "t"
[[code]]
id = "manager"
label = "Manager"
[[code]]
id = "manager.supportive"
label = "Supportive"
negated = "manager.unsupportive"
[[code.rule]]
any = ["supportive"]
[[code]]
id = "manager.unsupportive"
label = "Unsupportive"
[[code.rule]]
any = ["never there"]
[[code]]
id = "cost"
label = "Cost"
negated = "keep"
[[code.rule]]
any = ["cost"]
"#,
        )
        .unwrap()
    }

    #[test]
    fn negation_policies_and_evidence_offsets() {
        let cb = codebook();
        let t = strand_transcript::parse_transcript(
            Path::new("P01.txt"),
            "Interviewer: Is your manager supportive?\nP01: She's not supportive. The cost is fine. Supportive, yes.\n".into(),
        )
        .unwrap();
        let mut codings: Vec<Coding> = Vec::new();
        Coder::new(&cb).code_transcript(&t, &mut codings).unwrap();
        let got: Vec<(&str, &str, &str, bool)> = codings
            .iter()
            .map(|c| {
                (
                    c.segment.as_str(),
                    &*c.code,
                    &t.text[c.evidence.span.clone()],
                    c.evidence.negated,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("P01:t2.s1", "manager.unsupportive", "supportive", true),
                ("P01:t2.s2", "cost", "cost", false),
                ("P01:t2.s3", "manager.supportive", "Supportive", false),
            ]
        );
        assert!(codings.iter().all(|c| &*c.speaker == "P01"));
        assert_eq!(&*codings[0].coder, format!("auto:{}", cb.short_hash()));
    }
}
