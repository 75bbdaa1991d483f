use std::path::{Path, PathBuf};

use strand_coding::{Coder, Coding};
use strand_transcript::{Cases, Corpus};

use super::*;

fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tiny")
}

fn cmd(line: &str) -> Command<'_> {
    Command {
        line,
        coder: None,
        time: "2026-11-23T10:00:00Z",
    }
}

/// A project holding the tiny corpus, autocoded.
fn project(dir: &Path) -> Store {
    let codebook_path = tiny().join("codebook.toml");
    let text = std::fs::read_to_string(&codebook_path).unwrap();
    let mut store = Store::init(dir, &text, &codebook_path, &cmd("init")).unwrap();
    add_tiny(&mut store, &[]);
    autocode(&mut store);
    store
}

fn add_tiny(store: &mut Store, replace: &[(&str, &str)]) -> Vec<Added> {
    store
        .command(&cmd("add"), |tx| {
            let mut out = Vec::new();
            for name in ["T01.txt", "T02.txt", "T03.txt"] {
                let path = tiny().join("transcripts").join(name);
                let mut bytes = std::fs::read(&path).unwrap();
                if let Some((_, text)) = replace.iter().find(|(n, _)| *n == name) {
                    bytes = text.as_bytes().to_vec();
                }
                let t = strand_transcript::parse_file(
                    &path,
                    bytes.clone(),
                    strand_transcript::Invalid::Reject,
                )?;
                out.push(tx.add_document(name, &bytes, &t)?);
            }
            tx.set_cases(&Cases::read(&tiny().join("participants.csv"))?)?;
            Ok(Listed(out))
        })
        .unwrap()
        .0
}

struct Listed<T>(T);

fn autocode(store: &mut Store) -> usize {
    let codebook = store.codebook().unwrap();
    let transcripts = store.transcripts().unwrap();
    let corpus = Corpus {
        transcripts,
        cases: Cases::default(),
        warnings: vec![],
    };
    let mut codings: Vec<Coding> = Vec::new();
    Coder::new(&codebook)
        .code_corpus(&corpus, &mut codings)
        .unwrap();
    store
        .command(&cmd("autocode"), |tx| {
            let mut n = 0;
            for c in &codings {
                n += usize::from(tx.suggest(c, &codebook.hash)?);
            }
            Ok(Listed(n))
        })
        .unwrap()
        .0
}

fn codings(store: &Store) -> Vec<(String, String, String, String)> {
    store
        .codings(false)
        .unwrap()
        .into_iter()
        .map(|c| (c.segment.sid, c.code, c.coder, c.status))
        .collect()
}

fn run(
    store: &mut Store,
    coder: &str,
    f: impl FnOnce(&Tx) -> Result<(), Error>,
) -> Result<(), Error> {
    let c = Command {
        line: "test",
        coder: Some(coder),
        time: "2026-11-23T10:00:00Z",
    };
    store.command(&c, f)
}

#[test]
fn autocode_stores_the_expected_suggestions_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = project(dir.path());
    let expected = std::fs::read_to_string(tiny().join("expected-codings.tsv")).unwrap();
    let expected: Vec<(String, String)> = expected
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect();
    let stored: Vec<(String, String)> = codings(&store)
        .into_iter()
        .map(|(s, c, _, _)| (s, c))
        .collect();
    assert_eq!(stored, expected);
    assert!(codings(&store)
        .iter()
        .all(|c| c.2 == AUTO && c.3 == "suggested"));
    // Evidence and the codebook version are kept.
    let first = &store.codings(false).unwrap()[0];
    assert_eq!(first.rule.as_deref(), Some("cost*"));
    assert!(first
        .evidence
        .as_deref()
        .unwrap()
        .contains("\"negated\":false"));
    assert_eq!(
        first.codebook.as_deref(),
        Some(store.codebook().unwrap().hash.as_str())
    );
    assert_eq!(autocode(&mut store), 0, "a second autocode adds nothing");
    assert_eq!(store.documents().unwrap().len(), 3);
    assert_eq!(store.cases().unwrap()["T01"]["trust"], "Alpha");
}

#[test]
fn decisions_are_per_coder_and_undo_reverses_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = project(dir.path());
    run(&mut store, "alice", |tx| {
        tx.decide("T01:t2.s1", "barriers.cost", "alice", Decision::Accept)?;
        tx.decide("T01:t2.s2", "barriers.cost", "alice", Decision::Reject)?;
        Ok(())
    })
    .unwrap();
    run(&mut store, "bob", |tx| {
        assert_eq!(
            tx.code("T01:t4.s1", "barriers.study_leave", "bob")?,
            Outcome::Added
        );
        assert_eq!(
            tx.code("T01:t4.s1", "barriers.study_leave", "bob")?,
            Outcome::Unchanged
        );
        Ok(())
    })
    .unwrap();
    let rows = store.codings(false).unwrap();
    let alice: Vec<_> = rows.iter().filter(|c| c.coder == "alice").collect();
    assert_eq!(alice.len(), 2);
    assert_eq!(
        (alice[0].status.as_str(), alice[0].source.as_str()),
        ("accepted", "automatic")
    );
    assert_eq!(
        alice[0].rule.as_deref(),
        Some("cost*"),
        "accepting keeps the evidence"
    );
    assert_eq!(alice[1].status, "rejected");
    let bob: Vec<_> = rows.iter().filter(|c| c.coder == "bob").collect();
    assert_eq!(
        (bob[0].source.as_str(), bob[0].status.as_str()),
        ("manual", "accepted")
    );

    let before_bob = codings(&store).len() - 1;
    let undone = store.undo(&cmd("undo")).unwrap();
    assert_eq!(undone.command, "test");
    assert_eq!(codings(&store).len(), before_bob);
    assert!(!codings(&store).iter().any(|c| c.2 == "bob"));
    store.undo(&cmd("undo")).unwrap();
    assert!(!codings(&store).iter().any(|c| c.2 == "alice"));
    // Then autocode, then add; init is never undone.
    store.undo(&cmd("undo")).unwrap();
    assert!(codings(&store).is_empty());
    store.undo(&cmd("undo")).unwrap();
    assert!(store.documents().unwrap().is_empty());
    assert!(matches!(
        store.undo(&cmd("undo")),
        Err(Error::NothingToUndo)
    ));
    let history = store.history().unwrap();
    assert_eq!(history.len(), 9);
    assert_eq!(history[4].undone_by, Some(6));
    assert_eq!(history[5].undoes, Some(5));
    // The history cannot be rewritten.
    assert!(store.conn().execute("DELETE FROM history", []).is_err());
}

#[test]
fn errors_name_ids_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = project(dir.path());
    let before = codings(&store);
    let e = run(&mut store, "alice", |tx| {
        tx.code("T01:t2.s1", "manager.supportive", "alice")?;
        tx.code("T01:t2.s1", "barriers.costs", "alice")?;
        Ok(())
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no code `barriers.costs` in the project's codebook; did you mean `barriers.cost`?"
    );
    assert_eq!(
        codings(&store),
        before,
        "the failed command's first coding was rolled back"
    );
    let e = run(&mut store, "alice", |tx| {
        tx.code("T01:t99.s1", "band4", "alice").map(|_| ())
    })
    .unwrap_err();
    assert_eq!(e.to_string(), "no segment `T01:t99.s1` in the project");
    let e = run(&mut store, "alice", |tx| {
        tx.uncode("T01:t2.s1", "band4", "alice")
    })
    .unwrap_err();
    assert_eq!(e.to_string(), "`T01:t2.s1` is not coded `band4` by alice");
    let e = run(&mut store, "auto", |tx| {
        tx.code("T01:t2.s1", "band4", "auto").map(|_| ())
    })
    .unwrap_err();
    assert!(matches!(e, Error::BadCoder(_)));
    assert_eq!(
        store.history().unwrap().len(),
        3,
        "failed commands leave no history"
    );
}

#[test]
fn a_changed_document_keeps_codings_whose_text_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = project(dir.path());
    run(&mut store, "alice", |tx| {
        tx.decide("T01:t2.s2", "barriers.cost", "alice", Decision::Accept)?;
        tx.code("T01:t6.s1", "band4", "alice")?;
        Ok(())
    })
    .unwrap();
    // A new first turn shifts every turn number; the travel sentence is
    // unchanged, the Band 4 sentence is reworded.
    let original = std::fs::read_to_string(tiny().join("transcripts/T01.txt")).unwrap();
    let changed = format!(
        "Interviewer: Hello.\n\n{}",
        original.replace(
            "I'd love to be an assistant practitioner, Band 4 one day.",
            "Maybe Band 4 one day."
        )
    );
    let added = add_tiny(&mut store, &[("T01.txt", &changed)]);
    let Added::Changed { kept, orphaned } = &added[0] else {
        panic!("{added:?}")
    };
    assert_eq!(added[1], Added::Unchanged);
    assert_eq!(
        orphaned,
        &[
            Orphan {
                segment: "T01:t6.s1".into(),
                code: "band4".into(),
                coder: "alice".into()
            },
            Orphan {
                segment: "T01:t6.s1".into(),
                code: "band4".into(),
                coder: AUTO.into()
            },
        ]
    );
    assert_eq!(
        *kept, 4,
        "two cost suggestions, alice's accepted one, the manager suggestion"
    );
    let alice: Vec<_> = codings(&store)
        .into_iter()
        .filter(|c| c.2 == "alice")
        .collect();
    assert_eq!(
        alice,
        [(
            "T01:t3.s2".to_string(),
            "barriers.cost".to_string(),
            "alice".to_string(),
            "accepted".to_string()
        )]
    );
    assert_eq!(store.orphans().unwrap().len(), 2);
    // Nothing is lost: the old segment and its codings are still there.
    assert_eq!(
        store.codings(true).unwrap().len(),
        codings(&store).len() + 2
    );
    // And the change can be undone.
    store.undo(&cmd("undo")).unwrap();
    assert!(store.orphans().unwrap().is_empty());
    assert!(codings(&store)
        .iter()
        .any(|c| c.0 == "T01:t6.s1" && c.2 == "alice"));
}

#[test]
fn codebook_rename_move_merge_and_delete_keep_codings() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = project(dir.path());
    run(&mut store, "alice", |tx| {
        tx.code("T01:t2.s1", "manager.supportive", "alice")?;
        tx.code("T01:t2.s1", "manager.unsupportive", "alice")?;
        Ok(())
    })
    .unwrap();
    let count = |store: &Store, code: &str| codings(store).iter().filter(|c| c.1 == code).count();
    let supportive = count(&store, "manager.supportive");
    run(&mut store, "alice", |tx| {
        tx.rename_code("manager", "supervision").map(|_| ())
    })
    .unwrap();
    let codebook = store.codebook().unwrap();
    assert!(codebook.get("supervision.supportive").is_some());
    // The recode target followed the rename.
    assert_eq!(
        codebook.get("supervision.supportive").unwrap().negated,
        strand_codebook::NegatedPolicy::Recode("supervision.unsupportive".into())
    );
    assert_eq!(count(&store, "supervision.supportive"), supportive);
    assert_eq!(count(&store, "manager.supportive"), 0);
    // Comments survive the edit.
    assert!(store.codebook_text().unwrap().contains("# A tiny codebook"));

    let moved = store
        .command(&cmd("move"), |tx| tx.move_code("band4", Some("barriers")))
        .unwrap();
    assert_eq!(moved, "barriers.band4");
    assert_eq!(count(&store, "barriers.band4"), 2);

    // Merging: alice's two codings on one segment become one.
    let total = codings(&store).len();
    run(&mut store, "alice", |tx| {
        tx.merge_code("supervision.unsupportive", "supervision.supportive")
            .map(|_| ())
    })
    .unwrap();
    let codebook = store.codebook().unwrap();
    assert!(codebook.get("supervision.unsupportive").is_none());
    assert_eq!(
        codebook.get("supervision.supportive").unwrap().rules.len(),
        2,
        "rules were merged"
    );
    assert_eq!(
        codings(&store).len(),
        total - 2,
        "alice's and auto's duplicates on one segment merged"
    );

    let e = store
        .command(&cmd("delete"), |tx| tx.delete_code("barriers", false))
        .unwrap_err();
    assert!(
        e.to_string().starts_with("code `barriers` has 5 coding(s)"),
        "{e}"
    );
    let deleted = store
        .command(&cmd("delete"), |tx| tx.delete_code("barriers", true))
        .unwrap();
    assert_eq!(deleted, 5);
    assert!(store.codebook().unwrap().get("barriers.cost").is_none());
    store.undo(&cmd("undo")).unwrap();
    assert!(store.codebook().unwrap().get("barriers.cost").is_some());
    assert_eq!(count(&store, "barriers.cost"), 2);
}

#[test]
fn memos_attach_to_project_documents_segments_and_codes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = project(dir.path());
    run(&mut store, "alice", |tx| {
        tx.memo("", false, "alice", "first pass done")?;
        tx.memo("T02", false, "alice", "long pauses")?;
        tx.memo("T02:t2.s1", false, "alice", "irony?")?;
        tx.memo("band4", true, "alice", "split by pathway?")?;
        Ok(())
    })
    .unwrap();
    let kinds: Vec<(String, String)> = store
        .memos()
        .unwrap()
        .into_iter()
        .map(|m| (m.kind, m.target))
        .collect();
    assert_eq!(
        kinds,
        [
            ("project".into(), "".into()),
            ("document".into(), "T02".into()),
            ("segment".into(), "T02:t2.s1".into()),
            ("code".into(), "band4".into())
        ]
    );
    let e = run(&mut store, "alice", |tx| {
        tx.memo("T09", false, "alice", "x").map(|_| ())
    })
    .unwrap_err();
    assert_eq!(e.to_string(), "no document `T09` in the project");
}

#[test]
fn agreement_between_two_coders_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = project(dir.path());
    // In T01 (4 participant sentences): alice codes cost on s1 and s2, bob
    // on s1 only. Neither has touched T02 or T03: those are missing.
    run(&mut store, "alice", |tx| {
        tx.code("T01:t2.s1", "barriers.cost", "alice")?;
        tx.code("T01:t2.s2", "barriers.cost", "alice")?;
        Ok(())
    })
    .unwrap();
    run(&mut store, "bob", |tx| {
        tx.code("T01:t2.s1", "barriers.cost", "bob").map(|_| ())
    })
    .unwrap();
    let a = store
        .agreement(&["alice".into(), "bob".into()], "sentence")
        .unwrap();
    assert_eq!(a.codes.len(), 1);
    let s = &a.codes[0].statistics;
    assert_eq!(s.units, 5, "T01 has five participant sentences");
    // alice 1,1,0,0,0; bob 1,0,0,0,0: agree 4/5; kappa: po 0.8,
    // pe = 0.4*0.2 + 0.6*0.8 = 0.56, kappa = 0.24/0.44.
    assert!((s.percent.unwrap() - 0.8).abs() < 1e-12);
    assert!((s.kappa.unwrap() - 0.24 / 0.44).abs() < 1e-12);
    assert!(s.alpha.is_some());
    assert_eq!(
        a.disagreements,
        [Disagreement {
            segment: "T01:t2.s2".into(),
            code: "barriers.cost".into(),
            applied: vec![Some(true), Some(false)]
        }]
    );
    assert!(a.codes[0].character_kappa.is_some());
    assert!(matches!(
        store.agreement(&["alice".into()], "sentence"),
        Err(Error::TooFewCoders(1))
    ));
}

#[test]
fn reopening_and_refusing_what_is_not_a_project() {
    let dir = tempfile::tempdir().unwrap();
    drop(project(dir.path()));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(store.documents().unwrap().len(), 3);
    let codebook_path = tiny().join("codebook.toml");
    let text = std::fs::read_to_string(&codebook_path).unwrap();
    assert!(matches!(
        Store::init(dir.path(), &text, &codebook_path, &cmd("init")),
        Err(Error::AlreadyAProject { .. })
    ));
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Store::open(empty.path()),
        Err(Error::NotAProject { .. })
    ));
}
