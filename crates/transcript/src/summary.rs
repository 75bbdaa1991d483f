//! Counting what was ingested, for `strand ingest` and the report.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{segments, Corpus, Role, Unit};

/// The size and shape of a corpus. Counts and pseudonymous ids only:
/// a summary is printed and logged, so it never holds transcript text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub documents: usize,
    pub turns: usize,
    pub participant_turns: usize,
    pub unit: &'static str,
    pub segments: usize,
    pub participant_segments: usize,
    pub words: usize,
    /// Distinct speaker labels per role.
    pub speakers: BTreeMap<&'static str, usize>,
    /// Documents per detected language (ISO 639-3, or `unknown`).
    pub languages: BTreeMap<String, usize>,
    /// Documents per encoding.
    pub encodings: BTreeMap<&'static str, usize>,
    /// Invalid byte sequences replaced while decoding, over all documents.
    pub replaced: usize,
    pub documents_detail: Vec<DocumentSummary>,
}

/// One document's line in a [`Summary`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentSummary {
    pub id: String,
    pub turns: usize,
    pub segments: usize,
    pub words: usize,
    pub language: Option<&'static str>,
    pub encoding: &'static str,
    pub replaced: usize,
}

impl Corpus {
    /// Counts the corpus, segmenting at `unit`.
    pub fn summary(&self, unit: Unit) -> Summary {
        let mut s = Summary {
            documents: self.transcripts.len(),
            turns: 0,
            participant_turns: 0,
            unit: unit.as_str(),
            segments: 0,
            participant_segments: 0,
            words: 0,
            speakers: BTreeMap::new(),
            languages: BTreeMap::new(),
            encodings: BTreeMap::new(),
            replaced: 0,
            documents_detail: Vec::new(),
        };
        let mut labels: BTreeMap<Role, std::collections::BTreeSet<&str>> = BTreeMap::new();
        // Segmenting and counting words is the work, and each document's
        // is its own: done in parallel, added up in document order.
        use rayon::prelude::*;
        let counts: Vec<(usize, usize, usize)> = self
            .transcripts
            .par_iter()
            .map(|t| {
                let segs = segments(t, unit);
                let participant = segs.iter().filter(|s| s.role == Role::Participant).count();
                (segs.len(), participant, t.word_count())
            })
            .collect();
        for (t, (segments, participant_segments, words)) in self.transcripts.iter().zip(counts) {
            s.turns += t.turns.len();
            s.participant_turns += t
                .turns
                .iter()
                .filter(|t| t.role == Role::Participant)
                .count();
            s.segments += segments;
            s.participant_segments += participant_segments;
            s.words += words;
            s.replaced += t.replaced;
            for turn in &t.turns {
                labels.entry(turn.role).or_default().insert(&turn.speaker);
            }
            let language = t.language.as_ref().map(|l| l.code);
            *s.languages
                .entry(language.unwrap_or("unknown").to_string())
                .or_default() += 1;
            *s.encodings.entry(t.encoding.as_str()).or_default() += 1;
            s.documents_detail.push(DocumentSummary {
                id: t.id.clone(),
                turns: t.turns.len(),
                segments,
                words,
                language,
                encoding: t.encoding.as_str(),
                replaced: t.replaced,
            });
        }
        s.speakers = labels
            .into_iter()
            .map(|(r, l)| (r.as_str(), l.len()))
            .collect();
        s
    }
}
