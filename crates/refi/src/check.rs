//! The rules the schemas cannot express: every GUID unique, every
//! reference resolving, positions inside their text, values of their
//! variable's type, `origin` present.
//!
//! [`check_project`] and [`check_codebook`] look at the model before it is
//! written (export refuses a model that breaks them); [`audit_qdpx`] and
//! [`audit_qdc`] look at files, strand's own or anyone's, as the XML says,
//! independently of the importer.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;

use crate::model::*;
use crate::read::Kind;
use crate::read::{internal_file, is_colour};
use crate::xml::{self, is_xml_char, Element};
use crate::{Error, Guid};

/// Problems that would make a written project wrong, each a sentence
/// naming GUIDs and element kinds (never text). Empty when it is sound.
pub fn check_project(p: &Project) -> Vec<String> {
    let mut problems = Vec::new();
    let mut kinds: HashMap<Guid, Kind> = HashMap::new();
    let mut add = |g: Guid, k: Kind, problems: &mut Vec<String>| {
        if kinds.insert(g, k).is_some() {
            problems.push(format!("GUID {g} is used more than once"));
        }
    };
    for u in &p.users {
        add(u.guid, Kind::User, &mut problems);
    }
    for c in all_codes(&p.codes) {
        add(c.guid, Kind::Code, &mut problems);
    }
    for v in &p.variables {
        add(v.guid, Kind::Variable(v.kind), &mut problems);
    }
    for c in &p.cases {
        add(c.guid, Kind::Case, &mut problems);
    }
    for s in &p.sources {
        add(s.guid, Kind::Source, &mut problems);
        for sel in &s.selections {
            add(sel.guid, Kind::Selection, &mut problems);
            for c in &sel.codings {
                add(c.guid, Kind::Coding, &mut problems);
            }
        }
        for c in &s.codings {
            add(c.guid, Kind::Coding, &mut problems);
        }
    }
    for n in &p.notes {
        add(n.guid, Kind::Note, &mut problems);
    }
    for s in &p.sets {
        add(s.guid, Kind::Set, &mut problems);
    }

    let mut dangling = Vec::new();
    let mut bounds = Vec::new();
    let mut expect = |g: &Guid, want: fn(Kind) -> bool, what: &str, from: String| match kinds.get(g)
    {
        Some(&k) if want(k) => {}
        Some(_) => dangling.push(format!("{from} refers to {g}, which is not {what}")),
        None => dangling.push(format!("{from} refers to {g}, which does not exist")),
    };
    let user = |k| k == Kind::User;
    let code = |k| k == Kind::Code;
    let source = |k| k == Kind::Source;
    let note = |k| k == Kind::Note;
    for c in &p.cases {
        for g in &c.codes {
            expect(g, code, "a code", format!("case {}", c.guid));
        }
        for g in &c.sources {
            expect(g, source, "a source", format!("case {}", c.guid));
        }
        for g in &c.selections {
            expect(
                g,
                |k| k == Kind::Selection,
                "a selection",
                format!("case {}", c.guid),
            );
        }
        for v in &c.values {
            expect(
                &v.variable,
                |k| matches!(k, Kind::Variable(_)),
                "a variable",
                format!("case {}", c.guid),
            );
        }
    }
    for s in &p.sources {
        let from = format!("source {}", s.guid);
        if let Some(g) = &s.creator {
            expect(g, user, "a user", from.clone());
        }
        for v in &s.values {
            expect(
                &v.variable,
                |k| matches!(k, Kind::Variable(_)),
                "a variable",
                from.clone(),
            );
        }
        let length = s.text.chars().count();
        for sel in &s.selections {
            let from = format!("selection {}", sel.guid);
            if sel.start > sel.end || sel.end > length {
                bounds.push(format!(
                    "{from} spans {}..{}, outside its source's {length} code points",
                    sel.start, sel.end
                ));
            }
            if let Some(g) = &sel.creator {
                expect(g, user, "a user", from.clone());
            }
            for c in &sel.codings {
                expect(&c.code, code, "a code", format!("coding {}", c.guid));
                if let Some(g) = &c.creator {
                    expect(g, user, "a user", format!("coding {}", c.guid));
                }
            }
        }
        for c in &s.codings {
            expect(&c.code, code, "a code", format!("coding {}", c.guid));
            if let Some(g) = &c.creator {
                expect(g, user, "a user", format!("coding {}", c.guid));
            }
        }
    }
    for n in &p.notes {
        if let Some(g) = &n.creator {
            expect(g, user, "a user", format!("note {}", n.guid));
        }
        for g in &n.references {
            expect(
                g,
                |k| {
                    matches!(
                        k,
                        Kind::Code
                            | Kind::Source
                            | Kind::Selection
                            | Kind::Coding
                            | Kind::Case
                            | Kind::Note
                    )
                },
                "a code, source, selection, coding, case or note",
                format!("note {}", n.guid),
            );
        }
    }
    for s in &p.sets {
        for g in &s.codes {
            expect(g, code, "a code", format!("set {}", s.guid));
        }
        for g in &s.sources {
            expect(g, source, "a source", format!("set {}", s.guid));
        }
        for g in &s.notes {
            expect(g, note, "a note", format!("set {}", s.guid));
        }
    }
    for g in &p.project_notes {
        expect(g, note, "a note", "the project".into());
    }

    problems.append(&mut dangling);
    problems.append(&mut bounds);

    // Values of their variable's type.
    let types: HashMap<Guid, VariableType> = p.variables.iter().map(|v| (v.guid, v.kind)).collect();
    let values = p
        .cases
        .iter()
        .map(|c| (format!("case {}", c.guid), &c.values))
        .chain(
            p.sources
                .iter()
                .map(|s| (format!("source {}", s.guid), &s.values)),
        );
    for (from, values) in values {
        for v in values {
            if let Some(&kind) = types.get(&v.variable) {
                if !value_fits(kind, &v.value) {
                    problems.push(format!(
                        "{from}: a value of variable {} is not a valid {}",
                        v.variable,
                        kind.as_str()
                    ));
                }
            }
        }
    }
    for c in all_codes(&p.codes) {
        if let Some(colour) = &c.colour {
            if !is_colour(colour) {
                problems.push(format!("code {}: colour `{colour}` is not #rrggbb", c.guid));
            }
        }
    }
    problems.extend(unwritable(p));
    problems
}

/// Problems that would make a written codebook wrong.
pub fn check_codebook(cb: &CodeBook) -> Vec<String> {
    let project = Project {
        codes: cb.codes.clone(),
        sets: cb.sets.clone(),
        ..Project::default()
    };
    let mut problems = check_project(&project);
    if cb.codes.is_empty() {
        problems.push("a codebook needs at least one code".into());
    }
    for s in &cb.sets {
        if !s.sources.is_empty() || !s.notes.is_empty() {
            problems.push(format!(
                "set {}: a codebook's sets may hold codes only",
                s.guid
            ));
        }
    }
    problems
}

/// Whether `value` is a lexically valid value of `kind` (the schema's
/// `xsd:boolean`, `xsd:integer`, `xsd:decimal`, `xsd:date`,
/// `xsd:dateTime`, loosely for the last two).
pub fn value_fits(kind: VariableType, value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let v = value.trim();
    match kind {
        VariableType::Text => true,
        VariableType::Boolean => matches!(v, "true" | "false" | "1" | "0"),
        VariableType::Integer => digits(v.strip_prefix(['-', '+']).unwrap_or(v)),
        VariableType::Float => {
            let v = v.strip_prefix(['-', '+']).unwrap_or(v);
            match v.split_once('.') {
                Some((a, b)) => {
                    (a.is_empty() || digits(a))
                        && (b.is_empty() || digits(b))
                        && !(a.is_empty() && b.is_empty())
                }
                None => digits(v),
            }
        }
        VariableType::Date => {
            is_date(v.get(..10).unwrap_or(v)) && (v.len() == 10 || is_zone(&v[10..]))
        }
        VariableType::DateTime => match v.split_once('T') {
            Some((d, t)) => {
                is_date(d) && t.len() >= 8 && t.as_bytes()[2] == b':' && t.as_bytes()[5] == b':'
            }
            None => false,
        },
    }
}

fn is_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && [0..4, 5..7, 8..10]
            .into_iter()
            .all(|r| d[r].bytes().all(|c| c.is_ascii_digit()))
}

fn is_zone(z: &str) -> bool {
    z == "Z"
        || (z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) && z.as_bytes()[3] == b':')
}

/// Names, descriptions, values and note texts holding characters XML 1.0
/// cannot carry at all (most control characters).
fn unwritable(p: &Project) -> Vec<String> {
    // Every string the XML carries (source texts go to files of their own).
    let mut strings: Vec<(String, Option<&str>)> = vec![
        ("the project's name".into(), Some(&p.name)),
        ("the project's description".into(), p.description.as_deref()),
    ];
    for u in &p.users {
        strings.push((format!("user {}", u.guid), Some(&u.name)));
        strings.push((format!("user {}'s id", u.guid), u.id.as_deref()));
    }
    for c in all_codes(&p.codes) {
        strings.push((format!("code {}", c.guid), Some(&c.name)));
        strings.push((
            format!("code {}'s description", c.guid),
            c.description.as_deref(),
        ));
    }
    for v in &p.variables {
        strings.push((format!("variable {}", v.guid), Some(&v.name)));
        strings.push((
            format!("variable {}'s description", v.guid),
            v.description.as_deref(),
        ));
    }
    for c in &p.cases {
        strings.push((format!("case {}", c.guid), Some(&c.name)));
        strings.push((
            format!("case {}'s description", c.guid),
            c.description.as_deref(),
        ));
        for v in &c.values {
            strings.push((format!("case {}'s value", c.guid), Some(&v.value)));
        }
    }
    for s in &p.sources {
        strings.push((format!("source {}", s.guid), Some(&s.name)));
        strings.push((
            format!("source {}'s description", s.guid),
            s.description.as_deref(),
        ));
        for v in &s.values {
            strings.push((format!("source {}'s value", s.guid), Some(&v.value)));
        }
        for sel in &s.selections {
            strings.push((
                format!("selection {}'s name", sel.guid),
                sel.name.as_deref(),
            ));
            strings.push((
                format!("selection {}'s description", sel.guid),
                sel.description.as_deref(),
            ));
        }
    }
    for n in &p.notes {
        strings.push((format!("note {}", n.guid), Some(&n.name)));
        strings.push((format!("note {}'s text", n.guid), Some(&n.text)));
        strings.push((
            format!("note {}'s description", n.guid),
            n.description.as_deref(),
        ));
    }
    for s in &p.sets {
        strings.push((format!("set {}", s.guid), Some(&s.name)));
        strings.push((
            format!("set {}'s description", s.guid),
            s.description.as_deref(),
        ));
    }
    strings
        .into_iter()
        .filter(|(_, s)| s.is_some_and(|s| s.chars().any(|c| !is_xml_char(c))))
        .map(|(what, _)| format!("{what} holds a control character that XML cannot carry"))
        .collect()
}

/// Reference attributes and the element they sit on, as the two schemas
/// use them.
const REFERENCES: &[&str] = &[
    "targetGUID",
    "originGUID",
    "creatingUser",
    "modifyingUser",
    "creatingUserGUID",
    "modifyingUserGUID",
    "representedGUID",
    "sourceVertex",
    "targetVertex",
    "fromSyncPoint",
    "toSyncPoint",
];

/// Checks a `.qdpx` file as written: `origin` on the root, every GUID
/// unique, every reference to a GUID in the file, every `internal://` path
/// to an entry in `sources/`. Returns the problems found (empty when
/// sound); an error only when the file cannot be read at all.
pub fn audit_qdpx(bytes: &[u8]) -> Result<Vec<String>, Error> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Error::Zip {
        message: format!("expected a zip archive: {e}"),
    })?;
    let names: BTreeSet<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    let Some(qde) = names
        .iter()
        .find(|n| n.to_lowercase().ends_with(".qde"))
        .cloned()
    else {
        return Ok(vec!["no .qde entry in the archive".into()]);
    };
    let mut problems = Vec::new();
    if qde != "project.qde" {
        problems.push(format!("the project is `{qde}`, not `project.qde`"));
    }
    let xml = {
        use std::io::Read;
        let mut out = Vec::new();
        let file = archive.by_name(&qde).map_err(|e| Error::Zip {
            message: e.to_string(),
        })?;
        file.take(crate::read::MAX_ENTRY + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::Zip {
                message: e.to_string(),
            })?;
        if out.len() as u64 > crate::read::MAX_ENTRY {
            return Err(Error::TooLarge {
                entry: qde,
                limit: crate::read::MAX_ENTRY,
            });
        }
        out
    };
    problems.extend(audit_xml(&qde, &xml, "Project", Some(&names))?);
    Ok(problems)
}

/// Checks a `.qdc` file as written (see [`audit_qdpx`]).
pub fn audit_qdc(bytes: &[u8]) -> Result<Vec<String>, Error> {
    audit_xml("codebook.qdc", bytes, "CodeBook", None)
}

fn audit_xml(
    entry: &str,
    xml: &[u8],
    root: &str,
    entries: Option<&BTreeSet<String>>,
) -> Result<Vec<String>, Error> {
    let doc = xml::parse(entry, xml)?;
    let mut problems = Vec::new();
    if doc.root.name != root {
        problems.push(format!(
            "the root element is <{}>, not <{root}>",
            doc.root.name
        ));
    }
    if doc.root.attr("origin").is_none_or(|o| o.trim().is_empty()) {
        problems.push(format!("<{}> has no `origin` attribute", doc.root.name));
    }
    let mut guids: BTreeMap<Guid, usize> = BTreeMap::new();
    let mut references: Vec<(usize, String, String)> = Vec::new();
    let mut paths: Vec<(usize, String)> = Vec::new();
    walk(&doc.root, &mut |e: &Element| {
        for (k, v) in &e.attrs {
            let is_member_guid = k == "guid" && e.name == "MemberCode";
            if k == "guid" && !is_member_guid {
                match Guid::parse(v) {
                    Some(g) => {
                        if guids.insert(g, e.offset).is_some() {
                            problems.push(format!(
                                "{}: GUID {g} is used more than once",
                                doc.place(e.offset)
                            ));
                        }
                    }
                    None => problems.push(format!("{}: `{v}` is not a GUID", doc.place(e.offset))),
                }
            } else if is_member_guid || REFERENCES.contains(&k.as_str()) {
                references.push((e.offset, k.clone(), v.clone()));
            } else if matches!(k.as_str(), "plainTextPath" | "richTextPath" | "path") {
                paths.push((e.offset, v.clone()));
            }
        }
    });
    for (offset, attr, value) in references {
        match Guid::parse(&value) {
            Some(g) if guids.contains_key(&g) => {}
            Some(g) => problems.push(format!(
                "{}: {attr} {g} refers to nothing in the file",
                doc.place(offset)
            )),
            None => problems.push(format!(
                "{}: {attr} `{value}` is not a GUID",
                doc.place(offset)
            )),
        }
    }
    if let Some(entries) = entries {
        for (offset, path) in paths {
            if !path.starts_with("internal://") {
                if !path.contains("://") {
                    problems.push(format!(
                        "{}: `{path}` lacks the internal:// scheme",
                        doc.place(offset)
                    ));
                }
                continue;
            }
            let Some(file) = internal_file(&path) else {
                continue;
            };
            if !entries.contains(&format!("sources/{file}")) {
                problems.push(format!(
                    "{}: `{path}` is not in the archive's sources/ folder",
                    doc.place(offset)
                ));
            }
        }
    }
    Ok(problems)
}

fn walk(e: &Element, f: &mut dyn FnMut(&Element)) {
    f(e);
    for c in &e.children {
        walk(c, f);
    }
}

/// The note references a model carries, split by how the standard carries
/// them.
pub(crate) struct NotePlacement {
    /// Target GUID to the notes whose `NoteRef`s go inside it.
    pub inside: HashMap<Guid, Vec<Guid>>,
    /// (note, case) pairs, written as links: a case has no `NoteRef`.
    pub links: Vec<(Guid, Guid)>,
}

pub(crate) fn note_placement(p: &Project) -> NotePlacement {
    let cases: BTreeSet<Guid> = p.cases.iter().map(|c| c.guid).collect();
    let mut inside: HashMap<Guid, Vec<Guid>> = HashMap::new();
    let mut links = Vec::new();
    for n in &p.notes {
        for &target in &n.references {
            if cases.contains(&target) {
                links.push((n.guid, target));
            } else {
                inside.entry(target).or_default().push(n.guid);
            }
        }
    }
    for notes in inside.values_mut() {
        notes.sort();
        notes.dedup();
    }
    links.sort();
    links.dedup();
    NotePlacement { inside, links }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_against_their_type() {
        use VariableType::*;
        for (kind, good, bad) in [
            (
                Integer,
                &["3", "-12", "+0", "007"][..],
                &["", "3.0", "three", "1e3"][..],
            ),
            (Float, &["3", "3.5", ".5", "-2."], &["", ".", "3,5", "1e3"]),
            (Boolean, &["true", "false", "1", "0"], &["yes", "True", ""]),
            (
                Date,
                &["2024-01-15", "2024-01-15Z"],
                &["15/01/2024", "2024-1-15"],
            ),
            (
                DateTime,
                &["2024-01-15T10:00:00Z", "2024-01-15T10:00:00"],
                &["2024-01-15", "2024-01-15 10:00"],
            ),
        ] {
            for v in good {
                assert!(value_fits(kind, v), "{kind:?} {v}");
            }
            for v in bad {
                assert!(!value_fits(kind, v), "{kind:?} {v}");
            }
        }
        assert!(value_fits(Text, "anything\n"));
    }
}
