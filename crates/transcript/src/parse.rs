//! The plain-text transcript format: speaker turns marked by a label and a
//! colon at the start of a line.
//!
//! ```text
//! Interviewer: How did you come into the role?
//!
//! P07: I started on the ward in 2015.
//!
//! A blank line starts a new paragraph of the same turn.
//! ```
//!
//! Transcription services vary the label: `[P07] text`, `P07 (00:01:02):
//! text`, `[00:01:02] Interviewer: text`, a label alone on its line. All
//! are read, and a timestamp becomes the turn's start time.
//!
//! Only labels that look like speaker labels start a turn (interviewer words
//! such as `Interviewer` or `Int`, participant ids such as `P07`, and
//! `Participant 7`), so an answer that happens to contain `Well: ...` at
//! the start of a line, or a paragraph that opens with `[laughs]`, stays
//! part of its turn instead of inventing a speaker.
//!
//! A transcript may open with front matter, document attributes between
//! two `---` lines:
//!
//! ```text
//! ---
//! trust: Northbrook
//! band: 3
//! ---
//! Interviewer: ...
//! ```

use std::ops::Range;
use std::path::Path;

use crate::{Error, Location, Role, Transcript, Turn};

const INTERVIEWER_LABELS: &[&str] = &[
    "interviewer",
    "int",
    "i",
    "researcher",
    "facilitator",
    "moderator",
];

/// Transcribers' bracketed notes, which are not speakers.
fn is_annotation(label: &str) -> bool {
    const NOTES: &[&str] = &[
        "laughs",
        "laughter",
        "laughing",
        "pause",
        "long pause",
        "inaudible",
        "crosstalk",
        "silence",
        "coughs",
        "sighs",
        "unclear",
        "overlapping",
        "redacted",
        "interruption",
        "phone rings",
        "background noise",
        "end of recording",
        "recording ends",
    ];
    NOTES.iter().any(|n| n.eq_ignore_ascii_case(label.trim()))
}

/// Whether `label` could be someone's name or pseudonym: one to four
/// words of letters (and `'`, `-`, `.`), starting with a letter.
pub(crate) fn is_name(label: &str) -> bool {
    let words: Vec<&str> = label.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && label.len() <= 60
        && label.starts_with(|c: char| c.is_alphabetic())
        && label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '\'' | '-' | '.' | '\u{2019}'))
}

/// Classifies a speaker label, or says it is not one.
pub(crate) fn speaker_role(label: &str) -> Option<Role> {
    if INTERVIEWER_LABELS
        .iter()
        .any(|l| l.eq_ignore_ascii_case(label))
    {
        return Some(Role::Interviewer);
    }
    let lower = label.to_ascii_lowercase();
    for word in ["participant", "respondent", "interviewee"] {
        if let Some(rest) = lower.strip_prefix(word) {
            let rest = rest.trim_start();
            if rest.is_empty() || (rest.len() <= 4 && rest.bytes().all(|b| b.is_ascii_digit())) {
                return Some(Role::Participant);
            }
        }
    }
    // Pseudonymous participant ids: letters then digits, e.g. P07, HCSW12.
    let letters = label.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = &label[letters..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if (1..=4).contains(&letters)
        && (1..=6).contains(&rest.len())
        && rest.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Role::Participant);
    }
    None
}

/// A line that starts a turn.
#[derive(Debug, PartialEq)]
struct Label<'l> {
    speaker: &'l str,
    role: Role,
    /// Milliseconds from the start of the recording, when the line says.
    start: Option<u64>,
    /// Byte offset of the turn's text in the line.
    text_at: usize,
}

/// Reads a timestamp (`1:02`, `00:01:02`, `00:01:02.5`, `00:01:02,500`)
/// at the start of `s`, optionally in brackets or parentheses: its value in
/// milliseconds and its length in bytes.
fn timestamp(s: &str) -> Option<(u64, usize)> {
    let (open, close) = match s.as_bytes().first()? {
        b'[' => (1, Some(']')),
        b'(' => (1, Some(')')),
        _ => (0, None),
    };
    let body = &s[open..];
    let len = body
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ','))
        .unwrap_or(body.len());
    let (clock, fraction) = match body[..len].find(['.', ',']) {
        Some(i) => (&body[..i], &body[i + 1..len]),
        None => (&body[..len], ""),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return None;
    }
    let mut seconds = 0u64;
    for p in &parts {
        seconds = seconds * 60 + p.parse::<u64>().ok()?;
    }
    let millis = match fraction.len() {
        0 => 0,
        1..=3 => fraction.parse::<u64>().ok()? * 10u64.pow(3 - fraction.len() as u32),
        _ => return None,
    };
    let mut end = open + len;
    if let Some(close) = close {
        if !body[len..].starts_with(close) {
            return None;
        }
        end += 1;
    }
    Some((seconds * 1000 + millis, end))
}

/// Recognises a line that starts a turn, in any of the label forms above.
fn split_label(line: &str) -> Option<Label<'_>> {
    let skip_spaces = |at: usize| at + (line[at..].len() - line[at..].trim_start().len());
    let mut at = skip_spaces(0);
    let mut start = None;
    // A leading timestamp: `[00:01:02] P07: ...`.
    if let Some((ms, len)) = timestamp(&line[at..]) {
        if line[at + len..].starts_with(' ') {
            start = Some(ms);
            at = skip_spaces(at + len);
        }
    }
    let (speaker, bracketed) = if line[at..].starts_with('[') {
        let close = line[at..].find(']')?;
        let label = line[at + 1..at + close].trim();
        at += close + 1;
        (label, true)
    } else {
        let len = line[at..]
            .find(|c: char| {
                !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '\'' | '.' | '\u{2019}'))
            })
            .unwrap_or(line.len() - at);
        let label = line[at..at + len].trim_end();
        at += label.len();
        (label, false)
    };
    at = skip_spaces(at);
    // A timestamp after the label: `P07 (00:01:02): ...`.
    let mut timed = false;
    if let Some((ms, len)) = timestamp(&line[at..]) {
        start = start.or(Some(ms));
        at = skip_spaces(at + len);
        timed = true;
    }
    let colon = line[at..].starts_with(':');
    if colon {
        at = skip_spaces(at + 1);
    } else if !bracketed {
        return None;
    }
    // Any name is a label when its form leaves no doubt (`Name (00:01:02):`
    // or `[Name]:`); otherwise only recognised labels are, so that prose
    // never turns into speakers.
    // `[Name]` alone on its line is a label too, unless it is one of the
    // annotations transcribers put on a line of their own.
    let alone = bracketed && line[at..].trim().is_empty() && !is_annotation(speaker);
    let role = match speaker_role(speaker) {
        Some(role) => role,
        None if (timed || (bracketed && colon) || alone) && is_name(speaker) => Role::Participant,
        None => return None,
    };
    Some(Label {
        speaker,
        role,
        start,
        text_at: at,
    })
}

/// Reads front matter (`---` lines around `key: value` lines) at the top of
/// `text`: the attributes and the byte offset where the transcript proper
/// begins.
fn front_matter(
    path: &Path,
    text: &str,
) -> Result<(std::collections::BTreeMap<String, String>, usize), Error> {
    let mut attributes = std::collections::BTreeMap::new();
    let mut lines = crate::text::lines(text);
    let Some(first) = lines.next() else {
        return Ok((attributes, 0));
    };
    if text[first.clone()].trim_end() != "---" {
        return Ok((attributes, 0));
    }
    for line in lines {
        let content = text[line.clone()].trim();
        if content == "---" {
            let body = text[line.end..]
                .strip_prefix("\r\n")
                .or_else(|| text[line.end..].strip_prefix(['\n', '\r']));
            let end = body.map_or(text.len(), |b| text.len() - b.len());
            return Ok((attributes, end));
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let Some((key, value)) = content.split_once(':') else {
            return Err(Error::FrontMatter {
                at: Location::at(path, text, line.start),
                message: "expected `key: value`".into(),
            });
        };
        let key = key.trim().to_ascii_lowercase();
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(Error::FrontMatter {
                at: Location::at(path, text, line.start),
                message: "expected a key of letters, digits and `_` before `:`".into(),
            });
        }
        if attributes.insert(key, value.trim().to_string()).is_some() {
            return Err(Error::FrontMatter {
                at: Location::at(path, text, line.start),
                message: "this key is already given above".into(),
            });
        }
    }
    Err(Error::FrontMatter {
        at: Location::at(path, text, text.len()),
        message: "the front matter has no closing `---` line".into(),
    })
}

/// Parses a transcript's text. `path` is used for the document id (its file
/// stem) and for error messages.
pub fn parse_transcript(path: &Path, text: String) -> Result<Transcript, Error> {
    if text.trim().is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }

    let (attributes, body_at) = front_matter(path, &text)?;
    let mut turns: Vec<Turn> = Vec::new();
    // Start offset of the label of the turn being built, for EmptyTurn errors.
    let mut turn_label_at = 0;
    // The paragraph being built, and whether a blank line ended it.
    let mut open: Option<Range<usize>> = None;

    let finish_turn = |turns: &mut Vec<Turn>, open: &mut Option<Range<usize>>, label_at: usize| {
        if let Some(p) = open.take() {
            if let Some(t) = turns.last_mut() {
                t.paragraphs.push(p);
            }
        }
        match turns.last() {
            Some(t) if t.paragraphs.is_empty() => Err(Error::EmptyTurn {
                at: Location::at(path, &text, label_at),
            }),
            _ => Ok(()),
        }
    };

    for range in crate::text::lines(&text[body_at..]) {
        let line_start = body_at + range.start;
        let line = &text[line_start..body_at + range.end];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let (Some(p), Some(t)) = (open.take(), turns.last_mut()) {
                t.paragraphs.push(p);
            }
            continue;
        }
        let (content_start, started) = match split_label(line) {
            Some(label) => {
                finish_turn(&mut turns, &mut open, turn_label_at)?;
                turn_label_at = line_start;
                turns.push(Turn {
                    number: turns.len() + 1,
                    speaker: label.speaker.to_string(),
                    role: label.role,
                    start_ms: label.start,
                    end_ms: None,
                    paragraphs: Vec::new(),
                });
                (line_start + label.text_at, true)
            }
            None => {
                if turns.is_empty() {
                    let lead = line.len() - line.trim_start().len();
                    return Err(Error::Unlabelled {
                        at: Location::at(path, &text, line_start + lead),
                    });
                }
                let lead = line.len() - line.trim_start().len();
                (line_start + lead, false)
            }
        };
        let content_end = line_start + line.trim_end().len();
        if content_start >= content_end {
            continue; // a label on a line of its own
        }
        match &mut open {
            // A wrapped line continues the paragraph it belongs to.
            Some(p) if !started => p.end = content_end,
            _ => {
                if let (Some(p), Some(t)) = (open.take(), turns.last_mut()) {
                    t.paragraphs.push(p);
                }
                open = Some(content_start..content_end);
            }
        }
    }
    finish_turn(&mut turns, &mut open, turn_label_at)?;

    let mut transcript = Transcript::new(path, text, turns)?;
    transcript.attributes = attributes;
    Ok(transcript)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Transcript, Error> {
        parse_transcript(Path::new("t/P01.txt"), text.to_string())
    }

    #[test]
    fn turns_paragraphs_and_roles() {
        let t = parse(
            "Interviewer: How long?\n\nP01: Six years.\nStill going.\n\nA second paragraph.\nInterviewer: Thanks.\n",
        )
        .unwrap();
        assert_eq!(t.id, "P01");
        assert_eq!(t.turns.len(), 3);
        assert_eq!(t.turns[0].role, Role::Interviewer);
        assert_eq!(t.turns[1].speaker, "P01");
        assert_eq!(t.turns[1].role, Role::Participant);
        let paras: Vec<&str> = t.turns[1]
            .paragraphs
            .iter()
            .map(|p| &t.text[p.clone()])
            .collect();
        assert_eq!(paras, ["Six years.\nStill going.", "A second paragraph."]);
        assert_eq!(t.turns[2].number, 3);
    }

    #[test]
    fn label_on_its_own_line_and_crlf() {
        let t = parse("Interviewer:\r\nHello there.\r\nP02:\r\nHi.\r\n").unwrap();
        assert_eq!(&t.text[t.turns[0].span()], "Hello there.");
        assert_eq!(&t.text[t.turns[1].span()], "Hi.");
    }

    #[test]
    fn colon_inside_an_answer_is_not_a_speaker() {
        let t = parse("P01: The thing is:\nWell: it depends.\n").unwrap();
        assert_eq!(t.turns.len(), 1);
        assert_eq!(
            &t.text[t.turns[0].span()],
            "The thing is:\nWell: it depends."
        );
    }

    #[test]
    fn unlabelled_text_is_an_error_with_its_place() {
        let err = parse("\n  Hello\nP01: hi\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "t/P01.txt:2:3: text before the first speaker label; expected a line starting with a label such as `Interviewer:` or `P07:`"
        );
    }

    #[test]
    fn empty_turn_and_empty_file_are_errors() {
        let err = parse("Interviewer: Hi\nP01:\n\nInterviewer: And?\n").unwrap_err();
        assert!(matches!(err, Error::EmptyTurn { ref at } if at.line == 2 && at.column == 1));
        assert!(matches!(parse(" \n\n"), Err(Error::Empty { .. })));
    }

    fn turns(text: &str) -> Vec<(String, Role, Option<u64>, String)> {
        let t = parse(text).unwrap();
        t.turns
            .iter()
            .map(|turn| {
                (
                    turn.speaker.clone(),
                    turn.role,
                    turn.start_ms,
                    t.text[turn.span()].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn label_forms_of_transcription_services() {
        let got = turns(
            "[Interviewer] How long?\n\
             [P07]: Six years.\n\
             Interviewer (00:01:02): And before?\n\
             [00:01:05] P07: A shop.\n\
             Participant 7 [1:02:03.5]: Then here.\n\
             Respondent:\n\
             On its own line.\n\
             [laughs] Still the respondent.\n\
             Alex Smith (00:02:00): Named by the service.\n\
             [Sam]: Bracketed and named.\n\
             Well (really): not a speaker.\n\
             [Alex]\n\
             On the next line.\n\
             [pause]\n\
             Still Alex.\n",
        );
        let p = Role::Participant;
        let i = Role::Interviewer;
        assert_eq!(
            got,
            [
                ("Interviewer".into(), i, None, "How long?".into()),
                ("P07".into(), p, None, "Six years.".into()),
                ("Interviewer".into(), i, Some(62_000), "And before?".into()),
                ("P07".into(), p, Some(65_000), "A shop.".into()),
                (
                    "Participant 7".into(),
                    p,
                    Some(3_723_500),
                    "Then here.".into()
                ),
                (
                    "Respondent".into(),
                    p,
                    None,
                    "On its own line.\n[laughs] Still the respondent.".into()
                ),
                (
                    "Alex Smith".into(),
                    p,
                    Some(120_000),
                    "Named by the service.".into()
                ),
                (
                    "Sam".into(),
                    p,
                    None,
                    "Bracketed and named.\nWell (really): not a speaker.".into()
                ),
                (
                    "Alex".into(),
                    p,
                    None,
                    "On the next line.\n[pause]\nStill Alex.".into()
                ),
            ]
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("00:01:02 x"), Some((62_000, 8)));
        assert_eq!(timestamp("(1:02)"), Some((62_000, 6)));
        assert_eq!(timestamp("[00:00:01,250]"), Some((1_250, 14)));
        assert_eq!(timestamp("10 o'clock"), None);
        assert_eq!(timestamp("(00:01"), None);
        assert_eq!(timestamp("1:2:3:4"), None);
    }

    #[test]
    fn front_matter_attributes_and_errors() {
        let t = parse("---\ntrust: Eastvale\nBand: 3\n---\nP01: Hi.\n").unwrap();
        assert_eq!(
            t.attributes.get("trust").map(String::as_str),
            Some("Eastvale")
        );
        assert_eq!(t.attributes.get("band").map(String::as_str), Some("3"));
        assert_eq!(&t.text[t.turns[0].span()], "Hi.");
        let e = parse("---\ntrust Eastvale\n---\nP01: Hi.\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t/P01.txt:2:1: front matter: expected `key: value`"
        );
        let e = parse("---\ntrust: A\nP01: Hi.\n").unwrap_err();
        assert!(e.to_string().contains("no closing `---`"), "{e}");
    }

    #[test]
    fn lone_cr_line_ends_are_lines_too() {
        let t = parse("Interviewer: Hi.\rP01: One.\r\rTwo.\r").unwrap();
        assert_eq!(t.turns.len(), 2);
        let paras: Vec<&str> = t.turns[1]
            .paragraphs
            .iter()
            .map(|p| &t.text[p.clone()])
            .collect();
        assert_eq!(paras, ["One.", "Two."]);
        let err = parse("Interviewer: Hi.\rP01:\rInterviewer: x\r").unwrap_err();
        assert!(matches!(err, Error::EmptyTurn { ref at } if at.line == 2));
    }
}
