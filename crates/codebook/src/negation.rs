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

const TRIGGERS: &[&str] = &[
    "no", "not", "never", "nobody", "nothing", "none", "neither", "nor", "without", "cannot",
    "hardly", "barely", "rarely",
];
const CLAUSE_ENDS: &[&str] = &[
    "but", "however", "although", "though", "except", "yet", "whereas", "apart",
];
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

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(Range<usize>),
    Break,
}

fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let wordish = c.is_alphanumeric() || ((c == '\'' || c == '\u{2019}') && start.is_some());
        match (wordish, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Tok::Word(s..i));
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
            out.push(Tok::Break);
        }
    }
    if let Some(s) = start {
        out.push(Tok::Word(s..text.len()));
    }
    // Contrasting conjunctions end a negation's scope just as commas do.
    for t in &mut out {
        if let Tok::Word(r) = t {
            if CLAUSE_ENDS
                .iter()
                .any(|w| w.eq_ignore_ascii_case(&text[r.clone()]))
            {
                *t = Tok::Break;
            }
        }
    }
    out
}

fn word(text: &str, tok: &Tok) -> Option<String> {
    match tok {
        Tok::Word(r) => Some(text[r.clone()].to_lowercase().replace('\u{2019}', "'")),
        Tok::Break => None,
    }
}

fn is_trigger(w: &str) -> bool {
    TRIGGERS.contains(&w) || w.ends_with("n't")
}

fn is_pseudo(w: &str, next: Option<&str>) -> bool {
    PSEUDO
        .iter()
        .any(|(t, nexts)| *t == w && next.is_some_and(|n| nexts.contains(&n)))
}

/// Whether the match at byte range `span` of `text` is negated.
pub fn is_negated(text: &str, span: Range<usize>) -> bool {
    let toks = tokens(text);
    let first = toks
        .iter()
        .position(|t| matches!(t, Tok::Word(r) if r.end > span.start))
        .unwrap_or(toks.len());
    let after = toks
        .iter()
        .position(|t| matches!(t, Tok::Word(r) if r.start >= span.end))
        .unwrap_or(toks.len());
    // Tokens of the match itself may contain a break ("study, leave" won't
    // be matched, but a regex might span one): look only outside.
    let before = &toks[..first.min(toks.len())];
    let mut seen = 0;
    for (i, tok) in before.iter().enumerate().rev() {
        let Some(w) = word(text, tok) else { break };
        let next = toks.get(i + 1).and_then(|t| word(text, t));
        if is_trigger(&w) && !is_pseudo(&w, next.as_deref()) {
            return true;
        }
        seen += 1;
        if seen == PRE_WINDOW {
            break;
        }
    }
    let rest = &toks[after.min(toks.len())..];
    let clause: Vec<String> = rest
        .iter()
        .take(POST_WINDOW + PROBLEM_REACH)
        .map_while(|t| word(text, t))
        .collect();
    for (i, w) in clause.iter().enumerate().take(POST_WINDOW) {
        if is_trigger(w) && !is_pseudo(w, clause.get(i + 1).map(String::as_str)) {
            let reach = &clause[i + 1..(i + 1 + PROBLEM_REACH).min(clause.len())];
            if reach.iter().any(|w| PROBLEM_WORDS.contains(&w.as_str())) {
                return true;
            }
        }
    }
    false
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
    fn trigger_after_with_a_problem_word() {
        assert!(negated("The cost isn't really an issue for us.", "cost"));
        assert!(negated("Travel has never been a problem.", "Travel"));
        assert!(!negated(
            "Travel is not something I enjoy, it's a problem.",
            "Travel"
        ));
        assert!(!negated("The cost is a real problem.", "cost"));
    }
}
