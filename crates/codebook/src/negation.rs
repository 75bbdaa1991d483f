//! NegEx-style negation scope.
//!
//! A match is negated when a negation trigger ("not", "never", "no",
//! "didn't", ...) stands within a few words before it in the same clause
//! ("I've never had a problem getting study leave"), or when, after it in
//! the same clause, a trigger is followed closely by a word like "problem"
//! or "issue" ("cost isn't really an issue for us"). Clauses end at
//! punctuation and at contrasting conjunctions ("but", "although"), so in
//! "it's not that I don't want to, but the cost" the cost is not negated.
//! Pseudo-negations ("not only", "no doubt", "not sure") negate nothing.
//!
//! This is a heuristic, as NegEx is; it is deliberately small and
//! predictable so that a researcher can see why a match was or was not
//! negated.

use std::ops::Range;

/// Words looked back over for a negation trigger.
const PRE_WINDOW: usize = 5;
/// Words looked ahead over for "isn't an issue"-style negation.
const POST_WINDOW: usize = 6;
/// Words after a trailing trigger in which a problem word must follow.
const PROBLEM_REACH: usize = 3;

// The word lists, as `listed_role` below knows them; a test holds the two
// together. The matcher also looks for the triggers, to skip reading the
// words of a text that has none.
pub(crate) const TRIGGERS: &[&str] = &[
    "no", "not", "never", "nobody", "nothing", "none", "neither", "nor", "without", "cannot",
    "hardly", "barely", "rarely",
];
#[cfg(test)]
const CLAUSE_ENDS: &[&str] = &[
    "but", "however", "although", "though", "except", "yet", "whereas", "apart",
];
#[cfg(test)]
const PROBLEM_WORDS: &[&str] = &[
    "problem",
    "problems",
    "issue",
    "issues",
    "barrier",
    "difficult",
    "hard",
    "bother",
    "worry",
    "concern",
    "factor",
];
/// Trigger followed by one of these: a pseudo-negation.
const PSEUDO: &[(&str, &[&str])] = &[
    ("not", &["only", "just", "sure", "necessarily"]),
    ("no", &["doubt", "matter"]),
    ("nothing", &["but"]),
];

/// What a word is to negation; computed once per word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Punctuation or a contrasting conjunction: the end of a clause.
    Break,
    Trigger,
    Problem,
    Other,
}

#[derive(Debug, Clone)]
pub(crate) struct Word {
    /// Byte range; empty for punctuation.
    span: Range<usize>,
    role: Role,
}

/// A text's words as negation sees them. Made once per text and asked
/// about every match in it, so a segment with many matches is read once,
/// not once per match.
pub struct Scope<'t> {
    text: &'t str,
    words: Vec<Word>,
}

/// Case-insensitive ASCII comparison that also takes a curly apostrophe
/// for a straight one, without allocating.
fn same(word: &str, target: &str) -> bool {
    let mut a = word.chars().map(|c| if c == '\u{2019}' { '\'' } else { c });
    let mut b = target.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(&y) => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
fn ends_with_nt(word: &str) -> bool {
    let mut tail = word.chars().rev().map(|c| {
        if c == '\u{2019}' {
            '\''
        } else {
            c.to_ascii_lowercase()
        }
    });
    tail.next() == Some('t') && tail.next() == Some('\'') && tail.next() == Some('n')
}

/// A word's role. This runs for every word of every segment with a
/// match, so it works on bytes: the "n't" ending first, then, only for a
/// word whose first letter and length some listed word has, a lower-cased
/// copy in a small buffer matched against the lists. No listed word has
/// an apostrophe or a letter beyond ASCII, so other words are `Other`
/// without a look at the lists.
fn role(w: &[u8]) -> Role {
    let n = w.len();
    if n >= 3 && w[n - 1] | 0x20 == b't' {
        // The apostrophe before the `t`: straight, or curly (three bytes).
        let apostrophe = if w[n - 2] == b'\'' {
            Some(n - 2)
        } else if n >= 5 && w[n - 4..n - 1] == *"\u{2019}".as_bytes() {
            Some(n - 4)
        } else {
            None
        };
        if let Some(k) = apostrophe {
            if k >= 1 && w[k - 1] | 0x20 == b'n' {
                return Role::Trigger;
            }
        }
    }
    if n > LONGEST_LISTED || LISTED_LENGTHS[(w[0] | 0x20) as usize] & (1 << n) == 0 {
        return Role::Other;
    }
    let mut buf = [0u8; LONGEST_LISTED];
    for (to, from) in buf.iter_mut().zip(w) {
        *to = from.to_ascii_lowercase();
    }
    listed_role(&buf[..n])
}

/// The longest word in the lists.
const LONGEST_LISTED: usize = 9;

/// Every word in the lists, whatever its role.
const LISTED: &[&str] = &[
    "no",
    "not",
    "never",
    "nobody",
    "nothing",
    "none",
    "neither",
    "nor",
    "without",
    "cannot",
    "hardly",
    "barely",
    "rarely",
    "but",
    "however",
    "although",
    "though",
    "except",
    "yet",
    "whereas",
    "apart",
    "problem",
    "problems",
    "issue",
    "issues",
    "barrier",
    "difficult",
    "hard",
    "bother",
    "worry",
    "concern",
    "factor",
];

/// Per lower-case first letter, the lengths (as bits) of the listed words
/// starting with it: most words are ruled out by this alone.
static LISTED_LENGTHS: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < LISTED.len() {
        let w = LISTED[i].as_bytes();
        t[w[0] as usize] |= 1 << w.len();
        i += 1;
    }
    t
};

/// The role the word lists above give a lower-case ASCII word. A `match`
/// on the bytes compiles to a dispatch on length and a few comparisons,
/// several times faster than hashing each word for a map lookup; a test
/// checks it against the lists.
fn listed_role(w: &[u8]) -> Role {
    match w {
        b"no" | b"not" | b"never" | b"nobody" | b"nothing" | b"none" | b"neither" | b"nor"
        | b"without" | b"cannot" | b"hardly" | b"barely" | b"rarely" => Role::Trigger,
        b"but" | b"however" | b"although" | b"though" | b"except" | b"yet" | b"whereas"
        | b"apart" => Role::Break,
        b"problem" | b"problems" | b"issue" | b"issues" | b"barrier" | b"difficult" | b"hard"
        | b"bother" | b"worry" | b"concern" | b"factor" => Role::Problem,
        _ => Role::Other,
    }
}

/// What a character is to the word reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Char {
    /// Alphanumeric: always part of a word.
    Word,
    /// An apostrophe: part of a word it follows ("didn't"), else nothing.
    Apostrophe,
    /// Punctuation that ends a clause.
    Break,
    Other,
}

fn char_class(c: char) -> Char {
    if c.is_alphanumeric() {
        Char::Word
    } else if c == '\'' || c == '\u{2019}' {
        Char::Apostrophe
    } else if matches!(
        c,
        ',' | ';' | ':' | '.' | '!' | '?' | '(' | ')' | '\u{2013}' | '\u{2014}'
    ) {
        Char::Break
    } else {
        Char::Other
    }
}

/// ASCII bytes that go on with a word once it has started: letters,
/// digits and the straight apostrophe. Not the bytes of other characters,
/// which are decoded.
static WORD_GOES_ON: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == b'\'';
        b += 1;
    }
    t
};

/// [`char_class`] of every ASCII byte, looked up once per byte: negation
/// reads every word of every segment with a match.
static ASCII_CLASS: [Char; 128] = {
    let mut t = [Char::Other; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            Char::Word
        } else if c == b'\'' {
            Char::Apostrophe
        } else if matches!(c, b',' | b';' | b':' | b'.' | b'!' | b'?' | b'(' | b')') {
            Char::Break
        } else {
            Char::Other
        };
        b += 1;
    }
    t
};

impl<'t> Scope<'t> {
    pub fn new(text: &'t str) -> Scope<'t> {
        Scope::reusing(text, Vec::new())
    }

    /// A scope that keeps its words in `words` (cleared first), so that a
    /// matcher reading many segments allocates once, not once per segment.
    pub(crate) fn reusing(text: &'t str, mut words: Vec<Word>) -> Scope<'t> {
        words.clear();
        let bytes = text.as_bytes();
        let word = |span: Range<usize>| Word {
            role: role(&bytes[span.clone()]),
            span,
        };
        let class_at = |i: usize| -> (Char, usize) {
            let b = bytes[i];
            if b < 0x80 {
                (ASCII_CLASS[b as usize], 1)
            } else {
                let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
                (char_class(c), c.len_utf8())
            }
        };
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            // ASCII spaces and punctuation in line; the rest below.
            let (class, len) = if b < 0x80 {
                match ASCII_CLASS[b as usize] {
                    Char::Word => (Char::Word, 1),
                    Char::Break => (Char::Break, 1),
                    Char::Apostrophe | Char::Other => {
                        i += 1;
                        continue;
                    }
                }
            } else {
                class_at(i)
            };
            match class {
                // A word: alphanumeric characters and the apostrophes among
                // and after them, read in one go.
                Char::Word => {
                    let start = i;
                    i += len;
                    loop {
                        while i < bytes.len() && WORD_GOES_ON[bytes[i] as usize] {
                            i += 1;
                        }
                        if i == bytes.len() || bytes[i] < 0x80 {
                            break;
                        }
                        let (class, len) = class_at(i);
                        if !matches!(class, Char::Word | Char::Apostrophe) {
                            break;
                        }
                        i += len;
                    }
                    words.push(word(start..i));
                }
                Char::Break => {
                    words.push(Word {
                        span: i..i,
                        role: Role::Break,
                    });
                    i += len;
                }
                Char::Apostrophe | Char::Other => i += len,
            }
        }
        Scope { text, words }
    }

    /// Gives back the scope's word buffer for [`Scope::reusing`].
    pub(crate) fn into_words(self) -> Vec<Word> {
        self.words
    }

    fn is_pseudo(&self, trigger: usize) -> bool {
        let Some(next) = self.words.get(trigger + 1) else {
            return false;
        };
        let (w, n) = (
            &self.text[self.words[trigger].span.clone()],
            &self.text[next.span.clone()],
        );
        PSEUDO
            .iter()
            .any(|(t, nexts)| same(w, t) && nexts.iter().any(|x| same(n, x)))
    }

    /// How many words lie wholly between byte offsets `from` and `to`.
    pub fn words_between(&self, from: usize, to: usize) -> usize {
        self.words
            .iter()
            .filter(|w| !w.span.is_empty() && w.span.start >= from && w.span.end <= to)
            .count()
    }

    /// Whether the match at byte range `span` of the text is negated.
    pub fn is_negated(&self, span: Range<usize>) -> bool {
        let words = &self.words;
        // Words (and breaks) wholly before the match, and from its end on.
        let first =
            words.partition_point(|w| w.span.end <= span.start && w.span.start < span.start);
        let after = words.partition_point(|w| w.span.start < span.end);
        // Back from the match, within its clause and the window.
        let mut seen = 0;
        for i in (0..first).rev() {
            match words[i].role {
                Role::Break => break,
                Role::Trigger if !self.is_pseudo(i) => return true,
                _ => {}
            }
            seen += 1;
            if seen == PRE_WINDOW {
                break;
            }
        }
        // Ahead: a trigger soon followed by a problem word, in the clause:
        // the words from `after` up to the first break, at most the window
        // and the reach.
        let clause_end = words[after..]
            .iter()
            .take(POST_WINDOW + PROBLEM_REACH)
            .position(|w| w.role == Role::Break)
            .map_or(
                (after + POST_WINDOW + PROBLEM_REACH).min(words.len()),
                |k| after + k,
            );
        for i in after..clause_end.min(after + POST_WINDOW) {
            if words[i].role == Role::Trigger && !self.is_pseudo(i) {
                let reach = &words[i + 1..(i + 1 + PROBLEM_REACH).min(clause_end)];
                if reach.iter().any(|w| w.role == Role::Problem) {
                    return true;
                }
            }
        }
        false
    }
}

/// Whether the match at byte range `span` of `text` is negated. To ask
/// about several matches in one text, make a [`Scope`] once.
pub fn is_negated(text: &str, span: Range<usize>) -> bool {
    Scope::new(text).is_negated(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negated(text: &str, target: &str) -> bool {
        let at = text.find(target).expect("target in text");
        is_negated(text, at..at + target.len())
    }

    #[test]
    fn trigger_before_in_the_same_clause() {
        assert!(negated(
            "I've never had a problem getting study leave.",
            "problem"
        ));
        assert!(negated("There's no cost to us.", "cost"));
        assert!(negated("I didn't feel confident.", "confident"));
        assert!(negated("I don’t lack confidence.", "confidence"));
    }

    #[test]
    fn scope_ends_at_punctuation_conjunctions_and_window() {
        assert!(!negated("Not really, the cost is the thing.", "cost"));
        assert!(!negated("I don't mind, but the cost is a lot.", "cost"));
        assert!(!negated(
            "I don't think anyone on the ward would ever really mention cost.",
            "cost"
        ));
        assert!(!negated("Not only the cost but travel.", "cost"));
        assert!(!negated("No doubt the cost is high.", "cost"));
    }

    #[test]
    fn roles_agree_with_the_word_lists() {
        for w in TRIGGERS {
            assert_eq!(role(w.as_bytes()), Role::Trigger, "{w}");
            assert_eq!(role(w.to_uppercase().as_bytes()), Role::Trigger, "{w}");
        }
        for w in CLAUSE_ENDS {
            assert_eq!(role(w.as_bytes()), Role::Break, "{w}");
        }
        for w in PROBLEM_WORDS {
            assert_eq!(role(w.as_bytes()), Role::Problem, "{w}");
        }
        for w in ["isn't", "WASN\u{2019}T", "couldn't", "shouldn\u{2019}t"] {
            assert_eq!(role(w.as_bytes()), Role::Trigger, "{w}");
        }
        for w in ["note", "nothingness", "problematic", "n't", "x"] {
            assert_ne!(role(w.as_bytes()), Role::Problem, "{w}");
        }
        assert_eq!(role(b"nothingness"), Role::Other);
        // The matcher skips texts with none of TRIGGERS: they must be all
        // the listed words whose role is Trigger.
        for w in LISTED {
            assert_eq!(
                role(w.as_bytes()) == Role::Trigger,
                TRIGGERS.contains(w),
                "{w}"
            );
        }
        assert_eq!(
            LISTED.len(),
            TRIGGERS.len() + CLAUSE_ENDS.len() + PROBLEM_WORDS.len()
        );
    }

    #[test]
    fn long_texts_and_curly_apostrophes() {
        let filler = "word ".repeat(200);
        let text = format!("Not {filler}the cost, {filler}and never a problem.");
        assert!(!negated(&text, "cost"));
        let text = format!("{filler}I never had the cost{filler}");
        assert!(negated(&text, "cost"));
        assert!(negated("We DIDN\u{2019}T get the cost back.", "cost"));
        assert!(negated("NOT the cost.", "cost"));
        assert!(!negated("Not only the cost.", "cost"));
    }

    #[test]
    fn trigger_after_with_a_problem_word() {
        assert!(negated("The cost isn't really an issue for us.", "cost"));
        assert!(negated("Travel has never been a problem.", "Travel"));
        assert!(!negated(
            "Travel is not something I enjoy, it's a problem.",
            "Travel"
        ));
        assert!(!negated("The cost is a real problem.", "cost"));
    }

    /// The word reader as it was, one `char` at a time, with the roles
    /// looked up in the word lists: what the byte-table reader must match.
    fn reference_words(text: &str) -> Vec<(Range<usize>, Role)> {
        let role = |w: &str| {
            let lower = w.replace('\u{2019}', "'").to_lowercase();
            if ends_with_nt(w) {
                Role::Trigger
            } else if lower.chars().count() > 12 || !lower.is_ascii() {
                Role::Other
            } else if TRIGGERS.contains(&lower.as_str()) {
                Role::Trigger
            } else if CLAUSE_ENDS.contains(&lower.as_str()) {
                Role::Break
            } else if PROBLEM_WORDS.contains(&lower.as_str()) {
                Role::Problem
            } else {
                Role::Other
            }
        };
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            let wordish =
                c.is_alphanumeric() || ((c == '\'' || c == '\u{2019}') && start.is_some());
            match (wordish, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    words.push((s..i, role(&text[s..i])));
                    start = None;
                }
                _ => {}
            }
            if !wordish
                && matches!(
                    c,
                    ',' | ';' | ':' | '.' | '!' | '?' | '(' | ')' | '\u{2013}' | '\u{2014}'
                )
            {
                words.push((i..i, Role::Break));
            }
        }
        if let Some(s) = start {
            words.push((s..text.len(), role(&text[s..])));
        }
        words
    }

    #[test]
    fn word_reader_agrees_with_the_char_reader_on_random_text() {
        const PIECES: &[&str] = &[
            "not",
            "NOT",
            "Never",
            "no",
            "didn't",
            "DIDN\u{2019}T",
            "n't",
            "but",
            "However",
            "problem",
            "Issues",
            "hard",
            "cost",
            "caf\u{e9}",
            "\u{c9}T\u{c9}",
            "x2",
            "42",
            "nothingnessness",
            "\u{2019}",
            "'",
            " ",
            " ",
            ", ",
            ".",
            "!",
            "?",
            "(",
            ")",
            "\u{2013}",
            "\u{2014}",
            "-",
            "\t",
            "\u{3000}",
            "\u{1F600}",
            "\u{3b1}\u{3b2}",
        ];
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        for _ in 0..5_000 {
            let mut text = String::new();
            for _ in 0..(x % 24) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push_str(PIECES[(x % PIECES.len() as u64) as usize]);
            }
            let got: Vec<(Range<usize>, Role)> = Scope::new(&text)
                .words
                .iter()
                .map(|w| (w.span.clone(), w.role))
                .collect();
            assert_eq!(got, reference_words(&text), "{text:?}");
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
    }
}
