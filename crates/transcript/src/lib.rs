//! Transcript ingest: from files on disk to speaker turns, segments and cases.
//!
//! This crate is the first stage of strand's pipeline (transcript -> segments
//! -> codings -> tables -> report). It reads anonymised interview
//! transcripts, splits them into speaker [`Turn`]s, cuts turns into
//! [`Segment`]s at a chosen [`Unit`], attaches case attributes from a cases
//! file (`participants.csv`) and detects each document's language.
//!
//! It is *not* a coder: it knows nothing of codebooks or themes, and it never
//! writes files. Segments carry byte offsets into their transcript's text
//! rather than copies of it, so later stages can always point back at the
//! exact evidence.
//!
//! Errors never quote transcript text: transcripts are research data under
//! data-protection law, so an error names the file, line and column and what
//! was expected, and nothing more.

mod cases;
mod corpus;
mod docx;
mod error;
mod parse;
mod segment;
mod subtitles;
mod summary;
pub mod text;

pub use cases::{Case, Cases};
pub use corpus::{read_transcript, Corpus, CorpusWarning, CASES_FILE};
pub use docx::{docx_text, MAX_DOCUMENT_XML};
pub use error::{Error, Location};
pub use parse::parse_transcript;
pub use segment::{segments, Segment, Unit};
pub use subtitles::{parse_captions, Captions};
pub use summary::{DocumentSummary, Summary};
pub use text::{Encoding, Invalid, OffsetIndex, Offsets};

use std::ops::Range;

/// Who is speaking in a turn. Interviewer turns are kept (they give context
/// to quotes) but are not coded unless a codebook asks for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Interviewer,
    Participant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Interviewer => "interviewer",
            Role::Participant => "participant",
        }
    }
}

/// One speaker's uninterrupted contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// 1-based position of the turn in its transcript.
    pub number: usize,
    /// The label as written (`Interviewer`, `P07`).
    pub speaker: String,
    pub role: Role,
    /// When the turn starts and ends in the recording, in milliseconds,
    /// where the transcript says (timestamps, subtitle cues).
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    /// Byte ranges of the turn's paragraphs in [`Transcript::text`], label
    /// excluded, surrounding white space trimmed.
    pub paragraphs: Vec<Range<usize>>,
}

impl Turn {
    /// Byte range from the start of the first paragraph to the end of the last.
    pub fn span(&self) -> Range<usize> {
        let start = self.paragraphs.first().map_or(0, |p| p.start);
        let end = self.paragraphs.last().map_or(0, |p| p.end);
        start..end
    }
}

/// A language guess for a document, from `whatlang`.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// ISO 639-3 code, e.g. `eng`.
    pub code: &'static str,
    /// whatlang's confidence, 0 to 1.
    pub confidence: f64,
}

/// One interview, as read from one file.
#[derive(Debug, Clone)]
pub struct Transcript {
    /// Stable document id: the file stem (`P07` for `P07.txt`).
    pub id: String,
    /// The whole text, exactly as decoded from the file.
    pub text: String,
    pub turns: Vec<Turn>,
    /// Document attributes from front matter (keys lower-cased).
    pub attributes: std::collections::BTreeMap<String, String>,
    /// Language of the participants' speech, when it could be told.
    pub language: Option<Language>,
    /// The file's encoding.
    pub encoding: Encoding,
    /// Invalid byte sequences replaced while decoding (see [`Invalid`]).
    pub replaced: usize,
}

impl Transcript {
    /// Participant speaker labels, sorted and without repeats.
    pub fn participants(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .turns
            .iter()
            .filter(|t| t.role == Role::Participant)
            .map(|t| t.speaker.as_str())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Words spoken in the transcript (Unicode word boundaries), labels excluded.
    pub fn word_count(&self) -> usize {
        use unicode_segmentation::UnicodeSegmentation;
        self.turns
            .iter()
            .flat_map(|t| t.paragraphs.iter())
            .map(|p| self.text[p.clone()].unicode_words().count())
            .sum()
    }
}

/// Detects the language of a document from its participants' speech, which
/// is what gets coded; interviewer questions may follow a script in another
/// language.
pub fn detect_language(transcript: &Transcript) -> Option<Language> {
    let mut sample = String::new();
    for turn in transcript
        .turns
        .iter()
        .filter(|t| t.role == Role::Participant)
    {
        for p in &turn.paragraphs {
            sample.push_str(&transcript.text[p.clone()]);
            sample.push('\n');
        }
    }
    let info = whatlang::detect(&sample)?;
    Some(Language {
        code: info.lang().code(),
        confidence: info.confidence(),
    })
}
