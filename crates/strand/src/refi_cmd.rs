//! `strand export qdc | qdpx` and `strand import qdc | qdpx`: exchange
//! with NVivo, ATLAS.ti, MAXQDA, QualCoder and others through the REFI-QDA
//! standard. The work is `strand-refi`'s; this wires it to files.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use strand_codebook::Codebook;
use strand_coding::{Coder, Coding};
use strand_refi::{CodeBook, ImportOptions, ProjectBuilder, Warning, CODINGS_HEADER};

use crate::output::write_atomic;
use crate::screening;

/// The coder automatic codings are credited to in an exported project.
pub const AUTOMATIC_CODER: &str = "strand (automatic)";

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The codebook as a REFI-QDA codebook (.qdc): codes, their hierarchy,
    /// definitions and colours.
    Qdc {
        #[arg(long, default_value = "codebooks/str-training.toml")]
        codebook: PathBuf,
        /// The .qdc file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// The coded corpus as a REFI-QDA project (.qdpx): transcripts, codes,
    /// codings (automatic, and any in the corpus's codings.tsv), coders,
    /// and participants with their attributes as cases.
    Qdpx {
        /// Corpus folder, as for `strand run`.
        #[arg(long, default_value = "corpora/sample-study")]
        corpus: PathBuf,
        /// Codebook to code with [default: the corpus's codebook.toml if it
        /// has one, else codebooks/str-training.toml].
        #[arg(long)]
        codebook: Option<PathBuf>,
        /// The .qdpx file to write.
        #[arg(long)]
        out: PathBuf,
        /// Export a project instead (see `strand init`): its documents, its
        /// codebook, every coder's accepted codings and the automatic
        /// suggestions, cases and memos.
        #[arg(long, conflicts_with_all = ["corpus", "codebook"])]
        project: Option<PathBuf>,
        #[command(flatten)]
        screen: screening::ScreenArgs,
    },
    #[command(flatten)]
    Project(crate::project_cmd::ExportCommand),
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// A REFI-QDA codebook (.qdc) as strand codebook TOML: codes with ids
    /// from their names, definitions from their descriptions, no rules.
    Qdc {
        file: PathBuf,
        /// The TOML file to write (an existing file is not overwritten).
        #[arg(long)]
        out: PathBuf,
        /// The codebook's name [default: the file's name].
        #[arg(long)]
        name: Option<String>,
    },
    /// A REFI-QDA project (.qdpx) as a folder strand reads: transcripts/,
    /// codebook.toml, codings.tsv, participants.csv and memos.md.
    Qdpx {
        file: PathBuf,
        /// The folder to write (new or empty).
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn export(command: &ExportCommand) -> Result<()> {
    match command {
        ExportCommand::Project(c) => crate::project_cmd::export(c),
        ExportCommand::Qdc { codebook, out } => {
            let cb = Codebook::read(codebook)?;
            let exchange = CodeBook {
                origin: strand_refi::ORIGIN.into(),
                codes: strand_refi::codes_from_codebook(&cb),
                sets: Vec::new(),
            };
            let bytes = strand_refi::to_qdc(&exchange)?;
            write_atomic(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
            println!("{} codes -> {}", cb.codes.len(), out.display());
            Ok(())
        }
        ExportCommand::Qdpx {
            project: Some(project),
            out,
            ..
        } => crate::project_cmd::export_qdpx(project, out),
        ExportCommand::Qdpx {
            corpus,
            codebook,
            out,
            screen,
            ..
        } => export_project(corpus, codebook.as_deref(), out, screen),
    }
}

fn export_project(
    dir: &Path,
    codebook: Option<&Path>,
    out: &Path,
    screen: &screening::ScreenArgs,
) -> Result<()> {
    let own = dir.join("codebook.toml");
    let codebook_path = match codebook {
        Some(p) => p.to_path_buf(),
        None if own.is_file() => own,
        None => PathBuf::from("codebooks/str-training.toml"),
    };
    let codebook = Codebook::read(&codebook_path)?;
    let corpus = crate::ingest::load(
        std::slice::from_ref(&dir.to_path_buf()),
        strand_transcript::Invalid::Reject,
    )?;
    // A project file carries the transcripts to other programs and
    // people, so the same rule holds as for a report.
    let (findings, _) = screening::scan(&corpus, screen)?;
    crate::screening::refuse(&findings, "exported")?;
    let mut codings: Vec<Coding> = Vec::new();
    let Ok(()) = Coder::new(&codebook).code_corpus(&corpus, &mut codings);

    let name = crate::corpus_name(dir);
    let mut b = ProjectBuilder::new(&name);
    b.codebook(&codebook);
    b.user(
        AUTOMATIC_CODER,
        Some(&format!("auto:{}", codebook.short_hash())),
    );
    for t in &corpus.transcripts {
        b.document(&t.id, &t.text);
    }
    for c in &codings {
        b.coding(
            &c.document,
            c.segment_span.clone(),
            &c.code,
            AUTOMATIC_CODER,
        )?;
    }
    let tsv = dir.join("codings.tsv");
    let mut kept = 0;
    if tsv.is_file() {
        kept = read_codings(&tsv, &mut b)?;
    }
    let attributes = &corpus.cases.attributes;
    for case in corpus.cases.iter() {
        let values: Vec<(String, String)> = attributes
            .iter()
            .cloned()
            .zip(case.values.iter().cloned())
            .collect();
        let documents: Vec<String> = corpus
            .transcripts
            .iter()
            .filter(|t| t.participants().contains(&case.id.as_str()))
            .map(|t| t.id.clone())
            .collect();
        b.case(&case.id, &values, &documents);
    }
    if dir.join("memos.md").is_file() {
        eprintln!("warning: memos.md is not exported: strand does not read memos back yet");
    }
    let project = b.build();
    let bytes = strand_refi::to_qdpx(&project)?;
    write_atomic(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "{} documents, {} codes, {} codings ({} automatic, {} from codings.tsv), {} cases -> {}",
        project.sources.len(),
        codebook.codes.len(),
        project
            .sources
            .iter()
            .flat_map(|s| &s.selections)
            .map(|s| s.codings.len())
            .sum::<usize>(),
        codings.len(),
        kept,
        project.cases.len(),
        out.display()
    );
    Ok(())
}

/// Adds the codings of a `codings.tsv` (as `strand import qdpx` writes
/// it) to the project; returns how many.
fn read_codings(path: &Path, b: &mut ProjectBuilder) -> Result<usize> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, header)) if header == CODINGS_HEADER => {}
        _ => bail!(
            "{}:1:1: expected the header `{}`",
            path.display(),
            CODINGS_HEADER.replace('\t', "<TAB>")
        ),
    }
    let mut n = 0;
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{}:{}:1", path.display(), i + 1);
        let cols: Vec<&str> = line.split('\t').collect();
        let [document, start, end, code, coder] = cols.as_slice() else {
            bail!("{at}: expected 5 tab-separated fields (document, start, end, code, coder), found {}", cols.len());
        };
        let number = |s: &str| -> Result<usize> {
            s.parse().with_context(|| {
                format!("{at}: `{s}` is not a position (a whole number of characters)")
            })
        };
        let coder = if coder.is_empty() {
            "unknown coder"
        } else {
            coder
        };
        b.coding_in_code_points(document, number(start)?..number(end)?, code, coder)
            .with_context(|| at.clone())?;
        n += 1;
    }
    Ok(n)
}

fn print_warnings(file: &Path, warnings: &[Warning]) {
    // Warnings name places, GUIDs and element names, never text.
    for w in warnings {
        eprintln!("warning: {}: {w}", file.display());
    }
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Imported".into())
}

pub fn import(command: &ImportCommand) -> Result<()> {
    match command {
        ImportCommand::Qdc { file, out, name } => {
            if out.exists() {
                bail!(
                    "{}: already exists; choose another --out, strand does not overwrite a codebook",
                    out.display()
                );
            }
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let entry = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let import = strand_refi::import_qdc(&entry, &bytes)
                .with_context(|| file.display().to_string())?;
            print_warnings(file, &import.warnings);
            let name = name.clone().unwrap_or_else(|| file_stem(file));
            let (toml, ids) = strand_refi::codebook_toml(&import.codebook.codes, &name)?;
            write_atomic(out, toml.as_bytes())
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("{} codes -> {}", ids.len(), out.display());
            Ok(())
        }
        ImportCommand::Qdpx { file, out } => {
            if out.exists()
                && std::fs::read_dir(out)
                    .map(|mut d| d.next().is_some())
                    .unwrap_or(true)
            {
                bail!(
                    "{}: already exists and is not empty; choose a new folder for --out",
                    out.display()
                );
            }
            let bytes =
                std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            let import = strand_refi::import_qdpx(&bytes, &ImportOptions::default())
                .with_context(|| file.display().to_string())?;
            print_warnings(file, &import.warnings);
            let project = &import.project;
            let name = if project.name.trim().is_empty() {
                file_stem(file)
            } else {
                project.name.clone()
            };
            let folder = strand_refi::to_folder(project, &name)?;
            for n in &folder.notices {
                eprintln!("warning: {n}");
            }
            for (path, bytes) in folder.files() {
                let target = out.join(&path);
                write_atomic(&target, &bytes)
                    .with_context(|| format!("cannot write {}", target.display()))?;
            }
            println!(
                "{} documents, {} codes, {} codings, {} cases, {} memos -> {}",
                project.sources.len(),
                strand_refi::model::all_codes(&project.codes).len(),
                folder.codings.lines().count() - 1,
                project.cases.len(),
                project.notes.len(),
                out.display()
            );
            Ok(())
        }
    }
}
