//! strand's [`Codebook`] and the standard's code tree, both ways.
//!
//! A REFI-QDA code has a name, a description and a colour; a strand code
//! also has a dotted id, a definition, inclusion and exclusion criteria,
//! examples and matching rules. Rules are strand's machinery and stay
//! behind. Everything else goes into the code's description, as the
//! definition followed by a block of labelled lines that another program
//! shows to its users as part of the description:
//!
//! ```text
//! Study leave refused or cancelled.
//!
//! Include: Leave refused by a manager.
//! Example: My study day was cancelled again.
//! strand id: barriers.study_leave
//! ```
//!
//! Reading a description back, that block is recognised only when it ends
//! in a `strand id:` line and is separated from the definition by a blank
//! line; any other description is all definition. The code's GUID is
//! derived from its id too ([`Guid::derive`]), so it is stable from one
//! export to the next; the id line is what survives a program that mints
//! new GUIDs on import (the standard does not promise it will keep them).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use strand_codebook::Codebook;

use crate::model::Code;
use crate::{Error, Guid};

const INCLUDE: &str = "Include: ";
const EXCLUDE: &str = "Exclude: ";
const EXAMPLE: &str = "Example: ";
const COUNTER: &str = "Not an example: ";
const ID: &str = "strand id: ";

/// The GUID strand gives the code with dotted id `id`.
pub fn code_guid(id: &str) -> Guid {
    Guid::derive("code", id)
}

/// The codebook's codes as the standard's tree (every code codable).
pub fn codes_from_codebook(codebook: &Codebook) -> Vec<Code> {
    // Codes come in tree order, parents first, so each code's parent is
    // already in place when it arrives.
    let mut roots: Vec<Code> = Vec::new();
    for c in &codebook.codes {
        let code = Code {
            guid: code_guid(&c.id),
            name: c.label.clone(),
            description: Some(describe(c)),
            colour: c.colour.clone(),
            codable: true,
            children: Vec::new(),
        };
        let mut siblings = &mut roots;
        for depth in 0..c.depth() {
            let ancestor =
                c.id.split('.')
                    .take(depth + 1)
                    .collect::<Vec<_>>()
                    .join(".");
            let guid = code_guid(&ancestor);
            match siblings.iter().position(|s| s.guid == guid) {
                Some(i) => siblings = &mut siblings[i].children,
                None => break,
            }
        }
        siblings.push(code);
    }
    roots
}

/// A code's description: definition, then the labelled block.
fn describe(c: &strand_codebook::Code) -> String {
    let mut out = c.definition.trim_end().to_string();
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    let mut line = |label: &str, value: &str| {
        let value = value.trim();
        if !value.is_empty() {
            out.push_str(label);
            // Continuation lines are indented so the block stays a block.
            out.push_str(&value.lines().collect::<Vec<_>>().join("\n  "));
            out.push('\n');
        }
    };
    line(INCLUDE, &c.include);
    line(EXCLUDE, &c.exclude);
    for e in &c.examples {
        line(EXAMPLE, e);
    }
    for e in &c.counter_examples {
        line(COUNTER, e);
    }
    line(ID, &c.id);
    out.truncate(out.trim_end().len());
    out
}

/// A description read back into strand's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Described {
    pub definition: String,
    pub include: String,
    pub exclude: String,
    pub examples: Vec<String>,
    pub counter_examples: Vec<String>,
    /// The strand id the description records, if it records one.
    pub id: Option<String>,
}

/// Splits a description into definition and labelled fields (see the
/// module's documentation).
pub fn parse_description(description: &str) -> Described {
    let lines: Vec<&str> = description
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut end = lines.len();
    while end > 0 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    let all_definition = Described {
        definition: description.trim().to_string(),
        ..Described::default()
    };
    if end == 0 || !lines[end - 1].starts_with(ID) {
        return all_definition;
    }
    let labels = [INCLUDE, EXCLUDE, EXAMPLE, COUNTER, ID];
    let mut start = end;
    while start > 0 {
        let l = lines[start - 1];
        if labels.iter().any(|p| l.starts_with(p)) || l.starts_with("  ") {
            start -= 1;
        } else {
            break;
        }
    }
    if start > 0 && !lines[start - 1].trim().is_empty() {
        return all_definition;
    }
    if lines.get(start).is_some_and(|l| l.starts_with("  ")) {
        return all_definition;
    }
    let mut d = Described {
        definition: lines[..start].join("\n").trim().to_string(),
        ..Described::default()
    };
    let mut fields: Vec<(&str, String)> = Vec::new();
    for l in &lines[start..end] {
        match (l.strip_prefix("  "), fields.last_mut()) {
            (Some(more), Some((_, value))) => {
                value.push('\n');
                value.push_str(more);
            }
            _ => {
                let label = labels
                    .iter()
                    .find(|p| l.starts_with(**p))
                    .copied()
                    .unwrap_or(ID);
                fields.push((label, l[label.len()..].to_string()));
            }
        }
    }
    for (label, value) in fields {
        match label {
            INCLUDE => d.include = value,
            EXCLUDE => d.exclude = value,
            EXAMPLE => d.examples.push(value),
            COUNTER => d.counter_examples.push(value),
            _ => d.id = Some(value.trim().to_string()),
        }
    }
    d
}

/// A strand id made from a code's name: lower-case ASCII letters, digits
/// and `_`, common accented letters folded to their base letter (`Oltás
/// típusa` gives `oltas_tipusa`).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = fold(c);
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Folds a lower-case Latin letter with a diacritic to its base letter.
fn fold(c: char) -> char {
    const TABLE: &[(&str, char)] = &[
        ("àáâãäåāăą", 'a'),
        ("çćĉċč", 'c'),
        ("ďđ", 'd'),
        ("èéêëēĕėęě", 'e'),
        ("ĝğġģ", 'g'),
        ("ĥħ", 'h'),
        ("ìíîïĩīĭįı", 'i'),
        ("ĵ", 'j'),
        ("ķ", 'k'),
        ("ĺļľŀł", 'l'),
        ("ñńņňŉ", 'n'),
        ("òóôõöøōŏő", 'o'),
        ("ŕŗř", 'r'),
        ("śŝşšß", 's'),
        ("ţťŧ", 't'),
        ("ùúûüũūŭůűų", 'u'),
        ("ŵ", 'w'),
        ("ýÿŷ", 'y'),
        ("źżž", 'z'),
    ];
    TABLE
        .iter()
        .find(|(from, _)| from.contains(c))
        .map_or(c, |(_, to)| *to)
}

/// A code tree as strand codebook TOML, and the id given to each code.
///
/// Ids come from the description's `strand id:` line when it has one that
/// fits (a valid id, under its parent's id, not already taken), and
/// otherwise from the code's name ([`slug`]) under its parent's id, with
/// `_2`, `_3` for siblings whose names give the same id. Labels are the
/// names, definitions and criteria come from the descriptions, and there
/// are no rules: the researcher writes those. The TOML is checked by
/// parsing it before it is returned.
pub fn codebook_toml(codes: &[Code], name: &str) -> Result<(String, HashMap<Guid, String>), Error> {
    let mut ids: HashMap<Guid, String> = HashMap::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = format!(
        "# Imported from a REFI-QDA codebook: codes have no rules yet.\nname = {}\nlanguage = \"eng\"\nunit = \"sentence\"\n",
        quote(name)
    );
    fn visit(
        codes: &[Code],
        parent: Option<&str>,
        ids: &mut HashMap<Guid, String>,
        taken: &mut BTreeSet<String>,
        out: &mut String,
        quote: &dyn Fn(&str) -> String,
    ) {
        for c in codes {
            let d = parse_description(c.description.as_deref().unwrap_or(""));
            let under = |leaf: &str| match parent {
                Some(p) => format!("{p}.{leaf}"),
                None => leaf.to_string(),
            };
            let recorded = d.id.clone().filter(|id| {
                is_id(id) && !taken.contains(id) && id.rsplit_once('.').map(|(p, _)| p) == parent
            });
            let id = recorded.unwrap_or_else(|| {
                let base = match slug(&c.name) {
                    s if s.is_empty() => "code".to_string(),
                    s => s,
                };
                let mut id = under(&base);
                let mut n = 2;
                while taken.contains(&id) {
                    id = under(&format!("{base}_{n}"));
                    n += 1;
                }
                id
            });
            taken.insert(id.clone());
            ids.insert(c.guid, id.clone());
            let label = if c.name.trim().is_empty() {
                id.as_str()
            } else {
                c.name.trim()
            };
            out.push_str(&format!(
                "\n[[code]]\nid = {}\nlabel = {}\n",
                quote(&id),
                quote(label)
            ));
            for (key, value) in [
                ("definition", &d.definition),
                ("include", &d.include),
                ("exclude", &d.exclude),
            ] {
                if !value.is_empty() {
                    out.push_str(&format!("{key} = {}\n", quote(value)));
                }
            }
            for (key, list) in [
                ("examples", &d.examples),
                ("counter_examples", &d.counter_examples),
            ] {
                if !list.is_empty() {
                    let items: Vec<String> = list.iter().map(|e| quote(e)).collect();
                    out.push_str(&format!("{key} = [{}]\n", items.join(", ")));
                }
            }
            if let Some(colour) = c.colour.as_deref().and_then(six_digit_colour) {
                out.push_str(&format!("colour = {}\n", quote(&colour)));
            }
            visit(&c.children, Some(&id), ids, taken, out, quote);
        }
    }
    visit(codes, None, &mut ids, &mut taken, &mut out, &quote);
    Codebook::parse(Path::new("codebook.toml"), &out).map_err(|e| Error::Export {
        message: format!("the codebook made from the file does not check: {e}"),
    })?;
    Ok((out, ids))
}

/// `#rgb` as `#rrggbb`; `#rrggbb` as it is.
fn six_digit_colour(c: &str) -> Option<String> {
    let hex = c.strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match hex.len() {
        6 => Some(c.to_string()),
        3 => Some(format!(
            "#{}",
            hex.chars().flat_map(|d| [d, d]).collect::<String>()
        )),
        _ => None,
    }
}

/// Whether `id` is a valid strand code id (as the codebook crate checks).
fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = r##"
name = "Test"
[[code]]
id = "barriers"
label = "Barriers"
definition = "Things in the way.\n\nSecond paragraph."
colour = "#0072b2"
[[code]]
id = "barriers.study_leave"
label = "Study leave"
definition = "Leave refused."
include = "Refused by a manager."
exclude = "Leave not asked for,\nor not wanted."
examples = ["My study day was cancelled.", "Leave refused again."]
counter_examples = ["I took leave."]
[[code.rule]]
any = ["study leave"]
[[code]]
id = "manager"
label = "Line manager"
"##;

    #[test]
    fn a_codebook_goes_out_and_comes_back_with_its_ids_and_fields() {
        let cb = Codebook::parse(Path::new("cb.toml"), TOML).unwrap();
        let codes = codes_from_codebook(&cb);
        assert_eq!(codes.len(), 2);
        assert_eq!(codes[0].children.len(), 1);
        assert_eq!(codes[0].guid, code_guid("barriers"));
        assert_eq!(codes[0].colour.as_deref(), Some("#0072b2"));
        let leave = &codes[0].children[0];
        assert_eq!(leave.name, "Study leave");
        assert_eq!(
            leave.description.as_deref(),
            Some(
                "Leave refused.\n\nInclude: Refused by a manager.\nExclude: Leave not asked for,\n  or not wanted.\nExample: My study day was cancelled.\nExample: Leave refused again.\nNot an example: I took leave.\nstrand id: barriers.study_leave"
            )
        );
        assert_eq!(codes[1].description.as_deref(), Some("strand id: manager"));

        let (toml, ids) = codebook_toml(&codes, "Back").unwrap();
        assert_eq!(
            ids[&code_guid("barriers.study_leave")],
            "barriers.study_leave"
        );
        let back = Codebook::parse(Path::new("back.toml"), &toml).unwrap();
        assert_eq!(back.codes.len(), cb.codes.len());
        for (a, b) in cb.codes.iter().zip(&back.codes) {
            assert_eq!(
                (
                    &a.id,
                    &a.label,
                    &a.definition,
                    &a.include,
                    &a.exclude,
                    &a.examples,
                    &a.counter_examples,
                    &a.colour
                ),
                (
                    &b.id,
                    &b.label,
                    &b.definition,
                    &b.include,
                    &b.exclude,
                    &b.examples,
                    &b.counter_examples,
                    &b.colour
                )
            );
            assert!(b.rules.is_empty());
        }
    }

    #[test]
    fn foreign_descriptions_are_all_definition_and_ids_come_from_names() {
        let d = parse_description("Anything about jobs.\nInclude: taxes");
        assert_eq!(d.definition, "Anything about jobs.\nInclude: taxes");
        assert_eq!(d.id, None);
        // An id line glued to the definition is not strand's block.
        let d = parse_description("Jobs.\nstrand id: x");
        assert_eq!((d.definition.as_str(), d.id), ("Jobs.\nstrand id: x", None));
        let d = parse_description("Jobs.\r\n\r\nstrand id: economy\r\n");
        assert_eq!(
            (d.definition.as_str(), d.id.as_deref()),
            ("Jobs.", Some("economy"))
        );

        assert_eq!(
            slug("2. Attitűd szint az oltáshoz"),
            "2_attitud_szint_az_oltashoz"
        );
        assert_eq!(slug("Coke::full-fat Coke"), "coke_full_fat_coke");
        assert_eq!(slug("émotions & \"quotes\" <tag>"), "emotions_quotes_tag");
        assert_eq!(slug("people.children"), "people_children");
        assert_eq!(slug("“”"), "");

        let code = |name: &str, description: Option<&str>, children: Vec<Code>| Code {
            guid: Guid::derive("test", &format!("{name}{description:?}")),
            name: name.into(),
            description: description.map(str::to_string),
            colour: Some("#fc0".into()),
            codable: true,
            children,
        };
        let codes = vec![
            code(
                "Topics",
                None,
                vec![
                    code("Health care", Some("Doctors."), vec![]),
                    code("Health-care", None, vec![]),
                ],
            ),
            code("“”", None, vec![]),
            // A recorded id that does not fit its place is not used.
            code("Moved", Some("strand id: elsewhere.moved"), vec![]),
        ];
        let (toml, ids) = codebook_toml(&codes, "Imported").unwrap();
        let cb = Codebook::parse(Path::new("x.toml"), &toml).unwrap();
        let got: Vec<(&str, &str, &str)> = cb
            .codes
            .iter()
            .map(|c| (c.id.as_str(), c.label.as_str(), c.definition.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("topics", "Topics", ""),
                ("topics.health_care", "Health care", "Doctors."),
                ("topics.health_care_2", "Health-care", ""),
                ("code", "“”", ""),
                ("moved", "Moved", ""),
            ]
        );
        assert_eq!(cb.codes[0].colour.as_deref(), Some("#ffcc00"));
        assert_eq!(ids.len(), 5);
    }
}
