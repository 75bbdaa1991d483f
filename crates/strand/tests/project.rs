//! The project commands from the outside: init, add, autocode, code,
//! review, memo, history, undo, agree, export, codebook edits, and the
//! store's behaviour under kills and concurrent shells.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tiny() -> PathBuf {
    root().join("tests/fixtures/tiny")
}

fn strand_in(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strand"))
        .args(args)
        .current_dir(root())
        .env("STRAND_PROJECT", project)
        .env("STRAND_TIME", "2026-11-23T10:00:00Z")
        .env_remove("STRAND_CODER")
        .output()
        .expect("strand runs")
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn fail(o: Output) -> String {
    assert!(
        !o.status.success(),
        "expected failure; stdout: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    String::from_utf8(o.stderr).unwrap()
}

/// A project with the tiny corpus added and autocoded.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let codebook = tiny().join("codebook.toml");
    ok(strand_in(
        p,
        &[
            "init",
            p.to_str().unwrap(),
            "--codebook",
            codebook.to_str().unwrap(),
        ],
    ));
    let added = ok(strand_in(p, &["add", tiny().to_str().unwrap()]));
    assert_eq!(
        added,
        "T01: added (8 sentences)\nT02: added (7 sentences)\nT03: added (4 sentences)\n"
    );
    ok(strand_in(p, &["autocode"]));
    dir
}

fn export(p: &Path, status: &str) -> String {
    let out = p.join("export.csv");
    ok(strand_in(
        p,
        &[
            "export",
            "codings",
            "--status",
            status,
            "--out",
            out.to_str().unwrap(),
        ],
    ));
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn autocode_is_idempotent_and_manual_coding_is_traceable_and_undoable() {
    let dir = project();
    let p = dir.path();
    assert!(ok(strand_in(p, &["autocode"])).starts_with(
        "0 new suggestion(s) (10 found, 10 already suggested) with codebook version "
    ));
    assert_eq!(
        ok(strand_in(
            p,
            &[
                "code",
                "T01:t4.s1",
                "barriers.study_leave",
                "--coder",
                "alice"
            ]
        )),
        "T01:t4.s1: coded `barriers.study_leave` (alice)\n"
    );
    let csv = export(p, "accepted");
    assert_eq!(
        csv,
        "document,segment,unit,speaker,speaker_role,band,role,trust,code,code_label,code_path,coder,source,status,rule,negated,start,end,text\n\
         T01,T01:t4.s1,sentence,T01,participant,3,STR,Alpha,barriers.study_leave,Study leave,Barriers > Study leave,alice,manual,accepted,,,163,208,I've never had a problem getting study leave.\n"
    );
    let e = fail(strand_in(
        p,
        &["code", "T01:t4.s1", "nope", "--coder", "alice"],
    ));
    assert_eq!(e, "error: no code `nope` in the project's codebook\n");
    let e = fail(strand_in(p, &["code", "T01:t4.s1", "band4"]));
    assert!(e.contains("--coder"), "{e}");
    ok(strand_in(
        p,
        &[
            "uncode",
            "T01:t4.s1",
            "barriers.study_leave",
            "--coder",
            "alice",
        ],
    ));
    assert_eq!(export(p, "accepted").lines().count(), 1);
    assert_eq!(
        ok(strand_in(p, &["undo"])),
        "undid #6 (uncode T01:t4.s1 barriers.study_leave): 1 change(s) reversed\n"
    );
    assert_eq!(export(p, "accepted").lines().count(), 2);
    let history = ok(strand_in(p, &["history"]));
    assert_eq!(
        history,
        "#1 2026-11-23T10:00:00Z init: created the project\n\
         #2 2026-11-23T10:00:00Z add (3 file(s)): 3 new, 0 changed document(s); 12 case value(s) set\n\
         #3 2026-11-23T10:00:00Z autocode: 10 new suggestion(s) of 10\n\
         #4 2026-11-23T10:00:00Z autocode: 0 new suggestion(s) of 10\n\
         #5 2026-11-23T10:00:00Z [alice] code T01:t4.s1 barriers.study_leave: added\n\
         #6 2026-11-23T10:00:00Z [alice] uncode T01:t4.s1 barriers.study_leave: removed 1 coding (undone by #7)\n\
         #7 2026-11-23T10:00:00Z undo: undid #6 (uncode T01:t4.s1 barriers.study_leave): 1 change(s)\n"
    );
}

#[test]
fn add_refuses_identifying_details_and_reports_changed_documents() {
    let dir = project();
    let p = dir.path();
    let e = fail(strand_in(
        p,
        &["add", root().join("tests/fixtures/leaky").to_str().unwrap()],
    ));
    assert!(e.contains("nothing was added"), "{e}");
    assert!(!e.contains('@'), "no identifying value is printed: {e}");
    let status = ok(strand_in(p, &["status"]));
    assert!(
        status.contains(": 3 document(s), codebook `Tiny test codebook` version "),
        "{status}"
    );

    // A new version of T01: the Band 4 sentence reworded.
    ok(strand_in(
        p,
        &["code", "T01:t6.s1", "band4", "--coder", "alice"],
    ));
    let copy = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(tiny().join("transcripts/T01.txt")).unwrap();
    let changed = text.replace(
        "I'd love to be an assistant practitioner, Band 4 one day.",
        "Band 4 maybe.",
    );
    let file = copy.path().join("T01.txt");
    std::fs::write(&file, changed).unwrap();
    let out = ok(strand_in(p, &["add", file.to_str().unwrap()]));
    assert_eq!(
        out,
        "T01: changed; 3 coding(s) kept, 2 on text that is gone:\n  T01:t6.s1 band4 (alice)\n  T01:t6.s1 band4 (auto)\n\
         codings on text that is gone stay in the project (`strand status` lists them); re-code the new text by hand or with `strand autocode`\n"
    );
    assert!(ok(strand_in(p, &["status"]))
        .contains("2 coding(s) on text no longer in its document:\n  T01:t6.s1 band4 (alice)\n"));
}

#[test]
fn decisions_files_apply_as_one_command_and_agreement_is_computed() {
    let dir = project();
    let p = dir.path();
    let alice = p.join("alice.txt");
    std::fs::write(
        &alice,
        "accept T01:t2.s1 barriers.cost\naccept T01:t2.s2 barriers.cost\nreject T01:t4.s2 manager.supportive\nmemo T01:t2.s1 both about money\n",
    )
    .unwrap();
    let bob = p.join("bob.txt");
    std::fs::write(&bob, "accept T01:t2.s1 barriers.cost\nreject T01:t2.s2 barriers.cost\nreject T01:t4.s2 manager.supportive\n").unwrap();
    assert_eq!(
        ok(strand_in(
            p,
            &[
                "review",
                "--coder",
                "alice",
                "--decisions",
                alice.to_str().unwrap()
            ]
        )),
        "4 decision(s) applied\n"
    );
    ok(strand_in(
        p,
        &[
            "review",
            "--coder",
            "bob",
            "--decisions",
            bob.to_str().unwrap(),
        ],
    ));

    // A bad line: nothing of the file applies.
    let bad = p.join("bad.txt");
    std::fs::write(
        &bad,
        "accept T02:t2.s1 manager.unsupportive\naccept T02:t9.s9 band4\n",
    )
    .unwrap();
    let e = fail(strand_in(
        p,
        &[
            "review",
            "--coder",
            "carol",
            "--decisions",
            bad.to_str().unwrap(),
        ],
    ));
    assert_eq!(
        e,
        format!(
            "error: {}:2: no segment `T02:t9.s9` in the project\n",
            bad.display()
        )
    );
    assert!(!export(p, "accepted").contains("carol"));

    let json = ok(strand_in(p, &["agree", "--coders", "alice,bob", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cost = &v["codes"][0];
    assert_eq!(cost["code"], "barriers.cost");
    // T01's five participant sentences: alice 1,1,0,0,0; bob 1,0,0,0,0.
    assert_eq!(cost["units"], 5);
    assert!((cost["percent_agreement"].as_f64().unwrap() - 0.8).abs() < 1e-12);
    assert!((cost["cohen_kappa"].as_f64().unwrap() - 0.24 / 0.44).abs() < 1e-12);
    assert_eq!(v["disagreements"][0]["segment"], "T01:t2.s2");
    let table = ok(strand_in(
        p,
        &["agree", "--coders", "alice,bob", "--disagreements"],
    ));
    assert!(
        table.contains("  T01:t2.s2 barriers.cost (alice: yes, bob: no)"),
        "{table}"
    );
    // At the turn: T01's three participant turns; alice codes turn 2 (via
    // its sentences), as does bob.
    let turns: serde_json::Value = serde_json::from_str(&ok(strand_in(
        p,
        &["agree", "--coders", "alice,bob", "--unit", "turn", "--json"],
    )))
    .unwrap();
    assert_eq!(turns["unit"], "turn");
    assert_eq!(turns["codes"][0]["units"], 3);
    assert_eq!(turns["codes"][0]["percent_agreement"], 1.0);
    let e = fail(strand_in(
        p,
        &["agree", "--coders", "alice,bob", "--unit", "page"],
    ));
    assert!(e.contains("unknown unit `page`"), "{e}");
    let e = fail(strand_in(p, &["agree", "--coders", "alice,zed"]));
    assert_eq!(
        e,
        "error: no coder `zed` has coded in this project; coders: alice, bob\n"
    );
    let memos = ok(strand_in(p, &["memo"]));
    assert_eq!(
        memos,
        "#1 T01:t2.s1 (alice, 2026-11-23T10:00:00Z)\n  both about money\n"
    );
}

#[test]
fn codebook_edits_keep_codings_and_search_finds_words_in_context() {
    let dir = project();
    let p = dir.path();
    ok(strand_in(
        p,
        &["code", "T03:t2.s1", "band4", "--coder", "alice"],
    ));
    assert_eq!(
        ok(strand_in(p, &["codebook", "rename", "band4", "aspiration"])),
        "renamed `band4` to `aspiration`; 3 coding(s) follow it\n"
    );
    assert!(
        export(p, "accepted").contains(",aspiration,Band 4 aspiration,Band 4 aspiration,alice,")
    );
    assert_eq!(
        ok(strand_in(
            p,
            &["codebook", "move", "aspiration", "--to", "barriers"]
        )),
        "moved `aspiration`: it is now `barriers.aspiration`\n"
    );
    let e = fail(strand_in(p, &["codebook", "delete", "barriers"]));
    assert!(
        e.starts_with("error: code `barriers` has 6 coding(s)"),
        "{e}"
    );
    ok(strand_in(p, &["codebook", "delete", "barriers", "--force"]));
    assert!(!ok(strand_in(p, &["codebook", "show"])).contains("barriers"));
    ok(strand_in(p, &["undo"]));
    assert!(ok(strand_in(p, &["codebook", "show"])).contains("id = \"barriers.aspiration\""));

    let found = ok(strand_in(p, &["search", "pay*", "--context", "10"]));
    assert_eq!(
        found,
        "T01:t2.s2       I had to [pay] for the t\nT03:t2.s2      t have to [pay] for anyth\n"
    );
    let found = ok(strand_in(
        p,
        &[
            "search",
            "supervis*",
            "--where",
            "trust=Beta",
            "--context",
            "5",
        ],
    ));
    assert_eq!(
        found,
        "T03:t2.s3        My [supervisor] back\nT03:t2.s3      lled [supervision] last\n"
    );
    let none = ok(strand_in(
        p,
        &["search", "supervis*", "--where", "trust=Alpha"],
    ));
    assert_eq!(none, "");
    let e = fail(strand_in(p, &["search", "x", "--where", "region=north"]));
    assert_eq!(e, "error: `--where region=…`: no case attribute `region`; the project has: band, role, trust\n");
}

/// Writes a corpus of `n` copies of the sample study's transcripts.
fn big_corpus(dir: &Path, copies: usize) {
    let sample = root().join("corpora/sample-study/transcripts");
    std::fs::create_dir_all(dir).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&sample)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for i in 0..copies {
        for f in &files {
            let name = format!("C{i:03}{}", f.file_name().unwrap().to_str().unwrap());
            std::fs::copy(f, dir.join(name)).unwrap();
        }
    }
}

#[test]
fn a_killed_autocode_leaves_the_last_committed_state_whole() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("project");
    let corpus = dir.path().join("corpus");
    big_corpus(&corpus, 8);
    ok(strand_in(&p, &["init", p.to_str().unwrap()]));
    ok(strand_in(&p, &["add", corpus.to_str().unwrap()]));
    let suggestions = |p: &Path| export(p, "suggested").lines().count() - 1;
    // Kill at several moments; each time the store opens whole, with all
    // of autocode's suggestions or none.
    for delay in [50u64, 300, 800] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_strand"))
            .args(["autocode"])
            .env("STRAND_PROJECT", &p)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().unwrap();
        child.wait().unwrap();
        let store = strand_store::Store::open(&p).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
        let n = suggestions(&p);
        if n > 0 {
            break;
        }
    }
    ok(strand_in(&p, &["autocode"]));
    let full = suggestions(&p);
    assert_eq!(
        full,
        8 * 1109,
        "every copy of the sample study gets its 1109 suggestions"
    );
}

#[test]
fn concurrent_commands_from_two_shells_all_land() {
    let dir = project();
    let p = dir.path().to_path_buf();
    let segments = [
        "T01:t2.s1",
        "T01:t2.s2",
        "T01:t4.s1",
        "T01:t4.s2",
        "T01:t6.s1",
        "T02:t2.s1",
        "T02:t2.s2",
        "T02:t2.s3",
    ];
    let shells: Vec<_> = ["alice", "bob"]
        .into_iter()
        .map(|coder| {
            let p = p.clone();
            std::thread::spawn(move || {
                for s in segments {
                    for code in ["band4", "barriers.cost"] {
                        ok(strand_in(&p, &["code", s, code, "--coder", coder]));
                    }
                }
            })
        })
        .collect();
    for s in shells {
        s.join().unwrap();
    }
    let csv = export(&p, "accepted");
    assert_eq!(csv.lines().count() - 1, 2 * segments.len() * 2);
    let history = ok(strand_in(&p, &["history"]));
    assert_eq!(history.lines().count(), 3 + 32);
    assert_eq!(
        strand_store::Store::open(&p)
            .unwrap()
            .integrity_check()
            .unwrap(),
        "ok"
    );
}
