//! The report and the web-based directory in a real browser: headless
//! Chromium opens the files as a reader would (from the file system, no
//! server), and the tests read the page as the browser left it
//! (`--dump-dom`, after scripts ran) and take screenshots.
//!
//! Skipped when Chromium is missing, unless `STRAND_REQUIRE_CHROMIUM=1`
//! (set by `.ci/run`, whose `scripts/test-deps.sh` installs Debian's
//! `chromium`). `STRAND_CHROMIUM` names another browser binary.
//! Screenshots go to a temporary folder, or to `STRAND_SCREENSHOTS` when
//! set, to be looked at.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use strand_codebook::Codebook;
use strand_directory::{is_within, Band, Directory, OfferedTo};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn strand(args: &[&str]) -> Output {
    let o = Command::new(env!("CARGO_BIN_EXE_strand"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "strand {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Headless Chromium, one fresh profile per run (runs may be parallel,
/// and a profile is locked by the browser using it).
struct Chromium {
    exe: PathBuf,
}

impl Chromium {
    /// The browser, or `None` (with a message) when the test should skip.
    fn find() -> Option<Chromium> {
        let candidates: Vec<PathBuf> = match std::env::var_os("STRAND_CHROMIUM") {
            Some(p) => vec![PathBuf::from(p)],
            None => ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
                .iter()
                .map(PathBuf::from)
                .collect(),
        };
        if let Some(exe) = candidates.iter().find(|p| p.exists()) {
            return Some(Chromium { exe: exe.clone() });
        }
        if std::env::var("STRAND_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") {
            panic!("Chromium is required (STRAND_REQUIRE_CHROMIUM=1) but none of {candidates:?} exists; scripts/test-deps.sh installs it");
        }
        eprintln!(
            "skipped: Chromium is not installed (apt-get install chromium, or set STRAND_CHROMIUM)"
        );
        None
    }

    /// Runs the browser on `url` with `extra` flags; its standard output.
    fn run(&self, extra: &[String], url: &str) -> String {
        let scratch = tempfile::tempdir().unwrap();
        let profile = scratch.path().join("profile");
        let out_path = scratch.path().join("stdout");
        let err_path = scratch.path().join("stderr");
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--virtual-time-budget=3000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.extend(extra.iter().cloned());
        args.push(url.to_string());
        // Output goes to files, not pipes: a page's DOM is larger than a
        // pipe's buffer, and the browser would block writing it while this
        // waits for it to exit.
        let mut child = Command::new(&self.exe)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(File::create(&out_path).unwrap())
            .stderr(File::create(&err_path).unwrap())
            .spawn()
            .unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "chromium did not finish in 120 s on {url}; stderr:\n{}",
                    std::fs::read_to_string(&err_path).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(
            status.success(),
            "chromium failed on {url}: {status}; stderr:\n{}",
            std::fs::read_to_string(&err_path).unwrap_or_default()
        );
        std::fs::read_to_string(&out_path).unwrap()
    }

    /// The page's DOM after its scripts ran, serialised.
    fn dom(&self, url: &str) -> String {
        let dom = self.run(&["--dump-dom".into()], url);
        assert!(dom.contains("</html>"), "no page from {url}: {dom:?}");
        dom
    }

    /// A 1280×2000 screenshot of `url` at `png`.
    fn screenshot(&self, url: &str, png: &Path) {
        self.run(
            &[
                format!("--screenshot={}", png.display()),
                "--window-size=1280,2000".into(),
            ],
            url,
        );
    }
}

/// Where screenshots go: `STRAND_SCREENSHOTS` if set (kept), else a
/// temporary folder (removed when the guard drops).
fn screenshot_dir() -> (PathBuf, Option<tempfile::TempDir>) {
    match std::env::var_os("STRAND_SCREENSHOTS") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            (dir, None)
        }
        None => {
            let tmp = tempfile::tempdir().unwrap();
            (tmp.path().to_path_buf(), Some(tmp))
        }
    }
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// Decodes a screenshot and checks it shows something: the right size,
/// many colours, and no one colour covering nearly all of it (a blank or
/// error page would).
fn assert_real_picture(png_path: &Path) {
    let bytes = std::fs::read(png_path).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1280, 2000), "{png_path:?}");
    let channels = info.color_type.samples() * (info.bit_depth as usize / 8).max(1);
    let mut counts: std::collections::HashMap<&[u8], usize> = std::collections::HashMap::new();
    for px in buf[..info.buffer_size()].chunks_exact(channels) {
        *counts.entry(px).or_default() += 1;
    }
    let pixels = (info.width * info.height) as usize;
    let most = counts.values().copied().max().unwrap();
    assert!(
        counts.len() > 50,
        "{png_path:?}: only {} colours",
        counts.len()
    );
    assert!(
        most * 100 < pixels * 97,
        "{png_path:?}: one colour covers {most} of {pixels} pixels"
    );
}

const HOSTILE: &str = "T04: The cost <script>document.title='XSS'</script> of the course was too much <img src=x onerror=\"document.title='XSS2'\"> for me to pay for on my own.";

#[test]
fn report_shows_hostile_transcript_text_as_text_and_runs_nothing() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // A copy of the tiny corpus with one more interview, whose only
    // participant line carries markup (T04 is in participants.csv).
    let corpus = tmp.path().join("hostile");
    let tiny = root().join("tests/fixtures/tiny");
    std::fs::create_dir_all(corpus.join("transcripts")).unwrap();
    for f in ["participants.csv", "codebook.toml"] {
        std::fs::copy(tiny.join(f), corpus.join(f)).unwrap();
    }
    for f in ["T01.txt", "T02.txt", "T03.txt"] {
        std::fs::copy(
            tiny.join("transcripts").join(f),
            corpus.join("transcripts").join(f),
        )
        .unwrap();
    }
    std::fs::write(
        corpus.join("transcripts/T04.txt"),
        format!("Interviewer: What gets in the way of training?\n\n{HOSTILE}\n"),
    )
    .unwrap();

    // The anonymisation screen has nothing to say about markup: the run
    // succeeds without --accept.
    let ingest = strand(&["ingest", "--json", corpus.to_str().unwrap()]);
    let summary: serde_json::Value = serde_json::from_slice(&ingest.stdout).unwrap();
    assert_eq!(
        summary["screen_findings"],
        serde_json::json!([]),
        "the screen flagged something"
    );
    assert_eq!(summary["documents"], 4);
    let out = tmp.path().join("report");
    strand(&[
        "run",
        "--corpus",
        corpus.to_str().unwrap(),
        "--codebook",
        corpus.join("codebook.toml").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--title",
        "Browser test report",
    ]);
    let index = out.join("index.html");
    let html = std::fs::read_to_string(&index).unwrap();
    // The line is quoted (it is the only cost quote from T04), escaped.
    assert!(html.contains("T04:t2.s1"), "the hostile line is not quoted");
    assert!(!html.contains("<script>document.title"));
    assert!(!html.contains("<img src=x"));

    let dom = chromium.dom(&file_url(&index));
    // Shown as text: the serialised DOM has the markup as escaped text...
    assert!(
        dom.contains("The cost &lt;script&gt;document.title='XSS'&lt;/script&gt; of the course was too much &lt;img src=x onerror=\"document.title='XSS2'\"&gt; for me to pay for on my own."),
        "the hostile line is not shown as text"
    );
    // ...and no element was made of it, so nothing ran.
    assert!(!dom.contains("<script>document.title"));
    assert!(!dom.contains("<img src=\"x\""));
    let title = dom
        .split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map(|(t, _)| t)
        .unwrap();
    assert!(title.contains("Browser test report"), "title: {title:?}");
    assert!(!title.contains("XSS"), "a script ran: title {title:?}");
    // The chart is drawn, inline.
    assert!(dom.contains("<svg"), "no chart in the report");
    assert!(dom.contains("<rect"), "the chart has no bars");

    let (shots, _guard) = screenshot_dir();
    let png = shots.join("report.png");
    chromium.screenshot(&file_url(&index), &png);
    assert_real_picture(&png);
}

/// Without this, "the title is unchanged" could mean the browser runs no
/// scripts at all with these flags: the same markup written unescaped
/// into a page does run.
#[test]
fn the_browser_would_run_the_markup_if_it_were_not_escaped() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("unsafe.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><title>Unchanged</title></head><body><p>The cost <script>document.title='XSS'</script> of the course</p></body></html>",
    )
    .unwrap();
    let dom = chromium.dom(&file_url(&page));
    assert!(dom.contains("<title>XSS</title>"), "{dom}");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><title>Unchanged</title></head><body><p>Too much <img src=x onerror=\"document.title='XSS2'\"></p></body></html>",
    )
    .unwrap();
    let dom = chromium.dom(&file_url(&page));
    assert!(dom.contains("<title>XSS2</title>"), "{dom}");
}

/// A filter as the page's address carries it, and the same filter in
/// Rust, written from the directory's documented rules.
struct Filter {
    hash: &'static str,
    keep: fn(&strand_directory::Opportunity) -> bool,
}

#[test]
fn directory_filters_from_the_address() {
    let Some(chromium) = Chromium::find() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("directory");
    strand(&["directory", "build", "--out", out.to_str().unwrap()]);
    let index = out.join("index.html");
    let codebook = Codebook::read(&root().join("codebooks/str-training.toml")).unwrap();
    let directory = Directory::read(&root().join("directory"), &codebook).unwrap();
    let total = directory.opportunities.len();

    fn band(s: &str) -> Band {
        Band::parse(s).unwrap()
    }
    let filters = [
        Filter {
            hash: "trust=Northbrook&band=3",
            keep: |o| o.offered_to.includes("Northbrook") && o.bands.contains(&band("3")),
        },
        Filter {
            hash: "theme=band4&trust=Eastvale",
            keep: |o| {
                o.offered_to.includes("Eastvale") && o.themes.iter().any(|t| is_within(t, "band4"))
            },
        },
        Filter {
            hash: "mode=online&maxcost=0",
            keep: |o| o.delivery.as_str() == "online" && o.cost.is_free(),
        },
        Filter {
            hash: "maxcost=500&workerpays=no&band=Band%202",
            keep: |o| {
                o.cost.0 <= 50_000 && !o.who_pays.worker_pays() && o.bands.contains(&band("2"))
            },
        },
    ];
    let (shots, _guard) = screenshot_dir();
    for (i, f) in filters.iter().enumerate() {
        let expected: BTreeSet<&str> = directory
            .opportunities
            .iter()
            .filter(|o| (f.keep)(o))
            .map(|o| o.id.as_str())
            .collect();
        // Each filter must tell entries apart, or it tests nothing.
        assert!(
            !expected.is_empty() && expected.len() < total,
            "#{}: {} of {total} expected",
            f.hash,
            expected.len()
        );
        let url = format!("{}#{}", file_url(&index), f.hash);
        let dom = chromium.dom(&url);
        let (visible, hidden) = rows(&dom);
        assert_eq!(visible.len() + hidden.len(), total, "#{}", f.hash);
        assert_eq!(
            visible.iter().map(String::as_str).collect::<BTreeSet<_>>(),
            expected,
            "#{}",
            f.hash
        );
        assert_eq!(shown_count(&dom), expected.len(), "#{}", f.hash);
        assert!(dom.contains(r#"<p id="ignored" role="note" hidden="">"#));
        if i == 0 {
            assert!(dom.contains("opportunities<span id=\"filter-summary\">: open to Northbrook staff; Band 3</span>."));
            let png = shots.join("directory.png");
            chromium.screenshot(&url, &png);
            assert_real_picture(&png);
        }
    }

    // Externally provided opportunities are open to every Trust's staff.
    assert!(directory
        .opportunities
        .iter()
        .any(|o| o.offered_to == OfferedTo::External && o.bands.contains(&band("3"))));

    // A value the page does not know is reported and not applied.
    let dom = chromium.dom(&format!("{}#trust=Nowhere&colour=red", file_url(&index)));
    assert_eq!(shown_count(&dom), total);
    assert!(dom.contains(
        "Not understood in this page's address, so not applied: trust=Nowhere, colour=red."
    ));
    // And no filter shows everything.
    let dom = chromium.dom(&file_url(&index));
    assert_eq!(rows(&dom).0.len(), total);
    assert_eq!(shown_count(&dom), total);
}

/// Opportunity ids of the table's rows: (shown, hidden).
fn rows(dom: &str) -> (Vec<String>, Vec<String>) {
    let (mut shown, mut hidden) = (Vec::new(), Vec::new());
    for (i, _) in dom.match_indices("<tr id=\"opp-") {
        let tag = &dom[i..i + dom[i..].find('>').unwrap()];
        let id = tag["<tr id=\"opp-".len()..].split('"').next().unwrap();
        if tag.contains(" hidden") {
            hidden.push(id.to_string());
        } else {
            shown.push(id.to_string());
        }
    }
    (shown, hidden)
}

fn shown_count(dom: &str) -> usize {
    let start = dom.find("<strong id=\"shown\">").unwrap() + "<strong id=\"shown\">".len();
    let end = start + dom[start..].find('<').unwrap();
    dom[start..end].parse().unwrap()
}
