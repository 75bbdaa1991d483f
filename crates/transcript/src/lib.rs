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

mod ascii_sentences;
mod cases;
mod corpus;
mod docx;
mod error;
mod parse;
pub mod plain;
mod segment;
mod subtitles;
mod summary;
mod survey;
pub mod text;

pub use cases::{Case, Cases};
pub use corpus::{parse_file, read_transcript, Corpus, CorpusWarning, Outline, Roster, CASES_FILE};
pub use docx::{docx_text, MAX_DOCUMENT_XML};
pub use error::{Error, Location};
pub use parse::parse_transcript;
pub use segment::{segment_id, segments, turn_spans, Segment, Unit};
pub use subtitles::{parse_captions, Captions};
pub use summary::{DocumentSummary, Summary};
pub use survey::parse_survey;
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
    /// Document attributes from front matter (keys lower-cased). They
    /// describe the document's participant when the cases file does not.
    pub attributes: std::collections::BTreeMap<String, String>,
    /// Case attributes the document gives for particular speakers (a
    /// survey's other columns), used when the cases file has no row.
    pub speaker_attributes:
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Language of the participants' speech, when it could be told.
    pub language: Option<Language>,
    /// The file's encoding.
    pub encoding: Encoding,
    /// Invalid byte sequences replaced while decoding (see [`Invalid`]).
    pub replaced: usize,
}

impl Transcript {
    /// A transcript of `turns` over `text`, named after `path`'s file stem,
    /// with its language detected: the end of every parser. Fails with
    /// [`Error::Empty`] when there are no turns.
    pub(crate) fn new(
        path: &std::path::Path,
        text: String,
        turns: Vec<Turn>,
    ) -> Result<Transcript, Error> {
        if turns.is_empty() {
            return Err(Error::Empty {
                path: path.to_path_buf(),
            });
        }
        let mut transcript = Transcript {
            id: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            text,
            turns,
            attributes: Default::default(),
            speaker_attributes: Default::default(),
            language: None,
            encoding: Encoding::Utf8,
            replaced: 0,
        };
        transcript.language = detect_language(&transcript);
        Ok(transcript)
    }

    /// Byte ranges of speaker labels that are neither a pseudonymous id
    /// (`P07`) nor a role word (`Interviewer`): labels such as `Alex Smith`
    /// that may be someone's name, for the anonymisation screen.
    pub fn named_speaker_labels(&self) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        for turn in &self.turns {
            if parse::speaker_role(&turn.speaker).is_some() {
                continue;
            }
            let Some(first) = turn.paragraphs.first() else {
                continue;
            };
            if let Some(at) = self.text[..first.start].rfind(turn.speaker.as_str()) {
                out.push(at..at + turn.speaker.len());
            }
        }
        out
    }

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
///
/// A sample of [`LANGUAGE_SAMPLE`] bytes decides: that is more than
/// whatlang needs, and keeps a 50 MB transcript from costing seconds.
pub fn detect_language(transcript: &Transcript) -> Option<Language> {
    let mut sample = String::new();
    'turns: for turn in transcript
        .turns
        .iter()
        .filter(|t| t.role == Role::Participant)
    {
        for p in &turn.paragraphs {
            let text = &transcript.text[p.clone()];
            let room = LANGUAGE_SAMPLE.saturating_sub(sample.len());
            let mut cut = text.len().min(room);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            sample.push_str(&text[..cut]);
            sample.push('\n');
            if sample.len() >= LANGUAGE_SAMPLE {
                break 'turns;
            }
        }
    }
    language_of(&sample)
}

/// Bytes of participant speech language detection looks at.
pub const LANGUAGE_SAMPLE: usize = 8 * 1024;

/// Segments shorter than this many words are too short for a reliable
/// language guess, so only longer ones are checked one by one.
pub const LONG_SEGMENT_WORDS: usize = 12;

fn language_of(text: &str) -> Option<Language> {
    let info = whatlang::detect(text)?;
    Some(Language {
        code: info.lang().code(),
        confidence: info.confidence(),
    })
}

/// Long participant segments whose language is reliably not `expected`
/// (ISO 639-3): a passage in another language inside an English interview
/// would otherwise be coded, or missed, silently.
pub fn foreign_segments(
    transcript: &Transcript,
    unit: Unit,
    expected: &str,
) -> Vec<(Segment, Language)> {
    use unicode_segmentation::UnicodeSegmentation;
    // Plain English needs no trigram scoring (see `plain`): that test is
    // for English only, so other languages ask whatlang about everything.
    let skip_plain = expected == "eng";
    segments(transcript, unit)
        .into_iter()
        .filter(|s| s.role == Role::Participant)
        .filter(|s| {
            s.text(transcript)
                .unicode_words()
                .take(LONG_SEGMENT_WORDS)
                .count()
                >= LONG_SEGMENT_WORDS
        })
        .filter(|s| !(skip_plain && plain::plainly_english(s.text(transcript))))
        .filter_map(|s| {
            let info = whatlang::detect(s.text(transcript))?;
            (info.is_reliable() && info.lang().code() != expected).then(|| {
                let language = Language {
                    code: info.lang().code(),
                    confidence: info.confidence(),
                };
                (s, language)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn documents_and_long_segments_in_another_language_are_found() {
        let t = parse_transcript(
            Path::new("P01.txt"),
            "Interviewer: How was it?\n\
             P01: The training was useful and my manager supported me to go on the course last spring. \
             We talked about it at my appraisal, and she found the money from the team budget for it. \
             I would like to do the assistant practitioner apprenticeship next year if there is a place. \
             Pero la verdad es que el curso de formación fue muy difícil para todos nosotros en el hospital. Short one.\n"
                .into(),
        )
        .unwrap();
        assert_eq!(t.language.as_ref().map(|l| l.code), Some("eng"));
        let foreign: Vec<(String, &str)> = foreign_segments(&t, Unit::Sentence, "eng")
            .into_iter()
            .map(|(s, l)| (s.id, l.code))
            .collect();
        assert_eq!(foreign, [("P01:t2.s4".to_string(), "spa")]);
    }

    #[test]
    fn labels_that_may_be_names_are_located() {
        let t = parse_transcript(
            Path::new("P01.txt"),
            "Interviewer: Hi.\nAlex Smith (00:00:05): Hello.\nP01: Me too.\n[Sam]: Bye.\n".into(),
        )
        .unwrap();
        let found: Vec<&str> = t
            .named_speaker_labels()
            .into_iter()
            .map(|r| &t.text[r])
            .collect();
        assert_eq!(found, ["Alex Smith", "Sam"]);
    }

    #[test]
    fn a_50_megabyte_line_parses_without_trouble() {
        let mut text = String::from("Interviewer: Go on.\nP01: ");
        let sentence =
            "I did the care certificate and then the level three course at the college. ";
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(sentence);
        }
        let t = parse_transcript(Path::new("P01.txt"), text).unwrap();
        assert_eq!(t.turns.len(), 2);
        assert_eq!(t.turns[1].paragraphs.len(), 1);
        assert_eq!(t.language.as_ref().map(|l| l.code), Some("eng"));
    }

    #[test]
    fn binary_junk_is_an_error_not_a_panic() {
        // Deterministic pseudo-random bytes, every value, no valid text.
        let mut x: u32 = 0x9E37_79B9;
        let junk: Vec<u8> = (0..65_536)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        let dir = std::env::temp_dir().join(format!("strand-junk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["junk.txt", "junk.docx", "junk.vtt", "junk.srt"] {
            let path = dir.join(name);
            std::fs::write(&path, &junk).unwrap();
            assert!(read_transcript(&path, Invalid::Reject).is_err(), "{name}");
            // Even with replacement, junk is no transcript.
            assert!(read_transcript(&path, Invalid::Replace).is_err(), "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
