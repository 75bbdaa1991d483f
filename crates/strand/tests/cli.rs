//! The `strand` binary from the outside: what a researcher types and sees.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tiny() -> PathBuf {
    root().join("tests/fixtures/tiny")
}

fn strand(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strand"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("strand runs")
}

fn run_tiny(out: &Path, codebook: &Path) -> Output {
    strand(&[
        "run",
        "--corpus",
        tiny().to_str().unwrap(),
        "--codebook",
        codebook.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_writes_report_tables_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let o = run_tiny(&out, &tiny().join("codebook.toml"));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!(
            "3 documents, 3 participants, 10 codings -> {}\n",
            out.join("index.html").display()
        )
    );
    // Not a terminal: no progress bars, only the warning a researcher needs.
    assert_eq!(
        stderr(&o),
        "warning: participants.csv: case `T04` has no transcript\n"
    );
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "exemplars.csv",
            "index.html",
            "participants.csv",
            "prevalence-by-trust.png",
            "prevalence-by-trust.svg",
            "prevalence.csv",
            "prevalence_by_trust.csv",
            "summary.csv",
        ]
    );
    let prevalence = std::fs::read_to_string(out.join("prevalence.csv")).unwrap();
    assert_eq!(
        prevalence,
        "theme,label,depth,cases,cases_pct,segments\n\
         barriers,Barriers,0,2,66.7,3\n\
         barriers.cost,Cost,1,1,33.3,2\n\
         barriers.study_leave,Study leave,1,1,33.3,1\n\
         manager,Line manager,0,3,100,4\n\
         manager.supportive,Supportive manager,1,2,66.7,2\n\
         manager.unsupportive,Unsupportive manager,1,2,66.7,3\n\
         band4,Band 4 aspiration,0,2,66.7,2\n"
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains(
        "<svg role=\"img\" aria-label=\"Share of participants voicing each theme, by Trust\""
    ));
    assert!(html.contains("<li>Band 4 aspiration: voiced by 2 of 3 participants (66.7%).</li>"));
    assert!(html.contains(
        "<li>Band 4 aspiration differs by Trust: 1 of 2 in Alpha (50%), 1 of 1 in Beta (100%).</li>"
    ));
    assert!(html.contains("case `T04` has no transcript"));
    // Self-contained: nothing fetched, nothing run (the SVG namespace URI is
    // a name, not a fetch).
    for outside in ["src=", "href=", "<link", "<script", "@import", "url("] {
        assert!(!html.contains(outside), "{outside} in the report");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("index.html"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o044,
            0o044,
            "readable by others, like any other file"
        );
    }
}

#[test]
fn same_inputs_give_byte_identical_output() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(run_tiny(&a, &tiny().join("codebook.toml")).status.success());
    assert!(run_tiny(&b, &tiny().join("codebook.toml")).status.success());
    for entry in std::fs::read_dir(&a).unwrap() {
        let name = entry.unwrap().file_name();
        assert_eq!(
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
            "{name:?} differs between runs"
        );
    }
}

#[test]
fn a_broken_codebook_is_named_with_line_and_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let codebook = dir.path().join("bad.toml");
    std::fs::write(
        &codebook,
        "name = \"x\"\n[[code]]\nid = \"a\"\nlabel = \"A\"\n[[code.rule]]\nregex = [\"(\"]\n",
    )
    .unwrap();
    let out = dir.path().join("report");
    let o = run_tiny(&out, &codebook);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "error: {}:6:10: code `a`: invalid regular expression",
            codebook.display()
        )),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_broken_transcript_is_named_without_quoting_it() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(corpus.join("P01.txt"), "Secret Name said this\nP01: hi\n").unwrap();
    std::fs::write(corpus.join("P02.txt"), b"P02: caf\xe9\n").unwrap();
    let o = strand(&[
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--codebook",
        tiny().join("codebook.toml").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(
        err,
        format!(
            "error: {}:1:1: text before the first speaker label; expected a line starting with a label such as `Interviewer:` or `P07:`\n",
            corpus.join("P01.txt").display()
        )
    );
    assert!(!err.contains("Secret"));

    std::fs::remove_file(corpus.join("P01.txt")).unwrap();
    let o = strand(&[
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--codebook",
        tiny().join("codebook.toml").to_str().unwrap(),
    ]);
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: not valid text: invalid byte at offset 8; save the file as UTF-8 (or UTF-16 with a byte-order mark), or read it with invalid bytes replaced\n",
            corpus.join("P02.txt").display()
        )
    );
}

#[test]
fn missing_inputs_and_unknown_attributes_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let o = strand(&[
        "run",
        "--corpus",
        dir.path().to_str().unwrap(),
        "--codebook",
        "tests/fixtures/tiny/codebook.toml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: no transcripts found; expected `.txt`, `.docx`, `.vtt`, `.srt` or survey `.csv` files in {}\n",
            dir.path().display(),
            dir.path().display()
        )
    );
    let o = strand(&["run", "--codebook", "no/such.toml"]);
    assert!(stderr(&o).starts_with("error: no/such.toml: cannot read the codebook:"));
    let o = strand(&[
        "run",
        "--corpus",
        "tests/fixtures/tiny",
        "--codebook",
        "tests/fixtures/tiny/codebook.toml",
        "--by",
        "region",
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    assert!(stderr(&o).ends_with(
        "error: no case attribute `region` to break prevalence down by; the cases file has: trust, role, band\n"
    ));
}

#[test]
fn ingest_summarises_a_corpus_folder() {
    let o = strand(&["ingest", "tests/fixtures/tiny"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "documents  3\n\
         turns      12 (6 participant)\n\
         segments   19 sentences (13 participant)\n\
         words      119\n\
         speakers   interviewer 1, participant 3\n\
         languages  eng 3\n\
         encodings  UTF-8 3\n\
         \n\
         document      turns  segments   words  language encoding\n\
         T01               6         8      53  eng      UTF-8\n\
         T02               4         7      36  eng      UTF-8\n\
         T03               2         4      30  eng      UTF-8\n\
         \n\
         screen     0 possible identifying detail(s)\n\
         warning: participants.csv: case `T04` has no transcript\n"
    );
}

#[test]
fn ingest_json_reports_encodings_and_replaced_bytes() {
    let files = [
        "utf8.txt",
        "utf16le-bom.txt",
        "utf16be-bom.txt",
        "cr.txt",
        "latin1.txt",
    ]
    .map(|f| format!("tests/fixtures/encodings/{f}"));
    let mut args = vec!["ingest", "--json"];
    args.extend(files.iter().map(String::as_str));
    let o = strand(&args);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("latin1.txt: not valid text: invalid byte at offset 93"));

    args.push("--replace-invalid");
    let o = strand(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["documents"], 5);
    assert_eq!(v["replaced"], 1);
    assert_eq!(
        v["encodings"],
        serde_json::json!({"UTF-8": 3, "UTF-16 BE": 1, "UTF-16 LE": 1})
    );
    assert_eq!(
        v["speakers"],
        serde_json::json!({"interviewer": 1, "participant": 1})
    );
    let warnings = v["warnings"].as_array().unwrap();
    assert!(warnings.contains(&serde_json::json!(
        "latin1: 1 invalid byte sequences were replaced while reading"
    )));
    assert!(warnings.contains(&serde_json::json!(
        "no participants.csv: segments have no case attributes (Trust, role, band)"
    )));
}

const LEAKS: [&str; 5] = [
    "Jo Bloggs",
    "Jo bloggs",
    "07700 900123",
    "someone@example.org",
    "Millbridge",
];

fn leaky(extra: &[&str], command: &str) -> Output {
    let mut args = vec![
        command,
        "tests/fixtures/leaky",
        "--names",
        "tests/fixtures/leaky-names.txt",
        "--places",
        "tests/fixtures/leaky-places.txt",
    ];
    args.extend(extra);
    strand(&args)
}

#[test]
fn ingest_lists_screen_findings_by_place_and_kind_only() {
    let o = leaky(&[], "ingest");
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let screen = &out[out.find("screen").unwrap()..];
    assert_eq!(
        screen,
        "screen     6 possible identifying detail(s)\n\
         \x20 L01:3:29: name from the names list\n\
         \x20 L01:3:52: UK phone number\n\
         \x20 L01:4:21: e-mail address\n\
         \x20 L01:8:30: place from the places list\n\
         \x20 L01:8:46: name from the names list\n\
         \x20 L02:3:43: name from the names list\n"
    );
    for leak in LEAKS {
        assert!(!out.contains(leak), "{leak} leaked into the summary");
    }
}

#[test]
fn run_refuses_to_code_while_findings_stand_unless_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let codebook = tiny().join("codebook.toml");
    let base = [
        "--codebook",
        codebook.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let run = |extra: &[&str]| {
        let mut a = vec![
            "run",
            "--corpus",
            "tests/fixtures/leaky",
            "--names",
            "tests/fixtures/leaky-names.txt",
            "--places",
            "tests/fixtures/leaky-places.txt",
        ];
        a.extend(base);
        a.extend(extra);
        strand(&a)
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("error: the anonymisation screen found 6 possible identifying detail(s); nothing was coded:\n  L01:3:29: name from the names list\n"),
        "{err}"
    );
    assert!(err.contains("--accept KIND or --accept DOCUMENT:LINE:COLUMN"));
    for leak in LEAKS {
        assert!(!err.contains(leak), "{leak} leaked into the error");
    }
    assert!(!out.exists(), "nothing written");

    // Accepting some kinds and one finding leaves the rest standing.
    let o = run(&[
        "--accept", "name", "--accept", "phone", "--accept", "L01:4:21",
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("found 1 possible identifying detail(s)"),
        "{err}"
    );
    assert!(err.contains("L01:8:30: place"), "{err}");
    let o = run(&[
        "--accept", "name", "--accept", "phone", "--accept", "L01:4:21", "--accept", "place",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("index.html").exists());
}

#[test]
fn redact_writes_pseudonymised_copies_and_a_key_kept_apart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("redacted");
    let key = dir.path().join("key.csv");
    let o = leaky(
        &[
            "--out",
            out.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
        "redact",
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let l01 = std::fs::read_to_string(out.join("transcripts/L01.txt")).unwrap();
    assert_eq!(
        l01,
        "Interviewer: Thanks for coming in.\n\n\
         L01: No problem. My manager [Name 1] said to ring [phone] if it ran over.\n\
         You can email me at [email] too.\n\n\
         Interviewer: And the course?\n\n\
         L01: It was at the centre in [Place 1], and [Name 1] paid for it.\n"
    );
    let l02 = std::fs::read_to_string(out.join("transcripts/L02.txt")).unwrap();
    assert!(
        l02.contains("[Name 1] runs the rota."),
        "one pseudonym per name across the corpus"
    );
    assert_eq!(
        std::fs::read_to_string(&key).unwrap(),
        "original,pseudonym\n\"Jo Bloggs\",\"[Name 1]\"\n\"Millbridge\",\"[Place 1]\"\n"
    );
    assert!(out.join("participants.csv").exists());
    // The originals are untouched, and the copies pass the screen.
    assert!(
        std::fs::read_to_string(root().join("tests/fixtures/leaky/transcripts/L01.txt"))
            .unwrap()
            .contains("Jo Bloggs")
    );
    let o = strand(&[
        "ingest",
        out.to_str().unwrap(),
        "--names",
        "tests/fixtures/leaky-names.txt",
        "--places",
        "tests/fixtures/leaky-places.txt",
    ]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("screen     0 possible identifying detail(s)")
    );

    // Never into the corpus, and the key never beside the copies.
    let o = leaky(
        &[
            "--out",
            "tests/fixtures/leaky/copies",
            "--key",
            key.to_str().unwrap(),
        ],
        "redact",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("must go outside the corpus folder"));
    let inside = out.join("key.csv");
    let o = leaky(
        &[
            "--out",
            out.to_str().unwrap(),
            "--key",
            inside.to_str().unwrap(),
        ],
        "redact",
    );
    assert!(
        stderr(&o).contains("the key must be kept apart"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ingest_flags_documents_and_passages_in_another_language() {
    let o = strand(&[
        "ingest",
        "tests/fixtures/languages/M01.txt",
        "tests/fixtures/languages/M02.txt",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("languages  eng 1, fra 1\n"), "{out}");
    let warnings: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("warning: M"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: M02: written in `fra`, not the codebook's language `eng`; its coding is unreliable",
            "warning: M01:t2.s5: a passage in `spa`, not `eng`; check how it was coded",
        ]
    );
}

#[test]
fn evaluate_scores_each_code_against_a_gold_file() {
    let o = strand(&[
        "evaluate",
        "--gold",
        "tests/fixtures/tiny/gold-disagreeing.tsv",
        "--corpus",
        "tests/fixtures/tiny",
        "--codebook",
        "tests/fixtures/tiny/codebook.toml",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // barriers.cost over 13 segments: tp 1, fp 1, fn 0, tn 11; po = 12/13,
    // pe = (2*1 + 11*12)/169, kappa = (po - pe)/(1 - pe) = 0.629.
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "code                                gold  auto    tp    fp    fn   prec recall     f1  kappa\n\
         barriers.cost                          1     2     1     1     0  0.500  1.000  0.667  0.629\n\
         barriers.study_leave                   0     1     0     1     0  0.000  0.000  0.000  0.000\n\
         manager.supportive                     0     2     0     2     0  0.000  0.000  0.000  0.000\n\
         manager.unsupportive                   1     3     1     2     0  0.333  1.000  0.500  0.435\n\
         band4                                  2     2     1     1     1  0.500  0.500  0.500  0.409\n\
         macro average (5 codes)                                           0.267  0.500  0.333  0.294\n\
         over 13 participant segments\n"
    );
    let o = strand(&[
        "evaluate",
        "--gold",
        "tests/fixtures/tiny/expected-codings.tsv",
        "--corpus",
        "tests/fixtures/tiny",
        "--codebook",
        "tests/fixtures/tiny/codebook.toml",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("expected-codings.tsv:2:1: expected 2 tab-separated fields, found 4")
    );
}

#[test]
fn codebook_check_export_and_import() {
    let o = strand(&[
        "codebook",
        "check",
        "tests/fixtures/tiny/codebook.toml",
        "--corpus",
        "tests/fixtures/tiny",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("tests/fixtures/tiny/codebook.toml: 7 codes, 5 rules, version ")
            && out.ends_with(": ok\n"),
        "{out}"
    );
    let dir = tempfile::tempdir().unwrap();
    let silent = dir.path().join("silent.toml");
    std::fs::write(
        &silent,
        std::fs::read_to_string(tiny().join("codebook.toml")).unwrap()
            + "\n[[code]]\nid = \"unused\"\nlabel = \"Unused\"\n[[code.rule]]\nany = [\"zebra\"]\n",
    )
    .unwrap();
    let o = strand(&[
        "codebook",
        "check",
        silent.to_str().unwrap(),
        "--corpus",
        "tests/fixtures/tiny",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("warning: code `unused`: rule 1 matches nothing in the corpus\n")
            && out.ends_with(", 1 warning(s)\n"),
        "{out}"
    );
    let o = strand(&[
        "codebook",
        "export",
        "tests/fixtures/tiny/codebook.toml",
        "--format",
        "markdown",
    ]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.starts_with("# Tiny test codebook\n"));
    assert!(md.contains("\n### Study leave (`barriers.study_leave`)\n\n- **Definition:** Study leave refused or cancelled.\n"));
    let csv = dir.path().join("cb.csv");
    let o = strand(&[
        "codebook",
        "export",
        "tests/fixtures/tiny/codebook.toml",
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let toml = dir.path().join("cb.toml");
    let o = strand(&[
        "codebook",
        "import",
        csv.to_str().unwrap(),
        "--out",
        toml.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The round trip keeps every code and term.
    let o = strand(&[
        "codebook",
        "export",
        toml.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        std::fs::read_to_string(&csv).unwrap()
    );
    let o = strand(&[
        "codebook",
        "import",
        csv.to_str().unwrap(),
        "--out",
        toml.to_str().unwrap(),
    ]);
    assert!(stderr(&o).contains("already exists"));
}

#[test]
fn explain_shows_rules_matches_negation_and_codings() {
    let explain = |segment: &str| {
        let o = strand(&[
            "explain",
            segment,
            "--corpus",
            "tests/fixtures/tiny",
            "--codebook",
            "tests/fixtures/tiny/codebook.toml",
        ]);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr(&o),
        )
    };
    let (code, out, _) = explain("T01:t4.s1");
    assert_eq!(code, Some(0));
    assert_eq!(
        out,
        "T01:t4.s1 (T01, participant)\n\
         \x20 I've never had a problem getting study leave.\n\
         rule 1 of `barriers.study_leave` fired: study leave + problem (negated)\n\
         \x20 I've never had a [problem getting study leave].\n\
         \x20 -> not coded (negated = \"ignore\")\n\
         codings: none\n"
    );
    let (_, out, _) = explain("T02:t2.s1");
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("coded `manager.unsupportive` by auto:"),
        "{out}"
    );
    assert!(last.ends_with(" from rule 1: supportive (negated), recoded from `manager.supportive`"));
    let (code, _, err) = explain("T09:t1.s1");
    assert_eq!(code, Some(1));
    assert_eq!(err, "error: no document `T09` in tests/fixtures/tiny\n");
    let (_, _, err) = explain("T01:t99.s1");
    assert_eq!(
        err,
        "error: no segment `T01:t99.s1` in T01 at unit `sentence`\n"
    );
}

#[test]
fn a_speaker_labelled_by_name_is_a_finding_and_is_redacted_with_the_same_pseudonym() {
    let o = strand(&["ingest", "tests/fixtures/named-speaker"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("screen     1 possible identifying detail(s)\n  A01:3:1: speaker label that may be a name\n"),
        "{out}"
    );
    assert!(!out.contains("Alex"));
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names.txt");
    std::fs::write(&names, "Alex Smith\nJo Bloggs\n").unwrap();
    let (copies, key) = (dir.path().join("copies"), dir.path().join("key.csv"));
    let o = strand(&[
        "redact",
        "tests/fixtures/named-speaker",
        "--names",
        names.to_str().unwrap(),
        "--out",
        copies.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(copies.join("transcripts/A01.txt")).unwrap(),
        "Interviewer: And your manager?\n\n[Name 1] (00:00:05): [Name 2] helped. [Name 1] is me.\n"
    );
}

#[test]
fn run_with_the_directory_adds_charts_by_band_cooccurrence_and_the_gap_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let run = || {
        let o = strand(&["run", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run();
    for file in [
        "themes-by-band.svg",
        "themes-by-band.png",
        "band4-and-barriers.svg",
        "band4-and-barriers.png",
        "cooccurrence.svg",
        "gap.svg",
        "gap.png",
        "gap.csv",
        "gap_supply.csv",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // The summary for education leads names the largest gap in words.
    assert!(html.contains("<li>Time (barrier): 4 of the 4 Band 3 workers in Eastvale voice it, and nothing in the directory is open to them for it.</li>"));
    assert!(html.contains("<h2 id=\"gaps\">"));
    // Every chart is an image with a label, a caption and its numbers.
    assert_eq!(
        html.matches("<svg role=\"img\" aria-label=").count(),
        5 + 8,
        "five charts and one per theme with sub-themes"
    );
    assert_eq!(html.matches("<details>").count(), 4);
    assert!(html.contains("<th scope=\"row\">Staffing and release</th>"));
    // The gap table's first row, from gap.csv's first row.
    let gap = std::fs::read_to_string(out.join("gap.csv")).unwrap();
    let first: Vec<&str> = gap.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(
        &first[..6],
        ["1", "barrier", "barriers.time", "Time", "Eastvale", "3"]
    );
    assert!(html.contains("<td class=\"num\">1</td><td><a href=\"#theme-barriers.time\">Time</a> <span class=\"muted\">(barrier)</span></td><td>Eastvale</td>"));
    assert!(html.contains("It found nothing."));
    // The web directory sits beside the report, and the gap table links
    // each opportunity to its row there.
    let site = std::fs::read_to_string(out.join("directory/index.html")).unwrap();
    let link = html
        .split("href=\"directory&#x2f;index.html#opp-")
        .nth(1)
        .expect("a link to an opportunity");
    let id = link.split('"').next().unwrap();
    assert!(
        site.contains(&format!("id=\"opp-{id}\"")),
        "no row opp-{id} in the directory"
    );
    // Headings never skip a level.
    let mut last = 1;
    for level in html
        .match_indices("<h")
        .filter_map(|(i, _)| html[i + 2..].chars().next()?.to_digit(10))
    {
        assert!(level <= last + 1, "h{last} followed by h{level}");
        last = level;
    }
    // Byte-identical on a second run.
    let before: Vec<Vec<u8>> = ["index.html", "gap.png", "cooccurrence.svg"]
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect();
    run();
    for (f, b) in ["index.html", "gap.png", "cooccurrence.svg"]
        .iter()
        .zip(before)
    {
        assert_eq!(std::fs::read(out.join(f)).unwrap(), b, "{f} changed");
    }
}
