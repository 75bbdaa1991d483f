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
    let mut spans = Vec::new();
    for turn in &transcript.turns {
        turn_spans(&transcript.text, turn, unit, &mut spans);
        for (i, span) in spans.drain(..).enumerate() {
            out.push(Segment {
                id: segment_id(&transcript.id, turn.number, unit, i),
                turn: turn.number,
                role: turn.role,
                span,
            });
        }
    }
    out
}

/// The stable id of the `index`th (0-based) segment at `unit` of turn
/// `turn` of document `document`: what [`segments`] puts in
/// [`Segment::id`]. A coder that builds ids only for the segments it codes
/// uses this, so the two cannot disagree.
///
/// Written by hand rather than with `format!`: a coder writes one for every
/// coded segment, and the formatting machinery costs several times more.
pub fn segment_id(document: &str, turn: usize, unit: Unit, index: usize) -> String {
    let mut id = String::with_capacity(document.len() + 16);
    id.push_str(document);
    id.push_str(":t");
    push_number(&mut id, turn);
    match unit {
        Unit::Turn => {}
        Unit::Paragraph => {
            id.push_str(".p");
            push_number(&mut id, index + 1);
        }
        Unit::Sentence => {
            id.push_str(".s");
            push_number(&mut id, index + 1);
        }
    }
    id
}

/// Appends `n` in decimal.
fn push_number(to: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        to.push(d as char);
    }
}

/// Appends to `out` the byte ranges in `text` of one turn's segments at
/// `unit`, in order: the spans of [`segments`] without their ids.
///
/// A coder visits millions of segments and codes a fraction of them;
/// cutting a turn into bare ranges in a buffer it reuses, and naming only
/// the segments that get a coding, keeps allocation out of the loop.
pub fn turn_spans(text: &str, turn: &Turn, unit: Unit, out: &mut Vec<Range<usize>>) {
    match unit {
        Unit::Turn => out.push(turn.span()),
        Unit::Paragraph => out.extend(turn.paragraphs.iter().cloned()),
        Unit::Sentence => sentences(text, turn, out),
    }
}

/// Abbreviations after which a full stop does not end a sentence, lower case.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "st", "prof", "e.g", "i.e", "eg", "ie", "vs", "no", "approx", "cf",
];

/// Sentences of a turn, appended to `out`: Unicode sentence boundaries
/// (UAX #29), then merged back where the boundary follows an abbreviation
/// such as "Dr." or "e.g.", which UAX #29 splits when a capital letter
/// follows.
fn sentences(text: &str, turn: &Turn, out: &mut Vec<Range<usize>>) {
    // Merging never reaches back before this turn's first sentence.
    let first = out.len();
    for para in &turn.paragraphs {
        let mut merge_next = false;
        let body = &text[para.clone()];
        let ascii = body.is_ascii();
        let mut piece = |at: usize, end: usize| {
            let s = &body[at..end];
            let (start, end) = if ascii {
                // White space as `char::is_whitespace` has it in ASCII.
                let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
                let bytes = s.as_bytes();
                let lead = bytes.iter().take_while(|b| space(b)).count();
                let trail = bytes[lead..].iter().rev().take_while(|b| space(b)).count();
                (lead, bytes.len() - trail)
            } else {
                (s.len() - s.trim_start().len(), s.trim_end().len())
            };
            let (start, end) = (para.start + at + start, para.start + at + end);
            if start >= end {
                return;
            }
            let ours = out.len() > first;
            match out.last_mut() {
                Some(prev) if merge_next && ours => prev.end = end,
                _ => out.push(start..end),
            }
            merge_next = ends_with_abbreviation(&text[start..end]);
        };
        // The same UAX #29 boundaries either way; the ASCII path is faster.
        if ascii {
            let mut at = 0;
            crate::ascii_sentences::each_boundary(body, |cut| {
                piece(at, cut);
                at = cut;
            });
            piece(at, body.len());
        } else {
            for (at, s) in body.split_sentence_bound_indices() {
                piece(at, at + s.len());
            }
        }
    }
}

/// The longest of [`ABBREVIATIONS`], in bytes.
const LONGEST_ABBREVIATION: usize = 6;

fn ends_with_abbreviation(sentence: &str) -> bool {
    let Some(body) = sentence.strip_suffix('.') else {
        return false;
    };
    // Every sentence ending in a full stop is asked: look back over its
    // last word a byte at a time while it is ASCII, and give up as soon as
    // it is longer than any abbreviation.
    let bytes = body.as_bytes();
    let mut start = bytes.len();
    while start > 0 {
        match bytes[start - 1] {
            b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b'(' => break,
            0x80.. => return ends_with_abbreviation_unicode(body),
            _ if bytes.len() - start == LONGEST_ABBREVIATION => return false,
            _ => start -= 1,
        }
    }
    let word = &bytes[start..];
    ABBREVIATIONS
        .iter()
        .any(|a| a.as_bytes().eq_ignore_ascii_case(word))
}

/// [`ends_with_abbreviation`] for a sentence (less its full stop) whose
/// last word may hold or follow a character beyond ASCII.
fn ends_with_abbreviation_unicode(body: &str) -> bool {
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

    /// The simple path the fast one must agree with: unicode-segmentation
    /// for every paragraph, ASCII or not, a vector per turn.
    fn reference_sentences(text: &str, turn: &Turn) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for para in &turn.paragraphs {
            let mut merge_next = false;
            for (at, s) in text[para.clone()].split_sentence_bound_indices() {
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

    #[test]
    fn segment_ids_are_written_as_format_would() {
        for (turn, index) in [
            (1, 0),
            (9, 9),
            (10, 99),
            (123, 4567),
            (usize::MAX, usize::MAX - 1),
        ] {
            assert_eq!(
                segment_id("P07", turn, Unit::Turn, index),
                format!("P07:t{turn}")
            );
            assert_eq!(
                segment_id("P07", turn, Unit::Paragraph, index),
                format!("P07:t{turn}.p{}", index + 1)
            );
            assert_eq!(
                segment_id("d\u{e9}j\u{e0}", turn, Unit::Sentence, index),
                format!("d\u{e9}j\u{e0}:t{turn}.s{}", index + 1)
            );
        }
    }

    #[test]
    fn abbreviation_check_agrees_with_the_unicode_one() {
        assert_eq!(
            ABBREVIATIONS.iter().map(|a| a.len()).max(),
            Some(LONGEST_ABBREVIATION)
        );
        const PIECES: &[&str] = &[
            "dr", "Dr", "e.g", "APPROX", "approxi", "x", "no", " ", "\t", "(", "\u{a0}", "\u{e9}",
            "\u{2003}", ".", "\x0b",
        ];
        let mut x: u64 = 0x5DEE_CE66_D1CE_4E5B;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(x % 5) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push_str(PIECES[(x % PIECES.len() as u64) as usize]);
            }
            text.push('.');
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let body = &text[..text.len() - 1];
            assert_eq!(
                ends_with_abbreviation(&text),
                ends_with_abbreviation_unicode(body),
                "{text:?}"
            );
        }
    }

    #[test]
    fn turn_spans_agree_with_unicode_segmentation_on_random_turns() {
        const WORDS: &[&str] = &[
            "a",
            "Dr.",
            "e.g.",
            "No.",
            "cost",
            "Level",
            "3.5",
            "U.S.A.",
            "caf\u{e9}",
            "ok!",
            "why?",
            "(so)",
            "\"yes.\"",
            "...",
            "-",
            "well,",
            "St.",
            "\u{2019}",
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        for _ in 0..1_000 {
            let mut text = String::from("Interviewer: Go on.\nP01: ");
            for _ in 0..1 + next(3) {
                for w in 0..1 + next(12) {
                    if w > 0 {
                        text.push_str([" ", " ", " ", "  ", "\t", "\x0b", " \x0c"][next(7)]);
                    }
                    text.push_str(WORDS[next(WORDS.len())]);
                }
                text.push_str(["\n\n", " ", ". "][next(3)]);
            }
            text.push('\n');
            let Ok(t) = crate::parse_transcript(Path::new("P01.txt"), text.clone()) else {
                continue;
            };
            for turn in &t.turns {
                let mut spans = Vec::new();
                turn_spans(&t.text, turn, Unit::Sentence, &mut spans);
                assert_eq!(spans, reference_sentences(&t.text, turn), "{text:?}");
            }
        }
    }
}
