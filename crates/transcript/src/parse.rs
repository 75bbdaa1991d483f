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
//! Only labels that look like speaker labels start a turn (interviewer words
//! such as `Interviewer` or `Int`, and participant ids such as `P07`), so an
//! answer that happens to contain `Well: ...` at the start of a line stays
//! part of its turn instead of inventing a speaker.

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

/// Classifies a speaker label, or says it is not one.
fn speaker_role(label: &str) -> Option<Role> {
    if INTERVIEWER_LABELS
        .iter()
        .any(|l| l.eq_ignore_ascii_case(label))
    {
        return Some(Role::Interviewer);
    }
    // Pseudonymous participant ids: letters then digits, e.g. P07, HCSW12.
    let letters = label.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let rest = &label[letters..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if (1..=4).contains(&letters)
        && (1..=4).contains(&rest.len())
        && rest.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(Role::Participant);
    }
    None
}

/// Splits `line` into a speaker label and the byte offset of the text after
/// the colon, if the line starts a turn.
fn split_label(line: &str) -> Option<(&str, Role, usize)> {
    let colon = line.find(':')?;
    let label = &line[..colon];
    let role = speaker_role(label)?;
    let after = &line[colon + 1..];
    let skipped = after.len() - after.trim_start().len();
    Some((label, role, colon + 1 + skipped))
}

/// Parses a transcript's text. `path` is used for the document id (its file
/// stem) and for error messages.
pub fn parse_transcript(path: &Path, text: String) -> Result<Transcript, Error> {
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if text.trim().is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }

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

    for range in crate::text::lines(&text) {
        let line_start = range.start;
        let line = &text[range];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let (Some(p), Some(t)) = (open.take(), turns.last_mut()) {
                t.paragraphs.push(p);
            }
            continue;
        }
        let (content_start, started) = match split_label(line) {
            Some((label, role, text_at)) => {
                finish_turn(&mut turns, &mut open, turn_label_at)?;
                turn_label_at = line_start;
                turns.push(Turn {
                    number: turns.len() + 1,
                    speaker: label.to_string(),
                    role,
                    paragraphs: Vec::new(),
                });
                (line_start + text_at, true)
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

    let mut transcript = Transcript {
        id,
        text,
        turns,
        language: None,
        encoding: crate::Encoding::Utf8,
        replaced: 0,
    };
    transcript.language = crate::detect_language(&transcript);
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
