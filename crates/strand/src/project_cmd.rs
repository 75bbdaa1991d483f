//! Commands on a project store: `init`, `add`, `autocode`, `code`,
//! `uncode`, `memo`, `history`, `undo`, `status`, `search`, `agree`,
//! `export codings` and the codebook edits (`codebook rename|move|merge|
//! delete|use|show`).
//!
//! Each command that changes the project is one `Store::command`: one
//! transaction and one history entry. History lines carry ids and options,
//! never memo or transcript text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use strand_coding::{Coder, Coding, Sink};
use strand_store::{Added, Command, Store, Tx};
use strand_table::{Table, Value};
use strand_transcript::{Cases, Corpus, Transcript};

use crate::output::write_atomic;
use crate::progress::Progress;
use crate::screening;

/// Where the project is.
#[derive(Args, Clone)]
pub struct ProjectArg {
    /// The project folder (holding strand.db).
    #[arg(long, env = "STRAND_PROJECT", default_value = ".")]
    pub project: PathBuf,
}

/// Who is coding.
#[derive(Args, Clone)]
pub struct CoderArg {
    /// Your name as a coder (or set STRAND_CODER).
    #[arg(long, env = "STRAND_CODER")]
    pub coder: String,
}

#[derive(Args)]
pub struct InitArgs {
    /// The project folder to create.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The codebook to start with (TOML).
    #[arg(long, default_value = "codebooks/str-training.toml")]
    pub codebook: PathBuf,
}

#[derive(Args)]
pub struct AddArgs {
    /// A corpus folder (transcripts and participants.csv), or transcript files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub project: ProjectArg,
    /// Replace invalid bytes (and count them) instead of stopping.
    #[arg(long)]
    pub replace_invalid: bool,
    #[command(flatten)]
    pub screen: screening::ScreenArgs,
}

#[derive(Args)]
pub struct CodeArgs {
    /// The segment, e.g. `P07:t12.s3`.
    pub segment: String,
    /// The code id, e.g. `barriers.cost`.
    pub code: String,
    #[command(flatten)]
    pub coder: CoderArg,
    #[command(flatten)]
    pub project: ProjectArg,
}

#[derive(Args)]
pub struct MemoArgs {
    /// The memo's text. Without it, lists the memos.
    pub text: Option<String>,
    /// What the memo is about: a document (`P07`) or segment (`P07:t12.s3`);
    /// without it (and without --code), the project.
    #[arg(long, conflicts_with = "code")]
    pub on: Option<String>,
    /// A code the memo is about.
    #[arg(long)]
    pub code: Option<String>,
    /// Your name as a coder (or set STRAND_CODER); needed to write.
    #[arg(long, env = "STRAND_CODER")]
    pub coder: Option<String>,
    #[command(flatten)]
    pub project: ProjectArg,
}

#[derive(Args)]
pub struct SearchArgs {
    /// A word or phrase (case-insensitive, whole words; `train*` matches
    /// any word starting `train`).
    pub term: String,
    /// Only segments coded with this code (or its descendants), by anyone.
    #[arg(long)]
    pub code: Option<String>,
    /// Only participants with this case attribute, e.g. `trust=Northbrook`.
    /// Repeatable; all must hold.
    #[arg(long = "where", value_name = "ATTRIBUTE=VALUE")]
    pub filters: Vec<String>,
    /// Characters of context either side.
    #[arg(long, default_value_t = 40)]
    pub context: usize,
    #[command(flatten)]
    pub project: ProjectArg,
}

#[derive(Args)]
pub struct AgreeArgs {
    /// Two or more coders, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub coders: Vec<String>,
    /// The unit of agreement: `segment` (the codebook's unit), `sentence`,
    /// `paragraph` or `turn`.
    #[arg(long, default_value = "segment")]
    pub unit: String,
    /// Also list each segment where the coders differ.
    #[arg(long)]
    pub disagreements: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub project: ProjectArg,
}

#[derive(Subcommand)]
pub enum ExportCommand {
    /// One row per coding with its segment, case attributes, code path,
    /// coder and status, for R or Excel (CSV) or Parquet.
    Codings {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormat,
        /// Only codings with these statuses (comma-separated):
        /// suggested, accepted, rejected.
        #[arg(long, value_delimiter = ',', default_value = "accepted")]
        status: Vec<String>,
        #[command(flatten)]
        project: ProjectArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
    /// Apache Parquet (typed columns; R's arrow, Python's pandas/polars).
    Parquet,
}

#[derive(Subcommand)]
pub enum ProjectCodebookCommand {
    /// Rename a code (and its descendants), keeping its codings.
    Rename {
        from: String,
        to: String,
        #[command(flatten)]
        project: ProjectArg,
    },
    /// Move a code (and its descendants) under another, or to the top level.
    Move {
        code: String,
        /// The new parent; omit for the top level.
        #[arg(long)]
        to: Option<String>,
        #[command(flatten)]
        project: ProjectArg,
    },
    /// Merge a code into another: codings, rules and children move over.
    Merge {
        from: String,
        into: String,
        #[command(flatten)]
        project: ProjectArg,
    },
    /// Delete a code and its descendants (with --force when coded).
    Delete {
        code: String,
        /// Delete its codings too (`strand undo` brings them back).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        project: ProjectArg,
    },
    /// Make a codebook file the project's codebook (a new version).
    Use {
        file: PathBuf,
        #[command(flatten)]
        project: ProjectArg,
    },
    /// Print the project's codebook (TOML).
    Show {
        #[command(flatten)]
        project: ProjectArg,
    },
}

/// The time for history entries and codings: now, or `STRAND_TIME` for
/// reproducible scripted runs and tests.
pub fn now() -> String {
    std::env::var("STRAND_TIME").unwrap_or_else(|_| {
        humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
    })
}

pub fn open(project: &ProjectArg) -> Result<Store> {
    Ok(Store::open(&project.project)?)
}

/// Runs one command against the store.
pub fn command<T>(
    store: &mut Store,
    line: &str,
    coder: Option<&str>,
    f: impl FnOnce(&Tx) -> Result<T, strand_store::Error>,
) -> Result<T> {
    let time = now();
    Ok(store.command(
        &Command {
            line,
            coder,
            time: &time,
        },
        f,
    )?)
}

pub fn init(args: &InitArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.codebook)
        .with_context(|| format!("{}: cannot read the codebook", args.codebook.display()))?;
    let time = now();
    let cmd = Command {
        line: "init",
        coder: None,
        time: &time,
    };
    let store = Store::init(&args.dir, &text, &args.codebook, &cmd)?;
    let codebook = store.codebook()?;
    println!(
        "created a project in {} with codebook `{}` ({} codes, version {})",
        args.dir.display(),
        codebook.name,
        codebook.codes.len(),
        codebook.short_hash()
    );
    println!("next: strand add CORPUS --project {}", args.dir.display());
    Ok(())
}

pub fn add(args: &AddArgs) -> Result<()> {
    let mut store = open(&args.project)?;
    let invalid = crate::invalid(args.replace_invalid);
    let (dir, paths) = match args.paths.as_slice() {
        [dir] if dir.is_dir() => (dir.clone(), Corpus::transcript_paths(dir)?),
        files => {
            if let Some(d) = files.iter().find(|p| p.is_dir()) {
                bail!(
                    "{}: give one corpus folder, or transcript files, not both",
                    d.display()
                );
            }
            let dir = files
                .first()
                .and_then(|f| f.parent())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            (dir, files.to_vec())
        }
    };
    let reading = Progress::new("reading", paths.len());
    let mut files = Vec::new();
    let mut transcripts = Vec::new();
    for path in &paths {
        let bytes =
            std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
        transcripts.push(strand_transcript::parse_file(path, bytes.clone(), invalid)?);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((name, bytes));
        reading.tick();
    }
    reading.finish();
    let cases_path = dir.join(strand_transcript::CASES_FILE);
    let cases = if args.paths.len() == 1 && cases_path.is_file() {
        Some(Cases::read(&cases_path)?)
    } else {
        None
    };
    let corpus = Corpus::assemble(&dir, transcripts, cases)?;
    let (findings, _) = screening::scan(&corpus, &args.screen)?;
    crate::screening::refuse(&findings, "added")?;
    for w in &corpus.warnings {
        eprintln!("warning: {w}");
    }
    // Corpus::assemble sorted the transcripts by id; pair each with its file.
    let by_id: BTreeMap<String, &(String, Vec<u8>)> = paths
        .iter()
        .zip(&files)
        .map(|(p, f)| {
            (
                p.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                f,
            )
        })
        .collect();
    let line = format!("add ({} file(s))", files.len());
    let report = command(&mut store, &line, None, |tx| {
        let mut report = Vec::new();
        for t in &corpus.transcripts {
            let (name, bytes) = by_id[&t.id];
            report.push((t.id.clone(), tx.add_document(name, bytes, t)?));
        }
        let cases = tx.set_cases(&corpus.cases)?;
        let new = report
            .iter()
            .filter(|(_, a)| matches!(a, Added::New { .. }))
            .count();
        let changed = report
            .iter()
            .filter(|(_, a)| matches!(a, Added::Changed { .. }))
            .count();
        tx.summarise(format!(
            "{new} new, {changed} changed document(s); {cases} case value(s) set"
        ));
        Ok(report)
    })?;
    let mut orphans = 0;
    for (id, added) in &report {
        match added {
            Added::New { segments } => println!("{id}: added ({segments} sentences)"),
            Added::Unchanged => println!("{id}: unchanged"),
            Added::Changed { kept, orphaned } => {
                println!(
                    "{id}: changed; {kept} coding(s) kept, {} on text that is gone:",
                    orphaned.len()
                );
                for o in orphaned {
                    println!("  {} {} ({})", o.segment, o.code, o.coder);
                }
                orphans += orphaned.len();
            }
        }
    }
    if orphans > 0 {
        println!("codings on text that is gone stay in the project (`strand status` lists them); re-code the new text by hand or with `strand autocode`");
    }
    Ok(())
}

/// Stores codings as suggestions as the coder pushes them.
struct Suggest<'t, 'a> {
    tx: &'t Tx<'a>,
    codebook: &'t str,
    added: usize,
    found: usize,
    progress: &'t Progress,
}

impl Sink for Suggest<'_, '_> {
    type Error = strand_store::Error;

    fn coding(&mut self, coding: Coding) -> Result<(), Self::Error> {
        self.found += 1;
        self.added += usize::from(self.tx.suggest(&coding, self.codebook)?);
        Ok(())
    }

    fn document_done(&mut self, _t: &Transcript) -> Result<(), Self::Error> {
        self.progress.tick();
        Ok(())
    }
}

pub fn autocode(project: &ProjectArg) -> Result<()> {
    let mut store = open(project)?;
    let codebook = store.codebook()?;
    let corpus = Corpus {
        transcripts: store.transcripts()?,
        cases: Cases::default(),
        warnings: Vec::new(),
    };
    let coder = Coder::new(&codebook);
    let progress = Progress::new("coding", corpus.transcripts.len());
    let (added, found) = command(&mut store, "autocode", None, |tx| {
        let mut sink = Suggest {
            tx,
            codebook: &codebook.hash,
            added: 0,
            found: 0,
            progress: &progress,
        };
        coder.code_corpus(&corpus, &mut sink)?;
        tx.summarise(format!(
            "{} new suggestion(s) of {}",
            sink.added, sink.found
        ));
        Ok((sink.added, sink.found))
    })?;
    progress.finish();
    println!(
        "{added} new suggestion(s) ({found} found, {} already suggested) with codebook version {}",
        found - added,
        codebook.short_hash()
    );
    Ok(())
}

pub fn code(args: &CodeArgs, remove: bool) -> Result<()> {
    let mut store = open(&args.project)?;
    let coder = args.coder.coder.as_str();
    let verb = if remove { "uncode" } else { "code" };
    let line = format!("{verb} {} {}", args.segment, args.code);
    let outcome = command(&mut store, &line, Some(coder), |tx| {
        if remove {
            tx.uncode(&args.segment, &args.code, coder)?;
            tx.summarise("removed 1 coding");
            Ok(None)
        } else {
            let o = tx.code(&args.segment, &args.code, coder)?;
            tx.summarise(format!("{o:?}").to_lowercase());
            Ok(Some(o))
        }
    })?;
    match outcome {
        None => println!("{}: removed `{}` ({coder})", args.segment, args.code),
        Some(strand_store::Outcome::Unchanged) => {
            println!("{}: already coded `{}` by {coder}", args.segment, args.code)
        }
        Some(_) => println!("{}: coded `{}` ({coder})", args.segment, args.code),
    }
    Ok(())
}

pub fn memo(args: &MemoArgs) -> Result<()> {
    let mut store = open(&args.project)?;
    let Some(text) = &args.text else {
        for m in store.memos()? {
            let on = match m.kind.as_str() {
                "project" => "project".to_string(),
                "code" => format!("code {}", m.target),
                _ => m.target.clone(),
            };
            println!(
                "#{} {on} ({}, {})\n  {}",
                m.id,
                m.coder,
                m.time,
                m.text.replace('\n', "\n  ")
            );
        }
        return Ok(());
    };
    let Some(coder) = &args.coder else {
        bail!("writing a memo needs --coder NAME (or STRAND_CODER)");
    };
    let (target, on_code) = match (&args.on, &args.code) {
        (_, Some(code)) => (code.as_str(), true),
        (Some(on), None) => (on.as_str(), false),
        (None, None) => ("", false),
    };
    let line = if on_code {
        format!("memo --code {target}")
    } else if target.is_empty() {
        "memo".to_string()
    } else {
        format!("memo --on {target}")
    };
    let id = command(&mut store, &line, Some(coder), |tx| {
        let id = tx.memo(target, on_code, coder, text)?;
        tx.summarise(format!("memo #{id}"));
        Ok(id)
    })?;
    println!("memo #{id} written");
    Ok(())
}

pub fn history(project: &ProjectArg) -> Result<()> {
    let store = open(project)?;
    for h in store.history()? {
        let by = h
            .coder
            .as_deref()
            .map(|c| format!(" [{c}]"))
            .unwrap_or_default();
        let undone = h
            .undone_by
            .map(|u| format!(" (undone by #{u})"))
            .unwrap_or_default();
        println!(
            "#{} {}{by} {}: {}{undone}",
            h.id, h.time, h.command, h.summary
        );
    }
    Ok(())
}

pub fn undo(project: &ProjectArg) -> Result<()> {
    let mut store = open(project)?;
    let time = now();
    let undone = store.undo(&Command {
        line: "undo",
        coder: None,
        time: &time,
    })?;
    println!(
        "undid #{} ({}): {} change(s) reversed",
        undone.entry, undone.command, undone.changes
    );
    Ok(())
}

pub fn status(project: &ProjectArg) -> Result<()> {
    let store = open(project)?;
    let codebook = store.codebook()?;
    let documents = store.documents()?;
    println!(
        "project {}: {} document(s), codebook `{}` version {}",
        store.dir().display(),
        documents.len(),
        codebook.name,
        codebook.short_hash()
    );
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in store.codings(false)? {
        *counts.entry((c.coder, c.status)).or_default() += 1;
    }
    for ((coder, status), n) in &counts {
        println!("  {coder}: {n} {status}");
    }
    let orphans = store.orphans()?;
    if !orphans.is_empty() {
        println!(
            "{} coding(s) on text no longer in its document:",
            orphans.len()
        );
        for o in orphans {
            println!("  {} {} ({})", o.segment, o.code, o.coder);
        }
    }
    Ok(())
}

/// Compiles a search term: whole words, case-insensitive, `*` at the end
/// of a word for any ending.
fn search_pattern(term: &str) -> Result<regex::Regex> {
    let words: Vec<String> = term
        .split_whitespace()
        .map(|w| match w.strip_suffix('*') {
            Some(stem) => format!("{}\\w*", regex::escape(stem)),
            None => regex::escape(w),
        })
        .collect();
    if words.is_empty() {
        bail!("the search term is empty");
    }
    Ok(
        regex::RegexBuilder::new(&format!(r"\b{}\b", words.join(r"\s+")))
            .case_insensitive(true)
            .build()?,
    )
}

pub fn search(args: &SearchArgs) -> Result<()> {
    let store = open(&args.project)?;
    let pattern = search_pattern(&args.term)?;
    let mut filters = Vec::new();
    for f in &args.filters {
        let Some((k, v)) = f.split_once('=') else {
            bail!("`--where {f}`: expected ATTRIBUTE=VALUE, e.g. trust=Northbrook");
        };
        filters.push((k.trim().to_lowercase(), v.trim().to_string()));
    }
    let attributes = store.attributes()?;
    for (k, _) in &filters {
        if !attributes.contains(k) {
            bail!(
                "`--where {k}=…`: no case attribute `{k}`; the project has: {}",
                attributes.join(", ")
            );
        }
    }
    let cases = store.cases()?;
    let coded: Option<std::collections::BTreeSet<String>> = match &args.code {
        None => None,
        Some(code) => {
            let codebook = store.codebook()?;
            if codebook.get(code).is_none() {
                bail!("no code `{code}` in the project's codebook");
            }
            let prefix = format!("{code}.");
            Some(
                store
                    .codings(false)?
                    .into_iter()
                    .filter(|c| {
                        c.status != "rejected" && (c.code == *code || c.code.starts_with(&prefix))
                    })
                    .map(|c| c.segment.sid)
                    .collect(),
            )
        }
    };
    let mut hits = 0;
    for s in store.segments("sentence", None)? {
        if coded.as_ref().is_some_and(|set| !set.contains(&s.sid)) {
            continue;
        }
        let case = cases.get(&s.speaker);
        if !filters.iter().all(|(k, v)| {
            case.and_then(|c| c.get(k))
                .is_some_and(|x| x.eq_ignore_ascii_case(v))
        }) {
            continue;
        }
        for m in pattern.find_iter(&s.text) {
            hits += 1;
            let left = tail(&s.text[..m.start()], args.context);
            let right = head(&s.text[m.end()..], args.context);
            println!(
                "{:<14} {:>width$}[{}]{}",
                s.sid,
                left.replace('\n', " "),
                m.as_str(),
                right.replace('\n', " "),
                width = args.context
            );
        }
    }
    eprintln!("{hits} match(es)");
    Ok(())
}

fn tail(s: &str, chars: usize) -> &str {
    let n = s.chars().count();
    let skip = n.saturating_sub(chars);
    s.char_indices().nth(skip).map_or("", |(i, _)| &s[i..])
}

fn head(s: &str, chars: usize) -> &str {
    s.char_indices().nth(chars).map_or(s, |(i, _)| &s[..i])
}

fn show(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |v| format!("{v:.3}"))
}

pub fn agree(args: &AgreeArgs) -> Result<()> {
    let store = open(&args.project)?;
    let known = store.coders()?;
    for c in &args.coders {
        if !known.contains(c) {
            bail!(
                "no coder `{c}` has coded in this project; coders: {}",
                known.join(", ")
            );
        }
    }
    let unit = match args.unit.as_str() {
        "segment" => store.codebook()?.unit.clone(),
        other => other
            .parse::<strand_transcript::Unit>()
            .map_err(|e| anyhow::anyhow!("--unit: {e}, or `segment`"))?
            .as_str()
            .to_string(),
    };
    let a = store.agreement(&args.coders, &unit)?;
    if args.json {
        let code = |c: &strand_store::CodeAgreement| {
            serde_json::json!({
                "code": c.code,
                "units": c.statistics.units,
                "percent_agreement": c.statistics.percent,
                "cohen_kappa": c.statistics.kappa,
                "krippendorff_alpha": c.statistics.alpha,
                "character_percent_agreement": c.character_percent,
                "character_kappa": c.character_kappa,
            })
        };
        let json = serde_json::json!({
            "coders": a.coders,
            "unit": a.unit,
            "codes": a.codes.iter().map(code).collect::<Vec<_>>(),
            "pooled": {
                "units": a.pooled.units,
                "percent_agreement": a.pooled.percent,
                "cohen_kappa": a.pooled.kappa,
                "krippendorff_alpha": a.pooled.alpha,
            },
            "disagreements": a.disagreements.iter().map(|d| serde_json::json!({
                "segment": d.segment, "code": d.code, "applied": d.applied,
            })).collect::<Vec<_>>(),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
        return Ok(());
    }
    println!(
        "agreement between {} at unit `{}`",
        a.coders.join(", "),
        a.unit
    );
    println!(
        "{:<32} {:>6} {:>8} {:>7} {:>7} {:>8} {:>8}",
        "code", "units", "agree", "kappa", "alpha", "char %", "char k"
    );
    for c in &a.codes {
        println!(
            "{:<32} {:>6} {:>8} {:>7} {:>7} {:>8} {:>8}",
            c.code,
            c.statistics.units,
            show(c.statistics.percent),
            show(c.statistics.kappa),
            show(c.statistics.alpha),
            show(c.character_percent),
            show(c.character_kappa)
        );
    }
    println!(
        "{:<32} {:>6} {:>8} {:>7} {:>7}",
        "(pooled)",
        a.pooled.units,
        show(a.pooled.percent),
        show(a.pooled.kappa),
        show(a.pooled.alpha)
    );
    if args.disagreements {
        println!("\ndisagreements ({}):", a.disagreements.len());
        for d in &a.disagreements {
            let who: Vec<String> = a
                .coders
                .iter()
                .zip(&d.applied)
                .map(|(c, v)| match v {
                    Some(true) => format!("{c}: yes"),
                    Some(false) => format!("{c}: no"),
                    None => format!("{c}: -"),
                })
                .collect();
            println!("  {} {} ({})", d.segment, d.code, who.join(", "));
        }
    } else if !a.disagreements.is_empty() {
        println!(
            "{} disagreement(s); list them with --disagreements",
            a.disagreements.len()
        );
    }
    Ok(())
}

/// The codings table: one row per coding with everything needed to
/// analyse it elsewhere. Sorted as the store lists codings.
pub fn codings_table(store: &Store, statuses: &[String]) -> Result<Table> {
    for s in statuses {
        if !["suggested", "accepted", "rejected"].contains(&s.as_str()) {
            bail!("unknown status `{s}`; expected suggested, accepted or rejected");
        }
    }
    let codebook = store.codebook()?;
    let attributes = store.attributes()?;
    let cases = store.cases()?;
    const FIXED: [&str; 16] = [
        "document",
        "segment",
        "unit",
        "speaker",
        "speaker_role",
        "code",
        "code_label",
        "code_path",
        "coder",
        "source",
        "status",
        "rule",
        "negated",
        "start",
        "end",
        "text",
    ];
    // Case attributes sit between the segment and the coding; one named
    // like a fixed column (a `status` attribute, say) is prefixed.
    let attribute_columns: Vec<String> = attributes
        .iter()
        .map(|a| {
            if FIXED.contains(&a.as_str()) {
                format!("case_{a}")
            } else {
                a.clone()
            }
        })
        .collect();
    let mut columns: Vec<&str> = FIXED[..5].to_vec();
    columns.extend(attribute_columns.iter().map(String::as_str));
    columns.extend(&FIXED[5..]);
    let mut table = Table::new("codings", &columns);
    let texts: BTreeMap<String, String> = store
        .transcripts()?
        .into_iter()
        .map(|t| (t.id, t.text))
        .collect();
    let indexes: BTreeMap<&str, strand_transcript::OffsetIndex> = texts
        .iter()
        .map(|(k, v)| (k.as_str(), strand_transcript::OffsetIndex::new(v)))
        .collect();
    for c in store.codings(false)? {
        if !statuses.contains(&c.status) {
            continue;
        }
        let s = &c.segment;
        let mut row = vec![
            Value::from(s.document.clone()),
            Value::from(s.sid.clone()),
            Value::from(s.unit.clone()),
            Value::from(s.speaker.clone()),
            Value::from(s.role.clone()),
        ];
        for a in &attributes {
            let v = cases
                .get(&s.speaker)
                .and_then(|c| c.get(a))
                .cloned()
                .unwrap_or_default();
            row.push(Value::from(v));
        }
        let label = codebook
            .get(&c.code)
            .map(|x| x.label.clone())
            .unwrap_or_default();
        let mut path: Vec<String> = codebook
            .lineage(&c.code)
            .map(|id| {
                codebook
                    .get(id)
                    .map_or_else(|| id.to_string(), |x| x.label.clone())
            })
            .collect();
        // Lineage runs from the code up; a path reads from the top down.
        path.reverse();
        let negated = c
            .evidence
            .as_deref()
            .and_then(|e| serde_json::from_str::<serde_json::Value>(e).ok())
            .and_then(|e| e["negated"].as_bool());
        // Code points, end exclusive: what R, Python and REFI-QDA count.
        let (start, end) = match indexes.get(s.document.as_str()) {
            Some(ix) => (ix.at(s.start).0, ix.at(s.end).0),
            None => (s.start, s.end),
        };
        row.extend([
            Value::from(c.code.clone()),
            Value::from(label),
            Value::from(path.join(" > ")),
            Value::from(c.coder.clone()),
            Value::from(c.source.clone()),
            Value::from(c.status.clone()),
            Value::from(c.rule.clone().unwrap_or_default()),
            Value::from(negated.map(|n| n.to_string()).unwrap_or_default()),
            Value::Int(start as i64),
            Value::Int(end as i64),
            Value::from(s.text.clone()),
        ]);
        table.push(row)?;
    }
    Ok(table)
}

pub fn export(command: &ExportCommand) -> Result<()> {
    match command {
        ExportCommand::Codings {
            out,
            format,
            status,
            project,
        } => {
            let store = open(project)?;
            let table = codings_table(&store, status)?;
            let bytes = match format {
                ExportFormat::Csv => table.to_csv().into_bytes(),
                ExportFormat::Parquet => strand_analysis::to_parquet(&table)?,
            };
            write_atomic(out, &bytes)
                .with_context(|| format!("{}: cannot write", out.display()))?;
            println!(
                "{} coding(s) written to {}",
                table.rows.len(),
                out.display()
            );
            Ok(())
        }
    }
}

pub fn codebook(command: &ProjectCodebookCommand) -> Result<()> {
    use ProjectCodebookCommand as C;
    match command {
        C::Show { project } => {
            print!("{}", open(project)?.codebook_text()?);
        }
        C::Use { file, project } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("{}: cannot read", file.display()))?;
            let mut store = open(project)?;
            let codebook = command_line(&mut store, "codebook use", |tx| {
                let c = tx.set_codebook(&text, file)?;
                tx.summarise(format!("codebook version {}", c.short_hash()));
                Ok(c)
            })?;
            println!(
                "the project's codebook is now `{}` version {}",
                codebook.name,
                codebook.short_hash()
            );
        }
        C::Rename { from, to, project } => {
            let mut store = open(project)?;
            let n = command_line(&mut store, &format!("codebook rename {from} {to}"), |tx| {
                let n = tx.rename_code(from, to)?;
                tx.summarise(format!("{n} coding(s) renamed"));
                Ok(n)
            })?;
            println!("renamed `{from}` to `{to}`; {n} coding(s) follow it");
        }
        C::Move { code, to, project } => {
            let mut store = open(project)?;
            let line = format!(
                "codebook move {code} --to {}",
                to.as_deref().unwrap_or("(top)")
            );
            let new = command_line(&mut store, &line, |tx| {
                let new = tx.move_code(code, to.as_deref())?;
                tx.summarise(format!("now `{new}`"));
                Ok(new)
            })?;
            println!("moved `{code}`: it is now `{new}`");
        }
        C::Merge {
            from,
            into,
            project,
        } => {
            let mut store = open(project)?;
            let n = command_line(&mut store, &format!("codebook merge {from} {into}"), |tx| {
                let n = tx.merge_code(from, into)?;
                tx.summarise(format!("{n} coding(s) moved"));
                Ok(n)
            })?;
            println!("merged `{from}` into `{into}`; {n} coding(s) moved");
        }
        C::Delete {
            code,
            force,
            project,
        } => {
            let mut store = open(project)?;
            let n = command_line(&mut store, &format!("codebook delete {code}"), |tx| {
                let n = tx.delete_code(code, *force)?;
                tx.summarise(format!("{n} coding(s) deleted"));
                Ok(n)
            })?;
            println!("deleted `{code}` and {n} coding(s); `strand undo` brings them back");
        }
    }
    Ok(())
}

fn command_line<T>(
    store: &mut Store,
    line: &str,
    f: impl FnOnce(&Tx) -> Result<T, strand_store::Error>,
) -> Result<T> {
    command(store, line, None, f)
}

/// Writes a project as REFI-QDA (.qdpx): coders as users, accepted
/// codings and the automatic coder's suggestions (rejections are a coder's
/// decision about a suggestion, which the standard cannot say), cases with
/// their attributes, memos as notes on what they are about.
pub fn export_qdpx(project: &Path, out: &Path) -> Result<()> {
    use strand_refi::{Guid, ProjectBuilder};
    let store = Store::open(project)?;
    let codebook = store.codebook()?;
    let name = crate::corpus_name(project);
    let mut b = ProjectBuilder::new(&name);
    b.codebook(&codebook);
    let automatic = format!("strand (automatic, codebook {})", codebook.short_hash());
    let documents = store.transcripts()?;
    for t in &documents {
        b.document(&t.id, &t.text);
    }
    let mut exported = 0;
    let mut spans = std::collections::BTreeSet::new();
    for c in store.codings(false)? {
        let coder = match (c.coder.as_str(), c.status.as_str()) {
            (strand_store::AUTO, "suggested") => automatic.as_str(),
            (_, "accepted") => c.coder.as_str(),
            _ => continue,
        };
        // Codes no longer in the codebook have nothing to point at.
        if codebook.get(&c.code).is_none() {
            continue;
        }
        b.coding(
            &c.segment.document,
            c.segment.start..c.segment.end,
            &c.code,
            coder,
        )?;
        spans.insert(c.segment.sid.clone());
        exported += 1;
    }
    let cases = store.cases()?;
    for (participant, attributes) in &cases {
        let docs: Vec<String> = documents
            .iter()
            .filter(|t| t.turns.iter().any(|turn| turn.speaker == *participant))
            .map(|t| t.id.clone())
            .collect();
        let attrs: Vec<(String, String)> = attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        b.case(participant, &attrs, &docs);
    }
    let texts: BTreeMap<&str, &str> = documents
        .iter()
        .map(|t| (t.id.as_str(), t.text.as_str()))
        .collect();
    for m in store.memos()? {
        let references: Vec<Guid> = match m.kind.as_str() {
            "document" => vec![Guid::derive("source", &m.target)],
            "code" => vec![strand_refi::code_guid(&m.target)],
            // A memo points at the segment's selection when one was
            // exported, else at its document: a note's reference must
            // resolve.
            "segment" => match store.segment(&m.target) {
                Ok(s) if !spans.contains(&s.sid) => vec![Guid::derive("source", &s.document)],
                Ok(s) => {
                    let ix = strand_transcript::OffsetIndex::new(
                        texts.get(s.document.as_str()).copied().unwrap_or(""),
                    );
                    vec![ProjectBuilder::selection_guid(
                        &s.document,
                        ix.at(s.start).0..ix.at(s.end).0,
                    )]
                }
                Err(_) => Vec::new(),
            },
            _ => Vec::new(),
        };
        b.note(
            &format!("memo {} ({})", m.id, m.coder),
            &m.text,
            &references,
        );
    }
    let bytes = strand_refi::to_qdpx(&b.build())?;
    write_atomic(out, &bytes).with_context(|| format!("{}: cannot write", out.display()))?;
    println!(
        "{} document(s), {exported} coding(s) -> {}",
        documents.len(),
        out.display()
    );
    Ok(())
}
