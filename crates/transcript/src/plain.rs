//! A quick test for segments that are plainly English, so that the language
//! check need not ask whatlang about each of them.
//!
//! whatlang scores a text against the trigram profiles of every language
//! of its script: about 12,000 table lookups for a segment whatever its
//! length, some 70 µs each on these machines. A study of 10,000 interviews
//! has half a million segments long enough to check, and asking whatlang
//! about every one of them took longer than everything else `strand
//! analyse` does put together. Nearly all of them are ordinary English
//! sentences, which a far cheaper test can recognise; only the others need
//! whatlang's verdict.
//!
//! The test errs one way only. A segment passes when every letter in it is
//! ASCII, it has at least [`MIN_MARKERS`] of the English function words in
//! [`is_english_marker`] and none of the function words in
//! [`is_foreign_marker`], the commonest words of the languages a UK
//! interview might switch into. Each list leaves out words that are also
//! words elsewhere (`in`, `was`, `to`, `my`, `a`, `die`, `me`...). A
//! sentence in another language would need three English-only function
//! words and none of its own to pass, and then it is mostly English; an
//! English sentence that fails (an accented name, few function words) is
//! simply handed to whatlang, as every segment was before. The sample
//! study's own segments hold this to account: a test checks that whatlang
//! calls every one that passes English.
//!
//! Alternatives weighed: restricting whatlang to a few languages (an
//! allowlist) changes its verdicts; checking whole turns first misses one
//! foreign sentence among English ones; sampling segments misses them by
//! design.

/// U+2019, the apostrophe word processors write.
const CURLY_APOSTROPHE: &[u8] = "\u{2019}".as_bytes();

/// English function words a segment must have, at least, to pass.
pub const MIN_MARKERS: usize = 3;

/// Whether `text` is plainly English (see the module documentation): if
/// so, whatlang would call it English too, and need not be asked.
pub fn plainly_english(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut markers = 0;
    let mut word = [0u8; 8];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            // Punctuation such as curly quotes and dashes is fine; a letter
            // outside ASCII (é, ß, ł, any other script) is whatlang's to judge.
            let c = text[i..].chars().next().unwrap_or(' ');
            if c.is_alphabetic() {
                return false;
            }
            i += c.len_utf8();
            continue;
        }
        if !b.is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        // A word: ASCII letters and apostrophes, straight or curly
        // (`don't`, `don’t`), lowercased into `word`.
        let mut len = 0;
        loop {
            let c = match bytes.get(i) {
                Some(&b) if b.is_ascii_alphabetic() || b == b'\'' => {
                    i += 1;
                    b.to_ascii_lowercase()
                }
                Some(0xE2) if bytes[i..].starts_with(CURLY_APOSTROPHE) => {
                    i += CURLY_APOSTROPHE.len();
                    b'\''
                }
                _ => break,
            };
            if len < word.len() {
                word[len] = c;
            }
            len += 1;
        }
        if len > word.len() {
            continue;
        }
        let w = &word[..len];
        if is_foreign_marker(w) {
            return false;
        }
        if is_english_marker(w) {
            markers += 1;
        }
    }
    markers >= MIN_MARKERS
}

/// Common English words that are not also common words of another
/// language written in the Latin script.
pub fn is_english_marker(word: &[u8]) -> bool {
    matches!(
        word,
        b"the"
            | b"and"
            | b"that"
            | b"with"
            | b"you"
            | b"it"
            | b"it's"
            | b"this"
            | b"but"
            | b"they"
            | b"have"
            | b"be"
            | b"there"
            | b"what"
            | b"would"
            | b"about"
            | b"because"
            | b"when"
            | b"which"
            | b"been"
            | b"were"
            | b"their"
            | b"our"
            | b"your"
            | b"she"
            | b"his"
            | b"them"
            | b"could"
            | b"should"
            | b"did"
            | b"didn't"
            | b"don't"
            | b"i'm"
            | b"i've"
            | b"had"
            | b"has"
            | b"get"
            | b"got"
            | b"really"
            | b"know"
            | b"think"
            | b"from"
            | b"if"
            | b"some"
            | b"who"
            | b"how"
            | b"why"
            | b"then"
            | b"than"
            | b"into"
            | b"out"
            | b"up"
            | b"not"
            | b"want"
            | b"any"
            | b"very"
            | b"well"
            | b"like"
            | b"one"
            | b"after"
            | b"before"
            | b"where"
            | b"here"
            | b"only"
            | b"doing"
            | b"going"
            | b"said"
            | b"say"
            | b"she's"
            | b"he's"
            | b"that's"
            | b"there's"
            | b"what's"
            | b"i'd"
            | b"i'll"
            | b"you're"
            | b"we're"
            | b"they're"
            | b"you'd"
            | b"we've"
            | b"you've"
            | b"wasn't"
            | b"weren't"
            | b"wouldn't"
            | b"couldn't"
            | b"doesn't"
            | b"isn't"
            | b"can't"
            | b"haven't"
            | b"hadn't"
    )
}

/// Common function words of the languages a UK interview might switch
/// into (Welsh, Spanish, French, German, Italian, Portuguese, Dutch,
/// Polish, Romanian, Scandinavian, Somali, Tagalog, written without
/// accents as people often do), none of them an English word.
pub fn is_foreign_marker(word: &[u8]) -> bool {
    matches!(
        word,
        // Welsh
        b"yn" | b"mae" | b"yr" | b"ac" | b"ddim" | b"gyda" | b"wedi" | b"ond" | b"hefyd"
        // Spanish and Portuguese
        | b"el" | b"la" | b"los" | b"las" | b"que" | b"es" | b"del" | b"por" | b"para"
        | b"con" | b"una" | b"uno" | b"pero" | b"muy" | b"como" | b"nao"
        | b"uma" | b"os" | b"da" | b"em" | b"com" | b"mas" | b"muito"
        // French
        | b"le" | b"les" | b"des" | b"et" | b"est" | b"je" | b"ne" | b"pas" | b"une"
        | b"du" | b"au" | b"avec" | b"pour" | b"qui" | b"nous" | b"vous" | b"mais"
        | b"sur" | b"dans"
        // German and Dutch
        | b"der" | b"und" | b"ist" | b"ich" | b"nicht" | b"das" | b"ein" | b"eine"
        | b"zu" | b"mit" | b"auf" | b"het" | b"een" | b"niet" | b"ik" | b"dat"
        | b"voor" | b"zijn" | b"aber" | b"auch" | b"wir" | b"sie"
        // Italian and Romanian
        | b"di" | b"il" | b"che" | b"non" | b"per" | b"sono" | b"della" | b"si"
        | b"ca" | b"nu" | b"cu" | b"sa" | b"pe" | b"mai"
        // Polish
        | b"nie" | b"jest" | b"jak" | b"ale" | b"tak" | b"na" | b"od"
        // Scandinavian
        | b"och" | b"att" | b"det" | b"og" | b"jeg" | b"ikke" | b"med"
        | b"til" | b"som"
        // Somali and Tagalog
        | b"iyo" | b"waa" | b"ku" | b"ayaa" | b"ang" | b"ng" | b"mga"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_english_sentences_pass() {
        for s in [
            "I think the training was really useful and it helped me with my confidence.",
            "My manager said that we could look at it in the appraisal, but nothing came of it.",
            "If there was a Band 4 role I would go for it, because I've got the experience.",
            "We don\u{2019}t get time for that \u{2013} it\u{2019}s all on the ward and you just pick it up.",
        ] {
            assert!(plainly_english(s), "{s}");
        }
    }

    #[test]
    fn other_languages_and_doubtful_english_go_to_whatlang() {
        for s in [
            "Pero la verdad es que el curso de formación fue muy difícil para todos nosotros.",
            "Pero la verdad es que el curso de formacion fue muy dificil para todos nosotros.",
            "Mae hi wedi bod yn anodd cael yr hyfforddiant ond mae'r tîm yn help mawr.",
            "Ich habe die Schulung gemacht, aber es war nicht genug für die Arbeit auf der Station.",
            "Je pense que la formation est utile mais nous n'avons pas le temps.",
            "Het was een goede cursus maar ik heb niet genoeg tijd gehad.",
            "Nie mam czasu na szkolenie, ale to jest bardzo wazne dla mnie.",
            "Ho fatto il corso ma non sono sicura che sia utile per il mio lavoro.",
            // English, but with too few of the markers to be sure.
            "Band 3 HCA, two years, NVQ level 2, then nothing since.",
            // English, but with a letter outside ASCII.
            "The café near the ward is where they have the training and it is fine.",
            "Обучение было полезным, and that is all I have to say about it.",
        ] {
            assert!(!plainly_english(s), "{s}");
        }
    }

    #[test]
    fn the_marker_lists_do_not_share_a_word() {
        for w in [
            "the", "and", "that", "with", "you", "it", "this", "but", "they", "have", "not",
        ] {
            assert!(is_english_marker(w.as_bytes()));
            assert!(!is_foreign_marker(w.as_bytes()));
        }
        // Words both ways are in neither list, nor are English fillers.
        for w in [
            "a", "in", "to", "was", "my", "me", "die", "of", "i", "so", "on", "are", "will", "um",
            "er",
        ] {
            assert!(!is_english_marker(w.as_bytes()), "{w}");
            assert!(!is_foreign_marker(w.as_bytes()), "{w}");
        }
    }
}
