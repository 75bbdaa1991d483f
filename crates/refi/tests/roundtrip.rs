//! strand to `.qdpx` and back: nothing the standard carries is lost, and
//! the same project always gives the same bytes.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use strand_codebook::Codebook;
use strand_refi::*;

#[test]
fn every_part_of_the_model_survives_qdpx_and_back() {
    let p = common::rich();
    assert_eq!(check_project(&p), Vec::<String>::new());
    let bytes = to_qdpx(&p).unwrap();
    assert_eq!(audit_qdpx(&bytes).unwrap(), Vec::<String>::new());
    let import = import_qdpx(&bytes, &ImportOptions::default()).unwrap();
    assert_eq!(import.warnings, []);
    assert_eq!(import.positions, PositionUnit::CodePoints);
    assert_eq!(import.project, p);
    // Selections still land on their words.
    let source = &import.project.sources[0];
    let spans = source.selection_bytes().unwrap();
    assert_eq!(&source.text[spans[0].clone()], "study leave 📚");
    assert_eq!(&source.text[spans[1].clone()], "😀");
    // The memo about a case went out as a link, the others as NoteRefs.
    let qde = to_qde(&p).unwrap();
    assert!(qde.contains("name=\"Memo-Case Relation\""));
    assert_eq!(
        qde.matches("<NoteRef targetGUID=\"10000000-0000-4000-8000-000000000032\"/>")
            .count(),
        5
    );
}

#[test]
fn the_same_project_gives_the_same_bytes() {
    let a = to_qdpx(&common::rich()).unwrap();
    let b = to_qdpx(&common::rich()).unwrap();
    assert_eq!(a, b);
    // Built again from scratch, from the corpus read again, too.
    let first = to_qdpx(&common::tiny().project).unwrap();
    let second = to_qdpx(&common::tiny().project).unwrap();
    assert_eq!(first, second);
    // Entries: the project, then the texts named by GUID; fixed dates.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&first)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert_eq!(names.len(), 4);
    assert_eq!(names[0], "project.qde");
    assert!(names[1..]
        .iter()
        .all(|n| n.starts_with("sources/") && n.ends_with(".txt")));
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        assert_eq!(f.last_modified().map(|d| d.year()), Some(1980));
    }
}

#[test]
fn strand_to_qdpx_and_back_loses_nothing_the_standard_carries() {
    let tiny = common::tiny();
    let bytes = to_qdpx(&tiny.project).unwrap();
    assert_eq!(audit_qdpx(&bytes).unwrap(), Vec::<String>::new());
    let back = from_qdpx(&bytes).unwrap();
    assert_eq!(back, tiny.project);

    let folder = to_folder(&back, "tiny").unwrap();
    assert_eq!(folder.notices, Vec::<String>::new());
    // Documents: the texts exactly, under their ids.
    let texts: Vec<(String, String)> = tiny
        .corpus
        .transcripts
        .iter()
        .map(|t| (format!("{}.txt", t.id), t.text.clone()))
        .collect();
    assert_eq!(folder.transcripts, texts);

    // Codes: ids, labels, definitions, criteria and colours.
    let codebook = Codebook::parse(Path::new("codebook.toml"), &folder.codebook).unwrap();
    let fields = |cb: &Codebook| -> Vec<(String, String, String, String)> {
        cb.codes
            .iter()
            .map(|c| {
                (
                    c.id.clone(),
                    c.label.clone(),
                    c.definition.clone(),
                    c.include.clone(),
                )
            })
            .collect()
    };
    assert_eq!(fields(&codebook), fields(&tiny.codebook));

    // Codings: every automatic one, in code points, and the human one.
    let mut expected = BTreeSet::new();
    for c in &tiny.codings {
        let t = tiny
            .corpus
            .transcripts
            .iter()
            .find(|t| *t.id == *c.document)
            .unwrap();
        let index = strand_transcript::OffsetIndex::new(&t.text);
        let o = index.offsets(c.segment_span.clone());
        expected.insert(format!(
            "{}\t{}\t{}\t{}\t{}",
            c.document,
            o.chars.start,
            o.chars.end,
            c.code,
            common::AUTO
        ));
    }
    let t01 = &tiny.corpus.transcripts[0].text;
    let at = t01[..t01.find("travel").unwrap()].chars().count();
    expected.insert(format!(
        "T01\t{at}\t{}\tbarriers.cost\t{}",
        at + 6,
        common::HUMAN
    ));
    let mut lines = folder.codings.lines();
    assert_eq!(lines.next(), Some(CODINGS_HEADER));
    let got: BTreeSet<String> = lines.map(str::to_string).collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), tiny.codings.len() + 1);
    // Spot check: the human coding's span is the word.
    let human = got.iter().find(|l| l.ends_with(common::HUMAN)).unwrap();
    let cols: Vec<&str> = human.split('\t').collect();
    let (s, e): (usize, usize) = (cols[1].parse().unwrap(), cols[2].parse().unwrap());
    assert_eq!(
        t01.chars().skip(s).take(e - s).collect::<String>(),
        "travel"
    );

    // Cases and attributes: participants.csv as it was.
    let original =
        std::fs::read_to_string(common::root().join("tests/fixtures/tiny/participants.csv"))
            .unwrap();
    assert_eq!(folder.participants.as_deref(), Some(original.as_str()));

    // Memos, with what they are about.
    let memos = folder.memos.unwrap();
    assert!(memos.contains("## About travel\n\nAbout: "), "{memos}");
    assert!(memos.contains("code `barriers.cost`"), "{memos}");
    assert!(
        memos.contains(&format!("`T01` {at}..{}", at + 6)),
        "{memos}"
    );
    assert!(
        memos.contains("Travel costs come up twice.\nCheck T03.\n"),
        "{memos}"
    );
    assert!(memos.contains("## T02 context\n\nAbout: "), "{memos}");
    assert!(
        memos.contains("document `T02`") && memos.contains("participant `T02`"),
        "{memos}"
    );
}

#[test]
fn a_codebook_round_trips_through_qdc() {
    let tiny = common::tiny();
    let cb = CodeBook {
        origin: ORIGIN.into(),
        codes: codes_from_codebook(&tiny.codebook),
        sets: vec![],
    };
    let bytes = to_qdc(&cb).unwrap();
    assert_eq!(audit_qdc(&bytes).unwrap(), Vec::<String>::new());
    assert_eq!(to_qdc(&cb).unwrap(), bytes);
    let back = from_qdc(&bytes).unwrap();
    assert_eq!(back, cb);
    let (toml, _) = codebook_toml(&back.codes, &tiny.codebook.name).unwrap();
    let again = Codebook::parse(Path::new("x.toml"), &toml).unwrap();
    let ids = |cb: &Codebook| cb.codes.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&tiny.codebook));
    // GUIDs come from the ids: stable from one export to the next.
    assert_eq!(back.codes[0].guid, code_guid("barriers"));
}

#[test]
fn export_refuses_a_project_that_breaks_the_rules() {
    let mut p = common::rich();
    p.sources[0].selections[0].end = 10_000;
    let e = to_qdpx(&p).unwrap_err();
    assert!(e.to_string().contains("outside its source's"), "{e}");

    let mut p = common::rich();
    p.users[1].guid = p.users[0].guid;
    assert!(to_qdpx(&p)
        .unwrap_err()
        .to_string()
        .contains("is used more than once"));

    let mut p = common::rich();
    p.sources[0].selections[0].codings[0].code = Guid(7);
    let e = to_qdpx(&p).unwrap_err().to_string();
    assert!(
        e.contains("refers to 00000000-0000-0000-0000-000000000007, which does not exist"),
        "{e}"
    );

    let mut p = common::rich();
    p.cases[0].values[1].value = "three".into();
    assert!(to_qdpx(&p)
        .unwrap_err()
        .to_string()
        .contains("is not a valid Integer"));

    let mut p = common::rich();
    p.sets[0].description = Some("katego\u{1f}\u{0}1".into());
    let e = to_qdpx(&p).unwrap_err().to_string();
    assert!(
        e.contains(
            "set 10000000-0000-4000-8000-00000000003c's description holds a control character"
        ),
        "{e}"
    );

    let mut p = common::rich();
    p.notes[0].text.push('\u{1}');
    assert!(to_qdpx(&p)
        .unwrap_err()
        .to_string()
        .contains("control character"));

    // Nor does a folder come of it: an error, not a panic.
    let mut p = common::rich();
    p.sources[0].selections[0].codings[0].code = Guid(7);
    assert!(to_folder(&p, "x")
        .unwrap_err()
        .to_string()
        .contains("not a code of the project"));

    let empty = CodeBook::default();
    assert!(to_qdc(&empty)
        .unwrap_err()
        .to_string()
        .contains("at least one code"));
}
