//! Running the anonymisation screen over a corpus, and the researcher's
//! decisions about what it finds.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{Context, Result};
use clap::Args;
use strand_screen::{read_list, Finding, Kind, Screen};
use strand_transcript::Corpus;

/// Screen options shared by the commands that read transcripts.
#[derive(Args, Clone, Default)]
pub struct ScreenArgs {
    /// A list of names to find (one per line, `#` comments): real names that
    /// must not appear in anonymised transcripts. Keep it out of the corpus.
    #[arg(long, value_name = "FILE")]
    pub names: Option<PathBuf>,
    /// A list of places to find, in the same form.
    #[arg(long, value_name = "FILE")]
    pub places: Option<PathBuf>,
    /// Accept findings and code anyway: a kind (`postcode`, `phone`,
    /// `email`, `url`, `nhs_number`, `ni_number`, `date_of_birth`, `name`,
    /// `place`, `speaker_name`) or one finding as DOCUMENT:LINE:COLUMN.
    /// Repeatable.
    #[arg(long, value_name = "KIND|DOC:LINE:COL")]
    pub accept: Vec<Accept>,
}

/// A finding the researcher has looked at and accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accept {
    Kind(Kind),
    One {
        document: String,
        line: usize,
        column: usize,
    },
}

impl FromStr for Accept {
    type Err = String;
    fn from_str(s: &str) -> Result<Accept, String> {
        if let Ok(kind) = s.parse::<Kind>() {
            return Ok(Accept::Kind(kind));
        }
        let mut parts = s.rsplitn(3, ':');
        let (column, line, document) = (parts.next(), parts.next(), parts.next());
        match (
            document,
            line.and_then(|l| l.parse().ok()),
            column.and_then(|c| c.parse().ok()),
        ) {
            (Some(d), Some(line), Some(column)) if !d.is_empty() => Ok(Accept::One {
                document: d.to_string(),
                line,
                column,
            }),
            _ => Err(format!(
                "`{s}` is neither a finding kind nor DOCUMENT:LINE:COLUMN"
            )),
        }
    }
}

/// A finding in one document.
pub struct Located {
    pub document: String,
    pub finding: Finding,
}

impl fmt::Display for Located {
    /// `P03:12:5: UK phone number`: where, and what kind, never the value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.document,
            self.finding.line,
            self.finding.column,
            self.finding.kind.describe()
        )
    }
}

impl ScreenArgs {
    pub fn screen(&self) -> Result<Screen> {
        let list = |p: &Option<PathBuf>| -> Result<Vec<String>> {
            Ok(match p {
                Some(p) => read_list(p)?,
                None => Vec::new(),
            })
        };
        Screen::new(&list(&self.names)?, &list(&self.places)?)
            .context("cannot build the anonymisation screen")
    }

    fn accepted(&self, l: &Located) -> bool {
        self.accept.iter().any(|a| match a {
            Accept::Kind(k) => *k == l.finding.kind,
            Accept::One {
                document,
                line,
                column,
            } => *document == l.document && *line == l.finding.line && *column == l.finding.column,
        })
    }
}

/// What the screen finds in a transcript, and speaker labels that may be
/// names (`Alex Smith (00:02:00):`): a label is text too, and a report
/// attributes quotes by it.
pub fn findings(screen: &Screen, t: &strand_transcript::Transcript) -> Vec<Finding> {
    let mut out = screen.scan(&t.text);
    for span in t.named_speaker_labels() {
        if out
            .iter()
            .any(|f| f.span.start < span.end && span.start < f.span.end)
        {
            continue;
        }
        let at = strand_transcript::Location::at("", &t.text, span.start);
        out.push(Finding {
            kind: Kind::SpeakerName,
            span,
            line: at.line,
            column: at.column,
        });
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// Refuses to go on while findings stand: `nothing was {done}` (coded,
/// added, analysed, exported), every finding listed by place and kind,
/// never by value. Every command that would spread transcript text past
/// the researcher's own screen calls this first.
pub fn refuse(findings: &[Located], done: &str) -> Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = findings.iter().map(|f| format!("  {f}")).collect();
    anyhow::bail!(
        "the anonymisation screen found {} possible identifying detail(s); nothing was {done}:\n{}\n  hint: remove them (`strand redact`), or after checking each one, accept it with --accept KIND or --accept DOCUMENT:LINE:COLUMN",
        findings.len(),
        list.join("\n")
    )
}

/// Every finding in the corpus, in document order, and how many of them the
/// researcher accepted. Documents are screened in parallel; the findings
/// come back in document order all the same.
pub fn scan(corpus: &Corpus, args: &ScreenArgs) -> Result<(Vec<Located>, usize)> {
    use rayon::prelude::*;
    let screen = args.screen()?;
    let per_document: Vec<(Vec<Located>, usize)> = corpus
        .transcripts
        .par_iter()
        .map(|t| screen_document(&screen, args, t))
        .collect();
    let mut standing = Vec::new();
    let mut accepted = 0;
    for (found, n) in per_document {
        standing.extend(found);
        accepted += n;
    }
    Ok((standing, accepted))
}

/// One transcript's standing findings, and how many more the researcher
/// accepted.
pub fn screen_document(
    screen: &Screen,
    args: &ScreenArgs,
    t: &strand_transcript::Transcript,
) -> (Vec<Located>, usize) {
    let mut standing = Vec::new();
    let mut accepted = 0;
    for finding in findings(screen, t) {
        let located = Located {
            document: t.id.clone(),
            finding,
        };
        if args.accepted(&located) {
            accepted += 1;
        } else {
            standing.push(located);
        }
    }
    (standing, accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_kinds_and_single_findings() {
        assert_eq!("postcode".parse(), Ok(Accept::Kind(Kind::Postcode)));
        assert_eq!(
            "P03:12:5".parse(),
            Ok(Accept::One {
                document: "P03".into(),
                line: 12,
                column: 5
            })
        );
        assert!("P03:x:5".parse::<Accept>().is_err());
        assert!("nonsense".parse::<Accept>().is_err());
    }
}
