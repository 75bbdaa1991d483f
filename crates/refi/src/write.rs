//! Export: the model as `.qdc` and `.qdpx`, valid against the official
//! schemas and byte-for-byte repeatable.
//!
//! Elements go out in the schemas' order, in the model's order, with
//! attributes in a fixed order; empty containers are left out (the schema
//! wants at least one child in each); no dates are written, because the
//! model carries none; zip entries have a fixed timestamp and permissions.
//! Same model, same bytes.

use std::collections::HashMap;
use std::io::{Cursor, Write};

use crate::check::{check_codebook, check_project, note_placement};
use crate::model::*;
use crate::xml::Writer;
use crate::{Error, Guid};

/// What strand writes in `origin`: the program and its version.
pub const ORIGIN: &str = concat!("strand ", env!("CARGO_PKG_VERSION"));

const CODEBOOK_NS: &str = "urn:QDA-XML:codebook:1.0";
const PROJECT_NS: &str = "urn:QDA-XML:project:1.0";

fn refuse(problems: Vec<String>) -> Result<(), Error> {
    match problems.as_slice() {
        [] => Ok(()),
        [one] => Err(Error::Export {
            message: one.clone(),
        }),
        [first, rest @ ..] => Err(Error::Export {
            message: format!("{first} (and {} more problems)", rest.len()),
        }),
    }
}

/// A codebook as `.qdc` XML.
pub fn to_qdc(codebook: &CodeBook) -> Result<Vec<u8>, Error> {
    refuse(check_codebook(codebook))?;
    let mut w = Writer::new();
    w.start(
        "CodeBook",
        &[("xmlns", Some(CODEBOOK_NS)), ("origin", Some(ORIGIN))],
    );
    w.start("Codes", &[]);
    let none = HashMap::new();
    for c in &codebook.codes {
        code(&mut w, c, &none);
    }
    w.end();
    if !codebook.sets.is_empty() {
        w.start("Sets", &[]);
        for s in &codebook.sets {
            let guid = s.guid.to_string();
            w.start("Set", &[("guid", Some(&guid)), ("name", Some(&s.name))]);
            if let Some(d) = &s.description {
                w.text("Description", d);
            }
            for c in &s.codes {
                w.empty("MemberCode", &[("guid", Some(&c.to_string()))]);
            }
            w.end();
        }
        w.end();
    }
    Ok(w.finish().into_bytes())
}

/// The file name of a source's text inside the archive's `sources/`.
pub fn source_file(source: &Source) -> String {
    format!("{}.txt", source.guid)
}

/// A project as the `project.qde` XML of a `.qdpx`.
pub fn to_qde(p: &Project) -> Result<String, Error> {
    refuse(check_project(p))?;
    let placement = note_placement(p);
    let (notes_inside, links) = (&placement.inside, &placement.links);
    let note_refs = |w: &mut Writer, target: Guid| {
        for n in notes_inside.get(&target).into_iter().flatten() {
            w.empty("NoteRef", &[("targetGUID", Some(&n.to_string()))]);
        }
    };
    let kinds: HashMap<Guid, VariableType> = p.variables.iter().map(|v| (v.guid, v.kind)).collect();
    let values = |w: &mut Writer, values: &[VariableValue]| {
        for v in values {
            w.start("VariableValue", &[]);
            w.empty(
                "VariableRef",
                &[("targetGUID", Some(&v.variable.to_string()))],
            );
            let kind = kinds
                .get(&v.variable)
                .copied()
                .unwrap_or(VariableType::Text);
            w.text(kind.value_element(), &v.value);
            w.end();
        }
    };
    let opt = |g: &Option<Guid>| g.map(|g| g.to_string());

    let mut w = Writer::new();
    w.start(
        "Project",
        &[
            ("xmlns", Some(PROJECT_NS)),
            ("name", Some(&p.name)),
            ("origin", Some(ORIGIN)),
        ],
    );
    if !p.users.is_empty() {
        w.start("Users", &[]);
        for u in &p.users {
            w.empty(
                "User",
                &[
                    ("guid", Some(&u.guid.to_string())),
                    ("name", Some(&u.name)),
                    ("id", u.id.as_deref()),
                ],
            );
        }
        w.end();
    }
    if !p.codes.is_empty() {
        w.start("CodeBook", &[]);
        w.start("Codes", &[]);
        for c in &p.codes {
            code(&mut w, c, notes_inside);
        }
        w.end();
        w.end();
    }
    if !p.variables.is_empty() {
        w.start("Variables", &[]);
        for v in &p.variables {
            let attrs = [
                ("guid", Some(v.guid.to_string())),
                ("name", Some(v.name.clone())),
                ("typeOfVariable", Some(v.kind.as_str().to_string())),
            ];
            let attrs: Vec<(&str, Option<&str>)> =
                attrs.iter().map(|(k, v)| (*k, v.as_deref())).collect();
            match &v.description {
                Some(d) => {
                    w.start("Variable", &attrs);
                    w.text("Description", d);
                    w.end();
                }
                None => w.empty("Variable", &attrs),
            }
        }
        w.end();
    }
    if !p.cases.is_empty() {
        w.start("Cases", &[]);
        for c in &p.cases {
            w.start(
                "Case",
                &[("guid", Some(&c.guid.to_string())), ("name", Some(&c.name))],
            );
            if let Some(d) = &c.description {
                w.text("Description", d);
            }
            for g in &c.codes {
                w.empty("CodeRef", &[("targetGUID", Some(&g.to_string()))]);
            }
            values(&mut w, &c.values);
            for g in &c.sources {
                w.empty("SourceRef", &[("targetGUID", Some(&g.to_string()))]);
            }
            for g in &c.selections {
                w.empty("SelectionRef", &[("targetGUID", Some(&g.to_string()))]);
            }
            w.end();
        }
        w.end();
    }
    if !p.sources.is_empty() {
        w.start("Sources", &[]);
        for s in &p.sources {
            let path = format!("internal://{}", source_file(s));
            w.start(
                "TextSource",
                &[
                    ("guid", Some(&s.guid.to_string())),
                    ("name", Some(&s.name)),
                    ("plainTextPath", Some(&path)),
                    ("creatingUser", opt(&s.creator).as_deref()),
                ],
            );
            if let Some(d) = &s.description {
                w.text("Description", d);
            }
            for sel in &s.selections {
                let (start, end) = (sel.start.to_string(), sel.end.to_string());
                w.start(
                    "PlainTextSelection",
                    &[
                        ("guid", Some(&sel.guid.to_string())),
                        ("name", sel.name.as_deref()),
                        ("startPosition", Some(&start)),
                        ("endPosition", Some(&end)),
                        ("creatingUser", opt(&sel.creator).as_deref()),
                    ],
                );
                if let Some(d) = &sel.description {
                    w.text("Description", d);
                }
                for c in &sel.codings {
                    coding(&mut w, c, &note_refs);
                }
                note_refs(&mut w, sel.guid);
                w.end();
            }
            for c in &s.codings {
                coding(&mut w, c, &note_refs);
            }
            note_refs(&mut w, s.guid);
            values(&mut w, &s.values);
            w.end();
        }
        w.end();
    }
    if !p.notes.is_empty() {
        w.start("Notes", &[]);
        for n in &p.notes {
            w.start(
                "Note",
                &[
                    ("guid", Some(&n.guid.to_string())),
                    ("name", Some(&n.name)),
                    ("creatingUser", opt(&n.creator).as_deref()),
                ],
            );
            if let Some(d) = &n.description {
                w.text("Description", d);
            }
            w.text("PlainTextContent", &n.text);
            note_refs(&mut w, n.guid);
            w.end();
        }
        w.end();
    }
    if !links.is_empty() {
        w.start("Links", &[]);
        for (note, case) in links {
            let guid = Guid::derive("link", &format!("{note}>{case}"));
            w.empty(
                "Link",
                &[
                    ("guid", Some(&guid.to_string())),
                    ("name", Some("Memo-Case Relation")),
                    ("direction", Some("OneWay")),
                    ("originGUID", Some(&note.to_string())),
                    ("targetGUID", Some(&case.to_string())),
                ],
            );
        }
        w.end();
    }
    if !p.sets.is_empty() {
        w.start("Sets", &[]);
        for s in &p.sets {
            w.start(
                "Set",
                &[("guid", Some(&s.guid.to_string())), ("name", Some(&s.name))],
            );
            if let Some(d) = &s.description {
                w.text("Description", d);
            }
            for (element, members) in [
                ("MemberCode", &s.codes),
                ("MemberSource", &s.sources),
                ("MemberNote", &s.notes),
            ] {
                for g in members {
                    w.empty(element, &[("targetGUID", Some(&g.to_string()))]);
                }
            }
            w.end();
        }
        w.end();
    }
    if let Some(d) = &p.description {
        w.text("Description", d);
    }
    for n in &p.project_notes {
        w.empty("NoteRef", &[("targetGUID", Some(&n.to_string()))]);
    }
    Ok(w.finish())
}

fn code(w: &mut Writer, c: &Code, notes: &HashMap<Guid, Vec<Guid>>) {
    let guid = c.guid.to_string();
    let attrs = [
        ("guid", Some(guid.as_str())),
        ("name", Some(c.name.as_str())),
        ("isCodable", Some(if c.codable { "true" } else { "false" })),
        ("color", c.colour.as_deref()),
    ];
    let code_notes = notes.get(&c.guid).filter(|n| !n.is_empty());
    if c.description.is_none() && c.children.is_empty() && code_notes.is_none() {
        w.empty("Code", &attrs);
        return;
    }
    w.start("Code", &attrs);
    if let Some(d) = &c.description {
        w.text("Description", d);
    }
    for n in code_notes.into_iter().flatten() {
        w.empty("NoteRef", &[("targetGUID", Some(&n.to_string()))]);
    }
    for child in &c.children {
        code(w, child, notes);
    }
    w.end();
}

fn coding(w: &mut Writer, c: &Coding, note_refs: &dyn Fn(&mut Writer, Guid)) {
    w.start(
        "Coding",
        &[
            ("guid", Some(&c.guid.to_string())),
            ("creatingUser", c.creator.map(|g| g.to_string()).as_deref()),
        ],
    );
    w.empty("CodeRef", &[("targetGUID", Some(&c.code.to_string()))]);
    note_refs(w, c.guid);
    w.end();
}

/// A project as a `.qdpx`: `project.qde` and each source's text as
/// `sources/<guid>.txt` (UTF-8, no byte-order mark), entries in name
/// order with a fixed date (1980-01-01, the zip format's zero).
pub fn to_qdpx(p: &Project) -> Result<Vec<u8>, Error> {
    let qde = to_qde(p)?;
    let mut entries: Vec<(String, &[u8])> = vec![("project.qde".to_string(), qde.as_bytes())];
    for s in &p.sources {
        entries.push((format!("sources/{}", source_file(s)), s.text.as_bytes()));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let zip_error = |e: zip::result::ZipError| Error::Export {
        message: format!("cannot build the zip archive: {e}"),
    };
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(name, options).map_err(zip_error)?;
        zip.write_all(bytes).map_err(|e| Error::Export {
            message: format!("cannot build the zip archive: {e}"),
        })?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}
