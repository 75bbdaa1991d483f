//! `strand ingest`: read transcripts and say what was read.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use strand_transcript::{read_transcript, Corpus, Invalid, Summary};

use crate::progress::Progress;
use crate::screening::Located;

/// Reads the corpus named by `paths`: one corpus folder, or transcript files.
pub fn load(paths: &[PathBuf], invalid: Invalid) -> Result<Corpus> {
    match paths {
        [dir] if dir.is_dir() => {
            let total = Corpus::transcript_paths(dir)?.len();
            let reading = Progress::new("reading", total);
            let corpus = Corpus::load_with(dir, invalid, || reading.tick())?;
            reading.finish();
            Ok(corpus)
        }
        files => {
            if let Some(dir) = files.iter().find(|p| p.is_dir()) {
                bail!(
                    "{}: give one corpus folder, or transcript files, not both",
                    dir.display()
                );
            }
            let reading = Progress::new("reading", files.len());
            let mut transcripts = Vec::new();
            for f in files {
                transcripts.push(read_transcript(f, invalid)?);
                reading.tick();
            }
            reading.finish();
            let dir = files
                .first()
                .and_then(|f| f.parent())
                .unwrap_or(Path::new("."));
            Ok(Corpus::assemble(dir, transcripts, None)?)
        }
    }
}

/// The human-readable summary: counts, pseudonymous ids and places, never
/// transcript text.
pub fn render(
    summary: &Summary,
    warnings: &[String],
    findings: &[Located],
    accepted: usize,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "documents  {}", summary.documents);
    let _ = writeln!(
        out,
        "turns      {} ({} participant)",
        summary.turns, summary.participant_turns
    );
    let _ = writeln!(
        out,
        "segments   {} {}s ({} participant)",
        summary.segments, summary.unit, summary.participant_segments
    );
    let _ = writeln!(out, "words      {}", summary.words);
    let _ = writeln!(out, "speakers   {}", join(&summary.speakers));
    let _ = writeln!(out, "languages  {}", join(&summary.languages));
    let _ = writeln!(out, "encodings  {}", join(&summary.encodings));
    if summary.replaced > 0 {
        let _ = writeln!(
            out,
            "replaced   {} invalid byte sequences",
            summary.replaced
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<12} {:>6} {:>9} {:>7}  {:<8} encoding",
        "document", "turns", "segments", "words", "language"
    );
    for d in &summary.documents_detail {
        let _ = writeln!(
            out,
            "{:<12} {:>6} {:>9} {:>7}  {:<8} {}{}",
            d.id,
            d.turns,
            d.segments,
            d.words,
            d.language.unwrap_or("unknown"),
            d.encoding,
            if d.replaced > 0 {
                format!(" ({} replaced)", d.replaced)
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "screen     {} possible identifying detail(s){}",
        findings.len(),
        if accepted > 0 {
            format!(" ({accepted} more accepted)")
        } else {
            String::new()
        }
    );
    for f in findings {
        let _ = writeln!(out, "  {f}");
    }
    for w in warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

fn join<K: std::fmt::Display>(m: &std::collections::BTreeMap<K, usize>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The same summary for scripts.
pub fn json(
    summary: &Summary,
    warnings: &[String],
    findings: &[Located],
    accepted: usize,
) -> Result<String> {
    #[derive(serde::Serialize)]
    struct Finding<'a> {
        document: &'a str,
        line: usize,
        column: usize,
        kind: &'static str,
    }
    #[derive(serde::Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        summary: &'a Summary,
        warnings: &'a [String],
        screen_findings: Vec<Finding<'a>>,
        screen_accepted: usize,
    }
    let screen_findings = findings
        .iter()
        .map(|f| Finding {
            document: &f.document,
            line: f.finding.line,
            column: f.finding.column,
            kind: f.finding.kind.as_str(),
        })
        .collect();
    let out = Out {
        summary,
        warnings,
        screen_findings,
        screen_accepted: accepted,
    };
    Ok(serde_json::to_string_pretty(&out)? + "\n")
}
