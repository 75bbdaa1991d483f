//! Validity: automatic coding against a human-coded gold standard.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::Coding;

/// A human coder's decisions: which codes each segment got.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gold {
    pub pairs: BTreeSet<(String, String)>,
}

/// A problem with a gold file.
#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:1: {message}")]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

impl Gold {
    /// Reads a gold file: tab-separated `segment` and `code` columns under
    /// a header line, `#` comments allowed. Every segment must be one the
    /// corpus has and every code one the codebook has, so a typo cannot
    /// quietly count as a disagreement.
    pub fn read(
        path: &Path,
        segments: &BTreeSet<String>,
        codes: &BTreeSet<String>,
    ) -> Result<Gold, GoldError> {
        let text = std::fs::read_to_string(path).map_err(|source| GoldError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let err = |line: usize, message: String| GoldError::Line {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut pairs = BTreeSet::new();
        let mut header = false;
        for (i, line) in text.lines().enumerate() {
            let n = i + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            if !header {
                if fields.first() != Some(&"segment") || fields.get(1) != Some(&"code") {
                    return Err(err(n, "expected the header `segment<TAB>code`".into()));
                }
                header = true;
                continue;
            }
            let [segment, code] = fields[..] else {
                return Err(err(
                    n,
                    format!("expected 2 tab-separated fields, found {}", fields.len()),
                ));
            };
            if !segments.contains(segment) {
                return Err(err(
                    n,
                    format!("no participant segment `{segment}` in the corpus"),
                ));
            }
            if !codes.contains(code) {
                return Err(err(n, format!("no code `{code}` in the codebook")));
            }
            pairs.insert((segment.to_string(), code.to_string()));
        }
        Ok(Gold { pairs })
    }
}

/// Agreement on one code over every segment.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeScore {
    pub code: String,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
}

impl CodeScore {
    pub fn gold(&self) -> usize {
        self.tp + self.fn_
    }

    pub fn auto(&self) -> usize {
        self.tp + self.fp
    }

    /// Precision; 0 when nothing was coded but the gold has the code (the
    /// coder missed everything), as scikit-learn's `zero_division=0`.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.auto())
    }

    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.gold())
    }

    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }

    /// Cohen's kappa for the code's presence on each segment: agreement
    /// beyond what the two codings' base rates give by chance. 1 when both
    /// agree everywhere and chance agreement is already total.
    pub fn kappa(&self) -> f64 {
        let n = (self.tp + self.fp + self.fn_ + self.tn) as f64;
        if n == 0.0 {
            return 1.0;
        }
        let observed = (self.tp + self.tn) as f64 / n;
        let yes = (self.tp + self.fp) as f64 * (self.tp + self.fn_) as f64;
        let no = (self.fn_ + self.tn) as f64 * (self.fp + self.tn) as f64;
        let expected = (yes + no) / (n * n);
        if expected >= 1.0 {
            return 1.0;
        }
        (observed - expected) / (1.0 - expected)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Per-code scores and their macro averages.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub codes: Vec<CodeScore>,
    pub segments: usize,
}

impl Evaluation {
    /// Compares `codings` with `gold` over `segments` for each of `codes`
    /// (in that order). Codes neither coder used are left out of the
    /// averages: there is nothing to agree or disagree on.
    pub fn new(
        codes: &[String],
        segments: &BTreeSet<String>,
        codings: &[Coding],
        gold: &Gold,
    ) -> Evaluation {
        let auto: BTreeSet<(&str, &str)> = codings
            .iter()
            .map(|c| (c.segment.as_str(), &*c.code))
            .collect();
        let mut per: BTreeMap<&str, (BTreeSet<&str>, BTreeSet<&str>)> = BTreeMap::new();
        for (s, c) in &auto {
            per.entry(c).or_default().0.insert(s);
        }
        for (s, c) in &gold.pairs {
            per.entry(c).or_default().1.insert(s);
        }
        let scores = codes
            .iter()
            .filter_map(|code| {
                let (a, g) = per.get(code.as_str())?;
                let tp = a.intersection(g).count();
                let (fp, fn_) = (a.len() - tp, g.len() - tp);
                Some(CodeScore {
                    code: code.clone(),
                    tp,
                    fp,
                    fn_,
                    tn: segments.len() - tp - fp - fn_,
                })
            })
            .collect();
        Evaluation {
            codes: scores,
            segments: segments.len(),
        }
    }

    fn mean(&self, f: impl Fn(&CodeScore) -> f64) -> f64 {
        if self.codes.is_empty() {
            return 0.0;
        }
        self.codes.iter().map(f).sum::<f64>() / self.codes.len() as f64
    }

    pub fn macro_precision(&self) -> f64 {
        self.mean(CodeScore::precision)
    }
    pub fn macro_recall(&self) -> f64 {
        self.mean(CodeScore::recall)
    }
    pub fn macro_f1(&self) -> f64 {
        self.mean(CodeScore::f1)
    }
    pub fn macro_kappa(&self) -> f64 {
        self.mean(CodeScore::kappa)
    }
}

impl fmt::Display for Evaluation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<34} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6} {:>6} {:>6} {:>6}",
            "code", "gold", "auto", "tp", "fp", "fn", "prec", "recall", "f1", "kappa"
        )?;
        for s in &self.codes {
            writeln!(
                f,
                "{:<34} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6.3} {:>6.3} {:>6.3} {:>6.3}",
                s.code,
                s.gold(),
                s.auto(),
                s.tp,
                s.fp,
                s.fn_,
                s.precision(),
                s.recall(),
                s.f1(),
                s.kappa()
            )?;
        }
        writeln!(
            f,
            "{:<34} {:>5} {:>5} {:>5} {:>5} {:>5} {:>6.3} {:>6.3} {:>6.3} {:>6.3}",
            format!("macro average ({} codes)", self.codes.len()),
            "",
            "",
            "",
            "",
            "",
            self.macro_precision(),
            self.macro_recall(),
            self.macro_f1(),
            self.macro_kappa()
        )?;
        write!(f, "over {} participant segments", self.segments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(tp: usize, fp: usize, fn_: usize, tn: usize) -> CodeScore {
        CodeScore {
            code: "c".into(),
            tp,
            fp,
            fn_,
            tn,
        }
    }

    #[test]
    fn precision_recall_f1_and_kappa_match_hand_computation() {
        // 100 segments: 20 both, 5 auto only, 10 gold only, 65 neither.
        let s = score(20, 5, 10, 65);
        assert!((s.precision() - 0.8).abs() < 1e-12);
        assert!((s.recall() - 20.0 / 30.0).abs() < 1e-12);
        assert!((s.f1() - 40.0 / 55.0).abs() < 1e-12);
        // po = .85; pe = (.25 * .30) + (.75 * .70) = .6; kappa = .25 / .4
        assert!((s.kappa() - 0.625).abs() < 1e-12, "{}", s.kappa());
        // Nothing coded by either: perfect, by convention.
        assert_eq!(score(0, 0, 0, 10).kappa(), 1.0);
        // Coder missed everything.
        assert_eq!(score(0, 0, 4, 6).precision(), 0.0);
        assert_eq!(score(0, 0, 4, 6).kappa(), 0.0);
    }

    #[test]
    fn gold_files_are_checked_line_by_line() {
        let dir = std::env::temp_dir().join(format!("strand-gold-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("gold.tsv");
        let segments: BTreeSet<String> = ["P01:t2.s1", "P01:t2.s2"].map(String::from).into();
        let codes: BTreeSet<String> = ["a", "b"].map(String::from).into();
        let read = |text: &str| {
            std::fs::write(&path, text).unwrap();
            Gold::read(&path, &segments, &codes).map_err(|e| {
                e.to_string()
                    .replace(&path.display().to_string(), "gold.tsv")
            })
        };
        let gold =
            read("# by hand\nsegment\tcode\nP01:t2.s1\ta\nP01:t2.s1\tb\nP01:t2.s1\ta\n").unwrap();
        assert_eq!(gold.pairs.len(), 2);
        assert_eq!(
            read("segment\tcode\nP01:t9.s1\ta\n").unwrap_err(),
            "gold.tsv:2:1: no participant segment `P01:t9.s1` in the corpus"
        );
        assert_eq!(
            read("segment\tcode\nP01:t2.s1\tz\n").unwrap_err(),
            "gold.tsv:2:1: no code `z` in the codebook"
        );
        assert_eq!(
            read("seg,code\n").unwrap_err(),
            "gold.tsv:1:1: expected the header `segment<TAB>code`"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
