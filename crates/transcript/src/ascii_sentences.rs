//! Unicode sentence boundaries (UAX #29) for ASCII text, fast.
//!
//! unicode-segmentation looks every character up in its Unicode tables,
//! which makes sentence splitting the slowest step of coding. Interview
//! transcripts are nearly all ASCII, and for ASCII the rules of UAX #29
//! need only a 128-entry table. This module implements exactly those
//! rules for ASCII text; [`crate::segment`] uses it for ASCII paragraphs
//! and unicode-segmentation for everything else. A test checks it against
//! unicode-segmentation on many thousands of random ASCII strings, so the
//! two cannot drift apart unnoticed.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cat {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    Close,
    SContinue,
    Other,
}

const fn cat(b: u8) -> Cat {
    match b {
        b'\r' => Cat::Cr,
        b'\n' => Cat::Lf,
        b'\t' | 0x0B | 0x0C | b' ' => Cat::Sp,
        b'a'..=b'z' => Cat::Lower,
        b'A'..=b'Z' => Cat::Upper,
        b'0'..=b'9' => Cat::Numeric,
        b'.' => Cat::ATerm,
        b'!' | b'?' => Cat::STerm,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Cat::Close,
        b',' | b'-' | b':' | b';' => Cat::SContinue,
        _ => Cat::Other,
    }
}

/// Every byte's category, looked up rather than matched: sentence
/// boundaries are found for every byte of every coded turn.
static CATS: [Cat; 256] = {
    let mut t = [Cat::Other; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = cat(b as u8);
        b += 1;
    }
    t
};

/// Bytes at which a sentence may end: terminators and paragraph
/// separators. Every other byte is skipped without looking further.
static MAY_END: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t
};

/// For eight ASCII bytes (little-endian in a `u64`), the high bit of
/// each byte that may end a sentence (as [`MAY_END`]) set, and no other
/// bit. A byte equal to `c` is the one whose XOR with `c` is zero, and for
/// bytes below 0x80 adding 0x7F sets the high bit of exactly the non-zero
/// ones, with no carry into the next byte.
fn may_end_bits(chunk: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| !(x + 0x7F * ONES) & HIGH;
    let equal = |c: u8| zero(chunk ^ (c as u64 * ONES));
    equal(b'.') | equal(b'!') | equal(b'?') | equal(b'\n') | equal(b'\r')
}

fn is_para_sep(c: Cat) -> bool {
    matches!(c, Cat::Cr | Cat::Lf)
}

/// Start offsets of the sentences of an ASCII `text` after the first,
/// as UAX #29 places them.
#[cfg(test)]
pub fn boundaries(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    each_boundary(text, |at| out.push(at));
    out
}

/// [`boundaries`], each passed to `found` in order as it is found, so
/// that a caller cutting many paragraphs need not allocate for each.
pub fn each_boundary(text: &str, mut found: impl FnMut(usize)) {
    debug_assert!(text.is_ascii());
    let bytes = text.as_bytes();
    let n = bytes.len();
    let cats = |i: usize| CATS[bytes[i] as usize];
    let mut push = |at: usize| {
        if at < n {
            found(at);
        }
    };
    let mut i = 0;
    while i < n {
        // Most bytes cannot end a sentence: skip them eight at a time,
        // then one at a time.
        while let Some(chunk) = bytes.get(i..i + 8) {
            let bits = may_end_bits(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
            if bits != 0 {
                i += bits.trailing_zeros() as usize / 8;
                break;
            }
            i += 8;
        }
        while i < n && !MAY_END[bytes[i] as usize] {
            i += 1;
        }
        if i == n {
            break;
        }
        match cats(i) {
            // SB3, SB4: a paragraph separator ends a sentence; CR LF is one.
            Cat::Cr => {
                let end = if i + 1 < n && cats(i + 1) == Cat::Lf {
                    i + 2
                } else {
                    i + 1
                };
                push(end);
                i = end;
            }
            Cat::Lf => {
                push(i + 1);
                i += 1;
            }
            term @ (Cat::ATerm | Cat::STerm) => {
                let j = i + 1;
                if term == Cat::ATerm && j < n {
                    // SB6: "3.5"; SB7: "U.S.A".
                    if cats(j) == Cat::Numeric
                        || (cats(j) == Cat::Upper
                            && i > 0
                            && matches!(cats(i - 1), Cat::Upper | Cat::Lower))
                    {
                        i = j;
                        continue;
                    }
                }
                let mut k = j;
                while k < n && cats(k) == Cat::Close {
                    k += 1;
                }
                while k < n && cats(k) == Cat::Sp {
                    k += 1;
                }
                // SB8: "e.g. the": no break when a lower-case letter comes
                // before any letter, separator or terminator.
                if term == Cat::ATerm {
                    let mut m = k;
                    while m < n
                        && !matches!(
                            cats(m),
                            Cat::Lower | Cat::Upper | Cat::Cr | Cat::Lf | Cat::ATerm | Cat::STerm
                        )
                    {
                        m += 1;
                    }
                    if m < n && cats(m) == Cat::Lower {
                        i = k;
                        continue;
                    }
                }
                // SB8a: a continuation or another terminator follows.
                if k < n && matches!(cats(k), Cat::SContinue | Cat::ATerm | Cat::STerm) {
                    i = k;
                    continue;
                }
                // SB9-SB11: the sentence takes its closing marks, spaces and
                // one paragraph separator with it, then breaks.
                if k < n && is_para_sep(cats(k)) {
                    k += if cats(k) == Cat::Cr && k + 1 < n && cats(k + 1) == Cat::Lf {
                        2
                    } else {
                        1
                    };
                }
                push(k);
                i = k;
            }
            // Only terminators and separators get past the skip above.
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_segmentation::UnicodeSegmentation;

    fn reference(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .map(|(at, _)| at)
            .filter(|&at| at > 0)
            .collect()
    }

    #[test]
    fn may_end_bits_of_every_ascii_byte_at_every_place() {
        for place in 0..8 {
            for b in 0..0x80u8 {
                let mut bytes = *b".a\n?Z !\x7f";
                bytes[place] = b;
                let expected = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| MAY_END[b as usize])
                    .fold(0, |bits, (k, _)| bits | 0x80 << (8 * k));
                assert_eq!(
                    may_end_bits(u64::from_le_bytes(bytes)),
                    expected,
                    "{bytes:?}"
                );
            }
        }
    }

    #[test]
    fn agrees_with_unicode_segmentation_on_examples() {
        for text in [
            "I saw Dr. Patel. Then e.g. the Level 3. It cost 2.5 thousand... Really? Yes!",
            "U.S.A. is big. \"Quoted.\" (Bracketed.) Next",
            "Wait.. what?! No -- yes; fine: ok.\r\nNew line.\nAnother.\r\rEnd",
            "end.)The",
            "a.  \t b",
            "",
            ".",
            "?!",
        ] {
            assert_eq!(boundaries(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn agrees_with_unicode_segmentation_on_random_ascii() {
        const ALPHABET: &[u8] = b"aAbZz09.!?,;:-'\"()[]{} \t\n\r#$\x0b";
        let mut x: u64 = 0x243F_6A88_85A3_08D3;
        for case in 0..20_000 {
            let len = (case % 48) + 1;
            let text: String = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ALPHABET[(x % ALPHABET.len() as u64) as usize] as char
                })
                .collect();
            assert_eq!(boundaries(&text), reference(&text), "{text:?}");
        }
    }
}
