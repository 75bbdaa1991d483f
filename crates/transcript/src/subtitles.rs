//! WebVTT and SRT: the captions Teams and Zoom export.
//!
//! A caption file is a sequence of short timed cues, several per sentence.
//! strand merges consecutive cues of one speaker into a turn, and works on
//! a plain transcript built from them (`Speaker: text` turns separated by
//! blank lines), so sentences that straddle cues are whole again and every
//! offset refers to the text an exchange format would write out. The turn
//! keeps the first cue's start and the last cue's end.
//!
//! The speaker comes from a WebVTT voice tag (`<v P07>...`) or a `Name:`
//! prefix in the cue text (Zoom, and SRT files); a cue without one
//! continues the previous speaker's turn.

use std::path::Path;

use crate::parse::{is_name, speaker_role};
use crate::{Error, Location, Role, Transcript, Turn};

/// Which caption format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Captions {
    WebVtt,
    Srt,
}

struct Cue<'t> {
    start: u64,
    end: u64,
    speaker: Option<&'t str>,
    text: String,
    /// Where the cue's text starts in the file, for errors.
    at: usize,
}

/// Parses a caption file's text into a transcript.
pub fn parse_captions(path: &Path, text: &str, format: Captions) -> Result<Transcript, Error> {
    if text.trim().is_empty() {
        return Err(Error::Empty {
            path: path.to_path_buf(),
        });
    }
    let err = |offset: usize, message: &str| Error::Captions {
        at: Location::at(path, text, offset),
        message: message.to_string(),
    };
    let lines: Vec<std::ops::Range<usize>> = crate::text::lines(text).collect();
    let mut i = 0;
    if format == Captions::WebVtt {
        let first = &text[lines[0].clone()];
        if !(first == "WEBVTT" || first.starts_with("WEBVTT ") || first.starts_with("WEBVTT\t")) {
            return Err(err(0, "expected the header `WEBVTT` on the first line"));
        }
        i = 1;
    }
    let mut cues: Vec<Cue<'_>> = Vec::new();
    while i < lines.len() {
        let line = &text[lines[i].clone()];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        // WebVTT blocks that are not cues.
        if format == Captions::WebVtt
            && (line.starts_with("NOTE") || line.starts_with("STYLE") || line.starts_with("REGION"))
        {
            while i < lines.len() && !text[lines[i].clone()].trim().is_empty() {
                i += 1;
            }
            continue;
        }
        // An optional cue identifier (SRT's counter) before the timing.
        if !line.contains("-->") {
            i += 1;
            if i >= lines.len() || !text[lines[i].clone()].contains("-->") {
                return Err(err(
                    lines[i.min(lines.len() - 1)].start,
                    "expected a cue timing such as `00:00:01.000 --> 00:00:04.000`",
                ));
            }
        }
        let timing_at = lines[i].start;
        let (start, end) = timing(&text[lines[i].clone()]).ok_or_else(|| {
            err(
                timing_at,
                "expected a cue timing such as `00:00:01.000 --> 00:00:04.000`",
            )
        })?;
        i += 1;
        let body_at = lines.get(i).map_or(text.len(), |l| l.start);
        let mut body: Vec<&str> = Vec::new();
        while i < lines.len() && !text[lines[i].clone()].trim().is_empty() {
            body.push(text[lines[i].clone()].trim());
            i += 1;
        }
        let joined = body.join(" ");
        let (speaker, words) = cue_speaker(&joined);
        let words = strip_tags(words);
        if words.trim().is_empty() {
            continue;
        }
        cues.push(Cue {
            start,
            end,
            speaker: speaker.map(|s| {
                // Borrow the speaker from the file text so cues can share it.
                let at = text[body_at..].find(s).map_or(0, |p| body_at + p);
                &text[at..at + s.len()]
            }),
            text: words.trim().to_string(),
            at: body_at,
        });
    }
    build(path, text, cues)
}

/// Reads `00:00:01.000 --> 00:00:04.000` (WebVTT, also without hours) or
/// `00:00:01,000 --> 00:00:04,000` (SRT), ignoring cue settings after it.
fn timing(line: &str) -> Option<(u64, u64)> {
    let (a, b) = line.split_once("-->")?;
    let start = clock(a.trim())?;
    let end = clock(b.split_whitespace().next()?)?;
    Some((start, end))
}

fn clock(s: &str) -> Option<u64> {
    let (hms, ms) = s.split_once(['.', ','])?;
    if ms.len() != 3 {
        return None;
    }
    let parts: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut seconds = 0u64;
    for (i, p) in parts.iter().enumerate() {
        // Minutes and seconds have two digits; hours may have a few more.
        let widest = if i == 0 && parts.len() == 3 { 4 } else { 2 };
        if p.is_empty() || p.len() > widest || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        seconds = seconds * 60 + p.parse::<u64>().ok()?;
    }
    Some(seconds * 1000 + ms.parse::<u64>().ok()?)
}

/// The speaker of a cue, from `<v Name>` or a `Name:` prefix, and the rest.
fn cue_speaker(body: &str) -> (Option<&str>, &str) {
    if let Some(rest) = body.strip_prefix("<v") {
        if let Some(close) = rest.find('>') {
            // `<v.loud Name>`: classes before the space.
            let tag = &rest[..close];
            let name = tag.split_once(' ').map_or("", |(_, n)| n).trim();
            let words = &rest[close + 1..];
            return ((!name.is_empty()).then_some(name), words);
        }
    }
    if let Some((label, words)) = body.split_once(':') {
        let label = label.trim();
        if speaker_role(label).is_some() || is_name(label) && label.split_whitespace().count() <= 3
        {
            return (Some(label), words);
        }
    }
    (None, body)
}

/// Drops markup tags (`<i>`, `</v>`, `<00:00:01.000>`) from cue text.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = false;
    for c in s.chars() {
        match c {
            '<' => depth = true,
            '>' if depth => depth = false,
            _ if !depth => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
}

/// Merges cues into turns and writes the plain transcript they stand for.
fn build(path: &Path, source: &str, cues: Vec<Cue<'_>>) -> Result<Transcript, Error> {
    let mut text = String::new();
    let mut turns: Vec<Turn> = Vec::new();
    let mut current: Option<&str> = None;
    for cue in cues {
        let speaker = match (cue.speaker, current) {
            (Some(s), _) => s,
            (None, Some(s)) => s,
            (None, None) => {
                return Err(Error::Captions {
                    at: Location::at(path, source, cue.at),
                    message: "the first cue names no speaker; expected a voice tag `<v Name>` or `Name:` before its text".into(),
                });
            }
        };
        if current == Some(speaker) {
            let turn = turns.last_mut().expect("a current speaker has a turn");
            text.push(' ');
            text.push_str(&cue.text);
            turn.paragraphs[0].end = text.len();
            turn.end_ms = Some(cue.end);
        } else {
            if !turns.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(speaker);
            text.push_str(": ");
            let start = text.len();
            text.push_str(&cue.text);
            turns.push(Turn {
                number: turns.len() + 1,
                speaker: speaker.to_string(),
                role: speaker_role(speaker).unwrap_or(Role::Participant),
                start_ms: Some(cue.start),
                end_ms: Some(cue.end),
                paragraphs: std::iter::once(start..text.len()).collect(),
            });
            current = Some(speaker);
        }
    }
    text.push('\n');
    Transcript::new(path, text, turns)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, Role, Option<u64>, Option<u64>, String);

    fn turns(t: &Transcript) -> Vec<Row> {
        t.turns
            .iter()
            .map(|turn| {
                (
                    turn.speaker.clone(),
                    turn.role,
                    turn.start_ms,
                    turn.end_ms,
                    t.text[turn.span()].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn webvtt_voice_tags_merge_into_turns() {
        let vtt = "WEBVTT\n\nNOTE exported by a meeting app\nsecond line\n\n1\n00:00:01.000 --> 00:00:03.500 align:start\n<v Interviewer>How did you</v>\n\n00:03.600 --> 00:00:05.000\n<v Interviewer>start?</v>\n\n00:00:05.100 --> 00:00:09.000\n<v.loud P07>I started on\nthe ward <i>in 2015</i>.\n\n00:00:09.100 --> 00:00:10.000\nAnd stayed &amp; stayed.\n";
        let t = parse_captions(Path::new("P07.vtt"), vtt, Captions::WebVtt).unwrap();
        assert_eq!(
            turns(&t),
            [
                (
                    "Interviewer".into(),
                    Role::Interviewer,
                    Some(1_000),
                    Some(5_000),
                    "How did you start?".into()
                ),
                (
                    "P07".into(),
                    Role::Participant,
                    Some(5_100),
                    Some(10_000),
                    "I started on the ward in 2015. And stayed & stayed.".into()
                ),
            ]
        );
        assert_eq!(
            t.text,
            "Interviewer: How did you start?\n\nP07: I started on the ward in 2015. And stayed & stayed.\n"
        );
    }

    #[test]
    fn srt_with_name_prefixes() {
        let srt = "1\r\n00:00:01,000 --> 00:00:02,000\r\nInterviewer: Hello.\r\n\r\n2\r\n00:00:02,500 --> 00:00:04,000\r\nP03: Hi there.\r\n";
        let t = parse_captions(Path::new("P03.srt"), srt, Captions::Srt).unwrap();
        assert_eq!(t.text, "Interviewer: Hello.\n\nP03: Hi there.\n");
        assert_eq!(t.turns[1].start_ms, Some(2_500));
    }

    #[test]
    fn absurd_timings_are_not_timings() {
        // Found by fuzzing: a 19-digit "hour" overflowed.
        assert_eq!(clock("6116211611161162161:4,]"), None);
        assert_eq!(clock("99999:00:00.000"), None);
        assert_eq!(clock("9999:59:59.999"), Some(35_999_999_999));
        assert_eq!(clock("01:02.003"), Some(62_003));
    }

    #[test]
    fn broken_captions_are_clear_errors() {
        let p = Path::new("x.vtt");
        let e =
            parse_captions(p, "00:00:01.000 --> 00:00:02.000\nHi\n", Captions::WebVtt).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.vtt:1:1: expected the header `WEBVTT` on the first line"
        );
        let e = parse_captions(
            p,
            "WEBVTT\n\n00:00:01 --> 00:00:02\nP01: Hi\n",
            Captions::WebVtt,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.vtt:3:1: expected a cue timing such as `00:00:01.000 --> 00:00:04.000`"
        );
        let e = parse_captions(
            p,
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nno speaker here\n",
            Captions::WebVtt,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.vtt:4:1: the first cue names no speaker; expected a voice tag `<v Name>` or `Name:` before its text"
        );
        assert!(matches!(
            parse_captions(p, "WEBVTT\n", Captions::WebVtt),
            Err(Error::Empty { .. })
        ));
    }
}
