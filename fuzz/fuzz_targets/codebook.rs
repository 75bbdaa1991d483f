//! Any text as a codebook, and a codebook that parses applied to itself.
#![no_main]
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use strand_codebook::{Codebook, Matcher};

fuzz_target!(|text: &str| {
    if let Ok(codebook) = Codebook::parse(Path::new("fuzz.toml"), text) {
        let matcher = Matcher::new(&codebook);
        let _ = matcher.find(text, |_| true);
    }
});
