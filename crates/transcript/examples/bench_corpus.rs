//! Generates a large corpus for `scripts/bench-analyse.sh`:
//! `bench_corpus SAMPLE_DIR OUT_DIR N` writes N interview transcripts and
//! their `participants.csv` to OUT_DIR.
//!
//! Each interview is stitched from the sample study's question-and-answer
//! exchanges (the k-th exchange of a generated interview is the k-th
//! exchange of a randomly chosen sample interview, so the interview keeps
//! its arc from role, through training, to the future), relabelled with the
//! new participant's id. The default codebook therefore codes it as it
//! codes real-looking talk. Trust, role and band are drawn at random with
//! a fixed seed: the same N gives the same bytes.
//!
//! It lives here, needing nothing but std, rather than beside the `strand`
//! binary: building an example of `strand` brings in its dev-dependencies,
//! which changes polars' feature set and so rebuilds polars.

use std::fmt::Write as _;
use std::path::Path;

/// xorshift64: reproducible without a dependency.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A sample interview as its exchanges: an interviewer turn and the
/// participant's answer (label removed), in order.
fn exchanges(text: &str) -> Vec<(String, String)> {
    let mut turns: Vec<(bool, String)> = Vec::new();
    for line in text.lines() {
        let label = line.split_once(':').filter(|(l, _)| {
            *l == "Interviewer"
                || (l.starts_with('P') && l[1..].bytes().all(|b| b.is_ascii_digit()))
        });
        match label {
            Some((l, rest)) => turns.push((l == "Interviewer", rest.trim().to_string())),
            None => {
                if let Some(last) = turns.last_mut() {
                    last.1.push('\n');
                    last.1.push_str(line);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < turns.len() {
        if turns[i].0 && !turns[i + 1].0 {
            out.push((
                turns[i].1.trim().to_string(),
                turns[i + 1].1.trim().to_string(),
            ));
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, sample, out, n] = args.as_slice() else {
        eprintln!("usage: bench_corpus SAMPLE_DIR OUT_DIR N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a number");
    let mut sources: Vec<Vec<(String, String)>> = Vec::new();
    let dir = Path::new(sample).join("transcripts");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the sample's transcripts")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    for f in files {
        sources.push(exchanges(&std::fs::read_to_string(f).unwrap()));
    }
    let longest = sources.iter().map(Vec::len).max().unwrap_or(0);
    let out = Path::new(out);
    std::fs::create_dir_all(out.join("transcripts")).unwrap();
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut cases = String::from("participant,trust,role,band,years_in_post\n");
    let trusts = ["Northbrook", "Eastvale"];
    let roles = ["STR", "HCSW"];
    for i in 1..=n {
        let id = format!("P{i:05}");
        writeln!(
            cases,
            "{id},{},{},{},{}",
            trusts[rng.below(2)],
            roles[rng.below(2)],
            2 + rng.below(3),
            1 + rng.below(20)
        )
        .unwrap();
        let mut text = String::new();
        for k in 0..longest {
            let source = &sources[rng.below(sources.len())];
            if let Some((q, a)) = source.get(k) {
                write!(text, "Interviewer: {q}\n\n{id}: {a}\n\n").unwrap();
            }
        }
        std::fs::write(out.join("transcripts").join(format!("{id}.txt")), text).unwrap();
    }
    std::fs::write(out.join("participants.csv"), cases).unwrap();
}
