//! The detection rules and the scan that runs them.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use regex::{Captures, Regex};

use crate::list::has_word_char;
use crate::{Error, Kind};

/// An identifying detail found in a text.
///
/// It holds only offsets, never the text itself, and its `Display` and
/// `Debug` say where and what kind, never what: findings end up in logs and
/// terminal output, where the detail they point at must not follow them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// Byte range in the scanned text.
    pub span: Range<usize>,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column of the span's start, counting Unicode scalar values
    /// as editors do.
    pub column: usize,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line,
            self.column,
            self.kind.describe()
        )
    }
}

/// The compiled detection rules: regular expressions for details with a
/// shape (phone numbers, postcodes...), and one automaton for the
/// researcher's names and places.
///
/// Build it once and scan many texts with it; nothing is compiled per scan.
pub struct Screen {
    email: Regex,
    url: Regex,
    phone: Regex,
    nhs: Regex,
    ni: Regex,
    postcode: Regex,
    dob_trigger: Regex,
    dates: Vec<(Regex, DateShape)>,
    lists: Option<Lists>,
}

struct Lists {
    automaton: AhoCorasick,
    /// The kind of each automaton pattern.
    kinds: Vec<Kind>,
}

// Manual, so that debugging output never prints the names list.
impl fmt::Debug for Screen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.lists.as_ref().map_or(0, |l| l.kinds.len());
        f.debug_struct("Screen")
            .field("list_entries", &entries)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy)]
enum DateShape {
    /// `12/03/1985`, `3.12.85`: day and month in either order.
    Numeric,
    /// `1985-03-12`.
    Iso,
    /// `12 March 1985`, `3rd of May`, `March 12th, 1985`: only the day needs checking.
    Words,
}

/// How far after a word such as "born" a date still counts as a date of
/// birth, in characters: far enough for "born on the", "DOB:", "date of
/// birth is", not so far that it reaches the next sentence's course dates.
const DOB_WINDOW: usize = 40;

const MONTH: &str = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

fn compile(pattern: &str) -> Regex {
    // ASCII word boundaries: Unicode ones force the regex engine off its
    // fast path on any text with a curly quote or an accent, several times
    // slower, and every pattern here is ASCII anyway. Numbers are checked
    // against Unicode letters afterwards (`number_stands_alone`).
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    Regex::new(&pattern).expect("the screen's own patterns are valid")
}

impl Screen {
    /// Compiles the rules, with `names` and `places` as whole-word,
    /// case-insensitive literals. An entry with no letter or digit is an
    /// error; duplicates are harmless, and an entry on both lists counts as
    /// a name.
    pub fn new(names: &[String], places: &[String]) -> Result<Screen, Error> {
        let mut patterns = Vec::new();
        let mut kinds = Vec::new();
        let mut seen = HashSet::new();
        for (list, kind, entries) in [
            ("names", Kind::Name, names),
            ("places", Kind::Place, places),
        ] {
            for (i, entry) in entries.iter().enumerate() {
                if !has_word_char(entry) {
                    return Err(Error::EmptyEntry { list, index: i + 1 });
                }
                let key = fold_key(entry);
                if seen.insert(key.clone()) {
                    patterns.push(key);
                    kinds.push(kind);
                }
            }
        }
        let lists = if patterns.is_empty() {
            None
        } else {
            // Leftmost-longest, so "Mary Ann" wins over "Mary"; anchored
            // searches as well, to fall back to "Mary" when "Mary Ann" turns
            // out to be the start of "Mary Annette".
            let automaton = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(StartKind::Both)
                .build(&patterns)
                .map_err(|source| Error::TooLarge { source })?;
            Some(Lists { automaton, kinds })
        };

        let dates = vec![
            (
                compile(
                    r"\b(?P<a>[0-9]{1,2})(?P<s1>[/.\-])(?P<b>[0-9]{1,2})(?P<s2>[/.\-])(?:[0-9]{4}|[0-9]{2})\b",
                ),
                DateShape::Numeric,
            ),
            (
                compile(
                    r"\b(?:19|20)[0-9]{2}(?P<s1>[/.\-])(?P<b>[0-9]{1,2})(?P<s2>[/.\-])(?P<a>[0-9]{1,2})\b",
                ),
                DateShape::Iso,
            ),
            (
                compile(&format!(
                    r"(?i)\b(?P<a>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t]+{MONTH}\b(?:\.?,?[ \t]+[0-9]{{4}}\b)?"
                )),
                DateShape::Words,
            ),
            (
                compile(&format!(
                    r"(?i)\b{MONTH}\b\.?[ \t]+(?:the[ \t]+)?(?P<a>[0-9]{{1,2}})(?:st|nd|rd|th)?\b(?:,?[ \t]+[0-9]{{4}}\b)?"
                )),
                DateShape::Words,
            ),
        ];

        Ok(Screen {
            email: compile(
                // Letters beyond ASCII too: a partly matched "maría.lópez@..."
                // would leave "maría.ló" in the redacted text.
                r"(?i)[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?)*\.\p{L}{2,}\b",
            ),
            url: compile(r#"(?i)\b(?:https?://|www\.)[^\s<>"'()\[\]{}]+"#),
            // Candidates only: digit counts, group sizes and brackets are
            // checked in code, where a failed candidate can be trimmed.
            phone: compile(
                r"(?:\+44[ \-]?(?:\(0\)[ \-]?)?|\(0|\b0)[0-9]{1,11}(?:(?:\)[ \-]?|[ \-])[0-9]{1,11}){0,5}",
            ),
            nhs: compile(
                r"\b(?:[0-9]{10}|[0-9]{3} [0-9]{3} [0-9]{4}|[0-9]{3}-[0-9]{3}-[0-9]{4})\b",
            ),
            ni: compile(r"(?i)\b([a-z])([a-z]) ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[a-d]\b"),
            // Outward code (A9, A99, A9A, AA9, AA99, AA9A) and inward code
            // (9AA), with the letters Royal Mail never uses in each place.
            postcode: compile(
                r"(?i)\b(?:[a-pr-uwyz][0-9][0-9a-hjkpstuw]?|[a-pr-uwyz][a-hk-y][0-9][0-9abehmnprvwxy]?) ?[0-9](?P<inward>[abd-hjlnp-uw-z]{2})\b",
            ),
            dob_trigger: compile(
                r"(?i)\b(?:born|birthday|birth[ \t]+date|date[ \t]+of[ \t]+birth|d\.?o\.?b)\b\.?",
            ),
            dates,
            lists,
        })
    }

    /// Finds every identifying detail in `text`, sorted by position and
    /// non-overlapping: of two overlapping candidates the longer is kept,
    /// and of two equally long ones the kind earlier in [`Kind::ALL`].
    pub fn scan(&self, text: &str) -> Vec<Finding> {
        let mut candidates: Vec<(Kind, Range<usize>)> = Vec::new();
        let mut add = |kind: Kind, span: Range<usize>| candidates.push((kind, span));

        for m in self.email.find_iter(text) {
            add(Kind::Email, m.range());
        }
        for m in self.url.find_iter(text) {
            if let Some(span) = trim_url(text, m.range()) {
                add(Kind::Url, span);
            }
        }
        for m in self.nhs.find_iter(text) {
            let digits: Vec<u8> = m.as_str().bytes().filter(u8::is_ascii_digit).collect();
            if nhs_mod11(&digits) && number_stands_alone(text, &m.range()) {
                add(Kind::NhsNumber, m.range());
            }
        }
        for c in self.ni.captures_iter(text) {
            if ni_prefix_allowed(&c[1], &c[2]) {
                add(Kind::NiNumber, whole(&c));
            }
        }
        self.phones(text, &mut add);
        for c in self.postcode.captures_iter(text) {
            let inward = c.name("inward").expect("the pattern has an inward group");
            // The digit before the letters is ASCII, so one byte back.
            let digit = text.as_bytes()[inward.start() - 1];
            if !is_ordinal(digit, inward.as_str()) {
                add(Kind::Postcode, whole(&c));
            }
        }
        self.dates_of_birth(text, &mut add);
        self.listed(text, &mut add);

        let mut findings = resolve(candidates);
        locate(text, &mut findings);
        findings
    }

    /// Phone candidates are tried one start at a time rather than with
    /// `find_iter`, so that a candidate that fails ("0 07700 900123", a
    /// lone 0 before the number) does not swallow the number after it.
    fn phones(&self, text: &str, add: &mut impl FnMut(Kind, Range<usize>)) {
        let mut at = 0;
        while let Some(m) = self.phone.find_at(text, at) {
            match uk_phone(text, m.range()) {
                Some(span) => {
                    at = span.end;
                    add(Kind::Phone, span);
                }
                None => at = next_char(text, m.start()),
            }
        }
    }

    /// A trigger word ("born", "DOB"...) makes the first date after it,
    /// within [`DOB_WINDOW`] characters, a date of birth; later dates are
    /// the interview's other dates ("born 1/2/1980; started 3/4/2019").
    fn dates_of_birth(&self, text: &str, add: &mut impl FnMut(Kind, Range<usize>)) {
        let triggers: Vec<usize> = self.dob_trigger.find_iter(text).map(|m| m.end()).collect();
        if triggers.is_empty() {
            return;
        }
        let mut dates: Vec<Range<usize>> = Vec::new();
        for (re, shape) in &self.dates {
            dates.extend(
                re.captures_iter(text)
                    .filter(|c| date_valid(c, *shape))
                    .map(|c| whole(&c)),
            );
        }
        dates.sort_by_key(|d| (d.start, std::cmp::Reverse(d.end)));
        for end in triggers {
            let i = dates.partition_point(|d| d.start < end);
            if let Some(date) = dates.get(i) {
                if text[end..date.start].chars().nth(DOB_WINDOW).is_none() {
                    add(Kind::DateOfBirth, date.clone());
                }
            }
        }
    }

    fn listed(&self, text: &str, add: &mut impl FnMut(Kind, Range<usize>)) {
        let Some(lists) = &self.lists else {
            return;
        };
        let folded = Folded::new(text);
        let hay = folded.text.as_str();
        let ac = &lists.automaton;
        let mut at = 0;
        while at < hay.len() {
            let Some(m) = ac.find(Input::new(hay).range(at..)) else {
                break;
            };
            let start = m.start();
            let mut best = None;
            if starts_word(text, folded.original(start)) {
                let mut m = m;
                loop {
                    if ends_word(text, folded.original(m.end())) {
                        best = Some(m);
                        break;
                    }
                    // The longest entry failed the word test ("Mary Ann"
                    // in "Mary Annette"); try the next longest from here.
                    let shorter = Input::new(hay)
                        .range(start..m.end() - 1)
                        .anchored(Anchored::Yes);
                    match ac.find(shorter) {
                        Some(s) => m = s,
                        None => break,
                    }
                }
            }
            match best {
                Some(m) => {
                    let span = folded.original(m.start())..folded.original(m.end());
                    add(lists.kinds[m.pattern().as_usize()], span);
                    at = m.end();
                }
                None => at = next_char(hay, start),
            }
        }
    }
}

fn whole(c: &Captures<'_>) -> Range<usize> {
    c.get(0).expect("group 0 always matches").range()
}

fn next_char(text: &str, at: usize) -> usize {
    at + text[at..].chars().next().map_or(1, char::len_utf8)
}

/// Keeps the longest of overlapping candidates, then sorts by position.
fn resolve(mut candidates: Vec<(Kind, Range<usize>)>) -> Vec<Finding> {
    candidates.sort_by_key(|(kind, span)| (std::cmp::Reverse(span.len()), *kind, span.start));
    // Accepted spans, start -> end; they never overlap, so the one with the
    // greatest start before a candidate's end is the only one to check.
    let mut taken: BTreeMap<usize, (usize, Kind)> = BTreeMap::new();
    for (kind, span) in candidates {
        if span.is_empty() {
            continue;
        }
        let clashes = taken
            .range(..span.end)
            .next_back()
            .is_some_and(|(_, &(end, _))| end > span.start);
        if !clashes {
            taken.insert(span.start, (span.end, kind));
        }
    }
    taken
        .into_iter()
        .map(|(start, (end, kind))| Finding {
            kind,
            span: start..end,
            line: 0,
            column: 0,
        })
        .collect()
}

/// Fills in lines and columns in one pass over the text, so a text with
/// many findings on one long line stays linear.
fn locate(text: &str, findings: &mut [Finding]) {
    let (mut pos, mut line, mut column) = (0, 1, 1);
    for f in findings {
        for c in text[pos..f.span.start].chars() {
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        pos = f.span.start;
        f.line = line;
        f.column = column;
    }
}

// --- rules ------------------------------------------------------------------

/// The NHS number checksum: weights 10 down to 2 on the first nine digits,
/// check digit `11 - (sum mod 11)`, where 11 means 0 and 10 means the number
/// can never be issued.
pub(crate) fn nhs_mod11(digits: &[u8]) -> bool {
    if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let value = |d: u8| u32::from(d - b'0');
    let sum: u32 = digits[..9]
        .iter()
        .zip((2..=10).rev())
        .map(|(&d, w)| value(d) * w)
        .sum();
    match 11 - sum % 11 {
        10 => false,
        11 => value(digits[9]) == 0,
        check => value(digits[9]) == check,
    }
}

fn ni_prefix_allowed(first: &str, second: &str) -> bool {
    // Case-insensitive Unicode matching lets in look-alikes such as the
    // Kelvin sign; no real prefix uses them.
    if !first.is_ascii() || !second.is_ascii() {
        return false;
    }
    let (a, b) = (first.to_ascii_uppercase(), second.to_ascii_uppercase());
    !"DFIQUV".contains(a.as_str())
        && !"DFIOQUV".contains(b.as_str())
        && !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&format!("{a}{b}").as_str())
}

/// Whether a postcode's inward code is really an ordinal ("a4 2nd"): a
/// digit and lower-case `st`, `nd`, `rd` or `th`. Real postcodes written in
/// capitals ("EH1 1ST") are left alone.
fn is_ordinal(digit: u8, letters: &str) -> bool {
    matches!(
        (digit, letters),
        (b'1', "st") | (b'2', "nd") | (b'3', "rd") | (_, "th")
    )
}

fn date_valid(c: &Captures<'_>, shape: DateShape) -> bool {
    let number = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let day = |n: Option<u32>| n.is_some_and(|n| (1..=31).contains(&n));
    let month = |n: Option<u32>| n.is_some_and(|n| (1..=12).contains(&n));
    let same_separator = || c.name("s1").map(|m| m.as_str()) == c.name("s2").map(|m| m.as_str());
    let (a, b) = (number("a"), number("b"));
    match shape {
        // British order first, but an American date of birth identifies
        // just as well.
        DateShape::Numeric => same_separator() && ((day(a) && month(b)) || (month(a) && day(b))),
        DateShape::Iso => same_separator() && month(b) && day(a),
        DateShape::Words => day(a),
    }
}

/// Whether a number at `span` stands on its own rather than being part of
/// a longer code: no letter or digit touches it, and no digit joined to it
/// by `-`, `/` or `.` (as in "0161-496-0000-12" or a date).
fn number_stands_alone(text: &str, span: &Range<usize>) -> bool {
    let joined = |c: Option<char>, next: Option<char>| {
        c.is_some_and(char::is_alphanumeric)
            || (matches!(c, Some('-' | '/' | '.')) && next.is_some_and(|n| n.is_ascii_digit()))
    };
    let mut before = text[..span.start].chars().rev();
    let mut after = text[span.end..].chars();
    !joined(before.next(), before.next()) && !joined(after.next(), after.next())
}

/// Checks a phone candidate, trimming trailing digit groups that are not
/// part of the number ("07700 900123 12" gives "07700 900123").
fn uk_phone(text: &str, candidate: Range<usize>) -> Option<Range<usize>> {
    let s = &text[candidate.clone()];
    let bytes = s.as_bytes();
    // Ends of digit groups, longest first.
    let ends = (1..=bytes.len()).rev().filter(|&e| {
        bytes[e - 1].is_ascii_digit() && bytes.get(e).is_none_or(|b| !b.is_ascii_digit())
    });
    for end in ends {
        if phone_shape(&s[..end]) {
            let span = candidate.start..candidate.start + end;
            return number_stands_alone(text, &span).then_some(span);
        }
    }
    None
}

/// Whether `s` (digits with `+44`, brackets, spaces and hyphens) is a UK
/// mobile or geographic/non-geographic landline number as people write them.
fn phone_shape(s: &str) -> bool {
    if s.matches('(').count() != s.matches(')').count() {
        return false;
    }
    let mut groups: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let mut national = String::new();
    let mut first_min = 3;
    if let Some(rest) = s.strip_prefix("+44") {
        // "+44 (0)20 ...": the bracketed trunk zero is not a group.
        let trunk = rest.trim_start_matches([' ', '-']).starts_with("(0)");
        let first = groups.remove(0);
        if trunk {
            groups.remove(0);
        }
        if first.len() > 2 {
            // "+447700900123": the country code and number in one group.
            groups.insert(0, &first[2..]);
        }
        national.push('0');
        first_min = 2;
    }
    if groups.is_empty() || groups[0].len() < first_min || groups[1..].iter().any(|g| g.len() < 3) {
        return false;
    }
    // "+44 020 ..." is a common slip for "+44 20 ...".
    let digits: String = groups.concat();
    if national == "0" && digits.starts_with('0') {
        national.clear();
    }
    national.push_str(&digits);
    let n = national.as_bytes();
    match n.len() {
        11 => n[0] == b'0' && matches!(n[1], b'1' | b'2' | b'3' | b'7'),
        // Some small exchanges (016977 ...) still have ten-digit numbers.
        10 => n.starts_with(b"01"),
        _ => false,
    }
}

/// Drops the sentence punctuation that follows a URL in prose.
fn trim_url(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let s = &text[span.clone()];
    let trimmed = s.trim_end_matches(['.', ',', ';', ':', '!', '?']);
    let lower = trimmed.to_ascii_lowercase();
    let body = ["https://", "http://", "www."]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or("");
    has_word_char(body).then(|| span.start..span.start + trimmed.len())
}

// --- names and places -------------------------------------------------------

/// A case- and whitespace-folded copy of a text (letters lower-cased,
/// each run of whitespace one space), with the way back to the
/// original's byte offsets.
struct Folded {
    text: String,
    /// For each byte of `text`, plus one past the end, the original offset;
    /// `None` when folding kept every offset (ASCII text).
    map: Option<Vec<usize>>,
}

impl Folded {
    fn new(text: &str) -> Folded {
        let bytes = text.as_bytes();
        let runs = bytes
            .windows(2)
            .any(|w| w[0].is_ascii_whitespace() && w[1].is_ascii_whitespace());
        if text.is_ascii() && !runs {
            let folded = bytes
                .iter()
                .map(|&b| {
                    if b.is_ascii_whitespace() {
                        ' '
                    } else {
                        char::from(b.to_ascii_lowercase())
                    }
                })
                .collect();
            return Folded {
                text: folded,
                map: None,
            };
        }
        let mut folded = String::with_capacity(text.len());
        let mut map = Vec::with_capacity(text.len() + 1);
        let mut after_space = false;
        for (i, c) in text.char_indices() {
            let f = fold_char(c);
            // A run of whitespace is one space, as in the folded entries,
            // so "John\n   Smith" across a wrapped line still matches.
            if f == ' ' && after_space {
                continue;
            }
            after_space = f == ' ';
            folded.push(f);
            map.extend(std::iter::repeat_n(i, f.len_utf8()));
        }
        map.push(text.len());
        Folded {
            text: folded,
            map: Some(map),
        }
    }

    fn original(&self, offset: usize) -> usize {
        self.map.as_ref().map_or(offset, |m| m[offset])
    }
}

/// One character for one, so folded matches map back to whole characters;
/// a character whose lower case is longer ("İ") stays as it is.
fn fold_char(c: char) -> char {
    if c.is_whitespace() {
        return ' ';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// The form of a list entry or a found name under which two spellings are
/// the same person or place: case-folded, inner whitespace collapsed.
pub(crate) fn fold_key(s: &str) -> String {
    s.split_whitespace()
        .map(|w| w.chars().map(fold_char).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn starts_word(text: &str, at: usize) -> bool {
    let first = text[at..].chars().next();
    let before = text[..at].chars().next_back();
    !(first.is_some_and(char::is_alphanumeric) && before.is_some_and(char::is_alphanumeric))
}

fn ends_word(text: &str, at: usize) -> bool {
    let last = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    !(last.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric))
}
