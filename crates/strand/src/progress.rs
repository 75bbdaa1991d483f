//! Progress bars on stderr, only when a person is watching.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar that draws only when stderr is a terminal, so scripts,
/// CI logs and pipes get clean output.
pub struct Progress(ProgressBar);

impl Progress {
    pub fn new(stage: &str, total: usize) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(total as u64),
            if std::io::stderr().is_terminal() {
                ProgressDrawTarget::stderr()
            } else {
                ProgressDrawTarget::hidden()
            },
        );
        bar.set_style(
            ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} documents")
                .expect("a valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(stage.to_string());
        Progress(bar)
    }

    pub fn tick(&self) {
        self.0.inc(1);
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// Wall-clock time per stage, printed on stderr when asked for
/// (`--timings`): how a benchmark run shows where its seconds go. It
/// names stages only, never anything read from a transcript.
pub struct Timings {
    on: bool,
    start: std::time::Instant,
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Timings {
    pub fn new(on: bool) -> Timings {
        let now = std::time::Instant::now();
        Timings {
            on,
            start: now,
            last: now,
            laps: Vec::new(),
        }
    }

    /// Ends the stage called `stage`, which began when the last one ended.
    pub fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }

    /// Prints every stage and the total, if asked for.
    pub fn report(&self) {
        if !self.on {
            return;
        }
        for (stage, took) in &self.laps {
            eprintln!("timing {stage:<12} {:>8.3} s", took.as_secs_f64());
        }
        eprintln!(
            "timing {:<12} {:>8.3} s",
            "total",
            self.start.elapsed().as_secs_f64()
        );
    }
}
