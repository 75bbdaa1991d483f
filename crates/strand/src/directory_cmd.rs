//! `strand directory build`: the web-based learning-opportunity directory,
//! one self-contained HTML page that works from the file system.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use strand_codebook::Codebook;
use strand_directory::Directory;
use strand_site::{render, Demand, SiteInput};

use crate::output;

#[derive(Subcommand)]
pub enum DirectoryCommand {
    /// Write the directory as a web page (`index.html`, styles and script
    /// inside it): every opportunity, costed, filterable by Trust, band,
    /// theme, fee and delivery, linked to its pathway step and the themes
    /// it addresses.
    Build(BuildArgs),
}

#[derive(Parser)]
pub struct BuildArgs {
    /// The learning-opportunity directory: `opportunities/*.csv` and
    /// `themes.csv` (see `directory/README.md`).
    #[arg(long, default_value = "directory")]
    directory: PathBuf,
    /// The codebook the directory's themes come from (labels, definitions).
    #[arg(long, default_value = "codebooks/str-training.toml")]
    codebook: PathBuf,
    /// The folder `strand analyse` wrote (or its `gap.csv`): each theme then
    /// says how many interviewed workers voice it. Only counts are read,
    /// never quotes.
    #[arg(long)]
    analysis: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "reports/directory")]
    out: PathBuf,
    /// The page's title.
    #[arg(
        long,
        default_value = "Learning opportunities for mental-health support workers"
    )]
    title: String,
}

pub fn run(command: &DirectoryCommand) -> Result<()> {
    match command {
        DirectoryCommand::Build(args) => build(args),
    }
}

fn build(args: &BuildArgs) -> Result<()> {
    let codebook = Codebook::read(&args.codebook)?;
    let directory = Directory::read(&args.directory, &codebook)?;
    let demand = match &args.analysis {
        Some(path) => Some(read_demand(path, &codebook)?),
        None => None,
    };
    let files = render(&SiteInput {
        title: &args.title,
        directory: &directory,
        codebook: &codebook,
        demand: demand.as_ref(),
    })?;
    for f in &files {
        output::write_atomic(&args.out.join(&f.name), &f.bytes)
            .with_context(|| format!("cannot write the directory to {}", args.out.display()))?;
    }
    println!(
        "{} opportunities{} -> {}",
        directory.opportunities.len(),
        if demand.is_some() {
            ", with demand from the gap analysis"
        } else {
            ""
        },
        args.out.join(strand_site::INDEX).display()
    );
    Ok(())
}

/// The gap table in `path`, a folder `strand analyse` wrote or the file.
fn read_demand(path: &Path, codebook: &Codebook) -> Result<Demand> {
    let file = if path.is_dir() {
        path.join("gap.csv")
    } else {
        path.to_path_buf()
    };
    let bytes = std::fs::read(&file).with_context(|| {
        format!(
            "cannot read the gap table {}; `strand analyse` writes it",
            file.display()
        )
    })?;
    Ok(Demand::from_gap_csv(&file, &bytes, codebook)?)
}
