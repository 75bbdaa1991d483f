//! `strand analyse` from the outside: the files it writes and what is in
//! them, on the hand-checked gap fixture.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gap() -> PathBuf {
    root().join("tests/fixtures/gap")
}

fn analyse(out: &Path, directory: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "--corpus".to_string(),
        gap().display().to_string(),
        "--codebook".into(),
        root()
            .join("tests/fixtures/tiny/codebook.toml")
            .display()
            .to_string(),
        "--directory".into(),
        directory.display().to_string(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    strand_analyse(&args)
}

/// `strand analyse` with `args` (paths or flags), from the project root.
fn strand_analyse(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strand"))
        .arg("analyse")
        .args(args)
        .current_dir(root())
        .output()
        .expect("strand runs")
}

const TABLES: [&str; 12] = [
    "summary",
    "participants",
    "prevalence",
    "prevalence_by_attribute",
    "matrix_coding",
    "cooccurrence",
    "framework_matrix",
    "trust_summaries",
    "exemplars",
    "gap",
    "gap_supply",
    "directory",
];

#[test]
fn writes_csv_parquet_and_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("analysis");
    let o = analyse(&out, &gap().join("directory"), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        format!(
            "5 documents, 5 participants, 9 codings, 4 opportunities -> 12 tables (CSV, Parquet) and analysis.xlsx in {}\n",
            out.display()
        )
    );
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = TABLES
        .iter()
        .flat_map(|t| [format!("{t}.csv"), format!("{t}.parquet")])
        .collect();
    expected.push("analysis.xlsx".into());
    expected.sort();
    assert_eq!(files, expected);

    // The gap table, three ways.
    let csv = std::fs::read_to_string(out.join("gap.csv")).unwrap();
    let first = csv.lines().nth(1).unwrap();
    assert_eq!(
        first,
        "1,barrier,barriers.cost,Cost,Beta,3,2,1,50,0,0,1,0,,2,G05:t2.s2,Honestly the cost of the diploma put me off applying at all."
    );
    let parquet = std::fs::read(out.join("gap.parquet")).unwrap();
    let table = strand_analysis::from_parquet("gap", parquet).unwrap();
    assert_eq!(table.to_csv(), csv);
    assert_eq!(
        table.get(2, "supply_score"),
        Some(&strand_table::Value::Float(1.5))
    );
    assert_eq!(table.get(2, "rank"), Some(&strand_table::Value::Int(3)));

    let bytes = std::fs::read(out.join("analysis.xlsx")).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let mut sheets = vec!["About".to_string()];
    sheets.extend(TABLES.iter().map(|t| t.to_string()));
    assert_eq!(book.sheet_names(), sheets);
    let about = book.worksheet_range("About").unwrap();
    let gap_line = (0..about.height())
        .find(|&r| about.get_value((r as u32, 0)) == Some(&Data::String("gap".into())))
        .expect("the About sheet lists the gap table");
    let Some(Data::String(text)) = about.get_value((gap_line as u32, 1)) else {
        panic!("no account of the gap table");
    };
    assert!(text.starts_with("The gap analysis."), "{text}");
    assert_eq!(
        about.get_value((gap_line as u32, 2)),
        Some(&Data::Float(9.0))
    );
    let sheet = book.worksheet_range("gap").unwrap();
    assert_eq!(
        sheet.get_value((0, 11)),
        Some(&Data::String("gap_score".into()))
    );
    assert_eq!(
        sheet.get_value((3, 2)),
        Some(&Data::String("barriers.cost".into()))
    );
    assert_eq!(sheet.get_value((3, 4)), Some(&Data::String("Alpha".into())));
    assert_eq!(sheet.get_value((3, 11)), Some(&Data::Float(0.8)));
    assert_eq!(sheet.get_value((5, 11)), Some(&Data::Float(0.571)));
    assert_eq!(
        sheet.get_value((3, 13)),
        Some(&Data::String("A-FREE; A-SHARED".into()))
    );
}

#[test]
fn same_inputs_give_byte_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert!(analyse(&a, &gap().join("directory"), &[]).status.success());
    // A second apart at least sometimes, so a clock in the workbook would show.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(analyse(&b, &gap().join("directory"), &[]).status.success());
    let mut n = 0;
    for entry in std::fs::read_dir(&a).unwrap() {
        let name = entry.unwrap().file_name();
        assert_eq!(
            std::fs::read(a.join(&name)).unwrap(),
            std::fs::read(b.join(&name)).unwrap(),
            "{}",
            name.to_string_lossy()
        );
        n += 1;
    }
    assert_eq!(n, 25);
}

#[test]
fn json_summary_lists_tables_and_top_gaps_without_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("analysis");
    let o = analyse(&out, &gap().join("directory"), &["--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["documents"], 5);
    assert_eq!(v["opportunities"], 4);
    assert_eq!(v["workbook"], "analysis.xlsx");
    assert_eq!(v["tables"].as_array().unwrap().len(), 12);
    assert_eq!(v["tables"][9]["name"], "gap");
    assert_eq!(v["tables"][9]["rows"], 9);
    assert_eq!(v["tables"][9]["parquet"], "gap.parquet");
    let top = v["top_gaps"].as_array().unwrap();
    assert_eq!(top.len(), 5);
    assert_eq!(top[0]["theme"], "barriers.cost");
    assert_eq!(top[0]["gap_score"], 1.0);
    assert_eq!(top[2]["opportunities"], "A-FREE; A-SHARED");
    assert!(top[0].get("quote").is_none());
    assert!(!String::from_utf8_lossy(&o.stdout).contains("diploma"));
}

#[test]
fn a_bad_directory_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("directory");
    std::fs::create_dir_all(bad.join("opportunities")).unwrap();
    std::fs::copy(gap().join("directory/themes.csv"), bad.join("themes.csv")).unwrap();
    let alpha = std::fs::read_to_string(gap().join("directory/opportunities/alpha.csv")).unwrap();
    std::fs::write(
        bad.join("opportunities/alpha.csv"),
        alpha
            .replace(",300,shared,", ",three hundred,shared,")
            .replace("Alpha,online", "Alpah,online"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = analyse(&out, &bad, &[]);
    assert_eq!(o.status.code(), Some(1));
    let file = bad.join("opportunities/alpha.csv");
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {}:3: column 8 (cost_gbp): `three hundred` is not a cost: expected pounds, such as 0, 250 or 1200.50\n",
            file.display()
        )
    );
    assert!(!out.exists(), "nothing written");
    // With the cost fixed, the misspelt Trust is caught against the cases.
    std::fs::write(
        bad.join("opportunities/alpha.csv"),
        alpha.replace("Alpha,online", "Alpah,online"),
    )
    .unwrap();
    let o = analyse(&out, &bad, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {}:2: column 4 (trust): unknown Trust `Alpah`: the cases name `Alpha`, `Beta`; use one of them, or `external` for provision open to every Trust\n",
            file.display()
        )
    );
}

#[test]
fn timings_name_each_stage_on_stderr_and_change_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let plain = analyse(&dir.path().join("a"), &gap().join("directory"), &[]);
    let timed = analyse(
        &dir.path().join("b"),
        &gap().join("directory"),
        &["--timings"],
    );
    assert!(
        timed.status.success(),
        "{}",
        String::from_utf8_lossy(&timed.stderr)
    );
    let stderr = String::from_utf8_lossy(&timed.stderr);
    let stages: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("timing "))
        .map(|l| l.split("  ").next().unwrap().trim())
        .collect();
    assert_eq!(
        stages,
        [
            "documents",
            "tables",
            "csv, parquet",
            "workbook",
            "writing",
            "total"
        ]
    );
    if cfg!(target_os = "linux") {
        assert!(stderr.contains("MiB peak"), "{stderr}");
    }
    assert!(String::from_utf8_lossy(&plain.stderr)
        .lines()
        .all(|l| !l.starts_with("timing")));
    for t in TABLES {
        let name = format!("{t}.csv");
        assert_eq!(
            std::fs::read(dir.path().join("a").join(&name)).unwrap(),
            std::fs::read(dir.path().join("b").join(&name)).unwrap(),
            "{name}"
        );
    }
}

/// `strand analyse` reads a corpus a batch of documents at a time and
/// keeps only their tallies; its tables are those of the whole corpus
/// held in memory (`strand_analysis::study`).
#[test]
fn tables_read_document_by_document_are_those_of_the_whole_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("analysis");
    let o = strand_analyse(&["--out".as_ref(), out.as_ref()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let corpus =
        strand_transcript::Corpus::load(&root().join("corpora/sample-study"), || {}).unwrap();
    let codebook =
        strand_codebook::Codebook::read(&root().join("codebooks/str-training.toml")).unwrap();
    let directory =
        strand_directory::Directory::read(&root().join("directory"), &codebook).unwrap();
    let coder = strand_coding::Coder::new(&codebook);
    let mut codings = Vec::new();
    let Ok(()) = coder.code_corpus(&corpus, &mut codings);
    let whole = strand_analysis::study(
        &strand_analysis::Input {
            corpus: &corpus,
            codebook: &codebook,
            codings: &codings,
            unit: coder.unit(),
            by: "trust",
        },
        &directory,
        strand_analysis::GapAttributes::default(),
    )
    .unwrap();
    assert_eq!(whole.len(), TABLES.len());
    for t in &whole {
        let written = std::fs::read_to_string(out.join(format!("{}.csv", t.table.name))).unwrap();
        assert_eq!(written, t.table.to_csv(), "{}", t.table.name);
    }
    assert!(
        std::fs::read_to_string(out.join("framework_matrix.csv"))
            .unwrap()
            .lines()
            .count()
            > 50
    );
}

/// Findings of the anonymisation screen stop the analysis: every one is
/// listed by place and kind, never by what was found, and nothing is
/// written.
#[test]
fn findings_stop_the_analysis_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("analysis");
    let leaky = root().join("tests/fixtures/leaky");
    let names = root().join("tests/fixtures/leaky-names.txt");
    let o = strand_analyse(&[
        "--corpus".as_ref(),
        leaky.as_ref(),
        "--names".as_ref(),
        names.as_ref(),
        "--out".as_ref(),
        out.as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("possible identifying detail(s); nothing was analysed:"),
        "{stderr}"
    );
    // Findings of both documents, in document order.
    let l01 = stderr.find("  L01:").expect("L01's findings");
    let l02 = stderr.find("  L02:").expect("L02's findings");
    assert!(l01 < l02, "{stderr}");
    assert!(!stderr.contains("Bloggs"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_missing_corpus_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-corpus");
    let out = dir.path().join("out");
    let o = strand_analyse(&[
        "--corpus".as_ref(),
        missing.as_ref(),
        "--out".as_ref(),
        out.as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {}: no such corpus folder or transcript file\n",
            missing.display()
        )
    );
}

/// A file that is not text stops the run, naming the first such file in
/// path order, however the documents are batched.
#[test]
fn the_first_unreadable_file_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("transcripts")).unwrap();
    std::fs::copy(
        gap().join("participants.csv"),
        corpus.join("participants.csv"),
    )
    .unwrap();
    for entry in std::fs::read_dir(gap().join("transcripts")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            corpus.join("transcripts").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    for bad in ["G035.txt", "G09.txt"] {
        std::fs::write(corpus.join("transcripts").join(bad), b"G01: caf\xff\n").unwrap();
    }
    let out = dir.path().join("analysis");
    let directory = gap().join("directory");
    let o = strand_analyse(&[
        "--corpus".as_ref(),
        corpus.as_ref(),
        "--codebook".as_ref(),
        "tests/fixtures/tiny/codebook.toml".as_ref(),
        "--directory".as_ref(),
        directory.as_ref(),
        "--out".as_ref(),
        out.as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let first = corpus.join("transcripts/G035.txt");
    assert!(
        stderr.starts_with(&format!("error: {}: not valid text", first.display())),
        "{stderr}"
    );
    assert!(!out.exists());
}
