//! The study tables of `strand analyse` on the hand-checked gap fixture
//! (`fixtures/gap`, described in its README), and on the sample study.
//!
//! Worked by hand for the gap fixture. Groups: Alpha/2 = {G03} (1 case),
//! Alpha/3 = {G01, G02} (2), Beta/3 = {G04, G05} (2). Access weights:
//! A-FREE 1 (nobody pays), A-SHARED ½ (shared), B-TRUST 1, EXT-SELF ¼
//! (the worker pays). Gap score = demand / (1 + supply score).
//!
//! | theme | group | demand | open supply | s | gap |
//! | --- | --- | --- | --- | --- | --- |
//! | barriers.cost | Alpha/2 | 1 (G03) | A-FREE (A-SHARED is band 3 only) | 1 | 1/2 = 0.5 |
//! | barriers.cost | Alpha/3 | 2 (G01, G02) | A-FREE, A-SHARED | 1.5 | 2/2.5 = 0.8 |
//! | barriers.cost | Beta/3 | 1 (G05; G04's is negated) | none (both are Alpha's) | 0 | 1 |
//! | barriers.study_leave | Alpha/2 | 1 (G03) | none | 0 | 1 |
//! | barriers.study_leave | Alpha/3, Beta/3 | 0 | none | 0 | 0 |
//! | band4 | Alpha/2 | 0 | none (A-SHARED band 3, EXT-SELF 3-4) | 0 | 0 |
//! | band4 | Alpha/3 | 1 (G01) | A-SHARED, EXT-SELF | 0.75 | 1/1.75 = 0.571 |
//! | band4 | Beta/3 | 1 (G04) | EXT-SELF (B-TRUST is band 4 only) | 0.25 | 1/1.25 = 0.8 |
//!
//! Ranks: the two 1s tie on demand and supply and are both barriers, so
//! codebook order puts barriers.cost (Beta/3) first, study leave (Alpha/2)
//! second. The two 0.8s: cost Alpha/3 has the higher demand (2), band4
//! Beta/3 follows. Then 0.571, 0.5, and the three zeros: barriers before
//! aspirations, then groups in order.

use std::path::{Path, PathBuf};

use strand_analysis::{study, study_tally, GapAttributes, Input, StudyTable, Tally};
use strand_codebook::Codebook;
use strand_coding::{Coder, Coding};
use strand_directory::Directory;
use strand_table::Table;
use strand_transcript::{Corpus, Unit};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

fn tables(corpus: &Path, codebook: &Path, directory: &Path) -> Vec<StudyTable> {
    let corpus = Corpus::load(corpus, || {}).unwrap();
    let codebook = Codebook::read(codebook).unwrap();
    let directory = Directory::read(directory, &codebook).unwrap();
    let mut codings: Vec<Coding> = Vec::new();
    let Ok(()) = Coder::new(&codebook).code_corpus(&corpus, &mut codings);
    study(
        &Input {
            corpus: &corpus,
            codebook: &codebook,
            codings: &codings,
            unit: Unit::Sentence,
            by: "trust",
        },
        &directory,
        GapAttributes::default(),
    )
    .unwrap()
}

fn gap_fixture() -> Vec<StudyTable> {
    tables(
        &fixture("gap"),
        &fixture("tiny/codebook.toml"),
        &fixture("gap/directory"),
    )
}

fn table<'a>(tables: &'a [StudyTable], name: &str) -> &'a Table {
    &tables
        .iter()
        .find(|t| t.table.name == name)
        .unwrap_or_else(|| panic!("no table {name}"))
        .table
}

/// The table's rows as space-joined strings of the given columns.
fn rows(table: &Table, columns: &[&str]) -> Vec<String> {
    (0..table.rows.len())
        .map(|i| {
            columns
                .iter()
                .map(|c| {
                    table
                        .get(i, c)
                        .unwrap_or_else(|| panic!("no column {c}"))
                        .to_string()
                })
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[test]
fn gap_table_matches_the_hand_worked_numbers() {
    let t = gap_fixture();
    assert_eq!(
        rows(
            table(&t, "gap"),
            &[
                "rank",
                "kind",
                "theme",
                "trust",
                "band",
                "cases_total",
                "demand_cases",
                "demand_pct",
                "supply_count",
                "supply_score",
                "gap_score",
                "worker_pays",
                "opportunities",
            ]
        ),
        [
            "1 | barrier | barriers.cost | Beta | 3 | 2 | 1 | 50 | 0 | 0 | 1 | 0 | ",
            "2 | barrier | barriers.study_leave | Alpha | 2 | 1 | 1 | 100 | 0 | 0 | 1 | 0 | ",
            "3 | barrier | barriers.cost | Alpha | 3 | 2 | 2 | 100 | 2 | 1.5 | 0.8 | 1 | A-FREE; A-SHARED",
            "4 | aspiration | band4 | Beta | 3 | 2 | 1 | 50 | 1 | 0.25 | 0.8 | 1 | EXT-SELF",
            "5 | aspiration | band4 | Alpha | 3 | 2 | 1 | 50 | 2 | 0.75 | 0.571 | 2 | A-SHARED; EXT-SELF",
            "6 | barrier | barriers.cost | Alpha | 2 | 1 | 1 | 100 | 1 | 1 | 0.5 | 0 | A-FREE",
            "7 | barrier | barriers.study_leave | Alpha | 3 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | ",
            "8 | barrier | barriers.study_leave | Beta | 3 | 2 | 0 | 0 | 0 | 0 | 0 | 0 | ",
            "9 | aspiration | band4 | Alpha | 2 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | ",
        ]
    );
}

#[test]
fn gap_rows_cite_their_evidence_best_first() {
    let t = gap_fixture();
    assert_eq!(
        rows(
            table(&t, "gap"),
            &["theme", "trust", "band", "evidence_segments", "evidence", "quote"]
        )[..6],
        [
            // G05's 3-word sentence is outside the readable range; the
            // 12-word one is quoted though it comes second.
            "barriers.cost | Beta | 3 | 2 | G05:t2.s2 | Honestly the cost of the diploma put me off applying at all.",
            "barriers.study_leave | Alpha | 2 | 1 | G03:t2.s2 | My study leave was refused and the course cost a lot.",
            // G02's 11 words rank before G01's 5.
            "barriers.cost | Alpha | 3 | 2 | G02:t2.s1; G01:t2.s1 | The fees were more than I could afford on my wage.",
            "band4 | Beta | 3 | 1 | G04:t2.s2 | The assistant practitioner route really appeals to me.",
            "band4 | Alpha | 3 | 1 | G01:t2.s2 | I want to be a nursing associate one day.",
            // Both of G03's sentences are about cost; the longer wins.
            "barriers.cost | Alpha | 2 | 2 | G03:t2.s2 | My study leave was refused and the course cost a lot.",
        ]
    );
}

#[test]
fn gap_supply_lists_what_is_open_to_each_group() {
    let t = gap_fixture();
    assert_eq!(
        rows(
            table(&t, "gap_supply"),
            &[
                "theme",
                "trust",
                "band",
                "opportunity",
                "offered_to",
                "cost_gbp",
                "who_pays",
                "access_weight"
            ]
        ),
        [
            "barriers.cost | Alpha | 2 | A-FREE | Alpha | 0 | nobody | 1",
            "barriers.cost | Alpha | 3 | A-FREE | Alpha | 0 | nobody | 1",
            "barriers.cost | Alpha | 3 | A-SHARED | Alpha | 300 | shared | 0.5",
            "band4 | Alpha | 3 | A-SHARED | Alpha | 300 | shared | 0.5",
            "band4 | Alpha | 3 | EXT-SELF | external | 850 | worker | 0.25",
            "band4 | Beta | 3 | EXT-SELF | external | 850 | worker | 0.25",
        ]
    );
}

#[test]
fn gap_score_formula() {
    use strand_analysis::gap::gap_score;
    // Supply in quarters: 6 = 1.5.
    assert_eq!(gap_score(2, 6), 0.8);
    assert_eq!(gap_score(1, 3), 4.0 / 7.0);
    assert_eq!(gap_score(3, 0), 3.0);
    assert_eq!(gap_score(0, 4), 0.0);
}

#[test]
fn framework_matrix_quotes_the_most_representative_segment() {
    let t = gap_fixture();
    assert_eq!(
        rows(
            table(&t, "framework_matrix"),
            &["case", "trust", "band", "theme", "segments", "segment"]
        ),
        [
            "G01 | Alpha | 3 | barriers | 1 | G01:t2.s1",
            "G01 | Alpha | 3 | barriers.cost | 1 | G01:t2.s1",
            "G01 | Alpha | 3 | band4 | 1 | G01:t2.s2",
            "G02 | Alpha | 3 | barriers | 1 | G02:t2.s1",
            "G02 | Alpha | 3 | barriers.cost | 1 | G02:t2.s1",
            // For `barriers`, s2 carries two of its codes (cost and study
            // leave): more hits beat everything else.
            "G03 | Alpha | 2 | barriers | 2 | G03:t2.s2",
            "G03 | Alpha | 2 | barriers.cost | 2 | G03:t2.s2",
            "G03 | Alpha | 2 | barriers.study_leave | 1 | G03:t2.s2",
            "G04 | Beta | 3 | band4 | 1 | G04:t2.s2",
            "G05 | Beta | 3 | barriers | 2 | G05:t2.s2",
            "G05 | Beta | 3 | barriers.cost | 2 | G05:t2.s2",
        ]
    );
}

#[test]
fn prevalence_by_attribute_and_matrix_coding() {
    let t = gap_fixture();
    let by: Vec<String> = rows(
        table(&t, "prevalence_by_attribute"),
        &[
            "theme",
            "attribute",
            "value",
            "cases",
            "cases_total",
            "cases_pct",
            "segments",
        ],
    )
    .into_iter()
    .filter(|r| r.starts_with("barriers.cost |"))
    .collect();
    assert_eq!(
        by,
        [
            "barriers.cost | trust | Alpha | 3 | 3 | 100 | 4",
            "barriers.cost | trust | Beta | 1 | 2 | 50 | 2",
            "barriers.cost | role | HCSW | 3 | 3 | 100 | 5",
            "barriers.cost | role | STR | 1 | 2 | 50 | 1",
            "barriers.cost | band | 2 | 1 | 1 | 100 | 2",
            "barriers.cost | band | 3 | 3 | 4 | 75 | 4",
        ]
    );
    let m = table(&t, "matrix_coding");
    assert_eq!(
        m.columns,
        [
            "theme",
            "label",
            "depth",
            "trust=Alpha",
            "trust=Beta",
            "role=HCSW",
            "role=STR",
            "band=2",
            "band=3"
        ]
    );
    assert_eq!(
        rows(
            m,
            &["theme", "trust=Alpha", "trust=Beta", "band=2", "band=3"]
        ),
        [
            "barriers | 3 | 1 | 1 | 3",
            "barriers.cost | 3 | 1 | 1 | 3",
            "barriers.study_leave | 1 | 0 | 1 | 0",
            "manager | 0 | 0 | 0 | 0",
            "manager.supportive | 0 | 0 | 0 | 0",
            "manager.unsupportive | 0 | 0 | 0 | 0",
            "band4 | 1 | 1 | 0 | 2",
        ]
    );
}

#[test]
fn cooccurrence_within_segment_turn_and_document() {
    let t = gap_fixture();
    assert_eq!(
        rows(
            table(&t, "cooccurrence"),
            &["unit", "code_a", "code_b", "units", "cases", "units_a", "units_b", "jaccard"]
        ),
        [
            // Only G03:t2.s2 has both; cost is in 6 segments, study leave 1.
            "segment | barriers.cost | barriers.study_leave | 1 | 1 | 6 | 1 | 0.167",
            // Cost is in 4 turns (G01, G02, G03, G05), band4 in 2.
            "turn | barriers.cost | barriers.study_leave | 1 | 1 | 4 | 1 | 0.25",
            "turn | barriers.cost | band4 | 1 | 1 | 4 | 2 | 0.2",
            "document | barriers.cost | barriers.study_leave | 1 | 1 | 4 | 1 | 0.25",
            "document | barriers.cost | band4 | 1 | 1 | 4 | 2 | 0.2",
        ]
    );
}

#[test]
fn trust_summaries_rank_codes_within_each_trust_and_depth() {
    let t = gap_fixture();
    assert_eq!(
        rows(
            table(&t, "trust_summaries"),
            &[
                "trust",
                "theme",
                "depth",
                "cases",
                "cases_total",
                "cases_pct",
                "rank",
                "segment"
            ]
        ),
        [
            "Alpha | barriers | 0 | 3 | 3 | 100 | 1 | G03:t2.s2",
            "Alpha | barriers.cost | 1 | 3 | 3 | 100 | 1 | G02:t2.s1",
            "Alpha | barriers.study_leave | 1 | 1 | 3 | 33.3 | 2 | G03:t2.s2",
            "Alpha | manager | 0 | 0 | 3 | 0 | 3 | ",
            "Alpha | manager.supportive | 1 | 0 | 3 | 0 | 3 | ",
            "Alpha | manager.unsupportive | 1 | 0 | 3 | 0 | 4 | ",
            "Alpha | band4 | 0 | 1 | 3 | 33.3 | 2 | G01:t2.s2",
            "Beta | barriers | 0 | 1 | 2 | 50 | 1 | G05:t2.s2",
            "Beta | barriers.cost | 1 | 1 | 2 | 50 | 1 | G05:t2.s2",
            "Beta | barriers.study_leave | 1 | 0 | 2 | 0 | 2 | ",
            "Beta | manager | 0 | 0 | 2 | 0 | 3 | ",
            "Beta | manager.supportive | 1 | 0 | 2 | 0 | 3 | ",
            "Beta | manager.unsupportive | 1 | 0 | 2 | 0 | 4 | ",
            "Beta | band4 | 0 | 1 | 2 | 50 | 2 | G04:t2.s2",
        ]
    );
}

#[test]
fn every_table_has_an_account_of_itself_and_survives_parquet() {
    let t = gap_fixture();
    let names: Vec<&str> = t.iter().map(|t| t.table.name.as_str()).collect();
    assert_eq!(
        names,
        [
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
        ]
    );
    for s in &t {
        assert!(s.about.len() > 80, "{}: {}", s.table.name, s.about);
        let bytes = strand_analysis::to_parquet(&s.table).unwrap();
        let back = strand_analysis::from_parquet(&s.table.name, bytes).unwrap();
        assert_eq!(back.columns, s.table.columns, "{}", s.table.name);
        // Every cell reads back as the CSV shows it.
        assert_eq!(back.to_csv(), s.table.to_csv(), "{}", s.table.name);
    }
}

/// The sample study's tables, reviewed by eye: a change to any of them
/// shows up as a diff to review.
#[test]
fn sample_study_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let t = tables(
        &root.join("corpora/sample-study"),
        &root.join("codebooks/str-training.toml"),
        &root.join("directory"),
    );
    for name in ["gap", "matrix_coding", "trust_summaries", "gap_supply"] {
        insta::assert_snapshot!(format!("sample_{name}_csv"), table(&t, name).to_csv());
    }
    // The same inputs give the same tables.
    let again = tables(
        &root.join("corpora/sample-study"),
        &root.join("codebooks/str-training.toml"),
        &root.join("directory"),
    );
    assert_eq!(t, again);
}

/// The tables of a corpus tallied a document at a time, in reverse order,
/// as `strand analyse` reads a corpus too large to hold.
fn tallied_in_reverse(corpus: &Path, codebook: &Path, directory: &Path) -> Vec<StudyTable> {
    let corpus = Corpus::load(corpus, || {}).unwrap();
    let codebook = Codebook::read(codebook).unwrap();
    let directory = Directory::read(directory, &codebook).unwrap();
    let coder = Coder::new(&codebook);
    let mut tally = Tally::new(&codebook, coder.unit());
    for t in corpus.transcripts.iter().rev() {
        let mut codings: Vec<Coding> = Vec::new();
        let Ok(()) = coder.code_transcript(t, &mut codings);
        let document = tally.document(t, &codings);
        tally.add(document);
    }
    study_tally(
        tally,
        &corpus.cases,
        &corpus.warnings,
        &directory,
        GapAttributes::default(),
    )
    .unwrap()
}

#[test]
fn tallied_document_by_document_in_any_order_the_tables_are_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let paths = (
        root.join("corpora/sample-study"),
        root.join("codebooks/str-training.toml"),
        root.join("directory"),
    );
    let whole = tables(&paths.0, &paths.1, &paths.2);
    let streamed = tallied_in_reverse(&paths.0, &paths.1, &paths.2);
    for (a, b) in whole.iter().zip(&streamed) {
        assert_eq!(a.table.to_csv(), b.table.to_csv(), "{}", a.table.name);
    }
    assert_eq!(whole, streamed);
    assert!(table(&whole, "framework_matrix").rows.len() > 50);
}

/// A participant interviewed twice is one case: their documents' evidence
/// is merged, not counted as two people's.
#[test]
fn a_participant_in_two_documents_is_one_case() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("gap");
    std::fs::create_dir_all(corpus.join("transcripts")).unwrap();
    std::fs::copy(
        fixture("gap/participants.csv"),
        corpus.join("participants.csv"),
    )
    .unwrap();
    for entry in std::fs::read_dir(fixture("gap/transcripts")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            corpus.join("transcripts").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    // A follow-up interview with G01: cost again, in a quotable sentence
    // (8 to 45 words, so it beats the first interview's five-word one),
    // and Band 4 again in the same turn.
    std::fs::write(
        corpus.join("transcripts/G01b.txt"),
        "Interviewer: Anything since?\n\nG01: The cost of the course was still far too much for me to manage. I still want to be a nursing associate.\n",
    )
    .unwrap();
    let codebook = fixture("tiny/codebook.toml");
    let directory = fixture("gap/directory");
    let before = gap_fixture();
    let after = tables(&corpus, &codebook, &directory);
    assert_eq!(after, tallied_in_reverse(&corpus, &codebook, &directory));

    let metric = |t: &[StudyTable], m: &str| {
        let s = table(t, "summary");
        let i = (0..s.rows.len())
            .find(|&i| s.get(i, "metric").unwrap().to_string() == m)
            .unwrap();
        s.get(i, "value").unwrap().to_string()
    };
    assert_eq!(metric(&after, "documents"), "6");
    assert_eq!(metric(&after, "participants"), "5");

    let cost = |t: &[StudyTable]| {
        rows(table(t, "prevalence"), &["theme", "cases", "segments"])
            .into_iter()
            .find(|r| r.starts_with("barriers.cost "))
            .unwrap()
    };
    assert_eq!(cost(&before), "barriers.cost | 4 | 6");
    assert_eq!(cost(&after), "barriers.cost | 4 | 7");

    // G01's cell: two segments, the follow-up's the one quoted.
    let g01 = |t: &[StudyTable]| {
        rows(
            table(t, "framework_matrix"),
            &["case", "theme", "segments", "segment"],
        )
        .into_iter()
        .filter(|r| r.starts_with("G01 | barriers.cost"))
        .collect::<Vec<_>>()
    };
    assert_eq!(g01(&before), ["G01 | barriers.cost | 1 | G01:t2.s1"]);
    assert_eq!(g01(&after), ["G01 | barriers.cost | 2 | G01b:t2.s1"]);

    // Cost and Band 4 share one more turn, but no more people.
    let together = |t: &[StudyTable]| {
        rows(
            table(t, "cooccurrence"),
            &["unit", "code_a", "code_b", "units", "cases", "units_a"],
        )
        .into_iter()
        .filter(|r| {
            r.starts_with("turn | barriers.cost | band4")
                || r.starts_with("document | barriers.cost | band4")
        })
        .collect::<Vec<_>>()
    };
    assert_eq!(
        together(&before),
        [
            "turn | barriers.cost | band4 | 1 | 1 | 4",
            "document | barriers.cost | band4 | 1 | 1 | 4"
        ]
    );
    assert_eq!(
        together(&after),
        [
            "turn | barriers.cost | band4 | 2 | 1 | 5",
            "document | barriers.cost | band4 | 2 | 1 | 5"
        ]
    );

    // Demand counts G01 once; the exemplars quote G01 once.
    let demand = rows(
        table(&after, "gap"),
        &["theme", "trust", "band", "demand_cases", "evidence"],
    );
    assert!(
        demand.contains(&"barriers.cost | Alpha | 3 | 2 | G01b:t2.s1; G02:t2.s1".to_string()),
        "{demand:?}"
    );
    // Longest readable first: G01's follow-up (14 words), G05 (12), then
    // G02 and G03 tie at 11 and G02's segment id is the smaller.
    let quoted: Vec<String> = rows(table(&after, "exemplars"), &["theme", "case", "segment"])
        .into_iter()
        .filter(|r| r.starts_with("barriers.cost "))
        .collect();
    assert_eq!(
        quoted,
        [
            "barriers.cost | G01 | G01b:t2.s1",
            "barriers.cost | G05 | G05:t2.s2",
            "barriers.cost | G02 | G02:t2.s1",
        ]
    );
}
