//! The language check skips whatlang for segments that are plainly English
//! (`strand_transcript::plain`). That is only sound if whatlang would have
//! called each of them English anyway: checked here on every long
//! participant segment of the sample study, at every unit.

use std::path::Path;

use strand_transcript::plain::plainly_english;
use strand_transcript::{segments, Corpus, Role, Unit, LONG_SEGMENT_WORDS};
use unicode_segmentation::UnicodeSegmentation;

#[test]
fn whatlang_agrees_with_every_segment_the_quick_test_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpora/sample-study");
    let corpus = Corpus::load(&dir, || {}).unwrap();
    let mut passed = 0;
    let mut long = 0;
    for unit in [Unit::Sentence, Unit::Paragraph, Unit::Turn] {
        for t in &corpus.transcripts {
            for s in segments(t, unit) {
                let text = s.text(t);
                if s.role != Role::Participant || text.unicode_words().count() < LONG_SEGMENT_WORDS
                {
                    continue;
                }
                long += 1;
                if !plainly_english(text) {
                    continue;
                }
                passed += 1;
                let info = whatlang::detect(text).expect("a language");
                assert!(
                    info.lang() == whatlang::Lang::Eng || !info.is_reliable(),
                    "{}: passed as plain English, whatlang says {:?}",
                    s.id,
                    info.lang()
                );
            }
        }
    }
    // The test means something only if most segments take the quick path.
    assert!(passed * 10 >= long * 9, "{passed} of {long}");
}
