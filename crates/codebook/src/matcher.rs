//! The compiled form of a codebook's rules.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::negation::{Scope, Word};
use crate::{Codebook, Pattern, Speakers};

#[cfg(test)]
#[allow(dead_code)]
mod reference;

/// Which part of a rule a pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Any,
    With,
    Without,
}

/// Where a pattern is used. Indices are `u32` to keep hits small: a
/// segment with a few common words makes hundreds of them.
#[derive(Debug, Clone, Copy)]
struct Use {
    code: u32,
    rule: u32,
    part: Part,
    /// Index of the pattern within its part, to name it in evidence.
    index: u32,
    /// For a proximity pattern's terms: which side this one is.
    near: Option<Side>,
    /// Who the rule listens to, kept here so that hits of rules that do
    /// not listen to a segment's speaker are dropped before sorting.
    speakers: Speakers,
    /// The rule's index among all rules of all codes, in code then rule
    /// order.
    rule_id: u32,
    /// Whether the rule is simple: see [`Simple`].
    simple: bool,
}

/// What a simple rule (`any` terms only: no `with`, `without`, proximity
/// or regex) has met in a segment so far. Such a rule fires on its first
/// hit that is not negated, else on its first hit, negated; hits arrive
/// in the order sorting would give them (by start, then end), so the rule
/// is decided as they arrive, without collecting and sorting them as other
/// rules' hits are. Most rules are simple, and each common word is a term
/// of many.
#[derive(Clone, Default)]
struct Simple {
    /// The text (by [`Scratch::text`]) this is about: a state left from
    /// another text (after a panic in a callback, say) counts as empty.
    text: u64,
    /// The first hit and the first not negated, each as its span and the
    /// index of its pattern.
    first: Option<(Range<usize>, u32)>,
    not_negated: Option<(Range<usize>, u32)>,
    code: u32,
    rule: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// A code's rule firing on a piece of text: the evidence for a coding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMatch {
    /// Index of the code in [`Codebook::codes`].
    pub code: usize,
    /// Index of the rule within the code.
    pub rule: usize,
    /// Byte range of the evidence in the text: the `any` match, stretched to
    /// cover the `with` match when the rule has one.
    pub span: Range<usize>,
    /// The patterns that matched, as written (`study leave + refus*`).
    pub pattern: String,
    pub negated: bool,
}

/// Every rule of a codebook, compiled to scan a text once.
///
/// All literal terms of all codes go into one automaton, so the cost of a
/// scan grows with the text, not with the number of codes; only regular
/// expressions are run one by one. The alternative, one regex per code, is
/// what makes existing tools slow on large codebooks.
///
/// Terms match whole words only, so the automaton is a trie walked from
/// the start of each word rather than an Aho-Corasick automaton
/// run over every byte: it finds exactly the matches an Aho-Corasick scan
/// followed by a word-boundary check would keep (a test compares the two
/// on random text), without first finding the ones it would throw away,
/// and without a search object per call.
pub struct Matcher {
    /// How many rules all codes have.
    rule_count: usize,
    /// The trie's terms from this one on are negation triggers.
    negation_terms: u32,
    trie: Trie,
    /// For each term of the trie: whether it is a stem, and where its uses
    /// are in `uses`.
    literals: Vec<(bool, Range<usize>)>,
    uses: Vec<Use>,
    regexes: Vec<(regex::Regex, Use)>,
    /// All of `regexes` in one automaton. Asking each regex about each
    /// segment cost more than the rest of coding together (one search,
    /// with its own start-up, per regex per segment); one search for all
    /// of them says whether any matches, which few segments do. Only
    /// then are the regexes run one by one, exactly as before, so their
    /// matches (each regex's own, overlapping others') are unchanged. A
    /// multi-pattern search reporting matches directly would give only
    /// leftmost, non-overlapping ones across all patterns, a different
    /// answer.
    any_regex: regex::RegexSet,
    /// Per code, per rule: the patterns as written and who the rule listens to.
    rules: Vec<Vec<RuleInfo>>,
}

struct RuleInfo {
    /// Per part (any, with, without), per pattern: its proximity, if it is
    /// a `NEAR`/`BEFORE` pattern.
    near: [Vec<Option<(usize, bool)>>; 3],
    has_with: bool,
    any: Vec<Arc<str>>,
    with: Vec<Arc<str>>,
}

/// No negation cache slot: the hit's span is not a term match's own.
const NO_SLOT: u32 = u32::MAX;

#[derive(Clone)]
struct Hit {
    at: Use,
    span: Range<usize>,
    /// The term match's slot in the segment's negation cache: a term used
    /// by many rules is asked about once.
    slot: u32,
}

/// A code's rule firing on a piece of text, as
/// [`Matcher::each_firing_where`] gives it: a [`CodeMatch`] whose patterns
/// are not yet written out. A coder drops many firings (negated ones, by
/// default), and a string for each would be made only to be freed;
/// [`Matcher::pattern`] writes it for the ones that are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    /// Index of the code in [`Codebook::codes`].
    pub code: usize,
    /// Index of the rule within the code.
    pub rule: usize,
    /// As [`CodeMatch::span`].
    pub span: Range<usize>,
    pub negated: bool,
    /// The `any` pattern that matched, and the `with` pattern if the rule
    /// has a qualifier, by index within their parts.
    any: usize,
    with: Option<usize>,
}

/// Buffers one thread reuses from text to text, so that a scan allocates
/// nothing once they have grown.
#[derive(Default)]
struct Scratch {
    /// Term matches as the trie finds them: (term, start, end).
    terms: Vec<(u32, u32, u32)>,
    /// Per rule (by `Use::rule_id`), for simple rules: always back to
    /// default between texts.
    simple: Vec<Simple>,
    /// The simple rules with hits in this text.
    touched: Vec<u32>,
    /// A count of the texts scanned, naming the current one.
    text: u64,
    /// The other rules' firings in this text, beside their rule ids.
    firings: Vec<(u32, Firing)>,
    hits: Vec<Hit>,
    negations: Vec<u8>,
    words: Vec<Word>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch buffers, or fresh ones if they are
/// in use (a callback that scans again).
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        Err(_) => f(&mut Scratch::default()),
    })
}

/// Whether negation is asked about a segment, answered lazily: words are
/// read for negation only if some hit needs it, and then once for all.
struct Negation<'t, 's> {
    text: &'t str,
    /// False when the text has no word that could negate; not known
    /// until asked.
    may_negate: Option<bool>,
    scope: Option<Scope<'t>>,
    words: &'s mut Vec<Word>,
    /// Per term match: 0 not asked yet, 1 not negated, 2 negated.
    cache: &'s mut Vec<u8>,
}

impl<'t> Negation<'t, '_> {
    fn scope(&mut self) -> &Scope<'t> {
        let (text, words) = (self.text, &mut *self.words);
        self.scope
            .get_or_insert_with(|| Scope::reusing(text, std::mem::take(words)))
    }

    fn negated(&mut self, hit: &Hit) -> bool {
        self.negated_at(hit.slot, hit.span.clone())
    }

    /// Whether the hit at `span`, with cache slot `slot`, is negated.
    fn negated_at(&mut self, slot: u32, span: Range<usize>) -> bool {
        let text = self.text.as_bytes();
        let may_negate = *self.may_negate.get_or_insert_with(|| has_nt(text));
        if !may_negate {
            return false;
        }
        if slot == NO_SLOT {
            return self.scope().is_negated(span);
        }
        let slot = slot as usize;
        if self.cache[slot] == 0 {
            let negated = self.scope().is_negated(span);
            self.cache[slot] = 1 + negated as u8;
        }
        self.cache[slot] == 2
    }

    /// Gives the word buffer back for the next segment.
    fn finish(self) {
        if let Some(scope) = self.scope {
            *self.words = scope.into_words();
        }
    }
}

impl Matcher {
    pub fn new(codebook: &Codebook) -> Matcher {
        let mut literal_ids: HashMap<(String, bool), usize> = HashMap::new();
        let mut literal_texts: Vec<String> = Vec::new();
        let mut literals: Vec<(bool, Vec<Use>)> = Vec::new();
        let mut regexes = Vec::new();
        let mut rules = Vec::new();
        let mut rule_count = 0;
        for (code, c) in codebook.codes.iter().enumerate() {
            let mut infos = Vec::new();
            for (rule, r) in c.rules.iter().enumerate() {
                let simple = r.with.is_empty()
                    && r.without.is_empty()
                    && r.any.iter().all(|p| matches!(p, Pattern::Term { .. }));
                let rule_id = rule_count as u32;
                rule_count += 1;
                for (part, list) in [
                    (Part::Any, &r.any),
                    (Part::With, &r.with),
                    (Part::Without, &r.without),
                ] {
                    for (index, p) in list.iter().enumerate() {
                        let at = Use {
                            code: code as u32,
                            rule: rule as u32,
                            part,
                            index: index as u32,
                            near: None,
                            speakers: r.speakers,
                            rule_id,
                            simple,
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
                    has_with: !r.with.is_empty(),
                    any: r.any.iter().map(|p| p.as_written().into()).collect(),
                    with: r.with.iter().map(|p| p.as_written().into()).collect(),
                });
            }
            rules.push(infos);
        }
        // The negation triggers go into the trie too, with no uses: a text
        // in which none matches (and with no apostrophe for "n't") cannot
        // have a negated match, and its words need not be read.
        let negation_terms = literal_texts.len() as u32;
        for trigger in crate::negation::TRIGGERS {
            literal_texts.push(trigger.to_string());
            literals.push((false, Vec::new()));
        }
        let mut uses = Vec::new();
        let literals = literals
            .into_iter()
            .map(|(stem, at)| {
                let start = uses.len();
                uses.extend(at);
                (stem, start..uses.len())
            })
            .collect();
        // Each regex compiled already, so together they compile too.
        let any_regex = regex::RegexSetBuilder::new(regexes.iter().map(|(re, _)| re.as_str()))
            .case_insensitive(true)
            .build()
            .expect("regexes that compile one by one compile as a set");
        Matcher {
            rule_count,
            negation_terms,
            trie: Trie::new(&literal_texts),
            literals,
            uses,
            regexes,
            any_regex,
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
        let mut out = Vec::new();
        self.each_firing_where(text, listens, applies, |f| out.push(self.code_match(f)));
        out
    }

    /// [`Matcher::find_where`] without the patterns written out, each
    /// firing passed to `found` in code order rather than collected: a
    /// coder asking about millions of segments need not allocate a vector
    /// for each, nor a pattern string for firings it drops.
    pub fn each_firing_where(
        &self,
        text: &str,
        listens: impl Fn(Speakers) -> bool,
        applies: impl Fn(usize) -> bool,
        mut found: impl FnMut(Firing),
    ) {
        // The first firing of each code, replaced by its first non-negated
        // firing if the first was negated; a code's firings come together.
        let mut best: Option<Firing> = None;
        self.each_firing(text, &listens, &applies, |firing| match &mut best {
            Some(prev) if prev.code == firing.code => {
                if prev.negated && !firing.negated {
                    *prev = firing;
                }
            }
            _ => {
                if let Some(prev) = best.replace(firing) {
                    found(prev);
                }
            }
        });
        if let Some(last) = best {
            found(last);
        }
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
        let mut out = Vec::new();
        self.each_firing(text, &listens, &applies, |f| out.push(self.code_match(f)));
        out
    }

    /// The patterns that matched in a firing, as written
    /// (`study leave + refus*`): [`CodeMatch::pattern`].
    pub fn pattern(&self, f: &Firing) -> String {
        self.shared_pattern(f).to_string()
    }

    /// [`Matcher::pattern`], shared: a firing of a single pattern (most
    /// of them) gets the codebook's own copy rather than an allocation,
    /// which counts when a corpus has a million codings.
    pub fn shared_pattern(&self, f: &Firing) -> Arc<str> {
        let info = &self.rules[f.code][f.rule];
        match f.with {
            Some(w) => format!("{} + {}", info.any[f.any], info.with[w]).into(),
            None => info.any[f.any].clone(),
        }
    }

    /// A firing with its patterns written out.
    pub fn code_match(&self, f: Firing) -> CodeMatch {
        CodeMatch {
            pattern: self.pattern(&f),
            code: f.code,
            rule: f.rule,
            span: f.span,
            negated: f.negated,
        }
    }

    /// Every rule that fires on `text`, in code then rule order.
    fn each_firing(
        &self,
        text: &str,
        listens: &impl Fn(Speakers) -> bool,
        applies: &impl Fn(usize) -> bool,
        mut fired: impl FnMut(Firing),
    ) {
        with_scratch(|scratch| {
            scratch.text += 1;
            let Scratch {
                terms,
                simple,
                touched,
                text: text_id,
                firings,
                hits,
                negations,
                words,
            } = scratch;
            hits.clear();
            negations.clear();
            touched.clear();
            firings.clear();
            if simple.len() < self.rule_count {
                simple.resize(self.rule_count, Simple::default());
            }
            let bytes = text.as_bytes();
            // First the bare scan, in a loop of its own, then the terms'
            // uses: together, the scan's loop kept the uses' state in
            // memory rather than registers.
            terms.clear();
            self.trie.matches(text, terms);
            // Only a word that is a trigger, or ends in "n't", can negate:
            // without one, every match stands. Whether there is an
            // apostrophe is asked only if negation is.
            let may_negate = if terms.iter().any(|&(id, ..)| id >= self.negation_terms) {
                Some(true)
            } else {
                None
            };
            let mut negation = Negation {
                text,
                may_negate,
                scope: None,
                words,
                cache: negations,
            };
            for &(id, start, end) in terms.iter() {
                if id >= self.negation_terms {
                    continue;
                }
                let (start, end) = (start as usize, end as usize);
                let (stem, uses) = &self.literals[id as usize];
                let end = if *stem {
                    end + word_len(text, end)
                } else if starts_word(text, bytes, end) {
                    continue;
                } else {
                    end
                };
                let slot = negation.cache.len() as u32;
                let mut used = false;
                // Whether this match is negated, once asked.
                let mut negated = None;
                for at in &self.uses[uses.clone()] {
                    if !(listens(at.speakers) && applies(at.code as usize)) {
                        continue;
                    }
                    if !used {
                        used = true;
                        negation.cache.push(0);
                    }
                    if !at.simple {
                        hits.push(Hit {
                            at: *at,
                            span: start..end,
                            slot,
                        });
                        continue;
                    }
                    let rule = &mut simple[at.rule_id as usize];
                    if rule.text != *text_id {
                        *rule = Simple {
                            text: *text_id,
                            code: at.code,
                            rule: at.rule,
                            ..Simple::default()
                        };
                    }
                    if rule.not_negated.is_some() {
                        continue;
                    }
                    let negated =
                        *negated.get_or_insert_with(|| negation.negated_at(slot, start..end));
                    if rule.first.is_none() {
                        touched.push(at.rule_id);
                        rule.first = Some((start..end, at.index));
                    }
                    if !negated {
                        rule.not_negated = Some((start..end, at.index));
                    }
                }
            }
            let regexes = if self.any_regex.is_match(text) {
                &self.regexes[..]
            } else {
                &[]
            };
            for (re, at) in regexes {
                if listens(at.speakers) && applies(at.code as usize) {
                    hits.extend(re.find_iter(text).map(|m| Hit {
                        at: *at,
                        span: m.range(),
                        slot: NO_SLOT,
                    }));
                }
            }
            if !hits.is_empty() {
                // Group by (code, rule), keeping text order within each
                // group: a stable sort, so that hits with the same span
                // keep the order the scan found them in.
                hits.sort_by_key(|h| (h.at.code, h.at.rule, h.span.start, h.span.end));
                for group in hits.chunk_by(|a, b| (a.at.code, a.at.rule) == (b.at.code, b.at.rule))
                {
                    let info = &self.rules[group[0].at.code as usize][group[0].at.rule as usize];
                    if let Some(firing) = self.fire(group, info, &mut negation) {
                        firings.push((group[0].at.rule_id, firing));
                    }
                }
            }
            // Both kinds of rules' firings, in rule order.
            touched.sort_unstable();
            let mut others = firings.drain(..).peekable();
            for &id in touched.iter() {
                while let Some((_, firing)) = others.next_if(|(other, _)| *other < id) {
                    fired(firing);
                }
                let rule = std::mem::take(&mut simple[id as usize]);
                let negated = rule.not_negated.is_none();
                let (span, any) = rule
                    .not_negated
                    .or(rule.first)
                    .expect("a touched rule has a hit");
                fired(Firing {
                    code: rule.code as usize,
                    rule: rule.rule as usize,
                    span,
                    negated,
                    any: any as usize,
                    with: None,
                });
            }
            others.for_each(|(_, firing)| fired(firing));
            negation.finish();
        })
    }

    fn fire(&self, group: &[Hit], info: &RuleInfo, negation: &mut Negation) -> Option<Firing> {
        let paired;
        let group = if group.iter().any(|h| h.at.near.is_some()) {
            paired = pair_near(group, info, negation.scope());
            &paired[..]
        } else {
            group
        };
        let part = |p: Part| group.iter().filter(move |h| h.at.part == p);
        if part(Part::Without).any(|h| !negation.negated(h)) {
            return None;
        }
        let first_any = part(Part::Any).next()?;
        let (evidence, qualifier, negated) = if info.has_with {
            let first_with = part(Part::With).next()?;
            match part(Part::With).find(|h| !negation.negated(h)) {
                Some(w) => (first_any, Some(w), false),
                None => (first_any, Some(first_with), true),
            }
        } else {
            match part(Part::Any).find(|h| !negation.negated(h)) {
                Some(a) => (a, None, false),
                None => (first_any, None, true),
            }
        };
        let mut span = evidence.span.clone();
        if let Some(q) = qualifier {
            span = span.start.min(q.span.start)..span.end.max(q.span.end);
        }
        Some(Firing {
            code: evidence.at.code as usize,
            rule: evidence.at.rule as usize,
            span,
            any: evidence.at.index as usize,
            with: qualifier.map(|q| q.at.index as usize),
            negated,
        })
    }
}

/// Whether `text` has "n't" in it, either case, with a straight or curly
/// apostrophe: the only way a word not in the trigger list can negate.
fn has_nt(text: &[u8]) -> bool {
    const CURLY: &[u8] = "\u{2019}".as_bytes();
    let mut from = 0;
    while let Some(k) = text[from..]
        .iter()
        .position(|&b| b == b'\'' || b == CURLY[0])
    {
        let at = from + k;
        from = at + 1;
        let apostrophe = if text[at] == b'\'' {
            1
        } else if text[at..].starts_with(CURLY) {
            CURLY.len()
        } else {
            continue;
        };
        let n_before = at > 0 && text[at - 1] | 0x20 == b'n';
        let t_after = text.get(at + apostrophe).is_some_and(|&b| b | 0x20 == b't');
        if n_before && t_after {
            return true;
        }
    }
    false
}

/// Replaces the separate hits of proximity patterns' terms with one hit
/// per pair of them close enough, spanning both.
fn pair_near(group: &[Hit], info: &RuleInfo, scope: &Scope<'_>) -> Vec<Hit> {
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
        let Some(Some((words, ordered))) = info.near[slot].get(l.at.index as usize) else {
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
                    slot: NO_SLOT,
                });
            }
        }
    }
    out.sort_by_key(|h| (h.span.start, h.span.end));
    out
}

/// Whether each ASCII byte is alphanumeric: a word character.
static ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// Whether the character at byte `at` of `text` (a character boundary) is
/// alphanumeric.
fn starts_word(text: &str, bytes: &[u8], at: usize) -> bool {
    match bytes.get(at) {
        None => false,
        Some(&b) if b < 0x80 => ASCII_WORD[b as usize],
        Some(_) => text[at..].chars().next().is_some_and(char::is_alphanumeric),
    }
}

/// The length in bytes of the run of alphanumeric characters at byte `at`
/// of `text`: how far a stem's match extends.
fn word_len(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = at;
    while end < bytes.len() {
        let b = bytes[end];
        if b < 0x80 {
            if !ASCII_WORD[b as usize] {
                break;
            }
            end += 1;
        } else {
            match text[end..].chars().next() {
                Some(c) if c.is_alphanumeric() => end += c.len_utf8(),
                _ => break,
            }
        }
    }
    end - at
}

/// Every literal term, folded to ASCII lower case, in one trie: a term can
/// match only where the character before it is not alphanumeric (the
/// start of a word, for terms that start with a letter or digit, as every
/// term the parser makes does), so the trie is walked from each such place
/// and stops as soon as no term continues, which for most words is at
/// their first or second letter.
///
/// Transitions are a dense table over byte classes (the distinct bytes of
/// the terms, upper and lower case together; class 0 for every byte no
/// term has), each entry the next state shifted left once, its low bit set
/// when that state ends a term. State 0 is dead: its row is all zeros.
struct Trie {
    /// The root's row by byte rather than by class.
    root: [u32; 256],
    classes: [u8; 256],
    /// A state's row starts at `state << shift`: rows are a power of two
    /// long, so that finding one takes a shift, not a multiplication.
    shift: u32,
    next: Vec<u32>,
    /// Per state: the range of `ids` holding the terms it ends, in term order.
    ends: Vec<Range<u32>>,
    ids: Vec<u32>,
    /// Whether every term starts with an alphanumeric character, so that
    /// only word starts need be tried.
    word_starts_only: bool,
}

const ROOT: usize = 1;

impl Trie {
    fn new(terms: &[String]) -> Trie {
        let mut classes = [0u8; 256];
        let mut count = 1usize;
        for b in terms.iter().flat_map(|t| t.bytes()) {
            let b = b.to_ascii_lowercase();
            if classes[b as usize] == 0 {
                // At most 230 classes: upper-case letters share theirs.
                classes[b as usize] = count as u8;
                classes[b.to_ascii_uppercase() as usize] = count as u8;
                count += 1;
            }
        }
        let shift = count.next_power_of_two().trailing_zeros();
        let stride = 1 << shift;
        // The dead state and the root.
        let mut next = vec![0u32; 2 * stride];
        let mut ends: Vec<Vec<u32>> = vec![Vec::new(), Vec::new()];
        for (id, term) in terms.iter().enumerate() {
            // An empty term (the parser makes none) matches nothing.
            if term.is_empty() {
                continue;
            }
            let mut state = ROOT;
            for b in term.bytes() {
                let at = state * stride + classes[b.to_ascii_lowercase() as usize] as usize;
                if next[at] == 0 {
                    let new = ends.len();
                    ends.push(Vec::new());
                    next.resize(next.len() + stride, 0);
                    next[at] = (new as u32) << 1;
                }
                state = (next[at] >> 1) as usize;
            }
            ends[state].push(id as u32);
        }
        for entry in &mut next {
            if *entry != 0 && !ends[(*entry >> 1) as usize].is_empty() {
                *entry |= 1;
            }
        }
        let mut ids = Vec::new();
        let ends = ends
            .into_iter()
            .map(|e| {
                let start = ids.len() as u32;
                ids.extend(e);
                start..ids.len() as u32
            })
            .collect();
        Trie {
            root: std::array::from_fn(|b| next[(ROOT << shift) | classes[b] as usize]),
            classes,
            shift,
            next,
            ends,
            ids,
            word_starts_only: terms
                .iter()
                .all(|t| t.is_empty() || t.starts_with(char::is_alphanumeric)),
        }
    }

    /// Appends `(term, start, end)` to `out` for every term matching in
    /// `text` where the character before it, if any, is not alphanumeric:
    /// by start, then end, then term. Texts are bounded by `u32` offsets,
    /// which a segment always is.
    fn matches(&self, text: &str, out: &mut Vec<(u32, u32, u32)>) {
        let bytes = text.as_bytes();
        if !self.word_starts_only || u32::try_from(bytes.len()).is_err() {
            self.each_match(text, |id, start, end| {
                out.push((id, start as u32, end as u32))
            });
            return;
        }
        let mut i = 0;
        // Whether the character before `i` is alphanumeric.
        let mut in_word = false;
        while i < bytes.len() {
            // Eight ASCII bytes at a time: their word starts as bits.
            if let Some(chunk) = bytes.get(i..i + 8) {
                let chunk = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
                if chunk & HIGH_BITS == 0 {
                    let word = ascii_alphanumeric_bits(chunk);
                    let mut starts = word & !((word << 1) | in_word as u64);
                    while starts != 0 {
                        self.walk(bytes, i + starts.trailing_zeros() as usize, out);
                        starts &= starts - 1;
                    }
                    in_word = word & 0x80 != 0;
                    i += 8;
                    continue;
                }
            }
            // A character at a time near non-ASCII text and at the end.
            let b = bytes[i];
            let (word, len) = if b < 0x80 {
                (ASCII_WORD[b as usize], 1)
            } else {
                let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
                (c.is_alphanumeric(), c.len_utf8())
            };
            if word && !in_word {
                self.walk(bytes, i, out);
            }
            in_word = word;
            i += len;
        }
    }

    /// Calls `found(term, start, end)` for every term matching in `text`
    /// where the character before it, if any, is not alphanumeric: by
    /// start, then end, then term. The general form of [`Trie::matches`],
    /// for terms that do not all start with a letter or digit.
    fn each_match(&self, text: &str, mut found: impl FnMut(u32, usize, usize)) {
        let bytes = text.as_bytes();
        let mut i = 0;
        // Whether the character before `i` is alphanumeric.
        let mut in_word = false;
        while i < bytes.len() {
            let b = bytes[i];
            let (word, len) = if b < 0x80 {
                (ASCII_WORD[b as usize], 1)
            } else {
                let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
                (c.is_alphanumeric(), c.len_utf8())
            };
            if !in_word && (word || !self.word_starts_only) {
                self.walk_with(bytes, i, &mut found);
            }
            in_word = word;
            i += len;
        }
    }

    /// The terms matching from `start` (less than `bytes.len()`), appended
    /// to `out`. Reporting a match is out of line, so that the loop keeps
    /// its state in registers; the first step, taken by every word, needs
    /// no byte class.
    #[inline]
    fn walk(&self, bytes: &[u8], start: usize, out: &mut Vec<(u32, u32, u32)>) {
        let (next, classes, shift) = (&self.next[..], &self.classes, self.shift);
        let mut entry = self.root[bytes[start] as usize];
        let mut i = start + 1;
        loop {
            if entry == 0 {
                return;
            }
            let state = (entry >> 1) as usize;
            if entry & 1 != 0 {
                self.ended(state, start, i, out);
            }
            let Some(&b) = bytes.get(i) else {
                return;
            };
            entry = next[(state << shift) | classes[b as usize] as usize];
            i += 1;
        }
    }

    /// The terms `state` ends, matched from `start` to `end`.
    #[cold]
    fn ended(&self, state: usize, start: usize, end: usize, out: &mut Vec<(u32, u32, u32)>) {
        let ends = &self.ends[state];
        for &id in &self.ids[ends.start as usize..ends.end as usize] {
            out.push((id, start as u32, end as u32));
        }
    }

    fn walk_with(&self, bytes: &[u8], start: usize, found: &mut impl FnMut(u32, usize, usize)) {
        let mut state = ROOT;
        for (k, &b) in bytes[start..].iter().enumerate() {
            let entry = self.next[(state << self.shift) | self.classes[b as usize] as usize];
            if entry == 0 {
                return;
            }
            state = (entry >> 1) as usize;
            if entry & 1 != 0 {
                let ends = &self.ends[state];
                for &id in &self.ids[ends.start as usize..ends.end as usize] {
                    found(id, start, start + k + 1);
                }
            }
        }
    }
}

/// The high bit of each byte of a `u64`: set for a non-ASCII byte.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// For eight ASCII bytes (little-endian in a `u64`), bit `k` set when byte
/// `k` is a letter or digit. Each byte is compared with the bounds of the
/// ranges by adding to it, so that its high bit tells (no byte carries
/// into the next: all are below 0x80 and the addends at most 0x80); the
/// eight high bits are then gathered into one byte by a multiplication.
fn ascii_alphanumeric_bits(chunk: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // High bit set in each byte that is at least `c`.
    let at_least = |x: u64, c: u8| x + (0x80 - c as u64) * ONES;
    let digit = at_least(chunk, b'0') & !at_least(chunk, b'9' + 1);
    // Setting 0x20 turns upper-case letters into lower-case ones and no
    // other byte into a letter.
    let folded = chunk | (0x20 * ONES);
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    let high = (digit | letter) & HIGH_BITS;
    (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn book() -> Codebook {
        Codebook::parse(
            Path::new("cb.toml"),
            r#"
name = "t"
[[code]]
id = "cost"
label = "Cost"
[[code.rule]]
any = ["cost", "pay for", "afford*"]
[[code]]
id = "leave"
label = "Study leave"
[[code.rule]]
any = ["study leave"]
with = ["refus*", "couldn't", "problem"]
[[code]]
id = "train"
label = "Training"
[[code.rule]]
any = ["train*"]
without = ["induction"]
[[code.rule]]
regex = ['\bcourses?\b']
speakers = "interviewer"
"#,
        )
        .unwrap()
    }

    fn find(text: &str) -> Vec<(String, String, bool)> {
        let cb = book();
        Matcher::new(&cb)
            .find(text, |s| s != Speakers::Interviewer)
            .into_iter()
            .map(|m| {
                (
                    cb.codes[m.code].id.clone(),
                    text[m.span].to_string(),
                    m.negated,
                )
            })
            .collect()
    }

    #[test]
    fn whole_words_stems_and_case_folding() {
        assert_eq!(
            find("The COST of it."),
            [("cost".into(), "COST".into(), false)]
        );
        assert_eq!(find("It was costly."), []);
        assert_eq!(
            find("I can't afford it."),
            [("cost".into(), "afford".into(), true)]
        );
        assert_eq!(
            find("Affordability."),
            [("cost".into(), "Affordability".into(), false)]
        );
        assert_eq!(
            find("Trainers and training."),
            [("train".into(), "Trainers".into(), false)]
        );
        assert_eq!(find("Retraining."), []);
    }

    #[test]
    fn with_without_and_qualifier_polarity() {
        assert_eq!(
            find("My study leave was refused."),
            [("leave".into(), "study leave was refused".into(), false)]
        );
        assert_eq!(find("I have study leave."), []);
        assert_eq!(
            find("I couldn't get study leave."),
            [("leave".into(), "couldn't get study leave".into(), false)]
        );
        assert_eq!(
            find("I've never had a problem getting study leave."),
            [("leave".into(), "problem getting study leave".into(), true)]
        );
        assert_eq!(find("Training at induction."), []);
    }

    #[test]
    fn proximity_near_and_before() {
        let cb = Codebook::parse(
            Path::new("cb.toml"),
            r#"
name = "t"
[[code]]
id = "leave"
label = "Leave"
[[code.rule]]
any = ["study leave NEAR/3 refus*"]
[[code]]
id = "order"
label = "Order"
[[code.rule]]
any = ["manager BEFORE/2 appraisal*"]
"#,
        )
        .unwrap();
        let m = Matcher::new(&cb);
        let find = |text: &str| -> Vec<(String, String, String)> {
            m.find(text, |_| true)
                .into_iter()
                .map(|x| {
                    (
                        cb.codes[x.code].id.clone(),
                        text[x.span].to_string(),
                        x.pattern,
                    )
                })
                .collect()
        };
        assert_eq!(
            find("They refused my study leave."),
            [(
                "leave".into(),
                "refused my study leave".into(),
                "study leave NEAR/3 refus*".into()
            )]
        );
        assert_eq!(
            find("Study leave, which I asked for twice in March, was refused."),
            []
        );
        assert_eq!(
            find("My manager did my appraisal."),
            [(
                "order".into(),
                "manager did my appraisal".into(),
                "manager BEFORE/2 appraisal*".into()
            )]
        );
        assert_eq!(find("Appraisals with my manager."), []);
    }

    #[test]
    fn speaker_filter_and_positive_beats_negated() {
        assert_eq!(find("A course."), []);
        let cb = book();
        let m = Matcher::new(&cb).find("A course.", |_| true);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].pattern, "/\\bcourses?\\b/");
        assert_eq!(
            find("No cost to me, but I pay for travel."),
            [("cost".into(), "pay for".into(), false)]
        );
    }

    /// A random codebook in TOML: terms, stems, phrases, proximity,
    /// qualifiers, exclusions, a regex and speaker filters, over a small
    /// vocabulary so that rules overlap, share terms and repeat them.
    fn random_codebook(next: &mut impl FnMut(usize) -> usize) -> String {
        const TERMS: &[&str] = &[
            "cost",
            "cost*",
            "co*",
            "costs",
            "study leave",
            "study*",
            "leave",
            "train*",
            "training",
            "e-learning",
            "learn*",
            "caf\u{e9}",
            "ward",
            "no",
            "manager",
            "pay for",
            "band 3",
            "3",
            "it's",
            "d\u{e9}j\u{e0} vu",
        ];
        let mut toml = String::from("name = \"t\"\n");
        for code in 0..1 + next(5) {
            toml.push_str(&format!("[[code]]\nid = \"c{code}\"\nlabel = \"C\"\n"));
            for _ in 0..next(3) {
                toml.push_str("[[code.rule]]\n");
                let list = |next: &mut dyn FnMut(usize) -> usize, n: usize| {
                    let items: Vec<String> = (0..n)
                        .map(|_| match next(8) {
                            0 => format!(
                                "{} NEAR/{} {}",
                                TERMS[next(TERMS.len())].trim_end_matches('*'),
                                1 + next(3),
                                TERMS[next(TERMS.len())]
                            ),
                            1 => format!(
                                "{} BEFORE/{} {}",
                                TERMS[next(TERMS.len())].trim_end_matches('*'),
                                1 + next(3),
                                TERMS[next(TERMS.len())]
                            ),
                            _ => TERMS[next(TERMS.len())].to_string(),
                        })
                        .map(|t| format!("\"{t}\""))
                        .collect();
                    items.join(", ")
                };
                let n = 1 + next(4);
                let any = list(next, n);
                toml.push_str(&format!("any = [{any}]\n"));
                if next(3) == 0 {
                    let n = 1 + next(2);
                    let with = list(next, n);
                    toml.push_str(&format!("with = [{with}]\n"));
                }
                if next(4) == 0 {
                    let without = list(next, 1);
                    toml.push_str(&format!("without = [{without}]\n"));
                }
                if next(6) == 0 {
                    toml.push_str("speakers = \"any\"\n");
                }
            }
            if next(5) == 0 {
                toml.push_str("[[code.rule]]\nregex = ['\\bleav(e|ing)\\b']\n");
            }
        }
        toml
    }

    /// A random text: the codebook's words in mixed case, fragments of
    /// them, negation words, punctuation and non-ASCII letters.
    fn random_text(next: &mut impl FnMut(usize) -> usize) -> String {
        const WORDS: &[&str] = &[
            "cost",
            "Cost",
            "COSTS",
            "costly",
            "co",
            "study",
            "Study",
            "leave",
            "leaves",
            "training",
            "retraining",
            "e-learning",
            "learning",
            "caf\u{e9}",
            "Caf\u{e9}s",
            "ward",
            "no",
            "not",
            "never",
            "didn\u{2019}t",
            "isn't",
            "problem",
            "issue",
            "but",
            "only",
            "manager",
            "pay",
            "for",
            "band",
            "3",
            "3.5",
            "it's",
            "d\u{e9}j\u{e0}",
            "vu",
            "\u{e9}t\u{e9}",
            "Hardly",
            "nobody",
            "CANNOT",
            "neither",
            "nothing",
            "x",
            "the",
            "a",
            "I",
        ];
        const GAPS: &[&str] = &[
            " ", " ", " ", " ", ", ", ". ", "-", "'", "\u{2019}", "\u{2014}", "", "  ", "? ", "(",
            ") ",
        ];
        let mut text = String::new();
        for _ in 0..next(20) {
            text.push_str(WORDS[next(WORDS.len())]);
            text.push_str(GAPS[next(GAPS.len())]);
        }
        text
    }

    #[test]
    fn n_t_is_found_with_either_apostrophe() {
        for text in [
            "didn't",
            "DIDN'T it",
            "isn\u{2019}t",
            "Isn\u{2019}T.",
            "n't",
        ] {
            assert!(has_nt(text.as_bytes()), "{text}");
        }
        for text in [
            "it's",
            "I\u{2019}m",
            "n'",
            "'t",
            "n\u{2018}t",
            "n t",
            "",
            "\u{2014}",
        ] {
            assert!(!has_nt(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn alphanumeric_bits_of_every_ascii_byte_at_every_place() {
        for place in 0..8 {
            for b in 0..0x80u8 {
                // The byte among others of every kind, so that a carry from
                // a neighbour would show.
                let mut bytes = *b"a0~Z 9z\x7f";
                bytes[place] = b;
                let chunk = u64::from_le_bytes(bytes);
                let expected = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| b.is_ascii_alphanumeric())
                    .fold(0, |bits, (k, _)| bits | 1 << k);
                assert_eq!(ascii_alphanumeric_bits(chunk), expected, "{bytes:?}");
            }
        }
    }

    #[test]
    fn agrees_with_the_aho_corasick_matcher_on_random_codebooks_and_texts() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let (mut compared, mut fired) = (0, 0);
        for _ in 0..400 {
            let toml = random_codebook(&mut next);
            let cb = Codebook::parse(Path::new("cb.toml"), &toml)
                .unwrap_or_else(|e| panic!("{toml}\n{e}"));
            let (fast, simple) = (Matcher::new(&cb), reference::Matcher::new(&cb));
            for _ in 0..50 {
                let text = random_text(&mut next);
                for interviewer in [false, true] {
                    let listens = |s: Speakers| match s {
                        Speakers::Participant => !interviewer,
                        Speakers::Interviewer => interviewer,
                        Speakers::Any => true,
                    };
                    let odd = |c: usize| c % 2 == 1;
                    let got = fast.find_rules(&text, listens);
                    assert_eq!(got, simple.find_rules(&text, listens), "{toml}\n{text:?}");
                    assert_eq!(
                        fast.find_where(&text, listens, odd),
                        simple.find_where(&text, listens, odd),
                        "{toml}\n{text:?}"
                    );
                    compared += 1;
                    fired += got.len();
                }
            }
        }
        // The comparison means something only if rules fire often.
        assert!(fired > compared / 4, "{fired} firings in {compared} texts");
    }
}
