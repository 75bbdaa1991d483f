//! Projects shared by the tests: strand's tiny corpus coded as `strand
//! run` codes it, and a hand-made project using every part of the model.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use strand_codebook::Codebook;
use strand_coding::Coder;
use strand_refi::model::*;
use strand_refi::{Guid, ProjectBuilder};
use strand_transcript::Corpus;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn shared() -> PathBuf {
    let dir = root().join("../shared/refi-qda");
    assert!(dir.is_dir(), "{} is missing", dir.display());
    dir
}

pub struct Tiny {
    pub corpus: Corpus,
    pub codebook: Codebook,
    pub codings: Vec<strand_coding::Coding>,
    pub project: Project,
}

pub const AUTO: &str = "strand (automatic)";
pub const HUMAN: &str = "Researcher A";

/// The tiny corpus coded automatically, plus one human coding and memos
/// about a document, a code, a case and a selection.
pub fn tiny() -> Tiny {
    let dir = root().join("tests/fixtures/tiny");
    let corpus = Corpus::load(&dir, || {}).unwrap();
    let codebook = Codebook::read(&dir.join("codebook.toml")).unwrap();
    let mut codings: Vec<strand_coding::Coding> = Vec::new();
    let Ok(()) = Coder::new(&codebook).code_corpus(&corpus, &mut codings);

    let mut b = ProjectBuilder::new("tiny");
    b.codebook(&codebook);
    b.user(AUTO, Some(&format!("auto:{}", codebook.short_hash())));
    for t in &corpus.transcripts {
        b.document(&t.id, &t.text);
    }
    for c in &codings {
        b.coding(&c.document, c.segment_span.clone(), &c.code, AUTO)
            .unwrap();
    }
    // "travel" in T01, by hand.
    let t01 = &corpus.transcripts[0].text;
    let at = t01.find("travel").unwrap();
    b.coding("T01", at..at + 6, "barriers.cost", HUMAN).unwrap();
    for case in corpus.cases.iter() {
        let attributes: Vec<(String, String)> = corpus
            .cases
            .attributes
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
        b.case(&case.id, &attributes, &documents);
    }
    let travel = ProjectBuilder::selection_guid("T01", at..at + 6);
    b.note(
        "About travel",
        "Travel costs come up twice.\r\nCheck T03.",
        &[travel, strand_refi::code_guid("barriers.cost")],
    );
    b.note(
        "T02 context",
        "Interview cut short.",
        &[Guid::derive("source", "T02"), Guid::derive("case", "T02")],
    );
    let project = b.build();
    Tiny {
        corpus,
        codebook,
        codings,
        project,
    }
}

fn g(n: u128) -> Guid {
    Guid(0x1000_0000_0000_4000_8000_0000_0000_0000 + n)
}

/// Every part of the model, with text that tests positions: characters
/// outside the Basic Multilingual Plane, accents, CR LF.
pub fn rich() -> Project {
    let text = "Café 😀 talk:\r\nI can’t get study leave 📚 at all.\r\n".to_string();
    let chars: Vec<char> = text.chars().collect();
    let find = |word: &str| {
        let w: Vec<char> = word.chars().collect();
        let start = chars
            .windows(w.len())
            .position(|x| x == w.as_slice())
            .unwrap();
        (start, start + w.len())
    };
    let (s1, e1) = find("study leave 📚");
    let (s2, e2) = find("😀");
    Project {
        name: "Rich & <tricky> \"project\"".into(),
        origin: strand_refi::ORIGIN.into(),
        description: Some("A project.\nTwo lines.".into()),
        users: vec![
            User {
                guid: g(1),
                name: "Ann".into(),
                id: Some("AN".into()),
            },
            User {
                guid: g(2),
                name: "Bo".into(),
                id: None,
            },
        ],
        codes: vec![Code {
            guid: g(10),
            name: "Barriers".into(),
            description: Some("Things in the way.".into()),
            colour: Some("#cc0000".into()),
            codable: false,
            children: vec![
                Code {
                    guid: g(11),
                    name: "Leave".into(),
                    description: None,
                    colour: Some("#0af".into()),
                    codable: true,
                    children: vec![],
                },
                Code {
                    guid: g(12),
                    name: "Joy".into(),
                    description: None,
                    colour: None,
                    codable: true,
                    children: vec![],
                },
            ],
        }],
        variables: vec![
            Variable {
                guid: g(20),
                name: "trust".into(),
                kind: VariableType::Text,
                description: Some("Employer".into()),
            },
            Variable {
                guid: g(21),
                name: "band".into(),
                kind: VariableType::Integer,
                description: None,
            },
            Variable {
                guid: g(22),
                name: "consented".into(),
                kind: VariableType::Boolean,
                description: None,
            },
            Variable {
                guid: g(23),
                name: "years".into(),
                kind: VariableType::Float,
                description: None,
            },
            Variable {
                guid: g(24),
                name: "interviewed".into(),
                kind: VariableType::Date,
                description: None,
            },
            Variable {
                guid: g(25),
                name: "at".into(),
                kind: VariableType::DateTime,
                description: None,
            },
        ],
        cases: vec![Case {
            guid: g(30),
            name: "P01".into(),
            description: Some("Support worker".into()),
            codes: vec![g(12)],
            values: vec![
                VariableValue {
                    variable: g(20),
                    value: " Northbrook ".into(),
                },
                VariableValue {
                    variable: g(21),
                    value: "3".into(),
                },
                VariableValue {
                    variable: g(22),
                    value: "true".into(),
                },
                VariableValue {
                    variable: g(23),
                    value: "2.5".into(),
                },
                VariableValue {
                    variable: g(24),
                    value: "2024-01-15".into(),
                },
                VariableValue {
                    variable: g(25),
                    value: "2024-01-15T10:00:00Z".into(),
                },
            ],
            sources: vec![g(40)],
            selections: vec![g(41)],
        }],
        sources: vec![
            Source {
                guid: g(40),
                name: "P01 interview".into(),
                text,
                description: Some("First interview".into()),
                creator: Some(g(1)),
                selections: vec![
                    Selection {
                        guid: g(41),
                        name: Some("leave".into()),
                        start: s1,
                        end: e1,
                        description: Some("Key quote".into()),
                        creator: Some(g(1)),
                        codings: vec![
                            Coding {
                                guid: g(42),
                                code: g(11),
                                creator: Some(g(1)),
                            },
                            Coding {
                                guid: g(43),
                                code: g(11),
                                creator: Some(g(2)),
                            },
                        ],
                    },
                    Selection {
                        guid: g(44),
                        name: None,
                        start: s2,
                        end: e2,
                        description: None,
                        creator: None,
                        codings: vec![Coding {
                            guid: g(45),
                            code: g(12),
                            creator: None,
                        }],
                    },
                ],
                codings: vec![Coding {
                    guid: g(46),
                    code: g(10),
                    creator: Some(g(2)),
                }],
                values: vec![VariableValue {
                    variable: g(21),
                    value: "2".into(),
                }],
            },
            Source {
                guid: g(47),
                name: "Empty".into(),
                text: String::new(),
                description: None,
                creator: None,
                selections: vec![],
                codings: vec![],
                values: vec![],
            },
        ],
        notes: vec![
            Note {
                guid: g(50),
                name: "Memo on leave".into(),
                text: "Line one\r\nLine two\n\ttabbed <b>&</b>".into(),
                description: Some("A memo".into()),
                creator: Some(g(1)),
                references: vec![g(11), g(30), g(40), g(41), g(42), g(51)],
            },
            Note {
                guid: g(51),
                name: "Second".into(),
                text: String::new(),
                description: None,
                creator: None,
                references: vec![],
            },
        ],
        sets: vec![Set {
            guid: g(60),
            name: "Group".into(),
            description: Some("Codes and sources".into()),
            codes: vec![g(11), g(12)],
            sources: vec![g(40)],
            notes: vec![g(51)],
        }],
        project_notes: vec![g(51)],
    }
}
