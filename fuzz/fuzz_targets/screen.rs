//! The anonymisation screen and redaction on any text.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use strand_screen::{Redactor, Screen};

/// Built once: compiling the screen's patterns per input would measure
/// the regex compiler, not the screen.
static SCREEN: OnceLock<Screen> = OnceLock::new();

fuzz_target!(|text: &str| {
    let screen = SCREEN.get_or_init(|| {
        Screen::new(&["Jo Bloggs".into(), "Mary Ann".into()], &["Leeds".into()])
            .expect("a fixed list builds")
    });
    let findings = screen.scan(text);
    let _ = Redactor::new().redact(text, &findings);
});
