//! The anonymisation screen and redaction on any text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use strand_screen::{Redactor, Screen};

fuzz_target!(|text: &str| {
    let screen = Screen::new(&["Jo Bloggs".into(), "Mary Ann".into()], &["Leeds".into()])
        .expect("a fixed list builds");
    let findings = screen.scan(text);
    let _ = Redactor::new().redact(text, &findings);
});
