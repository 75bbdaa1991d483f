//! Rewriting text with its findings replaced.

use std::collections::HashMap;
use std::fmt;

use crate::screen::fold_key;
use crate::{Finding, Kind};

/// Replaces findings with labels, giving each name and place one pseudonym
/// across every document it redacts.
///
/// A participant called "Mary" in one transcript and "MARY" in the next is
/// `[Name 1]` in both, so analysis can still follow a person across
/// interviews. Pseudonyms are numbered by first appearance: redacting the
/// same documents in the same order gives byte-identical output. Other kinds
/// become a bracketed label (`[phone]`, `[NHS number]`...): nothing is
/// gained by telling two phone numbers apart.
#[derive(Default)]
pub struct Redactor {
    /// Folded original -> index into `key`.
    seen: HashMap<(Kind, String), usize>,
    /// Per pseudonym, in order of first appearance: kind, number within the
    /// kind, and the original as first seen.
    key: Vec<(Kind, usize, String)>,
    names: usize,
    places: usize,
}

// Manual, so that debugging output never prints the originals.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("names", &self.names)
            .field("places", &self.places)
            .finish_non_exhaustive()
    }
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Returns `text` with every finding replaced. `findings` should come
    /// from [`Screen::scan`](crate::Screen::scan) of this same text; if
    /// some overlap anyway, the union of their spans is replaced, so that
    /// no part of a finding survives.
    ///
    /// # Panics
    ///
    /// If a finding's span is outside `text` or not on character
    /// boundaries, which means it came from a different text.
    pub fn redact(&mut self, text: &str, findings: &[Finding]) -> String {
        let mut order: Vec<&Finding> = findings.iter().collect();
        order.sort_by_key(|f| (f.span.start, std::cmp::Reverse(f.span.end)));
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        for f in order {
            let found = text.get(f.span.clone()).expect(
                "a finding's span lies on character boundaries of the text it was found in",
            );
            if f.span.start < done {
                // Overlaps one already replaced: swallow whatever sticks out.
                done = done.max(f.span.end);
                continue;
            }
            out.push_str(&text[done..f.span.start]);
            match f.kind {
                Kind::Name | Kind::Place | Kind::SpeakerName => {
                    // A name as a speaker label is the same person as that
                    // name in the text: one pseudonym for both.
                    let as_kind = if f.kind == Kind::Place {
                        Kind::Place
                    } else {
                        Kind::Name
                    };
                    let (kind, n) = self.pseudonym(as_kind, found);
                    out.push('[');
                    out.push_str(kind.label());
                    out.push(' ');
                    out.push_str(&n.to_string());
                    out.push(']');
                }
                kind => {
                    out.push('[');
                    out.push_str(kind.label());
                    out.push(']');
                }
            }
            done = f.span.end;
        }
        out.push_str(&text[done..]);
        out
    }

    fn pseudonym(&mut self, kind: Kind, original: &str) -> (Kind, usize) {
        let folded = fold_key(original);
        if let Some(&i) = self.seen.get(&(kind, folded.clone())) {
            let (kind, n, _) = &self.key[i];
            return (*kind, *n);
        }
        let counter = if kind == Kind::Name {
            &mut self.names
        } else {
            &mut self.places
        };
        *counter += 1;
        let n = *counter;
        self.seen.insert((kind, folded), self.key.len());
        self.key.push((kind, n, original.to_string()));
        (kind, n)
    }

    /// The pseudonym key, `(original, pseudonym)`, names before places and
    /// each in pseudonym number order (`[Name 2]` before `[Name 10]`). The
    /// original is the spelling first seen. This is the one output that
    /// undoes the anonymisation: keep it apart from the redacted texts.
    pub fn key(&self) -> Vec<(String, String)> {
        let mut key: Vec<&(Kind, usize, String)> = self.key.iter().collect();
        key.sort_by_key(|(kind, n, _)| (*kind, *n));
        key.into_iter()
            .map(|(kind, n, original)| (original.clone(), format!("[{} {n}]", kind.label())))
            .collect()
    }
}
