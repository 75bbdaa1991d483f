//! Lists a corpus's participant segments as `id<TAB>text`, one per line:
//! `cargo run -p strand-transcript --example segments -- CORPUS [UNIT]`.
//! Used to make gold files by hand: a coder reads the sentences, not the
//! rules' output.
use std::path::Path;

use strand_transcript::{segments, Corpus, Role, Unit};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(dir) = args.get(1) else {
        eprintln!("usage: segments CORPUS [UNIT]");
        std::process::exit(2);
    };
    let unit: Unit = match args.get(2).map_or(Ok(Unit::Sentence), |u| u.parse()) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let corpus = match Corpus::load(Path::new(dir), || {}) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    for t in &corpus.transcripts {
        for s in segments(t, unit)
            .iter()
            .filter(|s| s.role == Role::Participant)
        {
            println!("{}\t{}", s.id, s.text(t).replace(['\n', '\t'], " "));
        }
    }
}
