//! Damaged and hostile files: a clear error naming the entry, line and
//! column, never a panic; files that merely bend the rules are read.

mod common;

use std::io::{Cursor, Write};

use strand_refi::*;

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const GOOD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="test">
  <Users><User guid="{AAAAAAAA-0000-0000-0000-000000000001}" name="Ann"/></Users>
  <CodeBook><Codes><Code guid="aaaaaaaa-0000-0000-0000-000000000002" name="Cost" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="aaaaaaaa-0000-0000-0000-000000000003" name="P01" plainTextPath="internal://aaaaaaaa-0000-0000-0000-000000000003.txt">
      <PlainTextSelection guid="aaaaaaaa-0000-0000-0000-000000000004" startPosition="4" endPosition="8" creatingUser="aaaaaaaa-0000-0000-0000-000000000001">
        <Coding guid="aaaaaaaa-0000-0000-0000-000000000005" creatingUser="AAAAAAAA-0000-0000-0000-000000000001">
          <CodeRef targetGUID="AAAAAAAA-0000-0000-0000-000000000002"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"#;

const TEXT: &[u8] = "The cost was high.".as_bytes();

fn project(xml: &str) -> Result<Project, Error> {
    from_qdpx(&zip(&[
        ("project.qde", xml.as_bytes()),
        ("sources/aaaaaaaa-0000-0000-0000-000000000003.txt", TEXT),
    ]))
}

#[test]
fn the_good_file_reads_and_its_variants_too() {
    let p = project(GOOD).unwrap();
    let s = &p.sources[0];
    assert_eq!(&s.text[s.selection_bytes().unwrap()[0].clone()], "cost");
    // Namespace 1:0 or none, any .qde name, Sources/ in capitals, a
    // byte-order mark on the text, a path without internal://.
    for (xml, qde, folder, text) in [
        (
            GOOD.replace("project:1.0", "project:1:0"),
            "project.qde",
            "sources/",
            TEXT.to_vec(),
        ),
        (
            GOOD.replace(" xmlns=\"urn:QDA-XML:project:1.0\"", ""),
            "Export.QDE",
            "Sources/",
            TEXT.to_vec(),
        ),
        (
            GOOD.to_string(),
            "x/any.qde",
            "Sources/",
            [b"\xEF\xBB\xBF", TEXT].concat(),
        ),
        (
            GOOD.replace("internal://", ""),
            "project.qde",
            "sources/",
            TEXT.to_vec(),
        ),
    ] {
        let entry = format!("{folder}aaaaaaaa-0000-0000-0000-000000000003.txt");
        let bytes = zip(&[(qde, xml.as_bytes()), (&entry, &text)]);
        let p = from_qdpx(&bytes).unwrap_or_else(|e| panic!("{qde} {folder}: {e}"));
        assert_eq!(p.sources[0].text, "The cost was high.");
        assert_eq!(
            (
                p.sources[0].selections[0].start,
                p.sources[0].selections[0].end
            ),
            (4, 8)
        );
    }
}

fn message(r: Result<impl std::fmt::Debug, Error>) -> String {
    r.unwrap_err().to_string()
}

#[test]
fn invalid_xml_names_entry_line_and_column() {
    let broken = GOOD.replace("</Coding>", "</Codng>");
    let e = message(project(&broken));
    assert!(e.starts_with("project.qde:10:"), "{e}");
    assert!(e.contains("malformed XML"), "{e}");
    let e = message(project(&GOOD[..GOOD.find("  </Sources>").unwrap()]));
    assert!(
        e.contains("malformed XML") && e.contains("never closed"),
        "{e}"
    );
    let e = message(project("<Codebook/>"));
    assert_eq!(
        e,
        "project.qde:1:1: expected <Project> as the root element, found <Codebook>"
    );
    let e = message(from_qdc(b"<CodeBook origin='x'><Codes><Code guid='nope' name='a' isCodable='true'/></Codes></CodeBook>"));
    assert_eq!(e, "codebook.qdc:1:29: <Code> guid=\"nope\" is not a GUID");
    let e = message(project(
        &GOOD.replace("startPosition=\"4\"", "startPosition=\"four\""),
    ));
    assert_eq!(e, "project.qde:7:7: <PlainTextSelection> startPosition=\"four\" is not a whole number of characters");
}

#[test]
fn values_that_break_their_type_are_kept_with_a_warning() {
    let xml = GOOD.replace(
        "  <Sources>",
        r#"  <Variables><Variable guid="aaaaaaaa-0000-0000-0000-000000000010" name="band" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="aaaaaaaa-0000-0000-0000-000000000011" name="P01"><VariableValue><VariableRef targetGUID="aaaaaaaa-0000-0000-0000-000000000010"/><IntegerValue>three</IntegerValue></VariableValue></Case></Cases>
  <Sources>"#,
    );
    let bytes = zip(&[
        ("project.qde", xml.as_bytes()),
        ("sources/aaaaaaaa-0000-0000-0000-000000000003.txt", TEXT),
    ]);
    let import = import_qdpx(&bytes, &ImportOptions::default()).unwrap();
    assert_eq!(import.project.cases[0].values[0].value, "three");
    let warnings: Vec<String> = import.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["project.qde:6:150: <IntegerValue> is not a valid Integer; kept as written"]
    );
    // strand will not write it back out as an integer.
    assert!(to_qdpx(&import.project).is_err());
}

#[test]
fn missing_entries_are_named() {
    let e = message(from_qdpx(&zip(&[("project.qde", GOOD.as_bytes())])));
    assert_eq!(
        e,
        "sources/aaaaaaaa-0000-0000-0000-000000000003.txt: missing from the archive; the text of <TextSource> aaaaaaaa-0000-0000-0000-000000000003, declared at project.qde:6:5"
    );
    let e = message(from_qdpx(&zip(&[("sources/x.txt", TEXT)])));
    assert!(
        e.starts_with("project.qde: missing from the archive"),
        "{e}"
    );
    let e = message(from_qdpx(&zip(&[("a.qde", b"<x/>"), ("b.qde", b"<x/>")])));
    assert!(e.contains("found 2 .qde files"), "{e}");
    let e = message(from_qdpx(b"PK\x03\x04 not really a zip"));
    assert!(e.starts_with("not a readable .qdpx file"), "{e}");
    let e = message(from_qdpx(b""));
    assert!(e.starts_with("not a readable .qdpx file"), "{e}");
}

#[test]
fn dangling_and_wrong_references_are_errors() {
    let e = message(project(&GOOD.replace(
        "AAAAAAAA-0000-0000-0000-000000000002\"/>",
        "AAAAAAAA-0000-0000-0000-0000000000ff\"/>",
    )));
    assert_eq!(
        e,
        "project.qde:9:11: <CodeRef> refers to aaaaaaaa-0000-0000-0000-0000000000ff, which is nowhere in the file"
    );
    let e = message(project(&GOOD.replace(
        "creatingUser=\"aaaaaaaa-0000-0000-0000-000000000001\">",
        "creatingUser=\"aaaaaaaa-0000-0000-0000-000000000099\">",
    )));
    assert!(
        e.starts_with("project.qde:7:7: <PlainTextSelection> refers to"),
        "{e}"
    );
    // A code where a user belongs.
    let e = message(project(&GOOD.replace(
        "creatingUser=\"AAAAAAAA-0000-0000-0000-000000000001\"",
        "creatingUser=\"AAAAAAAA-0000-0000-0000-000000000002\"",
    )));
    assert_eq!(
        e,
        "project.qde:8:9: <Coding> refers to aaaaaaaa-0000-0000-0000-000000000002, which is a code, not a user"
    );
}

#[test]
fn positions_outside_the_text_are_errors() {
    let e = message(project(
        &GOOD.replace("endPosition=\"8\"", "endPosition=\"80\""),
    ));
    assert_eq!(
        e,
        "project.qde:7:7: the selection 4..80 (in code points) falls beyond the end of its text (18 code points)"
    );
    let e = message(project(
        &GOOD.replace("startPosition=\"4\"", "startPosition=\"9\""),
    ));
    assert!(e.contains("starts at 9, after its end at 8"), "{e}");
    // In UTF-16 units (an NVivo file), inside an emoji's surrogate pair.
    let xml = GOOD
        .replace("origin=\"test\"", "origin=\"NVivo 14\"")
        .replace("startPosition=\"4\"", "startPosition=\"1\"");
    let e = message(from_qdpx(&zip(&[
        ("project.qde", xml.as_bytes()),
        (
            "sources/aaaaaaaa-0000-0000-0000-000000000003.txt",
            "😀 cost was high.".as_bytes(),
        ),
    ])));
    assert!(e.contains("inside a character"), "{e}");
}

#[test]
fn a_zip_bomb_is_refused_not_inflated() {
    // 24 MiB of zeros deflate to a few kilobytes.
    let zeros = vec![0u8; 24 * 1024 * 1024];
    let bomb = zip(&[
        ("project.qde", GOOD.as_bytes()),
        ("sources/aaaaaaaa-0000-0000-0000-000000000003.txt", &zeros),
    ]);
    assert!(bomb.len() < 1024 * 1024);
    let options = ImportOptions {
        max_entry: 8 * 1024 * 1024,
        ..ImportOptions::default()
    };
    let e = import_qdpx(&bomb, &options).unwrap_err();
    assert_eq!(
        e.to_string(),
        "sources/aaaaaaaa-0000-0000-0000-000000000003.txt: inflates to more than the 8388608 bytes allowed; refused (a damaged file or a zip bomb)"
    );
    // The same when the archive lies about the size: the read stops at
    // the declared size (the zip crate checks) or the limit, whichever
    // comes first, whatever the header says.
    let mut lying = bomb.clone();
    let size = (zeros.len() as u32).to_le_bytes();
    let mut patched = 0;
    for i in 0..lying.len().saturating_sub(4) {
        if lying[i..i + 4] == size {
            lying[i..i + 4].copy_from_slice(&10u32.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "local header and central directory");
    let e = import_qdpx(&lying, &options).unwrap_err();
    assert!(
        e.to_string()
            .contains("larger than its declared uncompressed size"),
        "{e}"
    );
    // The total budget counts too.
    let options = ImportOptions {
        max_total: GOOD.len() as u64 + 5,
        ..ImportOptions::default()
    };
    let e = import_qdpx(
        &zip(&[
            ("project.qde", GOOD.as_bytes()),
            ("sources/aaaaaaaa-0000-0000-0000-000000000003.txt", TEXT),
        ]),
        &options,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "sources/aaaaaaaa-0000-0000-0000-000000000003.txt: inflates to more than the 5 bytes allowed; refused (a damaged file or a zip bomb)"
    );
}

#[test]
fn the_audit_finds_what_the_schema_misses() {
    let bad = r#"<Project xmlns="urn:QDA-XML:project:1.0" name="p">
  <Users><User guid="aaaaaaaa-0000-0000-0000-000000000001"/><User guid="AAAAAAAA-0000-0000-0000-000000000001"/></Users>
  <Sources><TextSource guid="aaaaaaaa-0000-0000-0000-000000000003" plainTextPath="internal://gone.txt" creatingUser="aaaaaaaa-0000-0000-0000-000000000009"/></Sources>
</Project>"#;
    let problems = audit_qdpx(&zip(&[("project.qde", bad.as_bytes())])).unwrap();
    assert_eq!(
        problems,
        [
            "<Project> has no `origin` attribute",
            "project.qde:2:61: GUID aaaaaaaa-0000-0000-0000-000000000001 is used more than once",
            "project.qde:3:12: creatingUser aaaaaaaa-0000-0000-0000-000000000009 refers to nothing in the file",
            "project.qde:3:12: `internal://gone.txt` is not in the archive's sources/ folder",
        ]
    );
}

#[test]
fn junk_never_panics() {
    // Deterministic pseudo-random bytes, and truncations of good files.
    let mut x: u32 = 0x9E37_79B9;
    let junk: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    assert!(from_qdpx(&junk).is_err());
    assert!(from_qdc(&junk).is_err());
    let good = to_qdpx(&common::rich()).unwrap();
    for cut in (0..good.len()).step_by(97) {
        let _ = from_qdpx(&good[..cut]);
    }
    // Cut anywhere, even inside a character.
    let qde = to_qde(&common::rich()).unwrap().into_bytes();
    for cut in (0..qde.len()).step_by(7) {
        assert!(from_qdc(&qde[..cut]).is_err());
        assert!(import_qde(
            "p.qde",
            &qde[..cut],
            &mut |_| Ok(None),
            &ImportOptions::default()
        )
        .is_err());
    }
}
