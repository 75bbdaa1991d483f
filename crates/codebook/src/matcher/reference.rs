//! The matcher as it was before the trie: an Aho-Corasick scan over every
//! byte, then a word-boundary check, and a vector per step. Slow but
//! simple, it is kept for the tests to hold the fast matcher to.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::CodeMatch;
use crate::{Codebook, Pattern, Speakers};

/// Which part of a rule a pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Any,
    With,
    Without,
}

#[derive(Debug, Clone, Copy)]
struct Use {
    code: usize,
    rule: usize,
    part: Part,
    /// Index of the pattern within its part, to name it in evidence.
    index: usize,
    /// For a proximity pattern's terms: which side this one is.
    near: Option<Side>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// Every rule of a codebook, compiled to scan a text once.
///
/// All literal terms of all codes go into one Aho-Corasick automaton, so
/// the cost of a scan grows with the text, not with the number of codes;
/// only regular expressions are run one by one. The alternative, one regex
/// per code, is what makes existing tools slow on large codebooks.
pub struct Matcher {
    automaton: AhoCorasick,
    /// For each automaton pattern: whether it is a stem, and where it is used.
    literals: Vec<(bool, Vec<Use>)>,
    regexes: Vec<(regex::Regex, Use)>,
    /// Per code, per rule: the patterns as written and who the rule listens to.
    rules: Vec<Vec<RuleInfo>>,
}

struct RuleInfo {
    /// Per part (any, with, without), per pattern: its proximity, if it is
    /// a `NEAR`/`BEFORE` pattern.
    near: [Vec<Option<(usize, bool)>>; 3],
    speakers: Speakers,
    has_with: bool,
    any: Vec<String>,
    with: Vec<String>,
}

#[derive(Clone)]
struct Hit {
    at: Use,
    span: Range<usize>,
}

impl Matcher {
    pub fn new(codebook: &Codebook) -> Matcher {
        let mut literal_ids: HashMap<(String, bool), usize> = HashMap::new();
        let mut literal_texts: Vec<String> = Vec::new();
        let mut literals: Vec<(bool, Vec<Use>)> = Vec::new();
        let mut regexes = Vec::new();
        let mut rules = Vec::new();
        for (code, c) in codebook.codes.iter().enumerate() {
            let mut infos = Vec::new();
            for (rule, r) in c.rules.iter().enumerate() {
                for (part, list) in [
                    (Part::Any, &r.any),
                    (Part::With, &r.with),
                    (Part::Without, &r.without),
                ] {
                    for (index, p) in list.iter().enumerate() {
                        let at = Use {
                            code,
                            rule,
                            part,
                            index,
                            near: None,
                        };
                        let mut add = |p: &Pattern, at: Use| match p {
                            Pattern::Term { text, stem } => {
                                let id = *literal_ids.entry((text.clone(), *stem)).or_insert_with(
                                    || {
                                        literal_texts.push(text.clone());
                                        literals.push((*stem, Vec::new()));
                                        literals.len() - 1
                                    },
                                );
                                literals[id].1.push(at);
                            }
                            Pattern::Regex(re) => regexes.push((re.clone(), at)),
                            // The parser makes proximity of plain terms only.
                            Pattern::Near { .. } => {}
                        };
                        match p {
                            Pattern::Near { left, right, .. } => {
                                add(
                                    left,
                                    Use {
                                        near: Some(Side::Left),
                                        ..at
                                    },
                                );
                                add(
                                    right,
                                    Use {
                                        near: Some(Side::Right),
                                        ..at
                                    },
                                );
                            }
                            p => add(p, at),
                        }
                    }
                }
                let near = |list: &[Pattern]| -> Vec<Option<(usize, bool)>> {
                    list.iter()
                        .map(|p| match p {
                            Pattern::Near { words, ordered, .. } => Some((*words, *ordered)),
                            _ => None,
                        })
                        .collect()
                };
                infos.push(RuleInfo {
                    near: [near(&r.any), near(&r.with), near(&r.without)],
                    speakers: r.speakers,
                    has_with: !r.with.is_empty(),
                    any: r.any.iter().map(Pattern::as_written).collect(),
                    with: r.with.iter().map(Pattern::as_written).collect(),
                });
            }
            rules.push(infos);
        }
        // A full DFA: the fastest scan, at a memory cost that is small for
        // codebooks of a few thousand terms.
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&literal_texts)
            .expect("literal terms always build an automaton");
        Matcher {
            automaton,
            literals,
            regexes,
            rules,
        }
    }

    /// Finds, for each code, the strongest firing of its rules in `text`:
    /// a non-negated firing if there is one, else a negated one. `listens`
    /// says whether a rule's speaker filter admits this text's speaker.
    /// Results are sorted by code index.
    pub fn find(&self, text: &str, listens: impl Fn(Speakers) -> bool) -> Vec<CodeMatch> {
        self.find_where(text, listens, |_| true)
    }

    /// [`Matcher::find`] for the codes `applies` admits (by index).
    pub fn find_where(
        &self,
        text: &str,
        listens: impl Fn(Speakers) -> bool,
        applies: impl Fn(usize) -> bool,
    ) -> Vec<CodeMatch> {
        let mut out: Vec<CodeMatch> = Vec::new();
        for found in self.find_rules_where(text, listens, applies) {
            match out.last_mut() {
                Some(prev) if prev.code == found.code => {
                    if prev.negated && !found.negated {
                        *prev = found;
                    }
                }
                _ => out.push(found),
            }
        }
        out
    }

    /// Every rule that fires on `text`, sorted by code then rule: what
    /// [`Matcher::find`] chooses from, and what a codebook check needs to
    /// tell a rule that never fires from one that is always outdone.
    pub fn find_rules(&self, text: &str, listens: impl Fn(Speakers) -> bool) -> Vec<CodeMatch> {
        self.find_rules_where(text, listens, |_| true)
    }

    /// [`Matcher::find_rules`] for the codes `applies` admits (by index):
    /// the coder asks for each unit's codes on that unit's segments.
    pub fn find_rules_where(
        &self,
        text: &str,
        listens: impl Fn(Speakers) -> bool,
        applies: impl Fn(usize) -> bool,
    ) -> Vec<CodeMatch> {
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let (stem, uses) = &self.literals[m.pattern().as_usize()];
            let Some(span) = word_bounded(text, m.start(), m.end(), *stem) else {
                continue;
            };
            hits.extend(uses.iter().map(|&at| Hit {
                at,
                span: span.clone(),
            }));
        }
        for (re, at) in &self.regexes {
            hits.extend(re.find_iter(text).map(|m| Hit {
                at: *at,
                span: m.range(),
            }));
        }
        // Group by (code, rule), keeping text order within each group.
        hits.sort_by_key(|h| (h.at.code, h.at.rule, h.span.start, h.span.end));

        let mut out: Vec<CodeMatch> = Vec::new();
        // Words are read for negation only if some match needs it, and
        // then once for all of them.
        let scope = OnceCell::new();
        for group in hits.chunk_by(|a, b| (a.at.code, a.at.rule) == (b.at.code, b.at.rule)) {
            let (code, rule) = (group[0].at.code, group[0].at.rule);
            let info = &self.rules[code][rule];
            if !listens(info.speakers) || !applies(code) {
                continue;
            }
            out.extend(self.fire(text, &scope, group, info));
        }
        out
    }

    fn fire<'t>(
        &self,
        text: &'t str,
        scope: &OnceCell<crate::Scope<'t>>,
        group: &[Hit],
        info: &RuleInfo,
    ) -> Option<CodeMatch> {
        let scope = || scope.get_or_init(|| crate::Scope::new(text));
        let paired;
        let group = if group.iter().any(|h| h.at.near.is_some()) {
            paired = pair_near(group, info, scope());
            &paired[..]
        } else {
            group
        };
        let part = |p: Part| group.iter().filter(move |h| h.at.part == p);
        let negated = |h: &Hit| scope().is_negated(h.span.clone());
        if part(Part::Without).any(|h| !negated(h)) {
            return None;
        }
        let any: Vec<&Hit> = part(Part::Any).collect();
        let first_any = *any.first()?;
        let (evidence, qualifier, is_negated) = if info.has_with {
            let with: Vec<&Hit> = part(Part::With).collect();
            let first_with = *with.first()?;
            match with.iter().find(|h| !negated(h)) {
                Some(w) => (first_any, Some(*w), false),
                None => (first_any, Some(first_with), true),
            }
        } else {
            match any.iter().find(|h| !negated(h)) {
                Some(a) => (*a, None, false),
                None => (first_any, None, true),
            }
        };
        let mut span = evidence.span.clone();
        let mut pattern = info.any[evidence.at.index].clone();
        if let Some(q) = qualifier {
            span = span.start.min(q.span.start)..span.end.max(q.span.end);
            pattern = format!("{pattern} + {}", info.with[q.at.index]);
        }
        Some(CodeMatch {
            code: evidence.at.code,
            rule: evidence.at.rule,
            span,
            pattern,
            negated: is_negated,
        })
    }
}

/// Replaces the separate hits of proximity patterns' terms with one hit
/// per pair of them close enough, spanning both.
fn pair_near(group: &[Hit], info: &RuleInfo, scope: &crate::Scope<'_>) -> Vec<Hit> {
    let mut out: Vec<Hit> = group
        .iter()
        .filter(|h| h.at.near.is_none())
        .cloned()
        .collect();
    let sides = |h: &&Hit, side: Side| h.at.near == Some(side);
    for l in group.iter().filter(|h| sides(h, Side::Left)) {
        let slot = match l.at.part {
            Part::Any => 0,
            Part::With => 1,
            Part::Without => 2,
        };
        let Some(Some((words, ordered))) = info.near[slot].get(l.at.index) else {
            continue;
        };
        for r in group
            .iter()
            .filter(|h| sides(h, Side::Right) && h.at.part == l.at.part && h.at.index == l.at.index)
        {
            let overlap = l.span.start < r.span.end && r.span.start < l.span.end;
            let (first, second) = if l.span.start <= r.span.start {
                (l, r)
            } else {
                (r, l)
            };
            if overlap || (*ordered && first.span.start != l.span.start) {
                continue;
            }
            if scope.words_between(first.span.end, second.span.start) <= *words {
                out.push(Hit {
                    at: Use { near: None, ..l.at },
                    span: first.span.start..second.span.end,
                });
            }
        }
    }
    out.sort_by_key(|h| (h.span.start, h.span.end));
    out
}

/// The match's range if it stands as whole words; a stem extends to the
/// end of its word.
fn word_bounded(text: &str, start: usize, end: usize, stem: bool) -> Option<Range<usize>> {
    let is_word = |c: char| c.is_alphanumeric();
    if text[..start].chars().next_back().is_some_and(is_word) {
        return None;
    }
    let tail = &text[end..];
    if stem {
        let extra = tail.find(|c: char| !is_word(c)).unwrap_or(tail.len());
        Some(start..end + extra)
    } else if tail.chars().next().is_some_and(is_word) {
        None
    } else {
        Some(start..end)
    }
}
