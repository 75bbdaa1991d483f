//! The whole pipeline on the tiny fixture study, whose every coding is
//! listed by hand in `fixtures/tiny/expected-codings.tsv`, and whose
//! prevalence numbers below were counted by hand from that list:
//!
//! cases: T01 and T02 (Alpha), T03 (Beta); T04 has no transcript.
//! barriers: T01 (t2.s1, t2.s2), T02 (t2.s3) -> 2 cases, 3 segments.
//! manager: T01 (t4.s2), T02 (t2.s1, t2.s2), T03 (t2.s3) -> 3 cases, 4 segments.
//! band4: T01 (t6.s1), T03 (t2.s1) -> 2 cases, 2 segments.

use std::path::{Path, PathBuf};

use strand_analysis::{analyse, Analysis, Input};
use strand_codebook::Codebook;
use strand_coding::{Coder, Coding};
use strand_table::{Table, Value};
use strand_transcript::{Corpus, CorpusWarning, Unit};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

struct Run {
    corpus: Corpus,
    codebook: Codebook,
    codings: Vec<Coding>,
}

fn code_tiny() -> Run {
    code(Corpus::load(&fixture("tiny"), || {}).unwrap())
}

fn code(corpus: Corpus) -> Run {
    let codebook = Codebook::read(&fixture("tiny/codebook.toml")).unwrap();
    let mut codings = Vec::new();
    let Ok(()) = Coder::new(&codebook).code_corpus(&corpus, &mut codings);
    Run {
        corpus,
        codebook,
        codings,
    }
}

fn analyse_tiny(run: &Run) -> Analysis {
    analyse(&Input {
        corpus: &run.corpus,
        codebook: &run.codebook,
        codings: &run.codings,
        unit: Unit::Sentence,
        by: "trust",
    })
    .unwrap()
}

#[test]
fn codings_match_the_hand_made_list() {
    let run = code_tiny();
    let expected = std::fs::read_to_string(fixture("tiny/expected-codings.tsv")).unwrap();
    let expected: Vec<String> = expected.lines().skip(1).map(str::to_string).collect();
    let got: Vec<String> = run
        .codings
        .iter()
        .map(|c| {
            let from = c.recoded_from.as_deref().unwrap_or("-");
            format!("{}\t{}\t{}\t{from}", c.segment, c.code, c.evidence.negated)
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn evidence_points_at_the_matched_words() {
    let run = code_tiny();
    let t02 = &run.corpus.transcripts[1];
    let evidence: Vec<(&str, &str)> = run
        .codings
        .iter()
        .filter(|c| &*c.document == "T02")
        .map(|c| (&t02.text[c.evidence.span.clone()], &*c.evidence.pattern))
        .collect();
    assert_eq!(
        evidence,
        [
            ("supportive", "supportive"),
            ("never around", "never around"),
            ("Study leave was cancelled", "study leave + cancel*"),
        ]
    );
}

#[test]
fn corpus_warns_about_a_case_without_a_transcript() {
    let run = code_tiny();
    assert_eq!(
        run.corpus.warnings,
        [CorpusWarning::CaseWithoutTranscript { case: "T04".into() }]
    );
    assert_eq!(run.corpus.participant_count(), 3);
}

/// The table's rows as (theme, [columns...]) strings, for compact asserts.
fn rows(table: &Table, columns: &[&str]) -> Vec<String> {
    (0..table.rows.len())
        .map(|i| {
            columns
                .iter()
                .map(|c| table.get(i, c).unwrap().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn prevalence_rolls_codes_up_and_counts_cases_and_segments() {
    let a = analyse_tiny(&code_tiny());
    assert_eq!(
        rows(
            &a.prevalence,
            &["theme", "depth", "cases", "cases_pct", "segments"]
        ),
        [
            "barriers 0 2 66.7 3",
            "barriers.cost 1 1 33.3 2",
            "barriers.study_leave 1 1 33.3 1",
            "manager 0 3 100 4",
            "manager.supportive 1 2 66.7 2",
            "manager.unsupportive 1 2 66.7 3",
            "band4 0 2 66.7 2",
        ]
    );
}

#[test]
fn prevalence_by_trust_uses_each_trusts_own_denominator() {
    let a = analyse_tiny(&code_tiny());
    assert_eq!(a.prevalence_by.name, "prevalence_by_trust");
    assert_eq!(
        rows(
            &a.prevalence_by,
            &[
                "theme",
                "trust",
                "cases",
                "cases_total",
                "cases_pct",
                "segments"
            ]
        ),
        [
            "barriers Alpha 2 2 100 3",
            "barriers Beta 0 1 0 0",
            "barriers.cost Alpha 1 2 50 2",
            "barriers.cost Beta 0 1 0 0",
            "barriers.study_leave Alpha 1 2 50 1",
            "barriers.study_leave Beta 0 1 0 0",
            "manager Alpha 2 2 100 3",
            "manager Beta 1 1 100 1",
            "manager.supportive Alpha 1 2 50 1",
            "manager.supportive Beta 1 1 100 1",
            "manager.unsupportive Alpha 1 2 50 2",
            "manager.unsupportive Beta 1 1 100 1",
            "band4 Alpha 1 2 50 1",
            "band4 Beta 1 1 100 1",
        ]
    );
}

#[test]
fn summary_and_participants() {
    let a = analyse_tiny(&code_tiny());
    assert_eq!(
        rows(&a.summary, &["metric", "value"]),
        [
            "documents 3",
            "participants 3",
            "turns 12",
            "participant_turns 6",
            "unit sentence",
            "participant_segments 13",
            "coded_segments 9",
            "codings 10",
            "words 119",
        ]
    );
    assert_eq!(
        rows(&a.participants, &["attribute", "value", "cases"]),
        [
            "trust Alpha 2",
            "trust Beta 1",
            "role HCSW 2",
            "role STR 1",
            "band 2 1",
            "band 3 1",
            "band 4 1",
        ]
    );
}

#[test]
fn exemplars_are_positive_one_per_case_and_attributed() {
    let a = analyse_tiny(&code_tiny());
    let manager: Vec<String> = rows(
        &a.exemplars,
        &["theme", "rank", "segment", "trust", "quote"],
    )
    .into_iter()
    .filter(|r| r.starts_with("manager.unsupportive "))
    .collect();
    // T02's "not supportive", recoded from the supportive code, is positive
    // evidence of an unsupportive manager and may be quoted; it stands for
    // T02 over "never around" by being longer, but ranks second for being
    // shorter than a quote should be.
    assert_eq!(
        manager,
        [
            "manager.unsupportive 1 T03:t2.s3 Beta My supervisor backs me, but she cancelled supervision last month.",
            "manager.unsupportive 2 T02:t2.s1 Alpha My manager is not supportive.",
        ]
    );
    let band4 = a
        .exemplars
        .rows
        .iter()
        .filter(|r| r[0] == Value::from("band4"))
        .count();
    assert_eq!(band4, 2);
}

#[test]
fn unknown_attribute_is_a_clear_error() {
    let run = code_tiny();
    let err = analyse(&Input {
        corpus: &run.corpus,
        codebook: &run.codebook,
        codings: &run.codings,
        unit: Unit::Sentence,
        by: "region",
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no case attribute `region` to break prevalence down by; the cases file has: trust, role, band"
    );
}

fn render_tiny(run: &Run, a: &Analysis, notices: &[String]) -> Vec<strand_report::OutputFile> {
    strand_report::render(&strand_report::ReportInput {
        title: "Tiny study report",
        corpus: "tiny",
        codebook: &run.codebook,
        by: "trust",
        summary: &a.summary,
        participants: &a.participants,
        prevalence: &a.prevalence,
        prevalence_by: &a.prevalence_by,
        exemplars: &a.exemplars,
        notices,
        table_files: &["prevalence.csv".into(), "exemplars.csv".into()],
        study: None,
        screen_accepted: 0,
    })
    .unwrap()
}

#[test]
fn report_escapes_transcript_text_and_is_deterministic() {
    // A hostile transcript line must arrive as text.
    let mut corpus = Corpus::load(&fixture("tiny"), || {}).unwrap();
    let hostile = corpus.transcripts[0].text.replacen(
        "The cost of the course",
        "The cost <script>alert(1)</script> <img src=x onerror=alert(2)>",
        1,
    );
    corpus.transcripts[0] =
        strand_transcript::parse_transcript(Path::new("T01.txt"), hostile).unwrap();
    let run = code(corpus);
    let first = render_tiny(&run, &analyse_tiny(&run), &[]);
    assert_eq!(first, render_tiny(&run, &analyse_tiny(&run), &[]));
    let html = String::from_utf8(first[0].bytes.clone()).unwrap();
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<img"));
    assert!(
        html.contains("The cost &lt;script&gt;alert(1)&lt;&#x2f;script&gt; &lt;img src=x onerror=alert(2)&gt;"),
        "{html}"
    );
    assert_eq!(first[1].name, "prevalence-by-trust.png");
    assert_eq!(first[2].name, "prevalence-by-trust.svg");
}

/// The whole report of the tiny study, reviewed by eye: any change to the
/// page or its tables shows up here as a diff to review.
#[test]
fn report_snapshot() {
    let run = code_tiny();
    let a = analyse_tiny(&run);
    let files = render_tiny(
        &run,
        &a,
        &["participants.csv: case `T04` has no transcript".into()],
    );
    let html = String::from_utf8(files[0].bytes.clone()).unwrap();
    // The chart's SVG is long and checked by the report crate's chart
    // tests; keep the page.
    let start = html.find("<svg").unwrap();
    let end = html.find("</svg>").unwrap() + "</svg>".len();
    let page = format!("{}<svg>…</svg>{}", &html[..start], &html[end..]);
    insta::assert_snapshot!("tiny_index_html", page);
    insta::assert_snapshot!("tiny_prevalence_by_trust_csv", a.prevalence_by.to_csv());
    insta::assert_snapshot!("tiny_exemplars_csv", a.exemplars.to_csv());
}

/// The shipped sample study and default codebook: the README's main
/// command runs on these, so they must stay sound together.
mod sample_study {
    use super::*;

    fn sample() -> Run {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let corpus = Corpus::load(&root.join("corpora/sample-study"), || {}).unwrap();
        let codebook = Codebook::read(&root.join("codebooks/str-training.toml")).unwrap();
        let mut codings = Vec::new();
        let Ok(()) = Coder::new(&codebook).code_corpus(&corpus, &mut codings);
        Run {
            corpus,
            codebook,
            codings,
        }
    }

    /// The codes given to the sentence of `document` that contains `words`.
    fn codes_of(run: &Run, document: &str, words: &str) -> Vec<String> {
        let t = run
            .corpus
            .transcripts
            .iter()
            .find(|t| t.id == document)
            .unwrap();
        let segment = strand_transcript::segments(t, Unit::Sentence)
            .into_iter()
            .find(|s| s.text(t).contains(words))
            .unwrap_or_else(|| panic!("no sentence of {document} contains {words:?}"));
        run.codings
            .iter()
            .filter(|c| c.segment == segment.id)
            .map(|c| c.code.to_string())
            .collect()
    }

    #[test]
    fn corpus_is_complete_and_english() {
        let run = sample();
        assert_eq!(run.corpus.transcripts.len(), 14);
        assert!(run.corpus.warnings.is_empty(), "{:?}", run.corpus.warnings);
        assert!(run.corpus.language_mismatches("eng").is_empty());
        for t in &run.corpus.transcripts {
            let words = t.word_count();
            assert!((1200..=3000).contains(&words), "{}: {words} words", t.id);
        }
    }

    #[test]
    fn every_code_with_rules_fires_and_codebook_is_hierarchical() {
        let run = sample();
        for code in run.codebook.codes.iter().filter(|c| !c.rules.is_empty()) {
            assert!(
                run.codings.iter().any(|c| *c.code == *code.id),
                "{} never fires on the sample study",
                code.id
            );
        }
        assert!(run.codebook.themes().count() >= 8);
        assert!(run.codebook.codes.iter().all(|c| !c.definition.is_empty()));
    }

    /// The default codebook must keep agreeing with the gold standard made
    /// by reading the interviews (`corpora/sample-study/gold.md`).
    #[test]
    fn default_codebook_reaches_macro_f1_of_0_8_on_the_gold_standard() {
        use std::collections::BTreeSet;
        let run = sample();
        let segments: BTreeSet<String> = run
            .corpus
            .transcripts
            .iter()
            .flat_map(|t| strand_transcript::segments(t, Unit::Sentence))
            .filter(|s| s.role == strand_transcript::Role::Participant)
            .map(|s| s.id)
            .collect();
        let ids: BTreeSet<String> = run.codebook.codes.iter().map(|c| c.id.clone()).collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let gold =
            strand_coding::Gold::read(&root.join("corpora/sample-study/gold.tsv"), &segments, &ids)
                .unwrap();
        let codes: Vec<String> = run
            .codebook
            .codes
            .iter()
            .filter(|c| !c.rules.is_empty())
            .map(|c| c.id.clone())
            .collect();
        let e = strand_coding::Evaluation::new(&codes, &segments, &run.codings, &gold);
        assert_eq!(e.codes.len(), 28);
        assert!(e.macro_f1() >= 0.80, "macro F1 {:.3}\n{e}", e.macro_f1());
        assert!(e.macro_precision() >= 0.90, "{e}");
    }

    #[test]
    fn negated_and_hedged_statements_are_not_coded_as_barriers() {
        let run = sample();
        let p08 = codes_of(&run, "P08", "never had a problem getting study leave");
        assert!(
            !p08.contains(&"barriers.study_leave".to_string()),
            "{p08:?}"
        );
        let p07 = codes_of(&run, "P07", "cost isn't really an issue");
        assert!(!p07.contains(&"barriers.cost".to_string()), "{p07:?}");
        let p01 = codes_of(&run, "P01", "I wouldn't say I lack confidence");
        assert!(
            !p01.contains(&"confidence.low_confidence".to_string()),
            "{p01:?}"
        );
        let p09 = codes_of(&run, "P09", "My study leave got refused");
        assert!(p09.contains(&"barriers.study_leave".to_string()), "{p09:?}");
    }
}

/// Every encoding and line ending a transcription service or Word produces
/// reads to the same turns and segments.
#[test]
fn encodings_and_line_ends_read_alike() {
    use strand_transcript::{read_transcript, Encoding, Invalid};
    let read =
        |name: &str| read_transcript(&fixture(&format!("encodings/{name}")), Invalid::Reject);
    let texts = |t: &strand_transcript::Transcript| -> Vec<String> {
        strand_transcript::segments(t, Unit::Sentence)
            .iter()
            .map(|s| format!("{} {}", s.id.split(':').nth(1).unwrap(), s.text(t)))
            .collect()
    };
    let reference = read("utf8.txt").unwrap();
    assert_eq!(
        texts(&reference),
        [
            "t1.s1 Has cost been a barrier?",
            "t2.s1 Not for me, the Trust paid.",
            "t2.s2 But travel to the café in [town] is 40 minutes.",
            "t2.s3 Still, I went.",
            "t3.s1 Thank you.",
        ]
    );
    for (name, encoding) in [
        ("utf8-bom.txt", Encoding::Utf8Bom),
        ("crlf.txt", Encoding::Utf8),
        ("cr.txt", Encoding::Utf8),
        ("utf16le-bom.txt", Encoding::Utf16Le),
        ("utf16be-bom.txt", Encoding::Utf16Be),
    ] {
        let t = read(name).unwrap();
        assert_eq!(t.encoding, encoding, "{name}");
        let normalised: Vec<String> = texts(&t)
            .iter()
            .map(|s| s.replace("\r\n", "\n").replace('\r', "\n"))
            .collect();
        assert_eq!(normalised, texts(&reference), "{name}");
    }
    let err = read("latin1.txt").unwrap_err().to_string();
    assert!(err.ends_with("latin1.txt: not valid text: invalid byte at offset 93; save the file as UTF-8 (or UTF-16 with a byte-order mark), or read it with invalid bytes replaced"), "{err}");
    let lossy = read_transcript(&fixture("encodings/latin1.txt"), Invalid::Replace).unwrap();
    assert_eq!(lossy.replaced, 1);
    assert!(lossy.text.contains("caf\u{FFFD} in [town]"));
}

/// A Word or caption export of an interview is coded exactly as its plain-text
/// transcript: same turns, same sentences, same codings.
#[test]
fn captions_code_like_the_plain_transcript() {
    use strand_transcript::{read_transcript, Invalid};
    let codebook = Codebook::read(&fixture("tiny/codebook.toml")).unwrap();
    let coded = |path: &str| -> Vec<String> {
        let t = read_transcript(&fixture(path), Invalid::Reject).unwrap();
        let mut codings = Vec::new();
        let Ok(()) = Coder::new(&codebook).code_transcript(&t, &mut codings);
        codings
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c.segment,
                    c.code,
                    &t.text[c.segment_span.clone()]
                )
            })
            .collect()
    };
    let plain = coded("tiny/transcripts/T01.txt");
    assert_eq!(plain.len(), 4);
    assert_eq!(coded("formats/T01.vtt"), plain);
    assert_eq!(coded("formats/T01.srt"), plain);
    assert_eq!(coded("formats/T01.docx"), plain);
    let truncated = read_transcript(&fixture("formats/truncated.docx"), Invalid::Reject)
        .unwrap_err()
        .to_string();
    assert!(
        truncated.ends_with("truncated.docx: not a readable .docx (zip) file: invalid Zip archive: Could not find EOCD"),
        "{truncated}"
    );
    let vtt = read_transcript(&fixture("formats/T01.vtt"), Invalid::Reject).unwrap();
    assert_eq!(vtt.turns[1].start_ms, Some(3_500));
    assert_eq!(vtt.turns[1].end_ms, Some(8_000));
}

/// Survey answers are coded like interviews, respondents are cases, and
/// the other columns are their attributes.
#[test]
fn survey_answers_are_coded_and_respondents_are_cases() {
    use strand_transcript::{read_transcript, Invalid};
    let survey = read_transcript(&fixture("formats/survey.csv"), Invalid::Reject).unwrap();
    let corpus = Corpus::assemble(&fixture("formats"), vec![survey], None).unwrap();
    assert!(corpus.warnings.is_empty(), "{:?}", corpus.warnings);
    assert_eq!(corpus.cases.attribute("S03", "role"), Some("STR"));
    let run = code(corpus);
    let got: Vec<String> = run
        .codings
        .iter()
        .map(|c| format!("{} {} {}", c.segment, c.speaker, c.code))
        .collect();
    assert_eq!(
        got,
        [
            // Codebook order within a segment.
            "survey:t1.s1 S01 barriers.study_leave",
            "survey:t1.s1 S01 manager.supportive",
            "survey:t2.s1 S03 band4",
            "survey:t2.s2 S03 barriers.cost",
        ]
    );
    let a = analyse_tiny(&run);
    assert_eq!(
        rows(
            &a.prevalence_by,
            &["theme", "trust", "cases", "cases_total"]
        )[..2],
        ["barriers Alpha 1 1", "barriers Beta 1 1"]
    );
}

/// Each broken input gets its own clear error with its place, never a panic.
#[test]
fn broken_inputs_get_clear_errors() {
    use strand_transcript::{read_transcript, Invalid};
    let cases = [
        ("empty.txt", "empty.txt: the file is empty; expected speaker turns such as `Interviewer: ...`"),
        ("no-header.vtt", "no-header.vtt:1:1: expected the header `WEBVTT` on the first line"),
        ("unlabelled.txt", "unlabelled.txt:1:1: text before the first speaker label; expected a line starting with a label such as `Interviewer:` or `P07:`"),
        ("bad-timing.srt", "bad-timing.srt:2:1: expected a cue timing such as `00:00:01.000 --> 00:00:04.000`"),
        ("no-answer-column.csv", "no-answer-column.csv:1:1: expected a column headed `response`, `answer`, `text` or `comment` holding the free-text answers"),
        ("unclosed-front-matter.txt", "unclosed-front-matter.txt:4:1: front matter: the front matter has no closing `---` line"),
    ];
    for (name, expected) in cases {
        let path = fixture(&format!("broken/{name}"));
        let err = read_transcript(&path, Invalid::Reject)
            .unwrap_err()
            .to_string();
        let shown = err.replace(&format!("{}", fixture("broken/").display()), "");
        assert_eq!(shown, expected, "{name}");
    }
}

/// A code may apply to whole turns while the rest apply to sentences.
#[test]
fn a_code_can_apply_to_its_own_unit() {
    let text = std::fs::read_to_string(fixture("tiny/codebook.toml")).unwrap()
        + "\n[[code]]\nid = \"story\"\nlabel = \"A story about a manager\"\nunit = \"turn\"\n[[code.rule]]\nany = [\"manager NEAR/10 cancel*\"]\n";
    let codebook = Codebook::parse(Path::new("cb.toml"), &text).unwrap();
    let corpus = Corpus::load(&fixture("tiny"), || {}).unwrap();
    let mut codings = Vec::new();
    let Ok(()) = Coder::new(&codebook).code_corpus(&corpus, &mut codings);
    let story: Vec<&str> = codings
        .iter()
        .filter(|c| &*c.code == "story")
        .map(|c| c.segment.as_str())
        .collect();
    // T02's turn 2: "My manager is not supportive. ... Study leave was
    // cancelled twice." - two sentences apart, one turn.
    assert_eq!(story, ["T02:t2"]);
    // The sentence codes are as before.
    assert_eq!(codings.iter().filter(|c| &*c.code != "story").count(), 10);
}
