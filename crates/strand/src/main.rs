//! `strand`: the command-line front end of the strand toolkit.
//!
//! A thin binary: it parses arguments, wires the library crates together
//! (transcript -> coding -> analysis -> report), shows progress, writes
//! files atomically and turns the libraries' typed errors into messages.
//! Analysis logic does not live here.

mod ingest;
mod output;
mod progress;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use strand_analysis::{analyse, Input};
use strand_codebook::Codebook;
use strand_coding::{Coder, Coding, Sink};
use strand_report::{render, ReportInput};
use strand_transcript::{Corpus, Invalid, Transcript, Unit};

use crate::progress::Progress;

#[derive(Parser)]
#[command(
    name = "strand",
    version,
    about = "Qualitative interview analysis: ingest, code, aggregate, report."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Ingest a corpus, code it with a codebook, aggregate and write a report.
    Run(RunArgs),
    /// Read transcripts and summarise them: documents, turns, segments,
    /// words, speakers, languages, encodings and problems.
    Ingest(IngestArgs),
}

#[derive(Parser)]
struct IngestArgs {
    /// A corpus folder, or transcript files.
    #[arg(default_value = "corpora/sample-study")]
    paths: Vec<PathBuf>,
    /// Segment at this unit: sentence, paragraph or turn.
    #[arg(long, default_value = "sentence")]
    unit: Unit,
    /// The language transcripts should be in (ISO 639-3, as the codebook's).
    #[arg(long, default_value = "eng")]
    language: String,
    /// Replace invalid bytes (and count them) instead of stopping.
    #[arg(long)]
    replace_invalid: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Parser)]
struct RunArgs {
    /// Corpus folder: transcripts (`*.txt`, in `transcripts/` or the folder
    /// itself) and `participants.csv`.
    #[arg(long, default_value = "corpora/sample-study")]
    corpus: PathBuf,
    /// Codebook file (TOML).
    #[arg(long, default_value = "codebooks/str-training.toml")]
    codebook: PathBuf,
    /// Output folder [default: reports/<corpus folder name>].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Case attribute to break prevalence down by.
    #[arg(long, default_value = "trust")]
    by: String,
    /// Replace invalid bytes (and report them) instead of stopping.
    #[arg(long)]
    replace_invalid: bool,
    /// Report title.
    #[arg(
        long,
        default_value = "Training and development needs: themes from the interviews"
    )]
    title: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(&args),
        Command::Ingest(args) => ingest_command(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the chain of causes on one line: "context: cause".
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Counts codings per document for the progress bar, then passes them on.
struct Counting<'a> {
    codings: Vec<Coding>,
    progress: &'a Progress,
}

impl Sink for Counting<'_> {
    type Error = std::convert::Infallible;

    fn coding(&mut self, coding: Coding) -> Result<(), Self::Error> {
        self.codings.push(coding);
        Ok(())
    }

    fn document_done(&mut self, _t: &Transcript) -> Result<(), Self::Error> {
        self.progress.tick();
        Ok(())
    }
}

fn corpus_name(dir: &Path) -> String {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    canonical
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "corpus".into())
}

fn invalid(replace: bool) -> Invalid {
    if replace {
        Invalid::Replace
    } else {
        Invalid::Reject
    }
}

/// What a researcher must know about a corpus before trusting its numbers.
/// Names documents and pseudonyms only, never transcript text.
fn notices(corpus: &Corpus, language: &str) -> Vec<String> {
    let mut out: Vec<String> = corpus.warnings.iter().map(|w| w.to_string()).collect();
    for t in corpus.language_mismatches(language) {
        out.push(match &t.language {
            Some(l) => format!(
                "{}: written in `{}`, not the codebook's language `{language}`; its coding is unreliable",
                t.id, l.code
            ),
            None => format!("{}: its language could not be told", t.id),
        });
    }
    for t in corpus.transcripts.iter().filter(|t| t.replaced > 0) {
        out.push(format!(
            "{}: {} invalid byte sequences were replaced while reading",
            t.id, t.replaced
        ));
    }
    out
}

fn ingest_command(args: &IngestArgs) -> Result<()> {
    let corpus = ingest::load(&args.paths, invalid(args.replace_invalid))?;
    let summary = corpus.summary(args.unit);
    let notices = notices(&corpus, &args.language);
    if args.json {
        print!("{}", ingest::json(&summary, &notices)?);
    } else {
        print!("{}", ingest::render(&summary, &notices));
    }
    Ok(())
}

fn run(args: &RunArgs) -> Result<()> {
    let codebook = Codebook::read(&args.codebook)?;
    let corpus = ingest::load(
        std::slice::from_ref(&args.corpus),
        invalid(args.replace_invalid),
    )?;

    let coding = Progress::new("coding", corpus.transcripts.len());
    let coder = Coder::new(&codebook);
    let mut sink = Counting {
        codings: Vec::new(),
        progress: &coding,
    };
    let Ok(()) = coder.code_corpus(&corpus, &mut sink);
    coding.finish();
    let codings = sink.codings;

    let analysis = analyse(&Input {
        corpus: &corpus,
        codebook: &codebook,
        codings: &codings,
        unit: coder.unit(),
        by: &args.by,
    })?;

    let name = corpus_name(&args.corpus);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(&name));
    let notices = notices(&corpus, &codebook.language);
    for n in &notices {
        eprintln!("warning: {n}");
    }

    let mut files: Vec<(String, Vec<u8>)> = analysis
        .tables()
        .iter()
        .map(|t| (format!("{}.csv", t.name), t.to_csv().into_bytes()))
        .collect();
    let table_files: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let report = render(&ReportInput {
        title: &args.title,
        corpus: &name,
        codebook: &codebook,
        by: &args.by,
        summary: &analysis.summary,
        participants: &analysis.participants,
        prevalence: &analysis.prevalence,
        prevalence_by: &analysis.prevalence_by,
        exemplars: &analysis.exemplars,
        notices: &notices,
        table_files: &table_files,
    })?;
    files.extend(report.into_iter().map(|f| (f.name, f.bytes)));
    for (file, bytes) in &files {
        output::write_atomic(&out.join(file), bytes)
            .with_context(|| format!("cannot write the report to {}", out.display()))?;
    }
    println!(
        "{} documents, {} participants, {} codings -> {}",
        corpus.transcripts.len(),
        corpus.participant_count(),
        codings.len(),
        out.join("index.html").display()
    );
    Ok(())
}
