//! Any text as WebVTT and as SRT.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use strand_transcript::{parse_captions, segments, Captions, Unit};

fuzz_target!(|text: &str| {
    for format in [Captions::WebVtt, Captions::Srt] {
        if let Ok(t) = parse_captions(Path::new("fuzz.vtt"), text, format) {
            let _ = segments(&t, Unit::Sentence);
        }
    }
});
