//! `strand review`: deciding about suggestions one segment at a time, in a
//! terminal (ratatui), or from a file of decisions for scripts.
//!
//! Every key that changes something is one store command, committed at
//! once: quitting, a crash or a closed terminal loses at most the keystroke
//! being made, and `u` undoes the last decision through the store's undo.
//! The screen shows only what the researcher is entitled to see in their
//! own terminal (the segment, its neighbours and the evidence); nothing of
//! it is logged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;
use strand_store::{Decision, SegmentRow, Store};

use crate::project_cmd::{command, open, CoderArg, ProjectArg};

#[derive(Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub coder: CoderArg,
    #[command(flatten)]
    pub project: ProjectArg,
    /// Review only this document's segments.
    #[arg(long)]
    pub document: Option<String>,
    /// Review only suggestions of this code (or its descendants).
    #[arg(long)]
    pub code: Option<String>,
    /// Apply decisions from a file instead of the terminal: lines
    /// `accept SEGMENT CODE`, `reject SEGMENT CODE`, `add SEGMENT CODE`,
    /// `remove SEGMENT CODE`, `memo SEGMENT TEXT`; `#` starts a comment.
    /// The whole file is one command: all of it applies, or none.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
}

pub fn run(args: &ReviewArgs) -> Result<()> {
    let mut store = open(&args.project)?;
    match &args.decisions {
        Some(file) => apply_file(&mut store, file, &args.coder.coder),
        None => interactive(store, args),
    }
}

/// One line of a decisions file.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Decide(String, String, Decision),
    Add(String, String),
    Remove(String, String),
    Memo(String, String),
}

fn parse_decisions(path: &Path, text: &str) -> Result<Vec<(usize, Entry)>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw
            .split_once('#')
            .map_or(raw, |(before, _)| before)
            .trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let column = line.len() - trimmed.len() + 1;
        let at = |col: usize, msg: String| {
            anyhow::anyhow!("{}:{}:{}: {msg}", path.display(), i + 1, col)
        };
        let mut words = trimmed.splitn(3, char::is_whitespace);
        let verb = words.next().unwrap_or_default();
        let segment = words.next().unwrap_or_default().to_string();
        let rest = words.next().unwrap_or_default().trim().to_string();
        if segment.is_empty() {
            return Err(at(
                column + verb.len(),
                format!("`{verb}` needs a segment id, e.g. `{verb} P07:t12.s3 barriers.cost`"),
            ));
        }
        let need_code = |rest: &str| -> Result<String> {
            if rest.is_empty() || rest.contains(char::is_whitespace) {
                Err(at(
                    column,
                    format!("`{verb}` needs one code id after the segment"),
                ))
            } else {
                Ok(rest.to_string())
            }
        };
        let parsed = match verb {
            "accept" => Entry::Decide(segment, need_code(&rest)?, Decision::Accept),
            "reject" => Entry::Decide(segment, need_code(&rest)?, Decision::Reject),
            "add" => Entry::Add(segment, need_code(&rest)?),
            "remove" => Entry::Remove(segment, need_code(&rest)?),
            "memo" if !rest.is_empty() => Entry::Memo(segment, rest),
            "memo" => return Err(at(column, "`memo` needs text after the segment".into())),
            other => {
                return Err(at(
                    column,
                    format!(
                        "unknown decision `{other}`; expected accept, reject, add, remove or memo"
                    ),
                ))
            }
        };
        out.push((i + 1, parsed));
    }
    Ok(out)
}

fn apply_file(store: &mut Store, path: &Path, coder: &str) -> Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    let lines = parse_decisions(path, &text)?;
    let line = format!("review --decisions ({} line(s))", lines.len());
    let n = command(store, &line, Some(coder), |tx| {
        for (number, l) in &lines {
            let located = |e: strand_store::Error| -> strand_store::Error {
                strand_store::Error::CodebookEdit(format!("{}:{number}: {e}", path.display()))
            };
            match l {
                Entry::Decide(s, c, d) => tx.decide(s, c, coder, *d).map(|_| ()),
                Entry::Add(s, c) => tx.code(s, c, coder).map(|_| ()),
                Entry::Remove(s, c) => tx.uncode(s, c, coder),
                Entry::Memo(s, t) => tx.memo(s, false, coder, t).map(|_| ()),
            }
            .map_err(located)?;
        }
        tx.summarise(format!("{} decision(s)", lines.len()));
        Ok(lines.len())
    })
    .map_err(|e| match e.downcast::<strand_store::Error>() {
        Ok(strand_store::Error::CodebookEdit(m)) => anyhow::anyhow!("{m}"),
        Ok(other) => other.into(),
        Err(e) => e,
    })?;
    println!("{n} decision(s) applied");
    Ok(())
}

/// A suggestion or coding shown for the current segment.
#[derive(Debug, Clone)]
struct Choice {
    code: String,
    label: String,
    /// The rule and the words it matched, for suggestions.
    evidence: Option<String>,
    negated: bool,
    /// This coder's decision: None pending, Some(true) accepted.
    decided: Option<bool>,
}

/// A segment with something to decide.
#[derive(Debug, Clone)]
struct Item {
    segment: SegmentRow,
    choices: Vec<Choice>,
}

enum Popup {
    None,
    Help,
    /// Fuzzy search over codes: to add one (`c`) or jump to one (`/`).
    Codes {
        query: String,
        selected: usize,
        add: bool,
    },
    Memo(String),
    Document(String),
}

struct Review {
    coder: String,
    items: Vec<Item>,
    at: usize,
    selected: usize,
    popup: Popup,
    message: String,
    codes: Vec<(String, String)>,
    cases: BTreeMap<String, BTreeMap<String, String>>,
    sentences: BTreeMap<String, Vec<SegmentRow>>,
}

fn load_items(
    store: &Store,
    coder: &str,
    document: Option<&str>,
    code: Option<&str>,
) -> Result<Vec<Item>> {
    let codebook = store.codebook()?;
    let mut by_segment: BTreeMap<(String, usize, usize, String), Item> = BTreeMap::new();
    let mut mine: BTreeMap<(String, String), bool> = BTreeMap::new();
    let rows = store.codings(false)?;
    for c in &rows {
        if c.coder == coder {
            mine.insert(
                (c.segment.sid.clone(), c.code.clone()),
                c.status == "accepted",
            );
        }
    }
    let in_code = |c: &str| code.is_none_or(|x| c == x || c.starts_with(&format!("{x}.")));
    for c in rows {
        if document.is_some_and(|d| d != c.segment.document) {
            continue;
        }
        let suggested = c.coder == strand_store::AUTO;
        if !(suggested || c.coder == coder) || !in_code(&c.code) {
            continue;
        }
        let key = (
            c.segment.document.clone(),
            c.segment.start,
            c.segment.end,
            c.segment.sid.clone(),
        );
        let item = by_segment.entry(key).or_insert_with(|| Item {
            segment: c.segment.clone(),
            choices: Vec::new(),
        });
        if item.choices.iter().any(|x| x.code == c.code) {
            continue;
        }
        let evidence = c
            .evidence
            .as_deref()
            .and_then(|e| serde_json::from_str::<serde_json::Value>(e).ok());
        let matched = evidence.as_ref().and_then(|e| {
            let (s, t) = (e["start"].as_u64()? as usize, e["end"].as_u64()? as usize);
            let (s, t) = (
                s.checked_sub(c.segment.start)?,
                t.checked_sub(c.segment.start)?,
            );
            c.segment.text.get(s..t).map(str::to_string)
        });
        item.choices.push(Choice {
            label: codebook
                .get(&c.code)
                .map(|x| x.label.clone())
                .unwrap_or_default(),
            evidence: c.rule.as_ref().map(|r| match &matched {
                Some(m) => format!("rule `{r}` matched \"{m}\""),
                None => format!("rule `{r}`"),
            }),
            negated: evidence
                .as_ref()
                .and_then(|e| e["negated"].as_bool())
                .unwrap_or(false),
            decided: mine.get(&(c.segment.sid.clone(), c.code.clone())).copied(),
            code: c.code,
        });
    }
    Ok(by_segment.into_values().collect())
}

impl Review {
    fn new(store: &Store, args: &ReviewArgs) -> Result<Review> {
        let coder = args.coder.coder.clone();
        let items = load_items(
            store,
            &coder,
            args.document.as_deref(),
            args.code.as_deref(),
        )?;
        let codebook = store.codebook()?;
        let mut sentences: BTreeMap<String, Vec<SegmentRow>> = BTreeMap::new();
        for s in store.segments("sentence", None)? {
            sentences.entry(s.document.clone()).or_default().push(s);
        }
        let mut review = Review {
            coder,
            at: 0,
            selected: 0,
            popup: Popup::None,
            message: String::from("? for help"),
            codes: codebook
                .codes
                .iter()
                .map(|c| (c.id.clone(), c.label.clone()))
                .collect(),
            cases: store.cases()?,
            sentences,
            items,
        };
        // Start where the coder left off.
        review.at = review
            .items
            .iter()
            .position(|i| i.choices.iter().any(|c| c.decided.is_none()))
            .unwrap_or(0);
        Ok(review)
    }

    fn pending(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.choices.iter().any(|c| c.decided.is_none()))
            .count()
    }

    fn refresh(&mut self, store: &Store) -> Result<()> {
        let Some(item) = self.items.get(self.at) else {
            return Ok(());
        };
        let sid = item.segment.sid.clone();
        let fresh = load_items(store, &self.coder, Some(&item.segment.document), None)?;
        if let Some(new) = fresh.into_iter().find(|i| i.segment.sid == sid) {
            // Keep codes added by hand in view, in order.
            self.items[self.at] = new;
        }
        self.selected = self
            .selected
            .min(self.items[self.at].choices.len().saturating_sub(1));
        Ok(())
    }

    fn matches(&self, query: &str) -> Vec<usize> {
        if query.is_empty() {
            return (0..self.codes.len()).collect();
        }
        let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
        let mut matcher = nucleo_matcher::Matcher::new(nucleo_matcher::Config::DEFAULT);
        let names: Vec<String> = self
            .codes
            .iter()
            .map(|(id, label)| format!("{id} {label}"))
            .collect();
        let mut scored: Vec<(u32, usize)> = names
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                let mut buf = Vec::new();
                let s = pattern.score(nucleo_matcher::Utf32Str::new(n, &mut buf), &mut matcher)?;
                Some((s, i))
            })
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, i)| i).collect()
    }

    fn decide(&mut self, store: &mut Store, code: &str, decision: Option<Decision>) -> Result<()> {
        let Some(item) = self.items.get(self.at) else {
            return Ok(());
        };
        let sid = item.segment.sid.clone();
        let coder = self.coder.clone();
        let (verb, line) = match decision {
            Some(Decision::Accept) => ("accepted", format!("review accept {sid} {code}")),
            Some(Decision::Reject) => ("rejected", format!("review reject {sid} {code}")),
            None => ("added", format!("review add {sid} {code}")),
        };
        let result = command(store, &line, Some(&coder), |tx| {
            match decision {
                Some(d) => tx.decide(&sid, code, &coder, d)?,
                None => tx.code(&sid, code, &coder)?,
            };
            tx.summarise(verb);
            Ok(())
        });
        self.message = match result {
            Ok(()) => format!("{verb} {code}"),
            Err(e) => format!("error: {e:#}"),
        };
        self.refresh(store)
    }

    fn next_pending(&mut self, forward: bool) {
        let n = self.items.len();
        if n == 0 {
            return;
        }
        let mut i = self.at;
        for _ in 0..n {
            i = if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            if self.items[i].choices.iter().any(|c| c.decided.is_none()) {
                self.at = i;
                self.selected = 0;
                return;
            }
        }
        self.message = "nothing left to decide".into();
    }

    /// Handles a key; returns false to quit.
    fn key(&mut self, store: &mut Store, key: KeyEvent) -> Result<bool> {
        match std::mem::replace(&mut self.popup, Popup::None) {
            Popup::None => {}
            Popup::Help => return Ok(true),
            Popup::Codes {
                query,
                selected,
                add,
            } => {
                match key.code {
                    KeyCode::Esc => {}
                    KeyCode::Enter => {
                        if let Some(&i) = self.matches(&query).get(selected) {
                            let code = self.codes[i].0.clone();
                            if add {
                                self.decide(store, &code, None)?;
                            } else {
                                self.jump_to_code(&code);
                            }
                        }
                    }
                    KeyCode::Down => {
                        self.popup = Popup::Codes {
                            query,
                            selected: selected + 1,
                            add,
                        }
                    }
                    KeyCode::Up => {
                        self.popup = Popup::Codes {
                            query,
                            selected: selected.saturating_sub(1),
                            add,
                        }
                    }
                    KeyCode::Backspace => {
                        let mut q = query;
                        q.pop();
                        self.popup = Popup::Codes {
                            query: q,
                            selected: 0,
                            add,
                        };
                    }
                    KeyCode::Char(c) => {
                        self.popup = Popup::Codes {
                            query: format!("{query}{c}"),
                            selected: 0,
                            add,
                        }
                    }
                    _ => {
                        self.popup = Popup::Codes {
                            query,
                            selected,
                            add,
                        }
                    }
                }
                return Ok(true);
            }
            Popup::Memo(text) => {
                match key.code {
                    KeyCode::Esc => self.message = "memo discarded".into(),
                    KeyCode::Enter if !text.trim().is_empty() => {
                        let sid = self
                            .items
                            .get(self.at)
                            .map(|i| i.segment.sid.clone())
                            .unwrap_or_default();
                        let coder = self.coder.clone();
                        let r = command(
                            store,
                            &format!("review memo --on {sid}"),
                            Some(&coder),
                            |tx| {
                                let id = tx.memo(&sid, false, &coder, &text)?;
                                tx.summarise(format!("memo #{id}"));
                                Ok(id)
                            },
                        );
                        self.message = match r {
                            Ok(id) => format!("memo #{id} written"),
                            Err(e) => format!("error: {e:#}"),
                        };
                    }
                    KeyCode::Backspace => {
                        let mut t = text;
                        t.pop();
                        self.popup = Popup::Memo(t);
                    }
                    KeyCode::Char(c) => self.popup = Popup::Memo(format!("{text}{c}")),
                    _ => self.popup = Popup::Memo(text),
                }
                return Ok(true);
            }
            Popup::Document(text) => {
                match key.code {
                    KeyCode::Esc => {}
                    KeyCode::Enter => match self
                        .items
                        .iter()
                        .position(|i| i.segment.document.eq_ignore_ascii_case(text.trim()))
                    {
                        Some(i) => {
                            self.at = i;
                            self.selected = 0;
                        }
                        None => {
                            self.message =
                                format!("nothing to review in document `{}`", text.trim())
                        }
                    },
                    KeyCode::Backspace => {
                        let mut t = text;
                        t.pop();
                        self.popup = Popup::Document(t);
                    }
                    KeyCode::Char(c) => self.popup = Popup::Document(format!("{text}{c}")),
                    _ => self.popup = Popup::Document(text),
                }
                return Ok(true);
            }
        }
        let choice = self
            .items
            .get(self.at)
            .and_then(|i| i.choices.get(self.selected))
            .map(|c| c.code.clone());
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Ok(false),
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Ok(false)
            }
            KeyCode::Char('?') => self.popup = Popup::Help,
            KeyCode::Down | KeyCode::Char('j') => {
                let n = self.items.get(self.at).map_or(0, |i| i.choices.len());
                if self.selected + 1 < n {
                    self.selected += 1;
                }
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Char('a') => {
                if let Some(code) = choice {
                    self.decide(store, &code, Some(Decision::Accept))?;
                    self.advance_choice();
                }
            }
            KeyCode::Char('r') => {
                if let Some(code) = choice {
                    self.decide(store, &code, Some(Decision::Reject))?;
                    self.advance_choice();
                }
            }
            KeyCode::Char('A') => {
                let pending: Vec<String> = self
                    .items
                    .get(self.at)
                    .map(|i| {
                        i.choices
                            .iter()
                            .filter(|c| c.decided.is_none())
                            .map(|c| c.code.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                for code in pending {
                    self.decide(store, &code, Some(Decision::Accept))?;
                }
            }
            KeyCode::Char('n') | KeyCode::Right | KeyCode::Enter => self.next_pending(true),
            KeyCode::Char('p') | KeyCode::Left => self.next_pending(false),
            KeyCode::Char('N') | KeyCode::PageDown if self.at + 1 < self.items.len() => {
                self.at += 1;
                self.selected = 0;
            }
            KeyCode::Char('P') | KeyCode::PageUp => {
                self.at = self.at.saturating_sub(1);
                self.selected = 0;
            }
            KeyCode::Char('c') => {
                self.popup = Popup::Codes {
                    query: String::new(),
                    selected: 0,
                    add: true,
                }
            }
            KeyCode::Char('/') => {
                self.popup = Popup::Codes {
                    query: String::new(),
                    selected: 0,
                    add: false,
                }
            }
            KeyCode::Char('m') => self.popup = Popup::Memo(String::new()),
            KeyCode::Char('g') => self.popup = Popup::Document(String::new()),
            KeyCode::Char('u') => {
                let time = crate::project_cmd::now();
                let cmd = strand_store::Command {
                    line: "undo",
                    coder: Some(&self.coder),
                    time: &time,
                };
                self.message = match store.undo(&cmd) {
                    Ok(u) => format!("undid #{} ({})", u.entry, u.command),
                    Err(e) => format!("error: {e}"),
                };
                // An undo may touch any segment: reload everything.
                let sid = self.items.get(self.at).map(|i| i.segment.sid.clone());
                self.items = load_items(store, &self.coder, None, None)?;
                if let Some(sid) = sid {
                    self.at = self
                        .items
                        .iter()
                        .position(|i| i.segment.sid == sid)
                        .unwrap_or(0);
                }
                self.selected = 0;
            }
            _ => {}
        }
        Ok(true)
    }

    fn advance_choice(&mut self) {
        let Some(item) = self.items.get(self.at) else {
            return;
        };
        if let Some(next) = item.choices.iter().position(|c| c.decided.is_none()) {
            self.selected = next;
        } else {
            self.next_pending(true);
        }
    }

    fn jump_to_code(&mut self, code: &str) {
        let n = self.items.len();
        for step in 1..=n {
            let i = (self.at + step) % n;
            if let Some(j) = self.items[i].choices.iter().position(|c| c.code == code) {
                self.at = i;
                self.selected = j;
                return;
            }
        }
        self.message = format!("no segment suggested `{code}`");
    }
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

const HELP: &str = "a accept   r reject   A accept all   j/k or arrows choose a code\n\
n/Enter next to decide   p previous   N/P next/previous segment\n\
c add a code (fuzzy search)   / jump to a code   g jump to a document\n\
m write a memo on this segment   u undo the last decision\n\
q quit (every decision is already saved)\n\npress any key";

impl Review {
    fn draw(&self, f: &mut Frame) {
        let [top, context, choices, bottom] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Min(6),
            Constraint::Length(10),
            Constraint::Length(1),
        ])
        .areas(f.area());
        let Some(item) = self.items.get(self.at) else {
            f.render_widget(Paragraph::new("Nothing to review: run `strand autocode` first, or widen --document/--code. q quits."), f.area());
            return;
        };
        let s = &item.segment;
        let case = self
            .cases
            .get(&s.speaker)
            .map(|c| {
                c.iter()
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let header = vec![
            Line::from(vec![
                Span::styled(format!("{}  ", s.sid), Style::new().bold()),
                Span::raw(format!("{} ({})  {case}", s.speaker, s.role)),
            ]),
            Line::from(format!(
                "segment {} of {}   {} still to decide   coder {}",
                self.at + 1,
                self.items.len(),
                self.pending(),
                self.coder
            ))
            .dim(),
        ];
        f.render_widget(Paragraph::new(header), top);

        // The segment among its neighbouring sentences.
        let mut lines: Vec<Line> = Vec::new();
        if let Some(all) = self.sentences.get(&s.document) {
            let around: Vec<&SegmentRow> = all
                .iter()
                .filter(|x| x.end > s.start.saturating_sub(400) && x.start < s.end + 400)
                .collect();
            for x in around {
                let inside = x.start >= s.start && x.end <= s.end;
                let text = format!("{}: {}", x.speaker, x.text.replace('\n', " "));
                lines.push(if inside {
                    Line::from(Span::styled(
                        text,
                        Style::new().add_modifier(Modifier::BOLD),
                    ))
                } else {
                    Line::from(Span::styled(text, Style::new().add_modifier(Modifier::DIM)))
                });
            }
        }
        if lines.is_empty() {
            lines.push(Line::from(s.text.clone()).bold());
        }
        f.render_widget(
            Paragraph::new(Text::from(lines))
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(format!(" {} ", s.document))),
            context,
        );

        let list: Vec<ListItem> = item
            .choices
            .iter()
            .map(|c| {
                let mark = match c.decided {
                    None => "[ ]",
                    Some(true) => "[accepted]",
                    Some(false) => "[rejected]",
                };
                let mut spans = vec![Span::raw(format!("{mark} {}  {}", c.code, c.label))];
                if let Some(e) = &c.evidence {
                    spans.push(Span::raw(format!("   {e}")).dim());
                }
                if c.negated {
                    spans.push(Span::raw("  (negated)").italic());
                }
                ListItem::new(Line::from(spans))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(self.selected));
        f.render_stateful_widget(
            List::new(list)
                .block(Block::bordered().title(" codes "))
                .highlight_symbol("> ")
                .highlight_style(Style::new().reversed()),
            choices,
            &mut state,
        );
        f.render_widget(Paragraph::new(self.message.as_str()).dim(), bottom);

        match &self.popup {
            Popup::None => {}
            Popup::Help => {
                let area = centered(f.area(), 72, 10);
                f.render_widget(Clear, area);
                f.render_widget(
                    Paragraph::new(HELP).block(Block::bordered().title(" keys ")),
                    area,
                );
            }
            Popup::Codes {
                query,
                selected,
                add,
            } => {
                let area = centered(f.area(), 70, 16);
                f.render_widget(Clear, area);
                let found = self.matches(query);
                let items: Vec<ListItem> = found
                    .iter()
                    .take(12)
                    .map(|&i| ListItem::new(format!("{}  {}", self.codes[i].0, self.codes[i].1)))
                    .collect();
                let title = if *add {
                    " add code: "
                } else {
                    " jump to code: "
                };
                let mut state = ListState::default()
                    .with_selected(Some((*selected).min(found.len().saturating_sub(1))));
                f.render_stateful_widget(
                    List::new(items)
                        .block(Block::bordered().title(format!("{title}{query}_ ")))
                        .highlight_symbol("> ")
                        .highlight_style(Style::new().reversed()),
                    area,
                    &mut state,
                );
            }
            Popup::Memo(text) => {
                let area = centered(f.area(), 70, 5);
                f.render_widget(Clear, area);
                f.render_widget(
                    Paragraph::new(format!("{text}_"))
                        .wrap(Wrap { trim: false })
                        .block(
                            Block::bordered()
                                .title(" memo on this segment (Enter saves, Esc discards) "),
                        ),
                    area,
                );
            }
            Popup::Document(text) => {
                let area = centered(f.area(), 50, 3);
                f.render_widget(Clear, area);
                f.render_widget(
                    Paragraph::new(format!("{text}_"))
                        .block(Block::bordered().title(" go to document ")),
                    area,
                );
            }
        }
    }
}

fn interactive(mut store: Store, args: &ReviewArgs) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        bail!("`strand review` needs a terminal; for scripts, use --decisions FILE");
    }
    let mut review = Review::new(&store, args)?;
    let mut terminal = ratatui::try_init().context("cannot start the terminal interface")?;
    let result = (|| -> Result<()> {
        loop {
            terminal.draw(|f| review.draw(f))?;
            if let Event::Key(key) = event::read()? {
                if key.kind != KeyEventKind::Press {
                    continue;
                }
                if !review.key(&mut store, key)? {
                    return Ok(());
                }
            }
        }
    })();
    ratatui::restore();
    result?;
    println!("{} segment(s) still to decide", review.pending());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_files_parse_and_errors_name_line_and_column() {
        let ok = parse_decisions(
            Path::new("d.txt"),
            "# alice's pass\naccept P01:t2.s1 barriers.cost\n  reject P01:t2.s2 band4  # not really\nmemo P01:t2.s1 ask about travel\n",
        )
        .unwrap();
        assert_eq!(
            ok,
            [
                (
                    2,
                    Entry::Decide("P01:t2.s1".into(), "barriers.cost".into(), Decision::Accept)
                ),
                (
                    3,
                    Entry::Decide("P01:t2.s2".into(), "band4".into(), Decision::Reject)
                ),
                (
                    4,
                    Entry::Memo("P01:t2.s1".into(), "ask about travel".into())
                ),
            ]
        );
        let e = parse_decisions(
            Path::new("d.txt"),
            "accept P01:t2.s1 x\n   acept P01:t2.s1 x\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.txt:2:4: unknown decision `acept`; expected accept, reject, add, remove or memo"
        );
        let e = parse_decisions(Path::new("d.txt"), "add P01:t2.s1\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.txt:1:1: `add` needs one code id after the segment"
        );
    }
}
