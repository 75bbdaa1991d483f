//! Any bytes as a Word file: a broken zip or XML is an error, not a panic.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use strand_transcript::{docx_text, parse_transcript};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.docx");
    if let Ok(text) = docx_text(path, data) {
        let _ = parse_transcript(path, text);
    }
});
