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
