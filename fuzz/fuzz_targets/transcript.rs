//! Any bytes as a plain-text transcript: decoding, turns, segments and
//! offsets must give a value or an error, never a panic.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use strand_transcript::{parse_transcript, segments, text, Invalid, OffsetIndex, Unit};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.txt");
    let Ok(decoded) = text::decode(path, data.to_vec(), Invalid::Replace) else {
        return;
    };
    if let Ok(t) = parse_transcript(path, decoded.text) {
        let index = OffsetIndex::new(&t.text);
        for unit in [Unit::Turn, Unit::Paragraph, Unit::Sentence] {
            for s in segments(&t, unit) {
                let o = index.offsets(s.span.clone());
                assert!(o.chars.start <= o.chars.end && o.utf16.start <= o.utf16.end);
                let _ = s.text(&t);
            }
        }
    }
});
