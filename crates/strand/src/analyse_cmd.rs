//! `strand analyse`: every analysis table, including the gap analysis
//! against the learning-opportunity directory, as CSV, Parquet and one
//! Excel workbook.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Parser;
use serde::Serialize;

use strand_analysis::{study_tally, GapAttributes, StudyTable, Tally};
use strand_codebook::Codebook;
use strand_coding::Coder;
use strand_directory::Directory;
use strand_transcript::{read_transcript, Corpus, Roster};

use crate::progress::{Progress, Timings};
use crate::screening::Located;
use crate::{corpus_name, invalid, output, screening, DocumentNotices};

/// The workbook's file name in the output folder.
pub const WORKBOOK: &str = "analysis.xlsx";

#[derive(Parser)]
pub struct AnalyseArgs {
    /// Corpus folder: transcripts and `participants.csv`.
    #[arg(long, default_value = "corpora/sample-study")]
    corpus: PathBuf,
    /// Codebook file (TOML).
    #[arg(long, default_value = "codebooks/str-training.toml")]
    codebook: PathBuf,
    /// The learning-opportunity directory: `opportunities/*.csv` and
    /// `themes.csv` (see `directory/README.md`).
    #[arg(long, default_value = "directory")]
    directory: PathBuf,
    /// Output folder [default: reports/<corpus folder name>/analysis].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The case attribute holding a worker's Trust.
    #[arg(long, default_value = "trust")]
    trust: String,
    /// The case attribute holding a worker's Agenda for Change band.
    #[arg(long, default_value = "band")]
    band: String,
    /// Print a summary as JSON instead of a line of text.
    #[arg(long)]
    json: bool,
    /// Replace invalid bytes (and report them) instead of stopping.
    #[arg(long)]
    replace_invalid: bool,
    /// Print how long each stage took on stderr.
    #[arg(long)]
    timings: bool,
    #[command(flatten)]
    screen: screening::ScreenArgs,
}

#[derive(Serialize)]
struct Summary<'a> {
    out: String,
    documents: usize,
    participants: usize,
    codings: usize,
    opportunities: usize,
    tables: Vec<TableSummary<'a>>,
    workbook: &'static str,
    top_gaps: Vec<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize)]
struct TableSummary<'a> {
    name: &'a str,
    rows: usize,
    columns: usize,
    csv: String,
    parquet: String,
}

pub fn run(args: &AnalyseArgs) -> Result<()> {
    let mut timings = Timings::new(args.timings);
    let codebook = Codebook::read(&args.codebook)?;
    // The directory is read first: a mistake in it is found before the
    // transcripts are read, not after.
    let directory = Directory::read(&args.directory, &codebook)?;
    let coder = Coder::new(&codebook);
    let Gathered {
        tally,
        roster,
        findings,
        notices,
    } = gather(args, &codebook, &coder)?;
    timings.lap("documents");
    // The tables quote transcripts, so the same rule as `strand run`:
    // nothing is analysed while the screen's findings stand.
    crate::screening::refuse(&findings, "analysed")?;
    let trust_column = roster
        .cases
        .attributes
        .iter()
        .position(|a| *a == args.trust);
    if let Some(i) = trust_column {
        let trusts: BTreeSet<&str> = roster.cases.iter().map(|c| c.values[i].as_str()).collect();
        directory.check_trusts(&trusts.into_iter().collect::<Vec<_>>())?;
    }
    for n in DocumentNotices::gather(&roster.warnings, notices) {
        eprintln!("warning: {n}");
    }
    let (documents, participants, coded) =
        (tally.documents(), tally.participants(), tally.codings());
    let tables = study_tally(
        tally,
        &roster.cases,
        &roster.warnings,
        &directory,
        GapAttributes {
            trust: &args.trust,
            band: &args.band,
        },
    )?;
    timings.lap("tables");

    let name = corpus_name(&args.corpus);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("reports").join(&name).join("analysis"));
    // Each file goes to a temporary file as it is made and all are renamed
    // into place at the end: a failure leaves the folder as it was.
    let mut staged = output::Staged::default();
    files(&name, &tables, &out, &mut staged, &mut timings)
        .with_context(|| format!("cannot write the analysis to {}", out.display()))?;
    staged
        .commit()
        .with_context(|| format!("cannot write the analysis to {}", out.display()))?;
    timings.lap("writing");

    if args.json {
        let summary = Summary {
            out: out.display().to_string(),
            documents,
            participants,
            codings: coded,
            opportunities: directory.opportunities.len(),
            tables: tables
                .iter()
                .map(|t| TableSummary {
                    name: &t.table.name,
                    rows: t.table.rows.len(),
                    columns: t.table.columns.len(),
                    csv: format!("{}.csv", t.table.name),
                    parquet: format!("{}.parquet", t.table.name),
                })
                .collect(),
            workbook: WORKBOOK,
            top_gaps: top_gaps(&tables, 5),
        };
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!(
            "{} documents, {} participants, {} codings, {} opportunities -> {} tables (CSV, Parquet) and {} in {}",
            documents,
            participants,
            coded,
            directory.opportunities.len(),
            tables.len(),
            WORKBOOK,
            out.display()
        );
    }
    timings.report();
    Ok(())
}

/// What reading the corpus document by document leaves.
struct Gathered<'c> {
    tally: Tally<'c>,
    roster: Roster,
    /// Standing findings of the anonymisation screen, in document order.
    findings: Vec<Located>,
    /// Each document's notices, in document order.
    notices: Vec<DocumentNotices>,
}

/// How many transcripts are read, screened, coded and tallied together
/// before their tallies are merged and they are let go: enough to keep
/// every thread busy, few enough that they take little memory (a few
/// megabytes of text and codings).
const BATCH: usize = 256;

/// Reads, screens, codes and tallies the corpus a batch of transcripts at
/// a time (each batch's documents in parallel), keeping only each
/// document's tally, outline, findings and notices: memory follows the
/// tables rather than the corpus (see [`Tally`]).
///
/// The first unreadable file in path order stops the run, as when a
/// corpus is read whole. A transcript the screen finds something in is
/// not coded: the run is refused once every document has been screened,
/// so that all findings can be listed at once.
fn gather<'c>(
    args: &AnalyseArgs,
    codebook: &'c Codebook,
    coder: &Coder<'_>,
) -> Result<Gathered<'c>> {
    use rayon::prelude::*;
    if !args.corpus.exists() {
        anyhow::bail!(
            "{}: no such corpus folder or transcript file",
            args.corpus.display()
        );
    }
    let (dir, paths, cases) = if args.corpus.is_dir() {
        (
            args.corpus.clone(),
            Corpus::transcript_paths(&args.corpus)?,
            Corpus::read_cases(&args.corpus)?,
        )
    } else {
        let dir = args.corpus.parent().unwrap_or(Path::new(".")).to_path_buf();
        (dir, vec![args.corpus.clone()], None)
    };
    let screen = args.screen.screen()?;
    let invalid = invalid(args.replace_invalid);
    let mut tally = Tally::new(codebook, coder.unit());
    let mut outlines = Vec::with_capacity(paths.len());
    let mut per_document: Vec<(String, Vec<Located>, DocumentNotices)> =
        Vec::with_capacity(paths.len());
    let progress = Progress::new("analysing", paths.len());
    for batch in paths.chunks(BATCH) {
        let done: Vec<Result<_, strand_transcript::Error>> = batch
            .par_iter()
            .map(|path| {
                let t = read_transcript(path, invalid)?;
                let (findings, _) = screening::screen_document(&screen, &args.screen, &t);
                let notices = DocumentNotices::new(&t, &codebook.language, coder.unit());
                let document = findings.is_empty().then(|| {
                    let mut codings = Vec::new();
                    let Ok(()) = coder.code_transcript(&t, &mut codings);
                    tally.document(&t, &codings)
                });
                progress.tick();
                Ok((t.outline(), findings, notices, document))
            })
            .collect();
        for d in done {
            let (outline, findings, notices, document) = d?;
            if let Some(document) = document {
                tally.add(document);
            }
            per_document.push((outline.id.clone(), findings, notices));
            outlines.push(outline);
        }
    }
    progress.finish();
    let roster = Roster::new(&dir, outlines, cases)?;
    // Document order is id order, as in a corpus read whole.
    per_document.sort_by(|a, b| a.0.cmp(&b.0));
    let mut findings = Vec::new();
    let mut notices = Vec::with_capacity(per_document.len());
    for (_, f, n) in per_document {
        findings.extend(f);
        notices.push(n);
    }
    Ok(Gathered {
        tally,
        roster,
        findings,
        notices,
    })
}

/// Writes every output file into `staged`: `<table>.csv` and
/// `<table>.parquet` per table, then the workbook.
fn files(
    corpus: &str,
    tables: &[StudyTable],
    out: &Path,
    staged: &mut output::Staged,
    timings: &mut Timings,
) -> Result<()> {
    // The workbook takes longest and needs nothing the other files do:
    // it is made on a thread of its own meanwhile.
    std::thread::scope(|scope| {
        let workbook = scope.spawn(|| workbook(corpus, tables));
        for t in tables {
            staged.add(
                &out.join(format!("{}.csv", t.table.name)),
                t.table.to_csv().as_bytes(),
            )?;
            let parquet = strand_analysis::to_parquet(&t.table)
                .with_context(|| format!("cannot write table `{}` as Parquet", t.table.name))?;
            staged.add(&out.join(format!("{}.parquet", t.table.name)), &parquet)?;
        }
        timings.lap("csv, parquet");
        let workbook = workbook
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        staged.add(&out.join(WORKBOOK), &workbook)?;
        timings.lap("workbook");
        Ok(())
    })
}

fn workbook(corpus: &str, tables: &[StudyTable]) -> Result<Vec<u8>> {
    let sheets: Vec<strand_workbook::Sheet<'_>> = tables
        .iter()
        .map(|t| strand_workbook::Sheet {
            table: &t.table,
            about: &t.about,
        })
        .collect();
    let title = format!("Training needs study: analysis of {corpus}");
    let notes = [
        "Made by strand analyse from the interview transcripts, the codebook and the learning-opportunity directory. Each sheet after this one is a table; the same tables are beside this file as CSV and Parquet.",
        "A case is one participant. Percentages are of the participants in the group named on the row. Quotes are pseudonymised interview extracts: handle this file as research data.",
    ];
    Ok(strand_workbook::workbook(&title, &notes, &sheets)?)
}

/// The first `n` rows of the gap table, as JSON objects of its columns
/// without the quote (a summary on a terminal is no place for transcript
/// text).
fn top_gaps(tables: &[StudyTable], n: usize) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let Some(gap) = tables.iter().find(|t| t.table.name == "gap") else {
        return Vec::new();
    };
    gap.table
        .rows
        .iter()
        .take(n)
        .map(|row| {
            gap.table
                .columns
                .iter()
                .zip(row)
                .filter(|(c, _)| *c != "quote")
                .map(|(c, v)| {
                    let v = match v {
                        strand_table::Value::Int(i) => serde_json::Value::from(*i),
                        strand_table::Value::Float(x) => serde_json::Value::from(*x),
                        other => serde_json::Value::from(other.to_string()),
                    };
                    (c.clone(), v)
                })
                .collect()
        })
        .collect()
}
