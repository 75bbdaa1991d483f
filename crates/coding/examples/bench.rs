//! The coding benchmark: `scripts/bench.sh` runs it.
//!
//! `bench generate DIR MEGABYTES` writes a synthetic corpus of interview
//! transcripts (deterministic: the same size gives the same bytes) and a
//! 30-code, 500-term codebook beside it. `bench code DIR` reads the corpus
//! and codes it, printing throughput in MB/s of transcript text.
//! `bench profile DIR [TIMES]` codes it TIMES times and prints only the
//! number of codings, for profilers; `bench dump DIR CODEBOOK` prints every
//! coding, to compare two builds.
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use strand_codebook::Codebook;
use strand_coding::{Coder, Coding, Sink};
use strand_transcript::{Corpus, Transcript};

/// A small deterministic generator (xorshift), so generated corpora are
/// reproducible without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const FILLER: &[&str] = &[
    "I",
    "think",
    "the",
    "ward",
    "was",
    "really",
    "busy",
    "and",
    "we",
    "had",
    "to",
    "just",
    "get",
    "on",
    "with",
    "it",
    "you",
    "know",
    "so",
    "when",
    "my",
    "team",
    "said",
    "that",
    "they",
    "would",
    "sort",
    "out",
    "a",
    "day",
    "for",
    "me",
    "it",
    "never",
    "happened",
    "but",
    "honestly",
    "most",
    "of",
    "us",
    "are",
    "used",
    "to",
    "that",
    "in",
    "this",
    "job",
    "people",
    "come",
    "and",
    "go",
    "every",
    "week",
    "there",
    "is",
    "something",
    "new",
    "on",
    "the",
    "system",
    "which",
    "nobody",
    "tells",
    "you",
    "about",
    "until",
    "later",
    "then",
    "again",
    "maybe",
    "not",
    "always",
];

/// Topic words from which the codebook's 500 terms are built.
const TOPICS: &[&str] = &[
    "training",
    "course",
    "study",
    "leave",
    "manager",
    "supervisor",
    "appraisal",
    "band",
    "four",
    "apprenticeship",
    "certificate",
    "diploma",
    "level",
    "three",
    "cost",
    "fees",
    "travel",
    "bus",
    "distance",
    "staffing",
    "backfill",
    "rota",
    "shift",
    "laptop",
    "login",
    "computer",
    "phone",
    "confidence",
    "motivation",
    "peer",
    "colleague",
    "buddy",
    "mentor",
    "coaching",
    "recovery",
    "wellbeing",
    "induction",
    "mandatory",
    "e-learning",
    "university",
    "college",
    "nursing",
    "associate",
    "assistant",
    "practitioner",
    "progression",
    "career",
    "pathway",
    "budget",
    "funding",
    "levy",
    "release",
    "cover",
    "sickness",
    "pressure",
    "workload",
    "support",
];

fn generate(dir: &Path, megabytes: usize) -> std::io::Result<()> {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let transcripts = dir.join("transcripts");
    std::fs::create_dir_all(&transcripts)?;
    let target = megabytes * 1024 * 1024;
    let (mut written, mut doc) = (0, 0);
    while written < target {
        doc += 1;
        let id = format!("B{doc:05}");
        let mut text = String::with_capacity(110 * 1024);
        let mut turn = 0;
        while text.len() < 100 * 1024 {
            turn += 1;
            let speaker = if turn % 2 == 1 {
                "Interviewer"
            } else {
                id.as_str()
            };
            let _ = write!(text, "{speaker}: ");
            for _ in 0..1 + rng.below(if turn % 2 == 1 { 2 } else { 6 }) {
                let words = 6 + rng.below(18);
                for w in 0..words {
                    let word = if rng.below(40) == 0 {
                        rng.pick(TOPICS)
                    } else {
                        rng.pick(FILLER)
                    };
                    if w == 0 {
                        let mut c = word.chars();
                        let first = c.next().map(|c| c.to_ascii_uppercase()).unwrap_or(' ');
                        text.push(first);
                        text.push_str(c.as_str());
                    } else {
                        text.push(' ');
                        text.push_str(word);
                    }
                    if w + 1 < words && rng.below(12) == 0 {
                        text.push(',');
                    }
                }
                text.push_str(if rng.below(10) == 0 { "? " } else { ". " });
            }
            text.push_str("\n\n");
        }
        written += text.len();
        std::fs::write(transcripts.join(format!("{id}.txt")), text)?;
    }
    // 30 codes of about 17 terms: single words, stems and two-word phrases.
    let mut toml =
        String::from("name = \"Benchmark codebook\"\nlanguage = \"eng\"\nunit = \"sentence\"\n");
    let mut terms = 0;
    for code in 0..30 {
        let _ = write!(
            toml,
            "\n[[code]]\nid = \"code{code:02}\"\nlabel = \"Code {code}\"\n\n[[code.rule]]\nany = ["
        );
        let n = if code < 20 { 17 } else { 16 };
        for t in 0..n {
            let a = rng.pick(TOPICS);
            let term = match t % 3 {
                0 => a.to_string(),
                1 => format!("{}*", &a[..a.len().min(5)]),
                _ => format!("{a} {}", rng.pick(FILLER)),
            };
            let _ = write!(toml, "{}\"{term}\"", if t == 0 { "" } else { ", " });
            terms += 1;
        }
        toml.push_str("]\n");
        if code % 5 == 0 {
            let _ = writeln!(
                toml,
                "\n[[code.rule]]\nany = [\"{}\"]\nwith = [\"{}\", \"{}\"]",
                rng.pick(TOPICS),
                rng.pick(TOPICS),
                rng.pick(TOPICS)
            );
        }
    }
    std::fs::write(dir.join("codebook.toml"), toml)?;
    eprintln!("generated {doc} transcripts, {written} bytes, a codebook of 30 codes and {terms} terms in {}", dir.display());
    Ok(())
}

struct Count(usize);
impl Sink for Count {
    type Error = std::convert::Infallible;
    fn coding(&mut self, _: Coding) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
    fn document_done(&mut self, _: &Transcript) -> Result<(), Self::Error> {
        Ok(())
    }
}

fn code(dir: &Path) {
    let started = Instant::now();
    let corpus = Corpus::load(dir, || {}).unwrap_or_else(|e| panic!("{e}"));
    let loaded = started.elapsed();
    let codebook = Codebook::read(&dir.join("codebook.toml")).unwrap_or_else(|e| panic!("{e}"));
    let bytes: usize = corpus.transcripts.iter().map(|t| t.text.len()).sum();
    let mb = bytes as f64 / (1024.0 * 1024.0);
    let coder = Coder::new(&codebook);
    let started = Instant::now();
    let segments: usize = corpus
        .transcripts
        .iter()
        .map(|t| strand_transcript::segments(t, coder.unit()).len())
        .sum();
    let segmented = started.elapsed();
    eprintln!(
        "segmenting alone: {segments} segments in {:.2} s ({:.0} MB/s)",
        segmented.as_secs_f64(),
        mb / segmented.as_secs_f64()
    );
    let started = Instant::now();
    let mut count = Count(0);
    let Ok(()) = coder.code_corpus(&corpus, &mut count);
    let coded = started.elapsed();
    println!(
        "{} documents, {mb:.1} MB, {} codings; read in {:.2} s ({:.0} MB/s); coded in {:.2} s: {:.0} MB/s",
        corpus.transcripts.len(),
        count.0,
        loaded.as_secs_f64(),
        mb / loaded.as_secs_f64(),
        coded.as_secs_f64(),
        mb / coded.as_secs_f64()
    );
}

/// Loads a corpus once and codes it `times` times, nothing else: for
/// profilers (`perf record`, `valgrind --tool=callgrind`), whose figures
/// are then mostly coding.
fn profile(dir: &Path, times: usize) {
    let corpus = Corpus::load(dir, || {}).unwrap_or_else(|e| panic!("{e}"));
    let codebook = Codebook::read(&dir.join("codebook.toml")).unwrap_or_else(|e| panic!("{e}"));
    let coder = Coder::new(&codebook);
    for _ in 0..times {
        let mut count = Count(0);
        let Ok(()) = coder.code_corpus(&corpus, &mut count);
        println!("{} codings", count.0);
    }
}

/// Every coding of a corpus, one per line, to compare two builds' codings
/// byte for byte (`bench dump DIR CODEBOOK > codings.tsv`).
fn dump(dir: &Path, codebook: &Path) {
    use std::io::Write as _;
    let corpus = Corpus::load(dir, || {}).unwrap_or_else(|e| panic!("{e}"));
    let codebook = Codebook::read(codebook).unwrap_or_else(|e| panic!("{e}"));
    let mut codings: Vec<Coding> = Vec::new();
    let Ok(()) = Coder::new(&codebook).code_corpus(&corpus, &mut codings);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for c in &codings {
        writeln!(
            out,
            "{}\t{}\t{:?}\t{}\t{}\t{:?}\t{}\t{}\t{}\t{:?}\t{}",
            c.document,
            c.segment,
            c.segment_span,
            c.speaker,
            c.code,
            c.recoded_from,
            c.coder,
            c.evidence.rule,
            c.evidence.pattern,
            c.evidence.span,
            c.evidence.negated
        )
        .expect("write to stdout");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2), args.get(3)) {
        (Some("generate"), Some(dir), Some(mb)) => {
            let mb = mb.parse().expect("MEGABYTES is a number");
            generate(Path::new(dir), mb).expect("generate the corpus");
        }
        (Some("code"), Some(dir), None) => code(Path::new(dir)),
        (Some("profile"), Some(dir), times) => profile(
            Path::new(dir),
            times.map_or(5, |t| t.parse().expect("TIMES is a number")),
        ),
        (Some("dump"), Some(dir), Some(codebook)) => dump(Path::new(dir), Path::new(codebook)),
        _ => {
            eprintln!(
                "usage: bench generate DIR MEGABYTES | bench code DIR | bench profile DIR [TIMES] | bench dump DIR CODEBOOK"
            );
            std::process::exit(2);
        }
    }
}
