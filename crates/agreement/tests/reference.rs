//! strand's statistics against the reference implementations researchers
//! cite: scikit-learn's `cohen_kappa_score` and the `krippendorff` package,
//! run by `scripts/agreement-reference.py`, to 1e-9.
//!
//! The Python packages are installed by `.ci/run`, which sets
//! `STRAND_REQUIRE_REFERENCE=1` so that CI fails rather than skips when they
//! are missing; elsewhere the test says it skipped.

use std::io::Write;
use std::process::{Command, Stdio};

use strand_agreement::{cohen_kappa, krippendorff_alpha, Value};

/// A small deterministic generator (SplitMix64): the datasets must be the
/// same on every run without a dependency for randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

enum Case {
    Kappa(Vec<[Value; 2]>),
    Alpha(Vec<Vec<Value>>),
}

fn cases() -> Vec<Case> {
    let mut rng = Rng(20261123);
    let mut out = Vec::new();
    for i in 0..60 {
        let units = 1 + rng.below(200) as usize;
        let values = 2 + rng.below(4) as u32;
        // Coders who mostly agree, as real coders do, and some who do not.
        let agreement = rng.below(100);
        let pick = |rng: &mut Rng, base: u32| {
            if rng.below(100) < agreement {
                base
            } else {
                rng.below(values as u64) as u32
            }
        };
        if i % 2 == 0 {
            let mut data = Vec::new();
            for _ in 0..units {
                let base = rng.below(values as u64) as u32;
                data.push([Some(pick(&mut rng, base)), Some(pick(&mut rng, base))]);
            }
            out.push(Case::Kappa(data));
        } else {
            let coders = 2 + rng.below(4) as usize;
            let missing = rng.below(40);
            let mut data = Vec::new();
            for _ in 0..units {
                let base = rng.below(values as u64) as u32;
                data.push(
                    (0..coders)
                        .map(|_| {
                            if rng.below(100) < missing {
                                None
                            } else {
                                Some(pick(&mut rng, base))
                            }
                        })
                        .collect(),
                );
            }
            out.push(Case::Alpha(data));
        }
    }
    // Edge cases: perfect agreement, a single value, all missing but one.
    out.push(Case::Kappa(vec![[Some(1), Some(1)], [Some(0), Some(0)]]));
    out.push(Case::Kappa(vec![[Some(1), Some(1)]; 5]));
    out.push(Case::Alpha(vec![
        vec![Some(1), Some(1)],
        vec![Some(0), None],
    ]));
    out.push(Case::Alpha(vec![vec![Some(2), Some(2), Some(2)]; 4]));
    out
}

fn json(cases: &[Case]) -> String {
    let v = |x: &Value| x.map_or(serde_json::Value::Null, |x| x.into());
    let list: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| match c {
            Case::Kappa(d) => serde_json::json!({
                "kind": "kappa",
                "a": d.iter().map(|p| v(&p[0])).collect::<Vec<_>>(),
                "b": d.iter().map(|p| v(&p[1])).collect::<Vec<_>>(),
            }),
            Case::Alpha(d) => {
                let coders = d[0].len();
                let rows: Vec<Vec<serde_json::Value>> = (0..coders)
                    .map(|c| d.iter().map(|u| v(&u[c])).collect())
                    .collect();
                serde_json::json!({ "kind": "alpha", "data": rows })
            }
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

#[test]
fn statistics_agree_with_scikit_learn_and_krippendorff_to_1e_9() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/agreement-reference.py"
    );
    let required = std::env::var("STRAND_REQUIRE_REFERENCE").is_ok_and(|v| v == "1");
    let probe = Command::new("python3")
        .args(["-c", "import sklearn, krippendorff"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !required,
            "python3 with scikit-learn and krippendorff is required (STRAND_REQUIRE_REFERENCE=1)"
        );
        eprintln!("skipped: python3 with scikit-learn and krippendorff is not installed");
        return;
    }
    let cases = cases();
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(json(&cases).as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let reference: Vec<Option<f64>> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reference.len(), cases.len());
    let mut defined = 0;
    for (i, (case, expected)) in cases.iter().zip(&reference).enumerate() {
        let ours = match case {
            Case::Kappa(d) => cohen_kappa(d),
            Case::Alpha(d) => krippendorff_alpha(d),
        };
        match (ours, expected) {
            (Some(a), Some(b)) => {
                defined += 1;
                assert!((a - b).abs() < 1e-9, "case {i}: strand {a}, reference {b}");
            }
            (None, None) => {}
            _ => panic!("case {i}: strand {ours:?}, reference {expected:?}"),
        }
    }
    assert!(defined >= 55, "only {defined} cases had defined statistics");
}
