//! `strand codebook check | export | import`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use strand_codebook::Codebook;
use strand_transcript::Corpus;

use crate::output::write_atomic;

#[derive(Subcommand)]
pub enum CodebookCommand {
    /// Check a codebook: errors with file, line and column; with a corpus,
    /// also warnings for rules that match nothing and codes that overlap.
    Check {
        file: PathBuf,
        /// A corpus folder to try the rules on.
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Write the codebook as Markdown (for a methods appendix) or CSV.
    Export {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "markdown")]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Turn a spreadsheet codebook (CSV: id, parent, label, definition,
    /// terms) into codebook TOML.
    Import {
        csv: PathBuf,
        /// The TOML file to write (an existing file is not overwritten).
        #[arg(long)]
        out: PathBuf,
        /// The codebook's name.
        #[arg(long, default_value = "Imported codebook")]
        name: String,
    },
    #[command(flatten)]
    Project(crate::project_cmd::ProjectCodebookCommand),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Markdown,
    Csv,
}

pub fn run(command: &CodebookCommand) -> Result<()> {
    match command {
        CodebookCommand::Project(c) => crate::project_cmd::codebook(c),
        CodebookCommand::Check { file, corpus } => {
            let codebook = Codebook::read(file)?;
            let corpus = match corpus {
                Some(dir) => Some(Corpus::load(dir, || {})?),
                None => None,
            };
            let warnings = strand_coding::check(&codebook, corpus.as_ref());
            for w in &warnings {
                println!("warning: {w}");
            }
            println!(
                "{}: {} codes, {} rules, version {}: ok{}",
                file.display(),
                codebook.codes.len(),
                codebook.codes.iter().map(|c| c.rules.len()).sum::<usize>(),
                codebook.short_hash(),
                match warnings.len() {
                    0 => String::new(),
                    n => format!(", {n} warning(s)"),
                }
            );
            Ok(())
        }
        CodebookCommand::Export { file, format, out } => {
            let codebook = Codebook::read(file)?;
            let text = match format {
                Format::Markdown => codebook.to_markdown(),
                Format::Csv => codebook.to_csv(),
            };
            match out {
                Some(path) => write_atomic(path, text.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display())),
                None => {
                    print!("{text}");
                    Ok(())
                }
            }
        }
        CodebookCommand::Import { csv, out, name } => {
            if out.exists() {
                anyhow::bail!(
                    "{}: already exists; choose another --out, strand does not overwrite a codebook",
                    out.display()
                );
            }
            let text = std::fs::read_to_string(csv)
                .with_context(|| format!("cannot read {}", csv.display()))?;
            let toml = Codebook::csv_to_toml(csv, &text, name)?;
            write_atomic(out, toml.as_bytes())
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("{} -> {}", csv.display(), out.display());
            Ok(())
        }
    }
}
