//! `strand`: the command-line front end of the strand toolkit.
//!
//! A thin binary: it parses arguments, wires the library crates together
//! (transcript -> coding -> analysis -> report), shows progress, writes
//! files atomically and turns the libraries' typed errors into messages.
//! Analysis logic does not live here.

mod analyse_cmd;
mod codebook_cmd;
mod directory_cmd;
mod ingest;
mod output;
mod progress;
mod project_cmd;
mod refi_cmd;
mod review;
mod screening;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use strand_analysis::{analyse, Input};
use strand_codebook::Codebook;
use strand_coding::{Coder, Coding, Sink};
use strand_report::{render, ReportInput};
use strand_transcript::{Corpus, CorpusWarning, Invalid, Transcript, Unit};

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
    /// words, speakers, languages, encodings, problems and what the
    /// anonymisation screen finds.
    Ingest(IngestArgs),
    /// Compare automatic coding with a human-coded gold file: per-code
    /// precision, recall, F1 and Cohen's kappa, and their macro averages.
    Evaluate(EvaluateArgs),
    /// Show why a segment was (or was not) coded: its text, every rule that
    /// fired with the words it matched, negation, and the codings made.
    Explain(ExplainArgs),
    /// Check, export and import codebooks; rename, move, merge and delete
    /// codes in a project.
    #[command(subcommand)]
    Codebook(codebook_cmd::CodebookCommand),
    /// Write pseudonymised copies of a corpus's transcripts, with what the
    /// anonymisation screen finds replaced, and a key kept apart.
    Redact(RedactArgs),
    /// Create a project: a folder with one database for documents,
    /// codings, memos and history.
    Init(project_cmd::InitArgs),
    /// Add transcripts to the project (a changed transcript keeps the
    /// codings of its unchanged text).
    Add(project_cmd::AddArgs),
    /// Suggest codes from the project's codebook (a second run adds nothing).
    Autocode(project_cmd::ProjectArg),
    /// Code a segment by hand: `strand code P07:t12.s3 barriers.cost --coder NAME`.
    Code(project_cmd::CodeArgs),
    /// Remove a coder's coding of a segment.
    Uncode(project_cmd::CodeArgs),
    /// Accept or reject suggestions one segment at a time (a terminal UI),
    /// or apply a file of decisions.
    Review(review::ReviewArgs),
    /// Write a memo on the project, a document, a segment or a code; without
    /// text, list memos.
    Memo(project_cmd::MemoArgs),
    /// Keyword in context across the project, filtered by code and case attribute.
    Search(project_cmd::SearchArgs),
    /// Inter-coder agreement: percent agreement, Cohen's kappa,
    /// Krippendorff's alpha and NVivo's character-level kappa.
    Agree(project_cmd::AgreeArgs),
    /// Every command run on the project, oldest first.
    History(project_cmd::ProjectArg),
    /// Undo the last command (not already undone).
    Undo(project_cmd::ProjectArg),
    /// Documents, codings per coder and status, and codings on text that is gone.
    Status(project_cmd::ProjectArg),
    /// Export for NVivo, ATLAS.ti, MAXQDA, QualCoder: a REFI-QDA codebook
    /// (.qdc) or coded project (.qdpx); or a project's codings as CSV.
    #[command(subcommand)]
    Export(refi_cmd::ExportCommand),
    /// Import a REFI-QDA codebook (.qdc) or project (.qdpx) from another
    /// program.
    #[command(subcommand)]
    Import(refi_cmd::ImportCommand),
    /// Write every analysis table (prevalence by attribute, matrix coding,
    /// co-occurrence, framework matrix, Trust summaries, the gap analysis
    /// against the learning-opportunity directory) as CSV, Parquet and one
    /// Excel workbook.
    Analyse(analyse_cmd::AnalyseArgs),
    /// The learning-opportunity directory as a web page.
    #[command(subcommand)]
    Directory(directory_cmd::DirectoryCommand),
}

#[derive(Parser)]
struct ExplainArgs {
    /// The segment's id, e.g. `P07:t12.s3`.
    segment: String,
    #[arg(long, default_value = "corpora/sample-study")]
    corpus: PathBuf,
    #[arg(long, default_value = "codebooks/str-training.toml")]
    codebook: PathBuf,
}

#[derive(Parser)]
struct EvaluateArgs {
    /// The gold file: `segment<TAB>code` lines under that header.
    #[arg(long)]
    gold: PathBuf,
    #[arg(long, default_value = "corpora/sample-study")]
    corpus: PathBuf,
    #[arg(long, default_value = "codebooks/str-training.toml")]
    codebook: PathBuf,
    /// Also list each disagreement (segment ids and codes, no text).
    #[arg(long)]
    disagreements: bool,
}

#[derive(Parser)]
struct RedactArgs {
    /// The corpus folder.
    #[arg(default_value = "corpora/sample-study")]
    corpus: PathBuf,
    /// Folder for the redacted copies (not the corpus folder).
    #[arg(long)]
    out: PathBuf,
    /// File for the key from pseudonyms back to names: keep it apart from
    /// the redacted copies (it may not be inside `--out`).
    #[arg(long)]
    key: PathBuf,
    #[command(flatten)]
    screen: screening::ScreenArgs,
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
    #[command(flatten)]
    screen: screening::ScreenArgs,
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
    #[command(flatten)]
    screen: screening::ScreenArgs,
    /// The learning-opportunity directory: with it, the report adds charts
    /// by band, co-occurrence and the gap analysis [default: `directory/`
    /// for the shipped sample study and codebook; a directory names the
    /// codebook's themes, so with another corpus or codebook give it].
    #[arg(long)]
    directory: Option<PathBuf>,
    /// The case attribute that holds a worker's band.
    #[arg(long, default_value = "band")]
    band: String,
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
        Command::Redact(args) => redact_command(&args),
        Command::Codebook(command) => codebook_cmd::run(&command),
        Command::Evaluate(args) => evaluate_command(&args),
        Command::Explain(args) => explain_command(&args),
        Command::Init(args) => project_cmd::init(&args),
        Command::Add(args) => project_cmd::add(&args),
        Command::Autocode(args) => project_cmd::autocode(&args),
        Command::Code(args) => project_cmd::code(&args, false),
        Command::Uncode(args) => project_cmd::code(&args, true),
        Command::Review(args) => review::run(&args),
        Command::Memo(args) => project_cmd::memo(&args),
        Command::Search(args) => project_cmd::search(&args),
        Command::Agree(args) => project_cmd::agree(&args),
        Command::History(args) => project_cmd::history(&args),
        Command::Undo(args) => project_cmd::undo(&args),
        Command::Status(args) => project_cmd::status(&args),
        Command::Export(command) => refi_cmd::export(&command),
        Command::Import(command) => refi_cmd::import(&command),
        Command::Analyse(args) => analyse_cmd::run(&args),
        Command::Directory(command) => directory_cmd::run(&command),
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
fn notices(corpus: &Corpus, language: &str, unit: Unit) -> Vec<String> {
    // Guessing the language of every long segment is the costliest part
    // of ingest, so documents are checked in parallel (in order all the same).
    use rayon::prelude::*;
    let documents: Vec<DocumentNotices> = corpus
        .transcripts
        .par_iter()
        .map(|t| DocumentNotices::new(t, language, unit))
        .collect();
    DocumentNotices::gather(&corpus.warnings, documents)
}

/// What the language and decoding checks say of one transcript. Notices
/// name documents and segment ids, never transcript text.
#[derive(Debug, Default)]
struct DocumentNotices {
    /// The document as a whole is not in the codebook's language.
    language: Option<String>,
    /// Passages in another language, in a document that is in it.
    foreign: Vec<String>,
    /// Invalid bytes replaced while decoding.
    replaced: Option<String>,
}

impl DocumentNotices {
    fn new(t: &Transcript, language: &str, unit: Unit) -> DocumentNotices {
        let mut out = DocumentNotices::default();
        match &t.language {
            Some(l) if l.code != language => {
                out.language = Some(format!(
                    "{}: written in `{}`, not the codebook's language `{language}`; its coding is unreliable",
                    t.id, l.code
                ));
            }
            // A whole document in another language is reported above;
            // one whose language could not be told may still have
            // passages that can be.
            other => {
                if other.is_none() {
                    out.language = Some(format!("{}: its language could not be told", t.id));
                }
                out.foreign = strand_transcript::foreign_segments(t, unit, language)
                    .into_iter()
                    .map(|(segment, l)| {
                        format!(
                            "{}: a passage in `{}`, not `{language}`; check how it was coded",
                            segment.id, l.code
                        )
                    })
                    .collect();
            }
        }
        if t.replaced > 0 {
            out.replaced = Some(format!(
                "{}: {} invalid byte sequences were replaced while reading",
                t.id, t.replaced
            ));
        }
        out
    }

    /// Every notice of a corpus, given its documents' in document order:
    /// the corpus's warnings, then documents in another language, passages
    /// in another language, and replaced bytes.
    fn gather(warnings: &[CorpusWarning], documents: Vec<DocumentNotices>) -> Vec<String> {
        let mut out: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        out.extend(documents.iter().filter_map(|d| d.language.clone()));
        let mut replaced = Vec::new();
        for d in documents {
            out.extend(d.foreign);
            replaced.extend(d.replaced);
        }
        out.extend(replaced);
        out
    }
}

fn ingest_command(args: &IngestArgs) -> Result<()> {
    let corpus = ingest::load(&args.paths, invalid(args.replace_invalid))?;
    let summary = corpus.summary(args.unit);
    let notices = notices(&corpus, &args.language, args.unit);
    let (findings, accepted) = screening::scan(&corpus, &args.screen)?;
    if args.json {
        print!("{}", ingest::json(&summary, &notices, &findings, accepted)?);
    } else {
        print!(
            "{}",
            ingest::render(&summary, &notices, &findings, accepted)
        );
    }
    Ok(())
}

/// The absolute, link-free form of a path that may not exist yet: its
/// nearest existing ancestor canonicalised, the rest appended. Comparing
/// these tells whether one path lies inside another.
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing
        .canonicalize()
        .unwrap_or_else(|_| existing.to_path_buf());
    out.extend(rest.iter().rev());
    out
}

fn explain_command(args: &ExplainArgs) -> Result<()> {
    let codebook = Codebook::read(&args.codebook)?;
    let coder = Coder::new(&codebook);
    let Some((document, _)) = args.segment.split_once(':') else {
        anyhow::bail!(
            "`{}` is not a segment id; expected DOCUMENT:tTURN.sSENTENCE, e.g. P07:t12.s3",
            args.segment
        );
    };
    let corpus = Corpus::load(&args.corpus, || {})?;
    let Some(t) = corpus.transcripts.iter().find(|t| t.id == document) else {
        anyhow::bail!("no document `{document}` in {}", args.corpus.display());
    };
    let segments = strand_transcript::segments(t, coder.unit());
    let Some(segment) = segments.iter().find(|s| s.id == args.segment) else {
        anyhow::bail!(
            "no segment `{}` in {document} at unit `{}`",
            args.segment,
            coder.unit()
        );
    };
    let text = segment.text(t);
    let speaker = &t.turns[segment.turn - 1].speaker;
    println!("{} ({speaker}, {})", segment.id, segment.role.as_str());
    println!("  {}", text.replace('\n', " "));
    let firings = coder.firings(t, segment);
    if firings.is_empty() {
        println!("no rule fired");
    }
    for m in &firings {
        let code = &codebook.codes[m.code];
        let marked = format!(
            "{}[{}]{}",
            &text[..m.span.start],
            &text[m.span.clone()],
            &text[m.span.end..]
        );
        println!(
            "rule {} of `{}` fired: {}{}",
            m.rule + 1,
            code.id,
            m.pattern,
            if m.negated { " (negated)" } else { "" }
        );
        println!("  {}", marked.replace('\n', " "));
        if m.negated {
            let policy = match &code.negated {
                strand_codebook::NegatedPolicy::Ignore => {
                    "not coded (negated = \"ignore\")".to_string()
                }
                strand_codebook::NegatedPolicy::Keep => {
                    "coded, marked negated (negated = \"keep\")".to_string()
                }
                strand_codebook::NegatedPolicy::Recode(to) => format!("recoded to `{to}`"),
            };
            println!("  -> {policy}");
        }
    }
    let codings = coder.code_segment(t, segment);
    if codings.is_empty() {
        println!("codings: none");
    }
    for c in &codings {
        println!(
            "coded `{}` by {} from rule {}: {}{}{}",
            c.code,
            c.coder,
            c.evidence.rule + 1,
            c.evidence.pattern,
            if c.evidence.negated { " (negated)" } else { "" },
            c.recoded_from
                .as_ref()
                .map(|f| format!(", recoded from `{f}`"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

fn evaluate_command(args: &EvaluateArgs) -> Result<()> {
    use std::collections::BTreeSet;
    let codebook = Codebook::read(&args.codebook)?;
    let corpus = Corpus::load(&args.corpus, || {})?;
    let coder = Coder::new(&codebook);
    let segments: BTreeSet<String> = corpus
        .transcripts
        .iter()
        .flat_map(|t| strand_transcript::segments(t, coder.unit()))
        .filter(|s| s.role == strand_transcript::Role::Participant)
        .map(|s| s.id)
        .collect();
    let ids: BTreeSet<String> = codebook.codes.iter().map(|c| c.id.clone()).collect();
    let gold = strand_coding::Gold::read(&args.gold, &segments, &ids)?;
    let mut codings: Vec<Coding> = Vec::new();
    let Ok(()) = coder.code_corpus(&corpus, &mut codings);
    // Codes with rules, and any code the gold file uses, in codebook order.
    let in_gold: BTreeSet<&str> = gold.pairs.iter().map(|(_, c)| c.as_str()).collect();
    let codes: Vec<String> = codebook
        .codes
        .iter()
        .filter(|c| !c.rules.is_empty() || in_gold.contains(c.id.as_str()))
        .map(|c| c.id.clone())
        .collect();
    let evaluation = strand_coding::Evaluation::new(&codes, &segments, &codings, &gold);
    println!("{evaluation}");
    if args.disagreements {
        let auto: BTreeSet<(String, String)> = codings
            .iter()
            .map(|c| (c.segment.clone(), c.code.to_string()))
            .collect();
        for (s, c) in auto.difference(&gold.pairs) {
            println!("auto only\t{s}\t{c}");
        }
        for (s, c) in gold.pairs.difference(&auto) {
            println!("gold only\t{s}\t{c}");
        }
    }
    Ok(())
}

fn redact_command(args: &RedactArgs) -> Result<()> {
    let corpus = ingest::load(std::slice::from_ref(&args.corpus), Invalid::Reject)?;
    let (corpus_dir, out_dir) = (resolve(&args.corpus), resolve(&args.out));
    if out_dir == corpus_dir || out_dir.starts_with(&corpus_dir) {
        anyhow::bail!(
            "{}: the redacted copies must go outside the corpus folder, so no original is ever overwritten",
            args.out.display()
        );
    }
    if resolve(&args.key).starts_with(&out_dir) {
        anyhow::bail!(
            "{}: the key must be kept apart from the redacted copies, outside {}",
            args.key.display(),
            args.out.display()
        );
    }
    let screen = args.screen.screen()?;
    let mut redactor = strand_screen::Redactor::new();
    let mut replaced = 0;
    let mut files = Vec::new();
    for t in &corpus.transcripts {
        let findings = screening::findings(&screen, t);
        replaced += findings.len();
        let text = redactor.redact(&t.text, &findings);
        files.push((
            args.out.join("transcripts").join(format!("{}.txt", t.id)),
            text,
        ));
    }
    let cases = args.corpus.join(strand_transcript::CASES_FILE);
    if cases.exists() {
        let bytes =
            std::fs::read(&cases).with_context(|| format!("cannot read {}", cases.display()))?;
        output::write_atomic(&args.out.join(strand_transcript::CASES_FILE), &bytes)
            .with_context(|| format!("cannot write to {}", args.out.display()))?;
    }
    for (path, text) in &files {
        output::write_atomic(path, text.as_bytes())
            .with_context(|| format!("cannot write to {}", args.out.display()))?;
    }
    let mut key = String::from("original,pseudonym\n");
    for (original, pseudonym) in redactor.key() {
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        key.push_str(&format!("{},{}\n", quote(&original), quote(&pseudonym)));
    }
    output::write_atomic(&args.key, key.as_bytes())
        .with_context(|| format!("cannot write the key to {}", args.key.display()))?;
    println!(
        "{} documents, {} findings replaced -> {}; key -> {}",
        files.len(),
        replaced,
        args.out.display(),
        args.key.display()
    );
    Ok(())
}

const SAMPLE_CORPUS: &str = "corpora/sample-study";
const SAMPLE_CODEBOOK: &str = "codebooks/str-training.toml";

fn run(args: &RunArgs) -> Result<()> {
    let codebook = Codebook::read(&args.codebook)?;
    let corpus = ingest::load(
        std::slice::from_ref(&args.corpus),
        invalid(args.replace_invalid),
    )?;
    // Nothing is coded while the screen finds identifying details that the
    // researcher has not accepted: a report would spread them.
    let (findings, screen_accepted) = screening::scan(&corpus, &args.screen)?;
    screening::refuse(&findings, "coded")?;

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
    let notices = notices(&corpus, &codebook.language, coder.unit());
    for n in &notices {
        eprintln!("warning: {n}");
    }

    let mut files: Vec<(String, Vec<u8>)> = analysis
        .tables()
        .iter()
        .map(|t| (format!("{}.csv", t.name), t.to_csv().into_bytes()))
        .collect();
    // With a learning-opportunity directory, the report also has the
    // charts by band, co-occurrence and the gap analysis.
    let sample =
        args.corpus == Path::new(SAMPLE_CORPUS) && args.codebook == Path::new(SAMPLE_CODEBOOK);
    let directory_path = match &args.directory {
        Some(d) => Some(d.clone()),
        None if sample && Path::new("directory").is_dir() => Some(PathBuf::from("directory")),
        None => None,
    };
    let mut site_files: Vec<(String, Vec<u8>)> = Vec::new();
    let study_tables = if let Some(path) = &directory_path {
        let directory = strand_directory::Directory::read(path, &codebook)?;
        let tables = strand_analysis::study(
            &Input {
                corpus: &corpus,
                codebook: &codebook,
                codings: &codings,
                unit: coder.unit(),
                by: &args.by,
            },
            &directory,
            strand_analysis::GapAttributes {
                trust: &args.by,
                band: &args.band,
            },
        )?;
        let keep = [
            "prevalence_by_attribute",
            "cooccurrence",
            "gap",
            "gap_supply",
        ];
        let tables: Vec<strand_table::Table> = tables
            .into_iter()
            .map(|t| t.table)
            .filter(|t| keep.contains(&t.name.as_str()))
            .collect();
        for t in &tables {
            files.push((format!("{}.csv", t.name), t.to_csv().into_bytes()));
        }
        // The web directory beside the report, so the gap table's links to
        // opportunities work from the report folder.
        let demand = tables
            .iter()
            .find(|t| t.name == "gap")
            .map(|gap| {
                strand_site::Demand::from_gap_csv(
                    Path::new("gap.csv"),
                    gap.to_csv().as_bytes(),
                    &codebook,
                )
            })
            .transpose()?;
        for f in strand_site::render(&strand_site::SiteInput {
            title: "Learning opportunities for support workers",
            directory: &directory,
            codebook: &codebook,
            demand: demand.as_ref(),
        })? {
            site_files.push((format!("directory/{}", f.name), f.bytes));
        }
        Some(tables)
    } else {
        None
    };
    let table_files: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let find = |name: &str| {
        study_tables
            .as_ref()
            .and_then(|ts| ts.iter().find(|t| t.name == name))
    };
    let study = match (
        find("prevalence_by_attribute"),
        find("cooccurrence"),
        find("gap"),
    ) {
        (Some(prevalence_by_attribute), Some(cooccurrence), Some(gap)) => {
            Some(strand_report::Study {
                prevalence_by_attribute,
                cooccurrence,
                gap,
                trust: &args.by,
                band: &args.band,
                directory_link: Some("directory/index.html"),
            })
        }
        _ => None,
    };
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
        study,
        screen_accepted,
    })?;
    files.extend(report.into_iter().map(|f| (f.name, f.bytes)));
    files.extend(site_files);
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
