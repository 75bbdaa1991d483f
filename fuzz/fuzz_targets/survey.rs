//! Any text as a survey CSV and as a cases file.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use strand_transcript::{parse_survey, segments, Cases, Unit};

fuzz_target!(|text: &str| {
    if let Ok(t) = parse_survey(Path::new("fuzz.csv"), text) {
        let _ = segments(&t, Unit::Sentence);
    }
    let _ = Cases::parse(Path::new("participants.csv"), text);
});
