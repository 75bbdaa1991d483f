//! Free-text survey answers in a CSV file: one row per response.
//!
//! A survey export is read as one document whose turns are the responses,
//! each spoken by its respondent, so the same codebook, screen and tables
//! work on it as on interviews. The answer column is the one headed
//! `response`, `answer`, `text` or `comment`; the respondent is the column
//! headed `id`, `respondent` or `participant` (or the row number); every
//! other column becomes the respondent's case attributes.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{Error, Location, Role, Transcript, Turn};

const ANSWER_COLUMNS: &[&str] = &["response", "answer", "text", "comment", "comments"];
const ID_COLUMNS: &[&str] = &["id", "respondent", "participant", "respondent_id"];

/// Parses a survey CSV's text into a transcript of responses.
pub fn parse_survey(path: &Path, text: &str) -> Result<Transcript, Error> {
    let err = |line: u64, message: String| Error::Survey {
        at: Location {
            path: path.to_path_buf(),
            line: line as usize,
            column: 1,
        },
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| err(1, format!("cannot read the header row: {e}")))?
        .clone();
    let find = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
    };
    let answer = find(ANSWER_COLUMNS).ok_or_else(|| {
        err(
            1,
            "expected a column headed `response`, `answer`, `text` or `comment` holding the free-text answers".into(),
        )
    })?;
    let id = find(ID_COLUMNS);

    let mut out = String::new();
    let mut turns = Vec::new();
    let mut speaker_attributes = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let (line, message) = crate::cases::csv_row_error(&e);
            err(line, message)
        })?;
        let speaker = match id.and_then(|i| record.get(i)).map(str::trim) {
            Some(s) if !s.is_empty() => s.to_string(),
            _ => format!("R{:04}", row + 1),
        };
        if !seen.insert(speaker.clone()) {
            let line = record.position().map_or(0, |p| p.line());
            return Err(err(line, format!("respondent `{speaker}` appears twice")));
        }
        let attributes: BTreeMap<String, String> = headers
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != answer && Some(*i) != id)
            .map(|(i, h)| {
                (
                    h.to_ascii_lowercase().replace(' ', "_"),
                    record.get(i).unwrap_or("").trim().to_string(),
                )
            })
            .collect();
        let answer = record.get(answer).unwrap_or("").trim();
        // A respondent who left the answer blank is no case of this
        // document: they said nothing to code.
        if answer.is_empty() {
            continue;
        }
        speaker_attributes.insert(speaker.clone(), attributes);
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&speaker);
        out.push_str(": ");
        let start = out.len();
        out.push_str(answer);
        turns.push(Turn {
            number: turns.len() + 1,
            speaker,
            role: Role::Participant,
            start_ms: None,
            end_ms: None,
            paragraphs: std::iter::once(start..out.len()).collect(),
        });
    }
    out.push('\n');
    let mut transcript = Transcript::new(path, out, turns)?;
    transcript.speaker_attributes = speaker_attributes;
    Ok(transcript)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_turns_and_other_columns_attributes() {
        let csv = "Respondent,Trust,Band,Response\n\
                   R1,Eastvale,3,\"I'd like more training on\nrecovery work.\"\n\
                   R2,Northbrook,2,\n\
                   R3,Northbrook,4,Study leave is always cancelled.\n";
        let t = parse_survey(Path::new("survey.csv"), csv).unwrap();
        let turns: Vec<(&str, &str)> = t
            .turns
            .iter()
            .map(|turn| (turn.speaker.as_str(), &t.text[turn.span()]))
            .collect();
        assert_eq!(
            turns,
            [
                ("R1", "I'd like more training on\nrecovery work."),
                ("R3", "Study leave is always cancelled."),
            ]
        );
        assert!(!t.speaker_attributes.contains_key("R2"));
        assert_eq!(t.speaker_attributes["R1"]["trust"], "Eastvale");
        assert_eq!(t.speaker_attributes["R3"]["band"], "4");
        assert_eq!(t.id, "survey");
    }

    #[test]
    fn errors_name_the_line() {
        let p = Path::new("s.csv");
        let e = parse_survey(p, "id,trust\n1,A\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.csv:1:1: expected a column headed `response`"),
            "{e}"
        );
        let e = parse_survey(p, "id,answer\n1,yes\n1,no\n").unwrap_err();
        assert_eq!(e.to_string(), "s.csv:3:1: respondent `1` appears twice");
        let e = parse_survey(p, "id,answer\n1,yes,extra\n").unwrap_err();
        assert_eq!(e.to_string(), "s.csv:2:1: expected 2 fields, found 3");
        assert!(matches!(
            parse_survey(p, "id,answer\n1,\n"),
            Err(Error::Empty { .. })
        ));
    }
}
