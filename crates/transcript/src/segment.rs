//! Cutting turns into the segments that get coded.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use unicode_segmentation::UnicodeSegmentation;

use crate::{Role, Transcript, Turn};

/// The unit of text a code is applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Unit {
    /// A whole speaker turn.
    Turn,
    /// A paragraph within a turn.
    Paragraph,
    /// A sentence within a turn: the default, because one answer often
    /// touches several themes and a negation rarely reaches past its sentence.
    #[default]
    Sentence,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Turn => "turn",
            Unit::Paragraph => "paragraph",
            Unit::Sentence => "sentence",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Unit, String> {
        match s {
            "turn" => Ok(Unit::Turn),
            "paragraph" => Ok(Unit::Paragraph),
            "sentence" => Ok(Unit::Sentence),
            _ => Err(format!(
                "unknown unit `{s}`; expected `turn`, `paragraph` or `sentence`"
            )),
        }
    }
}

/// A stretch of one turn that codes are applied to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Stable id: document, turn and position, e.g. `P07:t12.s3` (sentence 3
    /// of turn 12), `P07:t12.p1` (paragraph) or `P07:t12` (whole turn). It
    /// depends only on the text, so re-ingesting an unchanged file gives the
    /// same ids.
    pub id: String,
    /// 1-based turn number.
    pub turn: usize,
    pub role: Role,
    /// Byte range in [`Transcript::text`].
    pub span: Range<usize>,
}

impl Segment {
    pub fn text<'t>(&self, transcript: &'t Transcript) -> &'t str {
        &transcript.text[self.span.clone()]
    }
}

/// Segments a transcript at `unit`, in document order.
pub fn segments(transcript: &Transcript, unit: Unit) -> Vec<Segment> {
    let mut out = Vec::new();
    for turn in &transcript.turns {
        let make = |suffix: String, span: Range<usize>| Segment {
            id: format!("{}:t{}{}", transcript.id, turn.number, suffix),
            turn: turn.number,
            role: turn.role,
            span,
        };
        match unit {
            Unit::Turn => out.push(make(String::new(), turn.span())),
            Unit::Paragraph => {
                for (i, p) in turn.paragraphs.iter().enumerate() {
                    out.push(make(format!(".p{}", i + 1), p.clone()));
                }
            }
            Unit::Sentence => {
                for (i, s) in sentences(&transcript.text, turn).into_iter().enumerate() {
                    out.push(make(format!(".s{}", i + 1), s));
                }
            }
        }
    }
    out
}

/// Abbreviations after which a full stop does not end a sentence, lower case.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "st", "prof", "e.g", "i.e", "eg", "ie", "vs", "no", "approx", "cf",
];

/// Sentences of a turn: Unicode sentence boundaries (UAX #29), then merged
/// back where the boundary follows an abbreviation such as "Dr." or "e.g.",
/// which UAX #29 splits when a capital letter follows.
fn sentences(text: &str, turn: &Turn) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for para in &turn.paragraphs {
        let mut merge_next = false;
        let body = &text[para.clone()];
        // The same UAX #29 boundaries either way; the ASCII path is faster.
        let pieces: Vec<(usize, &str)> = if body.is_ascii() {
            let cuts = crate::ascii_sentences::boundaries(body);
            let starts = std::iter::once(0).chain(cuts.iter().copied());
            let ends = cuts.iter().copied().chain(std::iter::once(body.len()));
            starts.zip(ends).map(|(a, b)| (a, &body[a..b])).collect()
        } else {
            body.split_sentence_bound_indices().collect()
        };
        for (at, s) in pieces {
            let start = para.start + at + (s.len() - s.trim_start().len());
            let end = para.start + at + s.trim_end().len();
            if start >= end {
                continue;
            }
            match out.last_mut() {
                Some(prev) if merge_next => prev.end = end,
                _ => out.push(start..end),
            }
            merge_next = ends_with_abbreviation(&text[start..end]);
        }
    }
    out
}

fn ends_with_abbreviation(sentence: &str) -> bool {
    let Some(body) = sentence.strip_suffix('.') else {
        return false;
    };
    let word = body
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn texts(t: &Transcript, unit: Unit) -> Vec<(String, String)> {
        segments(t, unit)
            .iter()
            .map(|s| (s.id.clone(), s.text(t).to_string()))
            .collect()
    }

    #[test]
    fn sentence_segments_keep_abbreviations_numbers_and_ellipses_together() {
        let t = crate::parse_transcript(
            Path::new("P01.txt"),
            "Interviewer: Go on.\nP01: I saw Dr. Patel about it, e.g. the Level 3. It cost 2.5 thousand... Really? Yes!\n\nNew paragraph.\n"
                .into(),
        )
        .unwrap();
        assert_eq!(
            texts(&t, Unit::Sentence),
            [
                ("P01:t1.s1".to_string(), "Go on.".to_string()),
                (
                    "P01:t2.s1".into(),
                    "I saw Dr. Patel about it, e.g. the Level 3.".into()
                ),
                // An ellipsis before a capital ends a sentence, as in speech.
                ("P01:t2.s2".into(), "It cost 2.5 thousand...".into()),
                ("P01:t2.s3".into(), "Really?".into()),
                ("P01:t2.s4".into(), "Yes!".into()),
                ("P01:t2.s5".into(), "New paragraph.".into()),
            ]
        );
        assert_eq!(
            texts(&t, Unit::Paragraph)[2],
            ("P01:t2.p2".to_string(), "New paragraph.".to_string())
        );
        assert_eq!(texts(&t, Unit::Turn)[1].0, "P01:t2");
        assert_eq!(segments(&t, Unit::Turn)[1].role, Role::Participant);
    }
}
