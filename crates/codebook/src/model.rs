//! The codebook's data model and its TOML form.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::Error;

/// Units a codebook may code at; `strand-transcript` defines what they mean.
const UNITS: &[&str] = &["sentence", "paragraph", "turn"];

/// One term, phrase or regular expression of a rule.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// A word or phrase matched whole-word and case-folded. With `stem`
    /// (written `train*`) it matches any word that starts with `text`.
    Term { text: String, stem: bool },
    /// A regular expression (the `regex` crate: linear time, no
    /// backtracking), case-insensitive.
    Regex(regex::Regex),
    /// Two terms at most `words` words apart (`A NEAR/5 B`), in that order
    /// when `ordered` (`A BEFORE/5 B`), in the same unit.
    Near {
        left: Box<Pattern>,
        right: Box<Pattern>,
        words: usize,
        ordered: bool,
    },
}

impl Pattern {
    /// The pattern as the researcher wrote it, for evidence and explanations.
    pub fn as_written(&self) -> String {
        match self {
            Pattern::Term { text, stem: false } => text.clone(),
            Pattern::Term { text, stem: true } => format!("{text}*"),
            Pattern::Regex(re) => format!("/{}/", re.as_str().trim_start_matches("(?i)")),
            Pattern::Near {
                left,
                right,
                words,
                ordered,
            } => format!(
                "{} {}/{words} {}",
                left.as_written(),
                if *ordered { "BEFORE" } else { "NEAR" },
                right.as_written()
            ),
        }
    }
}

/// Whose turns a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Speakers {
    /// Participants only: the default, since interviewers' questions are
    /// not evidence of what workers experience.
    #[default]
    Participant,
    Interviewer,
    Any,
}

/// One way a code can be recognised in a unit of text.
///
/// A rule fires when one of its `any` patterns matches, at least one `with`
/// pattern matches too (if it has any), and no `without` pattern matches.
/// When a rule has `with` patterns, the *qualifier* carries the polarity: in
/// "I've never had a problem getting study leave" the rule
/// `any = ["study leave"], with = ["problem"]` is negated because "problem"
/// is, whereas in "I couldn't get study leave" with `with = ["couldn't"]` it
/// is not, although "study leave" itself sits in a negation's scope.
#[derive(Debug, Clone)]
pub struct Rule {
    pub any: Vec<Pattern>,
    pub with: Vec<Pattern>,
    pub without: Vec<Pattern>,
    pub speakers: Speakers,
}

/// What a code does with a match that falls in a negation's scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NegatedPolicy {
    /// Not coded: "cost isn't an issue" is not a cost barrier.
    #[default]
    Ignore,
    /// Coded, and the coding marked as negated.
    Keep,
    /// Coded to another code instead ("not supportive" to an unsupportive
    /// manager code).
    Recode(String),
}

/// A theme in the codebook.
#[derive(Debug, Clone)]
pub struct Code {
    /// Dotted, stable id: `barriers.cost`.
    pub id: String,
    /// The id of the parent code, from the id's prefix.
    pub parent: Option<String>,
    pub label: String,
    pub definition: String,
    pub include: String,
    pub exclude: String,
    /// Short constructed quotes that belong to the code.
    pub examples: Vec<String>,
    /// Quotes that look as if they belong but do not, with the reason.
    pub counter_examples: Vec<String>,
    /// `#rrggbb`, when the researcher chose one.
    pub colour: Option<String>,
    pub rules: Vec<Rule>,
    pub negated: NegatedPolicy,
    /// The unit this code applies to, when not the codebook's: a theme
    /// voiced across several sentences (a story about a manager) is better
    /// coded on the whole turn.
    pub unit: Option<String>,
}

impl Code {
    /// 0 for a top-level theme, 1 for its children, and so on.
    pub fn depth(&self) -> usize {
        self.id.matches('.').count()
    }
}

/// A checked codebook.
#[derive(Debug, Clone)]
pub struct Codebook {
    pub name: String,
    pub description: String,
    /// ISO 639-3 code of the language the rules are written in (`eng`).
    pub language: String,
    /// The unit codes apply to: `sentence`, `paragraph` or `turn`.
    pub unit: String,
    /// Codes in tree order: each parent before its children, siblings in
    /// file order.
    pub codes: Vec<Code>,
    /// SHA-256 of the file's bytes, in hex: the codebook's version.
    pub hash: String,
}

impl Codebook {
    /// Reads and checks a codebook file.
    pub fn read(path: &Path) -> Result<Codebook, Error> {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::new(path, format!("cannot read the codebook: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::new(
                path,
                format!(
                    "not valid UTF-8: invalid byte at offset {}",
                    e.utf8_error().valid_up_to()
                ),
            )
        })?;
        Codebook::parse(path, &text)
    }

    /// Parses and checks a codebook's text; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Codebook, Error> {
        let raw: RawCodebook = toml::from_str(text).map_err(|e| {
            let err = Error::new(path, e.message().to_string());
            match e.span() {
                Some(span) => err.at(text, span.start),
                None => err,
            }
        })?;
        let unit = match raw.unit {
            None => "sentence".to_string(),
            Some(u) if UNITS.contains(&u.get_ref().as_str()) => u.into_inner(),
            Some(u) => {
                return Err(Error::new(path, format!("unknown unit `{}`", u.get_ref()))
                    .at(text, u.span().start)
                    .hint("use `sentence`, `paragraph` or `turn`"))
            }
        };

        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for code in &raw.codes {
            let id = code.id.get_ref();
            let at = code.id.span().start;
            check_id(id).map_err(|m| {
                Error::new(path, m)
                    .at(text, at)
                    .code(id)
                    .hint("ids are lower-case words joined by dots, e.g. `barriers.cost`")
            })?;
            if seen.insert(id.clone(), at).is_some() {
                return Err(Error::new(path, "this id is already used by another code")
                    .at(text, at)
                    .code(id)
                    .hint("every code needs its own id; rename one of them"));
            }
        }

        let mut codes = Vec::with_capacity(raw.codes.len());
        for code in raw.codes {
            let id = code.id.get_ref().clone();
            let at = code.id.span().start;
            let fail = |message: String, offset: usize| {
                Error::new(path, message).at(text, offset).code(&id)
            };
            let parent = id.rsplit_once('.').map(|(p, _)| p.to_string());
            if let Some(p) = &parent {
                if !seen.contains_key(p) {
                    return Err(fail(format!("its parent `{p}` is not defined"), at).hint(
                        format!(
                            "add a code with id = \"{p}\", or move this code under one that exists"
                        ),
                    ));
                }
            }
            if code.label.trim().is_empty() {
                return Err(fail("the label is empty".into(), at));
            }
            let colour = match code.colour {
                None => None,
                Some(c) if is_hex_colour(c.get_ref()) => Some(c.into_inner()),
                Some(c) => {
                    return Err(
                        fail(format!("`{}` is not a colour", c.get_ref()), c.span().start)
                            .hint("write colours as `#rrggbb`, e.g. `#0072b2`"),
                    )
                }
            };
            let negated = match code.negated {
                None => NegatedPolicy::Ignore,
                Some(n) => match n.get_ref().as_str() {
                    "ignore" => NegatedPolicy::Ignore,
                    "keep" => NegatedPolicy::Keep,
                    other if seen.contains_key(other) && other != id => {
                        NegatedPolicy::Recode(other.to_string())
                    }
                    other => {
                        return Err(fail(format!("`negated = \"{other}\"` is neither a policy nor another code"), n.span().start)
                            .hint("use `ignore`, `keep`, or the id of another code to recode negated matches to"))
                    }
                },
            };
            let unit = match code.unit {
                None => None,
                Some(u) if UNITS.contains(&u.get_ref().as_str()) => Some(u.into_inner()),
                Some(u) => {
                    return Err(
                        fail(format!("unknown unit `{}`", u.get_ref()), u.span().start)
                            .hint("use `sentence`, `paragraph` or `turn`"),
                    )
                }
            };
            let mut rules = Vec::with_capacity(code.rules.len());
            for rule in code.rules {
                let rule_at = rule.span().start;
                let rule = rule.into_inner();
                if rule.any.is_empty() && rule.regex.is_empty() {
                    return Err(fail("a rule has no terms".into(), rule_at)
                        .hint("give the rule `any = [\"term\", ...]` or `regex = [\"...\"]`"));
                }
                let patterns = |list: Vec<Spanned<String>>| -> Result<Vec<Pattern>, Error> {
                    list.into_iter()
                        .map(|t| term(t.get_ref()).map_err(|m| fail(m, t.span().start)))
                        .collect()
                };
                let mut any = patterns(rule.any)?;
                for r in rule.regex {
                    let re = regex::RegexBuilder::new(r.get_ref())
                        .case_insensitive(true)
                        .build()
                        .map_err(|e| {
                            let detail = e.to_string();
                            let last = detail.lines().last().unwrap_or("").trim();
                            let last = last.strip_prefix("error: ").unwrap_or(last).to_string();
                            fail(
                                format!("invalid regular expression: {last}"),
                                r.span().start,
                            )
                            .hint("the `regex` crate's syntax: no look-around or back-references")
                        })?;
                    any.push(Pattern::Regex(re));
                }
                let speakers = match rule.speakers.as_ref().map(|s| s.get_ref().as_str()) {
                    None | Some("participant") => Speakers::Participant,
                    Some("interviewer") => Speakers::Interviewer,
                    Some("any") => Speakers::Any,
                    Some(other) => {
                        let at = rule.speakers.as_ref().map_or(rule_at, |s| s.span().start);
                        return Err(fail(format!("unknown speakers `{other}`"), at)
                            .hint("use `participant` (the default), `interviewer` or `any`"));
                    }
                };
                rules.push(Rule {
                    any,
                    with: patterns(rule.with)?,
                    without: patterns(rule.without)?,
                    speakers,
                });
            }
            codes.push(Code {
                id,
                parent,
                label: code.label,
                definition: code.definition,
                include: code.include,
                exclude: code.exclude,
                examples: code.example.into_iter().chain(code.examples).collect(),
                counter_examples: code.counter_examples,
                colour,
                rules,
                negated,
                unit,
            });
        }

        Ok(Codebook {
            name: raw.name,
            description: raw.description,
            language: raw.language,
            unit,
            codes: tree_order(codes),
            hash: hex(&Sha256::digest(text.as_bytes())),
        })
    }

    /// The unit code `index` applies to: its own, or the codebook's.
    pub fn unit_of(&self, index: usize) -> &str {
        self.codes[index].unit.as_deref().unwrap_or(&self.unit)
    }

    /// The first 12 hex digits of the hash: enough to tell versions apart
    /// in a report.
    pub fn short_hash(&self) -> &str {
        &self.hash[..12]
    }

    pub fn get(&self, id: &str) -> Option<&Code> {
        self.codes.iter().find(|c| c.id == id)
    }

    /// The ids of `id` and all its ancestors, nearest first.
    pub fn lineage<'a>(&self, id: &'a str) -> impl Iterator<Item = &'a str> {
        std::iter::successors(Some(id), |id| id.rsplit_once('.').map(|(p, _)| p))
    }

    /// Top-level codes, in order.
    pub fn themes(&self) -> impl Iterator<Item = &Code> {
        self.codes.iter().filter(|c| c.parent.is_none())
    }
}

fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
    if ok {
        Ok(())
    } else {
        Err(format!("`{id}` is not a valid code id"))
    }
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// The widest proximity allowed: beyond this, words are hardly "near".
const MAX_NEAR: usize = 50;

/// Parses a term, or two terms joined by `NEAR/n` or `BEFORE/n`.
fn term(raw: &str) -> Result<Pattern, String> {
    for (op, ordered) in [(" NEAR/", false), (" BEFORE/", true)] {
        let Some((left, rest)) = raw.split_once(op) else {
            continue;
        };
        let (n, right) = rest.split_once(' ').unwrap_or((rest, ""));
        let words: usize = n
            .parse()
            .map_err(|_| format!("`{raw}`: expected a number of words after `{}`", op.trim()))?;
        if words == 0 || words > MAX_NEAR {
            return Err(format!(
                "`{raw}`: the distance must be 1 to {MAX_NEAR} words"
            ));
        }
        let (left, right) = (simple_term(left)?, simple_term(right)?);
        return Ok(Pattern::Near {
            left: Box::new(left),
            right: Box::new(right),
            words,
            ordered,
        });
    }
    simple_term(raw)
}

/// Parses a word or phrase, optionally ending in `*`.
fn simple_term(raw: &str) -> Result<Pattern, String> {
    let folded = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let (text, stem) = match folded.strip_suffix('*') {
        Some(t) => (t.to_string(), true),
        None => (folded, false),
    };
    if text.is_empty() || text.contains('*') {
        return Err(format!(
            "`{raw}` is not a term: a term is a word or phrase, with `*` only at its end"
        ));
    }
    if !text.starts_with(|c: char| c.is_alphanumeric()) {
        return Err(format!("`{raw}` must start with a letter or digit"));
    }
    Ok(Pattern::Term { text, stem })
}

/// Sorts codes so each parent comes before its children, siblings keeping
/// their file order.
fn tree_order(codes: Vec<Code>) -> Vec<Code> {
    let mut children: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (i, c) in codes.iter().enumerate() {
        children.entry(c.parent.clone()).or_default().push(i);
    }
    let mut order = Vec::with_capacity(codes.len());
    let mut stack: Vec<usize> = children.get(&None).cloned().unwrap_or_default();
    stack.reverse();
    let mut done = BTreeSet::new();
    while let Some(i) = stack.pop() {
        if !done.insert(i) {
            continue;
        }
        order.push(i);
        if let Some(kids) = children.get(&Some(codes[i].id.clone())) {
            stack.extend(kids.iter().rev());
        }
    }
    let mut slots: Vec<Option<Code>> = codes.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCodebook {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    unit: Option<Spanned<String>>,
    #[serde(default, rename = "code")]
    codes: Vec<RawCode>,
}

fn default_language() -> String {
    "eng".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    id: Spanned<String>,
    label: String,
    #[serde(default)]
    definition: String,
    #[serde(default)]
    include: String,
    #[serde(default)]
    exclude: String,
    /// One example; `examples` takes several.
    #[serde(default)]
    example: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default, rename = "counter_examples")]
    counter_examples: Vec<String>,
    #[serde(default)]
    colour: Option<Spanned<String>>,
    #[serde(default)]
    negated: Option<Spanned<String>>,
    #[serde(default)]
    unit: Option<Spanned<String>>,
    #[serde(default, rename = "rule")]
    rules: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    #[serde(default)]
    any: Vec<Spanned<String>>,
    #[serde(default)]
    regex: Vec<Spanned<String>>,
    #[serde(default)]
    with: Vec<Spanned<String>>,
    #[serde(default)]
    without: Vec<Spanned<String>>,
    #[serde(default)]
    speakers: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Codebook, Error> {
        Codebook::parse(Path::new("cb.toml"), text)
    }

    const GOOD: &str = r##"
name = "Test"
[[code]]
id = "barriers.cost"
label = "Cost"
negated = "keep"
[[code.rule]]
any = ["course fee*", "Pay  for"]
[[code]]
id = "barriers"
label = "Barriers"
colour = "#0072b2"
[[code]]
id = "band4"
label = "Band 4"
"##;

    #[test]
    fn parses_codes_in_tree_order_with_parents_and_terms() {
        let cb = parse(GOOD).unwrap();
        let ids: Vec<&str> = cb.codes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["barriers", "barriers.cost", "band4"]);
        let cost = cb.get("barriers.cost").unwrap();
        assert_eq!(cost.parent.as_deref(), Some("barriers"));
        assert_eq!(cost.depth(), 1);
        assert_eq!(cost.negated, NegatedPolicy::Keep);
        let terms: Vec<String> = cost.rules[0].any.iter().map(Pattern::as_written).collect();
        assert_eq!(terms, ["course fee*", "pay for"]);
        assert_eq!(cb.unit, "sentence");
        assert_eq!(cb.language, "eng");
        assert_eq!(cb.hash.len(), 64);
        assert_eq!(
            cb.lineage("barriers.cost").collect::<Vec<_>>(),
            ["barriers.cost", "barriers"]
        );
    }

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_line_column_code_and_hint() {
        assert_eq!(
            error("name = \"x\"\n[[code]]\nid = \"a.b\"\nlabel = \"B\"\n"),
            "cb.toml:3:6: code `a.b`: its parent `a` is not defined\n  |\n3 | id = \"a.b\"\n  |      ^\n  hint: add a code with id = \"a\", or move this code under one that exists"
        );
        assert_eq!(
            error("name = \"x\"\n[[code]]\nid = \"a\"\nlabel = \"A\"\n[[code]]\nid = \"a\"\nlabel = \"B\"\n"),
            "cb.toml:6:6: code `a`: this id is already used by another code\n  |\n6 | id = \"a\"\n  |      ^\n  hint: every code needs its own id; rename one of them"
        );
        let e = error("name = \"x\"\n[[code]]\nid = \"a\"\nlabel = \"A\"\n[[code.rule]]\nregex = [\"(unclosed\"]\n");
        assert!(
            e.starts_with("cb.toml:6:10: code `a`: invalid regular expression: "),
            "{e}"
        );
        let e = error(
            "name = \"x\"\n[[code]]\nid = \"a\"\nlabel = \"A\"\n[[code.rule]]\nwith = [\"x\"]\n",
        );
        assert!(
            e.starts_with("cb.toml:5:1: code `a`: a rule has no terms"),
            "{e}"
        );
        let e = error("name = \"x\"\n[[code]]\nid = \"a\"\nlabel = \"A\"\nlables = 1\n");
        assert!(e.starts_with("cb.toml:5:1: unknown field `lables`"), "{e}");
        let e = error("name = \"x\"\n[[code]]\nid = \"Bad Id\"\nlabel = \"A\"\n");
        assert!(
            e.starts_with("cb.toml:3:6: code `Bad Id`: `Bad Id` is not a valid code id"),
            "{e}"
        );
        let e = error("name = \"x\"\n[[code]]\nid = \"a\"\nlabel = \"A\"\nnegated = \"nope\"\n");
        assert!(
            e.starts_with("cb.toml:5:11: code `a`: `negated = \"nope\"`"),
            "{e}"
        );
        let e = error(
            "name = \"x\"\n[[code]]\nid = \"a\"\nlabel = \"A\"\n[[code.rule]]\nany = [\"tr*in\"]\n",
        );
        assert!(
            e.starts_with("cb.toml:6:8: code `a`: `tr*in` is not a term"),
            "{e}"
        );
    }

    #[test]
    fn hash_changes_with_content() {
        let a = parse(GOOD).unwrap();
        let b = parse(&GOOD.replace("Band 4", "Band Four")).unwrap();
        assert_ne!(a.hash, b.hash);
        assert_eq!(a.hash, parse(GOOD).unwrap().hash);
    }
}
