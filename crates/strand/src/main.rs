//! `strand`: the command-line front end of the strand toolkit.
//!
//! A thin binary: it parses arguments, wires the library crates together
//! (transcript -> coding -> analysis -> report), shows progress, writes
//! files atomically and turns the libraries' typed errors into messages.
//! Analysis logic does not live here.

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
use strand_transcript::{Corpus, Transcript};

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

fn run(args: &RunArgs) -> Result<()> {
    let codebook = Codebook::read(&args.codebook)?;
    let paths = Corpus::transcript_paths(&args.corpus)?;

    let reading = Progress::new("reading", paths.len());
    let corpus = Corpus::load(&args.corpus, || reading.tick())?;
    reading.finish();

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
    let mut notices: Vec<String> = corpus.warnings.iter().map(|w| w.to_string()).collect();
    for t in corpus.language_mismatches(&codebook.language) {
        notices.push(match &t.language {
            Some(l) => format!(
                "{}: written in `{}`, not the codebook's language `{}`; its coding is unreliable",
                t.id, l.code, codebook.language
            ),
            None => format!("{}: its language could not be told", t.id),
        });
    }
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
