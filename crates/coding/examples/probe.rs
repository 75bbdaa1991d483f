//! Prints every coding of a corpus with its evidence, for tuning a codebook:
//! `cargo run -p strand-coding --example probe -- CORPUS CODEBOOK [CODE]`.
use std::path::Path;

use strand_codebook::Codebook;
use strand_coding::{Coder, Coding};
use strand_transcript::Corpus;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = Corpus::load(Path::new(&args[1]), || {}).unwrap_or_else(|e| panic!("{e}"));
    let cb = Codebook::read(Path::new(&args[2])).unwrap_or_else(|e| panic!("{e}"));
    let mut codings: Vec<Coding> = Vec::new();
    Coder::new(&cb).code_corpus(&corpus, &mut codings).unwrap();
    for c in codings {
        if args
            .get(3)
            .is_some_and(|only| !c.code.starts_with(only.as_str()))
        {
            continue;
        }
        let t = corpus
            .transcripts
            .iter()
            .find(|t| *t.id == *c.document)
            .unwrap();
        let seg = &t.text[c.segment_span.clone()];
        println!(
            "{}\t{}\t{}\t[{}]{}\t{}",
            c.code,
            c.segment,
            c.evidence.pattern,
            &t.text[c.evidence.span.clone()],
            if c.evidence.negated { " NEG" } else { "" },
            seg.replace('\n', " ")
        );
    }
}
