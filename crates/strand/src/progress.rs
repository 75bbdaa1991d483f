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
    laps: Vec<Lap>,
}

/// A stage: its name, how long it took, and the resident memory in KiB
/// (now, peak so far) at its end, where the system tells.
struct Lap {
    stage: &'static str,
    took: std::time::Duration,
    memory: Option<(u64, u64)>,
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
        let memory = if self.on { memory() } else { None };
        self.laps.push(Lap {
            stage,
            took: now - self.last,
            memory,
        });
        self.last = now;
    }

    /// Prints every stage and the total, if asked for.
    pub fn report(&self) {
        if !self.on {
            return;
        }
        for Lap {
            stage,
            took,
            memory,
        } in &self.laps
        {
            let memory = memory.map_or(String::new(), |(now, peak)| {
                format!(
                    "  {:>6} MiB resident, {:>6} MiB peak",
                    now >> 10,
                    peak >> 10
                )
            });
            eprintln!("timing {stage:<12} {:>8.3} s{memory}", took.as_secs_f64());
        }
        eprintln!(
            "timing {:<12} {:>8.3} s",
            "total",
            self.start.elapsed().as_secs_f64()
        );
    }
}

/// Resident memory now and at its peak, in KiB, where the system says
/// (Linux's `/proc/self/status`).
fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}
