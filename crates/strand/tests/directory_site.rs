//! `strand directory build` from the outside: files, determinism, errors.
//! (What the page does in a browser is in `browser.rs`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn strand(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_strand"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

#[test]
fn builds_the_sample_directory_the_same_every_time() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let o = strand(&["directory", "build", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            String::from_utf8(o.stdout).unwrap(),
            format!("20 opportunities -> {}\n", out.join("index.html").display())
        );
    }
    let page = std::fs::read(a.join("index.html")).unwrap();
    assert_eq!(page, std::fs::read(b.join("index.html")).unwrap());
    let names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["index.html"]);
    let page = String::from_utf8(page).unwrap();
    // Every opportunity of the sample, each row once.
    assert_eq!(page.matches("<tr id=\"opp-").count(), 20);
    assert!(page.contains("<tr id=\"opp-NB-TNA\">"));
    assert!(page.contains("£15,000"));
    // Self-contained: nothing fetched from anywhere.
    for outside in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
        assert!(!page.contains(outside), "{outside}");
    }
}

#[test]
fn demand_comes_from_the_gap_table() {
    let tmp = tempfile::tempdir().unwrap();
    let small = "crates/site/tests/fixtures/small";
    let o = strand(&[
        "directory",
        "build",
        "--directory",
        small,
        "--codebook",
        &format!("{small}/codebook.toml"),
        "--analysis",
        &format!("{small}/gap.csv"),
        "--out",
        tmp.path().to_str().unwrap(),
        "--title",
        "Small directory",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(tmp.path().join("index.html")).unwrap();
    assert!(page.contains("<title>Small directory</title>"));
    assert!(page.contains("Voiced by 3 of 4 workers interviewed"));
    assert!(!page.contains("SECRET QUOTE"));
}

#[test]
fn bad_input_is_named_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("directory");
    std::fs::create_dir_all(dir.join("opportunities")).unwrap();
    std::fs::write(
        dir.join("themes.csv"),
        "theme,kind\nbarriers.cost,barrier\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("opportunities/a.csv"),
        "id,title,provider,trust,delivery,duration,cost_gbp,who_pays,funding,level,bands,themes\n\
         A,Course,P,external,online,1 day,four hundred,trust,trust-cpd,none,3,barriers.cost\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = strand(&[
        "directory",
        "build",
        "--directory",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("a.csv:2: column 7 (cost_gbp): `four hundred` is not a cost"),
        "{err}"
    );
    assert!(!out.exists());

    // A missing gap table is named, with where it comes from.
    let o = strand(&[
        "directory",
        "build",
        "--analysis",
        tmp.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("gap.csv; `strand analyse` writes it"), "{err}");
    assert!(!out.exists());
}
