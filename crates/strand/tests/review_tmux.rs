//! `strand review` driven through a real terminal: tmux runs it, the test
//! sends keys and reads the screen, then checks the project's database.
//!
//! Skipped when tmux is missing, unless `STRAND_REQUIRE_TMUX=1` (set by
//! `.ci/run`, which installs tmux).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn strand(project: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_strand"))
        .args(args)
        .current_dir(root())
        .env("STRAND_PROJECT", project)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

struct Tmux {
    session: String,
}

impl Tmux {
    fn screen(&self) -> String {
        let o = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "never saw {text:?}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend(keys);
        assert!(Command::new("tmux").args(&args).status().unwrap().success());
    }

    fn type_text(&self, text: &str) {
        assert!(Command::new("tmux")
            .args(["send-keys", "-t", &self.session, "-l", text])
            .status()
            .unwrap()
            .success());
    }

    fn running(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .stderr(std::process::Stdio::null())
            .status();
    }
}

#[test]
fn review_in_tmux_accepts_rejects_adds_writes_memos_and_undoes() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var("STRAND_REQUIRE_TMUX").as_deref() != Ok("1"),
            "tmux is required (STRAND_REQUIRE_TMUX=1)"
        );
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let tiny = root().join("tests/fixtures/tiny");
    strand(
        p,
        &[
            "init",
            p.to_str().unwrap(),
            "--codebook",
            tiny.join("codebook.toml").to_str().unwrap(),
        ],
    );
    strand(p, &["add", tiny.to_str().unwrap()]);
    strand(p, &["autocode"]);

    let tmux = Tmux {
        session: format!("strand-review-{}", std::process::id()),
    };
    let command = format!(
        "env STRAND_PROJECT='{}' '{}' review --coder alice",
        p.display(),
        env!("CARGO_BIN_EXE_strand")
    );
    assert!(Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &tmux.session,
            "-x",
            "120",
            "-y",
            "40",
            &command
        ])
        .status()
        .unwrap()
        .success());
    let screen = tmux.wait_for("still to decide");
    assert!(screen.contains("T01:t2.s1"), "{screen}");
    assert!(
        screen.contains("segment 1 of 9   9 still to decide   coder alice"),
        "{screen}"
    );
    assert!(
        screen.contains("[ ] barriers.cost  Cost   rule `cost*` matched \"cost\""),
        "{screen}"
    );
    // The participant's case is shown, and the neighbouring turns.
    assert!(
        screen.contains("T01 (participant)  band 3, role STR, trust Alpha"),
        "{screen}"
    );
    assert!(
        screen.contains("Interviewer: Tell me about training costs."),
        "{screen}"
    );

    tmux.keys(&["a"]);
    tmux.wait_for("accepted barriers.cost");
    let screen = tmux.wait_for("T01:t2.s2");
    assert!(screen.contains("8 still to decide"), "{screen}");
    tmux.keys(&["r"]);
    tmux.wait_for("rejected barriers.cost");
    tmux.wait_for("T01:t4.s2");
    // Add a code by fuzzy search.
    tmux.keys(&["c"]);
    tmux.type_text("band 4");
    tmux.wait_for("> band4  Band 4 aspiration");
    tmux.keys(&["Enter"]);
    tmux.wait_for("added band4");
    // A memo, then undo it.
    tmux.keys(&["m"]);
    tmux.type_text("ask about supervision");
    tmux.wait_for("ask about supervision_");
    tmux.keys(&["Enter"]);
    tmux.wait_for("memo #1 written");
    tmux.keys(&["u"]);
    tmux.wait_for("undid #");
    // Jump to a document.
    tmux.keys(&["g"]);
    tmux.type_text("T03");
    tmux.keys(&["Enter"]);
    tmux.wait_for("T03:t2.s1");
    tmux.keys(&["q"]);
    let start = Instant::now();
    while tmux.running() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "review did not quit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let out = p.join("codings.csv");
    strand(
        p,
        &[
            "export",
            "codings",
            "--status",
            "accepted,rejected",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(out).unwrap();
    let alice: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[11] == "alice")
        .map(|f| vec![f[1], f[8], f[12], f[13]])
        .collect();
    assert_eq!(
        alice,
        [
            vec!["T01:t2.s1", "barriers.cost", "automatic", "accepted"],
            vec!["T01:t2.s2", "barriers.cost", "automatic", "rejected"],
            vec!["T01:t4.s2", "band4", "manual", "accepted"],
        ]
    );
    assert_eq!(strand(p, &["memo"]), "", "the memo was undone");
    let history = strand(p, &["history"]);
    assert!(
        history.contains("[alice] review accept T01:t2.s1 barriers.cost: accepted"),
        "{history}"
    );
    assert!(history.contains("(undone by #"), "{history}");
}
