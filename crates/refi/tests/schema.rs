//! What strand writes is valid against the official schemas, checked by a
//! real schema validator (`scripts/validate-refi.py`, Python's xmlschema,
//! which `.ci/run` installs). Where xmlschema is not installed the test
//! says so and passes: the Rust checks of what the schemas miss
//! (`audit_qdpx`, in the other tests) run everywhere.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use strand_refi::*;

fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import xmlschema"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn validate(python: &str, files: &[PathBuf]) -> (bool, String) {
    let out = Command::new(python)
        .arg(common::root().join("scripts/validate-refi.py"))
        .arg("--schemas")
        .arg(common::shared())
        .args(files)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(out.status.code(), Some(2), "{text}");
    (out.status.success(), text)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn exported_qdpx_and_qdc_are_valid_against_the_official_schemas() {
    let Some(python) = python() else {
        eprintln!("skipped: Python's xmlschema is not installed (pip install xmlschema)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let tiny = common::tiny();
    let mut files = vec![
        write(dir.path(), "rich.qdpx", &to_qdpx(&common::rich()).unwrap()),
        write(dir.path(), "tiny.qdpx", &to_qdpx(&tiny.project).unwrap()),
        write(
            dir.path(),
            "tiny.qdc",
            &to_qdc(&CodeBook {
                origin: ORIGIN.into(),
                codes: codes_from_codebook(&tiny.codebook),
                sets: vec![],
            })
            .unwrap(),
        ),
    ];
    // Every sample, read and written back by strand.
    let samples = common::shared().join("samples");
    for entry in std::fs::read_dir(&samples).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".qdpx") {
            let p = from_qdpx(&bytes).unwrap();
            files.push(write(dir.path(), &name, &to_qdpx(&p).unwrap()));
        } else if name.ends_with(".qdc") {
            let cb = from_qdc(&bytes).unwrap();
            files.push(write(dir.path(), &name, &to_qdc(&cb).unwrap()));
        }
    }
    let (ok, report) = validate(python, &files);
    assert!(ok, "{report}");
    assert_eq!(report.matches(": valid").count(), files.len(), "{report}");

    // The validator does reject what breaks the schema (Taguette's empty
    // <Sets/>), so the pass above means something.
    let taguette = samples.join("taguette-1.5.2_generated_codebook.qdc");
    let (ok, report) = validate(python, &[taguette]);
    assert!(!ok, "{report}");
    assert!(report.contains("Sets"), "{report}");
}
