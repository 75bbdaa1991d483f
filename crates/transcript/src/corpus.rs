//! A corpus folder: transcripts plus the cases file that describes their
//! participants.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::{parse, text, Cases, Error, Invalid, Role, Transcript};

/// File name extensions read as transcripts.
pub const EXTENSIONS: &[&str] = &["txt", "docx", "vtt", "srt", "csv"];

/// The name of the cases file inside a corpus folder.
pub const CASES_FILE: &str = "participants.csv";

/// Something about a corpus that does not stop it being read but that a
/// researcher must know, because it changes what the numbers mean.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum CorpusWarning {
    /// A participant speaker label with no row in the cases file: their
    /// segments are coded but belong to no Trust, role or band.
    SpeakerWithoutCase { document: String, speaker: String },
    /// A row in the cases file with no transcript.
    CaseWithoutTranscript { case: String },
    /// The corpus has no cases file at all.
    NoCasesFile,
}

impl fmt::Display for CorpusWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A label that is not a pseudonymous id or a role word may be
            // someone's name (`Alex Smith (00:02:00):`), and warnings reach
            // logs and reports, so it is not repeated.
            CorpusWarning::SpeakerWithoutCase { document, speaker }
                if crate::parse::speaker_role(speaker).is_none() =>
            {
                write!(
                    f,
                    "{document}: a speaker labelled by name, not by a pseudonymous id, has no row in {CASES_FILE}; their segments have no case attributes"
                )
            }
            CorpusWarning::SpeakerWithoutCase { document, speaker } => write!(
                f,
                "{document}: speaker `{speaker}` has no row in {CASES_FILE}; their segments have no case attributes"
            ),
            CorpusWarning::CaseWithoutTranscript { case } => {
                write!(f, "{CASES_FILE}: case `{case}` has no transcript")
            }
            CorpusWarning::NoCasesFile => write!(
                f,
                "no {CASES_FILE}: segments have no case attributes (Trust, role, band)"
            ),
        }
    }
}

/// What the corpus-level checks need of a transcript once its text has
/// been used: its id, its participants and the case attributes it gives.
/// A corpus too large to hold is read a transcript at a time (see
/// `strand analyse`), keeping only this of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub id: String,
    /// Participant speakers, sorted.
    pub participants: Vec<String>,
    pub attributes: BTreeMap<String, String>,
    pub speaker_attributes: BTreeMap<String, BTreeMap<String, String>>,
}

impl Transcript {
    pub fn outline(&self) -> Outline {
        Outline {
            id: self.id.clone(),
            participants: self
                .participants()
                .into_iter()
                .map(str::to_string)
                .collect(),
            attributes: self.attributes.clone(),
            speaker_attributes: self.speaker_attributes.clone(),
        }
    }
}

/// A corpus's cases and warnings: the cases file completed by the
/// transcripts' front matter, checked against the transcripts' speakers.
#[derive(Debug, Clone)]
pub struct Roster {
    pub cases: Cases,
    pub warnings: Vec<CorpusWarning>,
}

impl Roster {
    /// Checks document ids are unique (naming `dir` if not), adds the
    /// cases front matter describes, and warns of speakers without cases,
    /// cases without transcripts, or no cases at all. Warnings are sorted,
    /// so the order outlines come in does not matter.
    pub fn new(
        dir: &Path,
        mut outlines: Vec<Outline>,
        cases: Option<Cases>,
    ) -> Result<Roster, Error> {
        outlines.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(w) = outlines.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(Error::DuplicateDocument {
                path: dir.to_path_buf(),
                id: w[0].id.clone(),
            });
        }
        let mut warnings = Vec::new();
        let mut has_cases = cases.is_some();
        let mut cases = cases.unwrap_or_default();
        // Front matter describes the document's participant when the cases
        // file does not.
        for t in &outlines {
            for (speaker, attributes) in &t.speaker_attributes {
                cases.insert_from_front_matter(speaker, attributes);
                has_cases = true;
            }
            if t.attributes.is_empty() {
                continue;
            }
            for speaker in &t.participants {
                cases.insert_from_front_matter(speaker, &t.attributes);
                has_cases = true;
            }
        }
        let mut speakers = BTreeSet::new();
        for t in &outlines {
            for speaker in &t.participants {
                speakers.insert(speaker.as_str());
                if has_cases && cases.get(speaker).is_none() {
                    warnings.push(CorpusWarning::SpeakerWithoutCase {
                        document: t.id.clone(),
                        speaker: speaker.clone(),
                    });
                }
            }
        }
        if has_cases {
            for case in cases.iter() {
                if !speakers.contains(case.id.as_str()) {
                    warnings.push(CorpusWarning::CaseWithoutTranscript {
                        case: case.id.clone(),
                    });
                }
            }
        } else {
            warnings.push(CorpusWarning::NoCasesFile);
        }
        warnings.sort();
        Ok(Roster { cases, warnings })
    }
}

/// Every transcript of a study and its cases.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Transcripts sorted by id, so everything downstream is deterministic.
    pub transcripts: Vec<Transcript>,
    pub cases: Cases,
    pub warnings: Vec<CorpusWarning>,
}

impl Corpus {
    /// Lists a corpus folder's transcripts: the `.txt`, `.docx`, `.vtt`, `.srt` and survey `.csv` files in its
    /// `transcripts/` folder, or in the folder itself when it has none,
    /// sorted by name.
    pub fn transcript_paths(dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let sub = dir.join("transcripts");
        let from = if sub.is_dir() { sub } else { dir.to_path_buf() };
        let io = |source| Error::Io {
            path: from.clone(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(&from).map_err(io)? {
            let path = entry.map_err(io)?.path();
            // The cases file sits beside transcripts when a corpus has no
            // `transcripts/` folder; it is not a survey.
            if path.file_name().is_some_and(|n| n == CASES_FILE) {
                continue;
            }
            if path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x))
            {
                paths.push(path);
            }
        }
        paths.sort();
        if paths.is_empty() {
            return Err(Error::NoTranscripts { path: from });
        }
        Ok(paths)
    }

    /// Reads a corpus folder, rejecting invalid bytes. `on_document` is
    /// called after each transcript is read, for progress reporting.
    pub fn load(dir: &Path, on_document: impl Fn() + Sync) -> Result<Corpus, Error> {
        Corpus::load_with(dir, Invalid::Reject, on_document)
    }

    /// Reads a corpus folder, treating invalid bytes as `invalid` says.
    ///
    /// Transcripts are read and parsed in parallel (rayon's pool, so
    /// `RAYON_NUM_THREADS` bounds it): parsing and the per-document
    /// language guess cost more than the reading. The corpus is the same
    /// whatever the number of threads, and so is the error: when several
    /// files are bad, the first in path order is reported. `on_document`
    /// is called from the worker threads, once per transcript.
    pub fn load_with(
        dir: &Path,
        invalid: Invalid,
        on_document: impl Fn() + Sync,
    ) -> Result<Corpus, Error> {
        use rayon::prelude::*;
        let read: Vec<Result<Transcript, Error>> = Corpus::transcript_paths(dir)?
            .par_iter()
            .map(|path| {
                let t = read_transcript(path, invalid);
                on_document();
                t
            })
            .collect();
        let transcripts = read.into_iter().collect::<Result<Vec<_>, _>>()?;
        Corpus::assemble(dir, transcripts, Corpus::read_cases(dir)?)
    }

    /// Builds a corpus from transcripts already read, checking ids and
    /// cross-referencing speakers with cases (see [`Roster::new`]).
    pub fn assemble(
        dir: &Path,
        mut transcripts: Vec<Transcript>,
        cases: Option<Cases>,
    ) -> Result<Corpus, Error> {
        transcripts.sort_by(|a, b| a.id.cmp(&b.id));
        let outlines = transcripts.iter().map(Transcript::outline).collect();
        let Roster { cases, warnings } = Roster::new(dir, outlines, cases)?;
        Ok(Corpus {
            transcripts,
            cases,
            warnings,
        })
    }

    /// The cases file of a corpus folder, if it has one.
    pub fn read_cases(dir: &Path) -> Result<Option<Cases>, Error> {
        let path = dir.join(CASES_FILE);
        if path.exists() {
            Ok(Some(Cases::read(&path)?))
        } else {
            Ok(None)
        }
    }

    /// Number of distinct participant speakers across the corpus.
    pub fn participant_count(&self) -> usize {
        self.transcripts
            .iter()
            .flat_map(|t| t.turns.iter())
            .filter(|turn| turn.role == Role::Participant)
            .map(|turn| turn.speaker.as_str())
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// Transcripts whose detected language is not `expected` (ISO 639-3),
    /// or could not be told.
    pub fn language_mismatches<'c>(&'c self, expected: &str) -> Vec<&'c Transcript> {
        self.transcripts
            .iter()
            .filter(|t| t.language.as_ref().is_none_or(|l| l.code != expected))
            .collect()
    }
}

/// Reads and parses one transcript file.
pub fn read_transcript(path: &Path, invalid: Invalid) -> Result<Transcript, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_file(path, bytes, invalid)
}

/// Parses a transcript file's bytes, read already (from a project store,
/// say), choosing the format from `path`'s extension as
/// [`read_transcript`] does. `path` only names the file and gives the
/// document id.
pub fn parse_file(path: &Path, bytes: Vec<u8>, invalid: Invalid) -> Result<Transcript, Error> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if extension.as_deref() == Some("docx") {
        let text = crate::docx_text(path, &bytes)?;
        return parse::parse_transcript(path, text);
    }
    let decoded = text::decode(path, bytes, invalid)?;
    let mut transcript = match extension.as_deref() {
        Some("vtt") => crate::parse_captions(path, &decoded.text, crate::Captions::WebVtt)?,
        Some("srt") => crate::parse_captions(path, &decoded.text, crate::Captions::Srt)?,
        Some("csv") => crate::parse_survey(path, &decoded.text)?,
        _ => parse::parse_transcript(path, decoded.text)?,
    };
    transcript.encoding = decoded.encoding;
    transcript.replaced = decoded.replaced;
    Ok(transcript)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript(name: &str, text: &str) -> Transcript {
        crate::parse_transcript(Path::new(name), text.to_string()).unwrap()
    }

    #[test]
    fn parallel_reading_keeps_path_order_and_reports_the_first_bad_file() {
        let dir = std::env::temp_dir().join(format!("strand-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in (1..=40).rev() {
            std::fs::write(
                dir.join(format!("P{i:02}.txt")),
                format!("P{i:02}: Hello {i}.\n"),
            )
            .unwrap();
        }
        let corpus = Corpus::load(&dir, || {}).unwrap();
        let ids: Vec<String> = corpus.transcripts.iter().map(|t| t.id.clone()).collect();
        let expected: Vec<String> = (1..=40).map(|i| format!("P{i:02}")).collect();
        assert_eq!(ids, expected);
        assert_eq!(corpus.transcripts[6].text, "P07: Hello 7.\n");
        // Two bad files: whichever thread fails first, the error names
        // the first in path order.
        std::fs::write(dir.join("P31.txt"), b"P31: \xff\n").unwrap();
        std::fs::write(dir.join("P12.txt"), b"P12: \xfe\n").unwrap();
        let err = Corpus::load(&dir, || {}).unwrap_err().to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(err.contains("P12.txt"), "{err}");
    }

    #[test]
    fn front_matter_supplies_missing_cases_and_the_cases_file_wins() {
        let cases = Cases::parse(Path::new("p.csv"), "id,trust\nP01,Northbrook\n").unwrap();
        let corpus = Corpus::assemble(
            Path::new("c"),
            vec![
                transcript("P02.txt", "---\nband: 2\ntrust: Eastvale\n---\nP02: Hi.\n"),
                transcript("P01.txt", "---\ntrust: Elsewhere\n---\nP01: Hi.\n"),
            ],
            Some(cases),
        )
        .unwrap();
        assert_eq!(corpus.cases.attributes, ["trust", "band"]);
        assert_eq!(corpus.cases.attribute("P01", "trust"), Some("Northbrook"));
        assert_eq!(corpus.cases.attribute("P01", "band"), Some(""));
        assert_eq!(corpus.cases.attribute("P02", "trust"), Some("Eastvale"));
        assert_eq!(corpus.cases.attribute("P02", "band"), Some("2"));
        assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
        let ids: Vec<&str> = corpus.transcripts.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["P01", "P02"]);
    }

    #[test]
    fn speakers_without_cases_and_cases_without_transcripts_are_reported() {
        let cases = Cases::parse(Path::new("p.csv"), "id,trust\nP01,A\nP09,B\n").unwrap();
        let corpus = Corpus::assemble(
            Path::new("c"),
            vec![transcript(
                "P01.txt",
                "Interviewer: Hi.\nP01: Hi.\nP02: Me too.\n",
            )],
            Some(cases),
        )
        .unwrap();
        let shown: Vec<String> = corpus.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            shown,
            [
                "P01: speaker `P02` has no row in participants.csv; their segments have no case attributes",
                "participants.csv: case `P09` has no transcript",
            ]
        );
        let named = Corpus::assemble(
            Path::new("c"),
            vec![transcript("P05.txt", "Alex Smith (00:00:01): Hello.\n")],
            Some(Cases::parse(Path::new("p.csv"), "id,trust\nP05,A\n").unwrap()),
        )
        .unwrap();
        let shown: Vec<String> = named.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            shown,
            [
                "P05: a speaker labelled by name, not by a pseudonymous id, has no row in participants.csv; their segments have no case attributes",
                "participants.csv: case `P05` has no transcript",
            ]
        );
        assert!(shown.iter().all(|w| !w.contains("Alex")));
        let twice = Corpus::assemble(
            Path::new("c"),
            vec![
                transcript("P01.txt", "P01: a\n"),
                transcript("P01.txt", "P01: b\n"),
            ],
            None,
        )
        .unwrap_err();
        assert_eq!(
            twice.to_string(),
            "c: two transcripts have the id `P01`; file names must be unique"
        );
    }
}
