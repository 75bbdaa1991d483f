//! Automatic coding: applies a codebook to a corpus's segments and records,
//! for every coding, the evidence that produced it.
//!
//! This is the third stage of the pipeline (transcript -> segments ->
//! *codings* -> tables -> report). A [`Coder`] segments each transcript at
//! the codebook's unit, asks the codebook's [`Matcher`] where each code's
//! rules fire, applies the codes' negation policies, and pushes each
//! [`Coding`] into a [`Sink`].
//!
//! It is *not* a store of codings (manual coding and review live elsewhere)
//! and it does no counting: tables are the analysis stage's job.

mod check;
mod evaluate;

pub use check::{check, Warning, OVERLAP};
pub use evaluate::{CodeScore, Evaluation, Gold, GoldError};

use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use strand_codebook::{Codebook, Firing, Matcher, NegatedPolicy, Speakers};
use strand_transcript::{segment_id, turn_spans, Corpus, Role, Segment, Transcript, Unit};

/// Why a coding was made: the rule that fired and what it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Index of the rule within the code that fired (the code the match was
    /// recoded from, for a recoded negation).
    pub rule: usize,
    /// The patterns that matched, as written in the codebook. Shared with
    /// the matcher, as the other strings of a coding are.
    pub pattern: Arc<str>,
    /// Byte range of the matched text in the transcript.
    pub span: Range<usize>,
    /// Whether the match stood in a negation's scope.
    pub negated: bool,
}

/// One code applied to one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coding {
    /// Shared with every other coding of the document: a corpus has
    /// millions of codings and few distinct documents, speakers, codes and
    /// coders, so these are reference-counted rather than copied.
    pub document: Arc<str>,
    /// The segment's stable id (`P07:t12.s3`).
    pub segment: String,
    /// Byte range of the segment in the transcript.
    pub segment_span: Range<usize>,
    /// The participant whose turn it is: the case the coding counts for.
    pub speaker: Arc<str>,
    pub code: Arc<str>,
    /// For a negated match recoded by its code's policy (`negated =
    /// "other.code"`): the code whose rule matched. The coding is then
    /// positive evidence for `code`, though its evidence is negated.
    pub recoded_from: Option<Arc<str>>,
    /// Who coded it: `auto:<codebook hash>` for automatic coding, so every
    /// coding can be traced to the exact codebook version that made it.
    pub coder: Arc<str>,
    pub evidence: Evidence,
}

/// Receives codings as they are found.
///
/// Coding pushes into a sink rather than returning an iterator of codings
/// (the same choice ripgrep's searcher makes with its `Sink`): the coder
/// need not know whether codings are collected for analysis, counted for a
/// progress bar, written to a store or printed, and a consumer that wants a
/// `Vec` gets one from the blanket implementation below. A pull-based
/// iterator would have to hold each transcript's segmentation alive between
/// calls and would make "after each document" hooks awkward.
pub trait Sink {
    type Error;

    /// Called once per coding, in document then segment order.
    fn coding(&mut self, coding: Coding) -> Result<(), Self::Error>;

    /// Called after each transcript has been coded.
    fn document_done(&mut self, _transcript: &Transcript) -> Result<(), Self::Error> {
        Ok(())
    }
}

impl Sink for Vec<Coding> {
    type Error = std::convert::Infallible;

    fn coding(&mut self, coding: Coding) -> Result<(), Self::Error> {
        self.push(coding);
        Ok(())
    }
}

/// Tells the workers of [`Coder::code_corpus`] to stop when dropped (with
/// `.2`, only when dropped by a panic): sets the flag, then wakes those
/// waiting to run ahead (taking the lock first, so that none checks the
/// flag and then misses the wake-up).
struct Stop<'a>(
    &'a std::sync::atomic::AtomicBool,
    &'a (std::sync::Mutex<usize>, std::sync::Condvar),
    bool,
);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        let Stop(stop, (count, wake), only_on_panic) = self;
        if *only_on_panic && !std::thread::panicking() {
            return;
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        drop(count.lock().unwrap_or_else(|e| e.into_inner()));
        wake.notify_all();
    }
}

/// What coding found in one transcript, before the codings are written
/// out: each coded segment, and the codes (by index) and firings that code
/// it.
#[derive(Default)]
struct Found {
    segments: Vec<FoundSegment>,
    codings: Vec<(usize, Firing)>,
}

struct FoundSegment {
    /// Index of the turn in [`Transcript::turns`].
    turn: usize,
    unit: Unit,
    /// Index of the segment among the turn's at `unit`.
    index: usize,
    span: Range<usize>,
    /// Its entries in [`Found::codings`]: never empty.
    codings: Range<usize>,
}

/// A document's id and speaker labels, made once per document and shared
/// by its codings, with the code ids and coder name they point to.
///
/// Codings are written out on one thread (see [`Coder::code_corpus`]), so
/// these reference counts are not fought over by cores.
struct Names {
    document: Arc<str>,
    speakers: Vec<(String, Arc<str>)>,
    codes: Vec<Arc<str>>,
    coder: Arc<str>,
}

impl Names {
    fn new(t: &Transcript, coder: &Coder) -> Names {
        let mut speakers: Vec<(String, Arc<str>)> = Vec::new();
        for turn in &t.turns {
            if !speakers.iter().any(|(s, _)| *s == turn.speaker) {
                speakers.push((turn.speaker.clone(), Arc::from(turn.speaker.as_str())));
            }
        }
        Names {
            document: Arc::from(t.id.as_str()),
            speakers,
            codes: coder.code_ids.clone(),
            coder: coder.coder.clone(),
        }
    }

    fn speaker(&self, label: &str) -> Arc<str> {
        self.speakers
            .iter()
            .find(|(s, _)| s == label)
            .map(|(_, a)| a.clone())
            .unwrap_or_else(|| Arc::from(label))
    }
}

/// Whether a rule's speaker filter admits a turn by `role`.
fn listens(speakers: Speakers, role: Role) -> bool {
    match speakers {
        Speakers::Participant => role == Role::Participant,
        Speakers::Interviewer => role == Role::Interviewer,
        Speakers::Any => true,
    }
}

/// A codebook compiled for coding.
pub struct Coder<'c> {
    /// Coding borrows nothing from the codebook after compiling it; the
    /// lifetime is kept so that the type need not change if it does.
    codebook: std::marker::PhantomData<&'c Codebook>,
    matcher: Matcher,
    unit: Unit,
    /// Per code, the unit it applies to.
    code_units: Vec<Unit>,
    /// The distinct units in use, the codebook's first.
    units: Vec<Unit>,
    /// Code ids, shared by every coding of each code.
    code_ids: Vec<Arc<str>>,
    coder: Arc<str>,
    /// Per code: where its negated matches go (`None`: ignored).
    negated_to: Vec<Option<usize>>,
    /// Per unit in `units`, per role (interviewer, participant): whether
    /// any rule of a code at that unit listens to that role. A turn no rule
    /// listens to is not cut into segments at all.
    listened: Vec<[bool; 2]>,
}

impl<'c> Coder<'c> {
    pub fn new(codebook: &'c Codebook) -> Coder<'c> {
        let mut coder = Coder {
            codebook: std::marker::PhantomData,
            matcher: Matcher::new(codebook),
            // The codebook crate checked the unit against the same names.
            unit: Unit::from_str(&codebook.unit).unwrap_or_default(),
            code_units: (0..codebook.codes.len())
                .map(|i| Unit::from_str(codebook.unit_of(i)).unwrap_or_default())
                .collect(),
            units: {
                let mut units = vec![Unit::from_str(&codebook.unit).unwrap_or_default()];
                for i in 0..codebook.codes.len() {
                    let u = Unit::from_str(codebook.unit_of(i)).unwrap_or_default();
                    if !units.contains(&u) {
                        units.push(u);
                    }
                }
                units
            },
            code_ids: codebook
                .codes
                .iter()
                .map(|c| Arc::from(c.id.as_str()))
                .collect(),
            coder: Arc::from(format!("auto:{}", codebook.short_hash())),
            negated_to: codebook
                .codes
                .iter()
                .enumerate()
                .map(|(i, code)| match &code.negated {
                    NegatedPolicy::Keep => Some(i),
                    NegatedPolicy::Ignore => None,
                    NegatedPolicy::Recode(other) => {
                        codebook.codes.iter().position(|c| &c.id == other)
                    }
                })
                .collect(),
            listened: Vec::new(),
        };
        coder.listened = coder
            .units
            .iter()
            .map(|&unit| {
                [Role::Interviewer, Role::Participant].map(|role| {
                    codebook.codes.iter().enumerate().any(|(i, code)| {
                        coder.code_units[i] == unit
                            && code.rules.iter().any(|r| listens(r.speakers, role))
                    })
                })
            })
            .collect();
        coder
    }

    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// Codes every transcript of a corpus.
    ///
    /// Documents are coded in parallel, and their codings reach the sink in
    /// document order from this thread: the sink sees exactly what a single
    /// thread would produce, whatever the number of threads, and need not
    /// be `Send`.
    ///
    /// Worker threads (as many as rayon's pool has, so `RAYON_NUM_THREADS`
    /// rules here too) take documents in order and find what to code in
    /// each; this thread writes the codings out and hands them
    /// over as soon as the next document in order is ready. Written out
    /// here, a coding's strings are allocated by the thread that (through
    /// the sink) usually frees them, which allocators do several times
    /// faster than freeing another thread's memory, and codings are moved
    /// once rather than from vector to vector. Workers run at most 64
    /// documents ahead of the sink, which bounds the
    /// memory held between them; unlike batches, the window never leaves a
    /// worker waiting for the slowest document of a batch.
    ///
    /// The workers are threads of their own rather than tasks in rayon's
    /// pool because they wait for this thread: a pool task that waits
    /// could hold up the pool this thread itself runs in.
    pub fn code_corpus<S: Sink>(&self, corpus: &Corpus, sink: &mut S) -> Result<(), S::Error> {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::{mpsc, Condvar, Mutex};
        let docs = &corpus.transcripts;
        let threads = rayon::current_num_threads().min(docs.len());
        if threads <= 1 {
            for t in docs {
                self.code_transcript(t, sink)?;
            }
            return Ok(());
        }
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        // How many documents the sink has had, and a wake-up for workers
        // waiting to run ahead.
        let delivered = (Mutex::new(0usize), Condvar::new());
        let (send, receive) = mpsc::channel::<(usize, Found)>();
        // Buffers of delivered documents, emptied, for workers to reuse:
        // one document's findings take a few hundred kilobytes, which the
        // allocator would otherwise map and unmap for every document.
        let spare: Mutex<Vec<Found>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let send = send.clone();
                let (next, stop, delivered, spare) = (&next, &stop, &delivered, &spare);
                scope.spawn(move || {
                    // A worker that panics lets the others go, so that the
                    // panic reaches the caller rather than a deadlock.
                    let _stop = Stop(stop, delivered, true);
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= docs.len() {
                            return;
                        }
                        let (count, wake) = delivered;
                        let mut count = count.lock().unwrap_or_else(|e| e.into_inner());
                        while i >= *count + Self::WINDOW && !stop.load(Ordering::Relaxed) {
                            count = wake.wait(count).unwrap_or_else(|e| e.into_inner());
                        }
                        drop(count);
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let mut found = spare
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .pop()
                            .unwrap_or_default();
                        self.find_into(&docs[i], &mut found);
                        if send.send((i, found)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(send);
            // However this thread leaves (done, a sink's error, a panic),
            // the workers stop: none waits, and none can send once
            // `receive` is dropped.
            let _stop = Stop(&stop, &delivered, false);
            // Found documents not yet delivered, by index less the number
            // delivered: at most a window of them.
            let mut waiting: std::collections::VecDeque<Option<Found>> = Default::default();
            let mut done = 0;
            let result = receive.iter().try_for_each(|(i, found)| {
                let at = i - done;
                if waiting.len() <= at {
                    waiting.resize_with(at + 1, || None);
                }
                waiting[at] = Some(found);
                while let Some(Some(_)) = waiting.front() {
                    let mut found = waiting.pop_front().flatten().expect("checked above");
                    let t = &docs[done];
                    self.deliver(t, &mut found, &Names::new(t, self), sink)?;
                    spare.lock().unwrap_or_else(|e| e.into_inner()).push(found);
                    done += 1;
                    let (count, wake) = &delivered;
                    *count.lock().unwrap_or_else(|e| e.into_inner()) = done;
                    wake.notify_all();
                }
                Ok(())
            });
            drop(receive);
            result
        })
    }

    /// How many documents the workers of [`Coder::code_corpus`] may have
    /// found before the sink has had them.
    const WINDOW: usize = 64;

    /// Codes one transcript: each unit the codebook uses, its codes on that
    /// unit's segments, the codebook's own unit first.
    ///
    /// This gives what [`Coder::code_segment`] gives for each of
    /// [`segments`](strand_transcript::segments) in turn (a test holds the
    /// two together), faster: turns that no rule listens to are skipped,
    /// segments are cut as bare ranges into one buffer, and a segment's id
    /// is written only if it gets a coding.
    pub fn code_transcript<S: Sink>(&self, t: &Transcript, sink: &mut S) -> Result<(), S::Error> {
        self.deliver(t, &mut self.find(t), &Names::new(t, self), sink)
    }

    /// What gets coded in a transcript, before the codings are written out.
    fn find(&self, t: &Transcript) -> Found {
        let mut found = Found {
            segments: Vec::new(),
            codings: Vec::new(),
        };
        self.find_into(t, &mut found);
        found
    }

    /// [`Coder::find`] into `found`'s buffers, which are expected empty.
    fn find_into(&self, t: &Transcript, found: &mut Found) {
        let mut spans = Vec::new();
        let mut choices = Vec::new();
        for (u, &unit) in self.units.iter().enumerate() {
            for (turn_index, turn) in t.turns.iter().enumerate() {
                if !self.listened[u][(turn.role == Role::Participant) as usize] {
                    continue;
                }
                spans.clear();
                turn_spans(&t.text, turn, unit, &mut spans);
                for (index, span) in spans.iter().enumerate() {
                    self.code_span(&t.text[span.clone()], turn.role, unit, &mut choices);
                    if choices.is_empty() {
                        continue;
                    }
                    let start = found.codings.len();
                    found.codings.append(&mut choices);
                    found.segments.push(FoundSegment {
                        turn: turn_index,
                        unit,
                        index,
                        span: span.clone(),
                        codings: start..found.codings.len(),
                    });
                }
            }
        }
    }

    /// Writes out what was found in `t` and hands it to the sink.
    /// `found` is left empty, its buffers kept for another document.
    fn deliver<S: Sink>(
        &self,
        t: &Transcript,
        found: &mut Found,
        names: &Names,
        sink: &mut S,
    ) -> Result<(), S::Error> {
        let mut codings = found.codings.drain(..);
        for segment in found.segments.drain(..) {
            let turn = &t.turns[segment.turn];
            let speaker = names.speaker(&turn.speaker);
            let span = &segment.span;
            // The id is written once and moved into the last coding.
            let id = segment_id(&t.id, turn.number, segment.unit, segment.index);
            for _ in 1..segment.codings.len() {
                let (target, firing) = codings.next().expect("a coding per place");
                let coding = (target, firing, id.clone());
                sink.coding(self.coding(names, &speaker, span, coding))?;
            }
            let (target, firing) = codings.next().expect("a coding per place");
            sink.coding(self.coding(names, &speaker, span, (target, firing, id)))?;
        }
        sink.document_done(t)
    }

    /// The unit of a segment, from its id.
    fn unit_of_segment(segment: &Segment) -> Unit {
        let tail = segment.id.rsplit(':').next().unwrap_or("");
        match tail.rsplit_once('.') {
            Some((_, s)) if s.starts_with('s') => Unit::Sentence,
            Some((_, p)) if p.starts_with('p') => Unit::Paragraph,
            _ => Unit::Turn,
        }
    }

    /// Every rule firing on a segment, negated or not, before negation
    /// policies and the choice of one firing per code: what `strand
    /// explain` shows beside the codings that came of it.
    pub fn firings(&self, t: &Transcript, segment: &Segment) -> Vec<strand_codebook::CodeMatch> {
        let role = segment.role;
        let unit = Self::unit_of_segment(segment);
        self.matcher.find_rules_where(
            segment.text(t),
            |s| listens(s, role),
            |c| self.code_units[c] == unit,
        )
    }

    /// Every (code index, rule index) whose rule fires on a segment, before
    /// negation policies and choosing one per code.
    pub fn fired_rules(&self, t: &Transcript, segment: &Segment) -> Vec<(usize, usize)> {
        let role = segment.role;
        let unit = Self::unit_of_segment(segment);
        self.matcher
            .find_rules_where(
                segment.text(t),
                |s| listens(s, role),
                |c| self.code_units[c] == unit,
            )
            .into_iter()
            .filter(|m| !m.negated)
            .map(|m| (m.code, m.rule))
            .collect()
    }

    /// The codings of one segment, sorted by code order in the codebook,
    /// at most one per code.
    pub fn code_segment(&self, t: &Transcript, segment: &Segment) -> Vec<Coding> {
        let names = Names::new(t, self);
        let speaker = names.speaker(&t.turns[segment.turn - 1].speaker);
        let unit = Self::unit_of_segment(segment);
        let mut found = Vec::new();
        self.code_span(segment.text(t), segment.role, unit, &mut found);
        found
            .into_iter()
            .map(|(target, firing)| {
                let coding = (target, firing, segment.id.clone());
                self.coding(&names, &speaker, &segment.span, coding)
            })
            .collect()
    }

    /// What gets coded in a segment's `text` at `unit`, spoken by `role`:
    /// the codes (by index) and the firings that code them, at most one per
    /// code, in code order, into `out` (cleared first). Codings are written
    /// out from these only when they are handed over, so that a segment's
    /// choices move small values about, not whole codings.
    fn code_span(&self, text: &str, role: Role, unit: Unit, out: &mut Vec<(usize, Firing)>) {
        out.clear();
        self.matcher.each_firing_where(
            text,
            |s| listens(s, role),
            |c| self.code_units[c] == unit,
            |firing| {
                let target = if firing.negated {
                    match self.negated_to[firing.code] {
                        Some(target) => target,
                        None => return,
                    }
                } else {
                    firing.code
                };
                // A recoded negation may land on a code that also matched
                // directly; the direct, positive evidence wins.
                match out.iter_mut().find(|(i, _)| *i == target) {
                    Some((_, existing)) => {
                        if existing.negated && !firing.negated {
                            *existing = firing;
                        }
                    }
                    None => out.push((target, firing)),
                }
            },
        );
        // Firings come in code order; recoding can break it.
        out.sort_by_key(|(i, _)| *i);
    }

    /// The coding of the segment at `span` (in its transcript) with id
    /// `segment` to code `target`, made by `firing`.
    fn coding(
        &self,
        names: &Names,
        speaker: &Arc<str>,
        span: &Range<usize>,
        (target, firing, segment): (usize, Firing, String),
    ) -> Coding {
        Coding {
            document: names.document.clone(),
            segment,
            segment_span: span.clone(),
            speaker: speaker.clone(),
            code: names.codes[target].clone(),
            recoded_from: (target != firing.code).then(|| names.codes[firing.code].clone()),
            coder: names.coder.clone(),
            evidence: Evidence {
                rule: firing.rule,
                pattern: self.matcher.shared_pattern(&firing),
                span: span.start + firing.span.start..span.start + firing.span.end,
                negated: firing.negated,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn codebook() -> Codebook {
        Codebook::parse(
            Path::new("cb.toml"),
            r#"
name = "t"
[[code]]
id = "manager"
label = "Manager"
[[code]]
id = "manager.supportive"
label = "Supportive"
negated = "manager.unsupportive"
[[code.rule]]
any = ["supportive"]
[[code]]
id = "manager.unsupportive"
label = "Unsupportive"
[[code.rule]]
any = ["never there"]
[[code]]
id = "cost"
label = "Cost"
negated = "keep"
[[code.rule]]
any = ["cost"]
"#,
        )
        .unwrap()
    }

    #[test]
    fn negation_policies_and_evidence_offsets() {
        let cb = codebook();
        let t = strand_transcript::parse_transcript(
            Path::new("P01.txt"),
            "Interviewer: Is your manager supportive?\nP01: She's not supportive. The cost is fine. Supportive, yes.\n".into(),
        )
        .unwrap();
        let mut codings: Vec<Coding> = Vec::new();
        Coder::new(&cb).code_transcript(&t, &mut codings).unwrap();
        let got: Vec<(&str, &str, &str, bool)> = codings
            .iter()
            .map(|c| {
                (
                    c.segment.as_str(),
                    &*c.code,
                    &t.text[c.evidence.span.clone()],
                    c.evidence.negated,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("P01:t2.s1", "manager.unsupportive", "supportive", true),
                ("P01:t2.s2", "cost", "cost", false),
                ("P01:t2.s3", "manager.supportive", "Supportive", false),
            ]
        );
        assert!(codings.iter().all(|c| &*c.speaker == "P01"));
        assert_eq!(&*codings[0].coder, format!("auto:{}", cb.short_hash()));
    }

    /// The simple path the fast one must agree with: every segment of
    /// every unit, coded one by one.
    fn simple(coder: &Coder, t: &Transcript) -> Vec<Coding> {
        coder
            .units
            .iter()
            .flat_map(|&unit| strand_transcript::segments(t, unit))
            .flat_map(|segment| coder.code_segment(t, &segment))
            .collect()
    }

    #[test]
    fn code_transcript_agrees_with_coding_each_segment() {
        const TERMS: &[&str] = &[
            "cost",
            "cost*",
            "co*",
            "study leave",
            "leave",
            "train*",
            "manager",
            "pay for",
            "supportive",
            "never there",
        ];
        const WORDS: &[&str] = &[
            "cost",
            "Costs",
            "study",
            "leave",
            "training",
            "manager",
            "pay",
            "for",
            "supportive",
            "never",
            "there",
            "not",
            "no",
            "but",
            "Dr.",
            "e.g.",
            "it",
            "was",
            "fine",
            "caf\u{e9}",
        ];
        let mut x: u64 = 0x0DDB_1A5E_5BAD_5EED;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let (mut transcripts, mut coded) = (0, 0);
        for _ in 0..150 {
            let mut toml = format!(
                "name = \"t\"\nunit = \"{}\"\n",
                ["sentence", "paragraph", "turn"][next(3)]
            );
            let codes = 1 + next(5);
            for code in 0..codes {
                toml.push_str(&format!("[[code]]\nid = \"c{code}\"\nlabel = \"C\"\n"));
                if next(3) == 0 {
                    let unit = ["sentence", "paragraph", "turn"][next(3)];
                    toml.push_str(&format!("unit = \"{unit}\"\n"));
                }
                match next(4) {
                    0 => toml.push_str("negated = \"keep\"\n"),
                    1 if codes > 1 => {
                        let other = (code + 1 + next(codes - 1)) % codes;
                        toml.push_str(&format!("negated = \"c{other}\"\n"))
                    }
                    _ => {}
                }
                for _ in 0..next(3) {
                    let any: Vec<String> = (0..1 + next(3))
                        .map(|_| format!("\"{}\"", TERMS[next(TERMS.len())]))
                        .collect();
                    toml.push_str(&format!("[[code.rule]]\nany = [{}]\n", any.join(", ")));
                    if next(4) == 0 {
                        toml.push_str(&format!("with = [\"{}\"]\n", TERMS[next(TERMS.len())]));
                    }
                    if next(4) == 0 {
                        toml.push_str("speakers = \"any\"\n");
                    } else if next(6) == 0 {
                        toml.push_str("speakers = \"interviewer\"\n");
                    }
                }
            }
            let cb = Codebook::parse(Path::new("cb.toml"), &toml)
                .unwrap_or_else(|e| panic!("{toml}\n{e}"));
            let coder = Coder::new(&cb);
            for _ in 0..10 {
                let mut text = String::new();
                for turn in 0..1 + next(6) {
                    text.push_str(if turn % 2 == 0 {
                        "Interviewer: "
                    } else {
                        "P01: "
                    });
                    for _ in 0..1 + next(3) {
                        for w in 0..1 + next(14) {
                            if w > 0 {
                                text.push(' ');
                            }
                            text.push_str(WORDS[next(WORDS.len())]);
                            text.push_str(["", "", "", ",", ".", "?"][next(6)]);
                        }
                        text.push_str(["\n\n", ". ", " "][next(3)]);
                    }
                    text.push('\n');
                }
                let t = strand_transcript::parse_transcript(Path::new("P01.txt"), text.clone())
                    .unwrap_or_else(|e| panic!("{text:?}: {e}"));
                let mut fast: Vec<Coding> = Vec::new();
                coder.code_transcript(&t, &mut fast).unwrap();
                assert_eq!(fast, simple(&coder, &t), "{toml}\n{text:?}");
                transcripts += 1;
                coded += fast.len();
            }
        }
        assert!(
            coded > transcripts,
            "{coded} codings in {transcripts} transcripts"
        );
    }

    /// Stops after `left` codings, to check that an error reaches the
    /// caller from the middle of a corpus.
    struct Failing {
        left: usize,
        seen: Vec<Coding>,
    }

    impl Sink for Failing {
        type Error = &'static str;

        fn coding(&mut self, coding: Coding) -> Result<(), Self::Error> {
            if self.left == 0 {
                return Err("full");
            }
            self.left -= 1;
            self.seen.push(coding);
            Ok(())
        }
    }

    #[test]
    fn code_corpus_gives_each_transcript_in_order_whatever_the_threads() {
        let cb = codebook();
        let coder = Coder::new(&cb);
        // More documents than the workers may run ahead by (64).
        let transcripts: Vec<Transcript> = (0..150)
            .map(|i| {
                let text = format!(
                    "Interviewer: Why?\nP{i:03}: The cost{}. {} was not supportive. \
                     Supportive, yes{}.\n",
                    ", the cost".repeat(i % 3),
                    ["She", "He", "It"][i % 3],
                    " and the cost".repeat(i % 2)
                );
                let path = format!("P{i:03}.txt");
                strand_transcript::parse_transcript(Path::new(&path), text).unwrap()
            })
            .collect();
        let mut expected: Vec<Coding> = Vec::new();
        for t in &transcripts {
            coder.code_transcript(t, &mut expected).unwrap();
        }
        assert!(expected.len() > 300);
        let corpus = Corpus {
            transcripts,
            cases: Default::default(),
            warnings: Vec::new(),
        };
        for threads in [1, 2, 5] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let mut got: Vec<Coding> = Vec::new();
            pool.install(|| coder.code_corpus(&corpus, &mut got))
                .unwrap();
            assert!(got == expected, "{threads} threads");
        }
        // Full early on, and near the end.
        for left in [20, expected.len() - 20] {
            let mut failing = Failing {
                left,
                seen: Vec::new(),
            };
            assert_eq!(coder.code_corpus(&corpus, &mut failing), Err("full"));
            assert!(failing.seen[..] == expected[..left]);
        }
    }

    /// Panics on its `at`th coding.
    struct Panicking {
        at: usize,
    }

    impl Sink for Panicking {
        type Error = std::convert::Infallible;

        fn coding(&mut self, _: Coding) -> Result<(), Self::Error> {
            self.at = self.at.checked_sub(1).expect("the sink gives up");
            Ok(())
        }
    }

    /// Runs `f` on a thread of its own and says whether it panicked,
    /// failing if it takes more than a minute (a deadlock).
    fn panics_in_time(f: impl FnOnce() + Send + 'static) -> bool {
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err();
            let _ = done.send(panicked);
        });
        wait.recv_timeout(std::time::Duration::from_secs(60))
            .expect("finished, not deadlocked")
    }

    #[test]
    fn a_panic_in_the_sink_or_a_worker_reaches_the_caller() {
        let corpus = || {
            let transcripts = (0..200)
                .map(|i| {
                    let text = format!("P{i:03}: The cost. Not supportive. Supportive.\n");
                    let path = format!("P{i:03}.txt");
                    strand_transcript::parse_transcript(Path::new(&path), text).unwrap()
                })
                .collect();
            Corpus {
                transcripts,
                cases: Default::default(),
                warnings: Vec::new(),
            }
        };
        let pool = || {
            rayon::ThreadPoolBuilder::new()
                .num_threads(3)
                .build()
                .unwrap()
        };
        // The sink panics while workers wait to run ahead.
        let sink_corpus = corpus();
        assert!(panics_in_time(move || {
            let cb = codebook();
            let coder = Coder::new(&cb);
            let _ = pool().install(|| coder.code_corpus(&sink_corpus, &mut Panicking { at: 5 }));
        }));
        // A worker panics on a transcript whose paragraphs lie outside its
        // text (no parser makes one; a bug might).
        let mut broken = corpus();
        let outside: std::ops::Range<usize> = 0..10_000;
        broken.transcripts[100].turns[0].paragraphs = vec![outside];
        assert!(panics_in_time(move || {
            let cb = codebook();
            let coder = Coder::new(&cb);
            let mut codings: Vec<Coding> = Vec::new();
            let _ = pool().install(|| coder.code_corpus(&broken, &mut codings));
        }));
    }
}
