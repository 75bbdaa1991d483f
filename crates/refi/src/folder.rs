//! A project as a folder strand reads: transcripts, a codebook, codings,
//! cases and memos, as files' names and bytes (the binary writes them).
//!
//! ```text
//! transcripts/<document>.txt   each text source's text, as in the file
//! codebook.toml                the code tree (see crate::codebook)
//! codings.tsv                  document, start, end (code points, end
//!                              exclusive), code id, coder
//! participants.csv             cases and their variables, if any
//! memos.md                     notes, and what each is about, if any
//! ```

use std::collections::{BTreeSet, HashMap};

use crate::codebook::codebook_toml;
use crate::model::*;
use crate::{Error, Guid};

/// The files of a strand folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// (file name under `transcripts/`, text).
    pub transcripts: Vec<(String, String)>,
    pub codebook: String,
    pub codings: String,
    pub participants: Option<String>,
    pub memos: Option<String>,
    /// What the folder cannot hold, for the researcher to know.
    pub notices: Vec<String>,
}

impl Folder {
    /// Every file as (path relative to the folder, bytes), in a fixed order.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out: Vec<(String, Vec<u8>)> = self
            .transcripts
            .iter()
            .map(|(name, text)| (format!("transcripts/{name}"), text.clone().into_bytes()))
            .collect();
        out.push(("codebook.toml".into(), self.codebook.clone().into_bytes()));
        out.push(("codings.tsv".into(), self.codings.clone().into_bytes()));
        if let Some(p) = &self.participants {
            out.push((strand_transcript::CASES_FILE.into(), p.clone().into_bytes()));
        }
        if let Some(m) = &self.memos {
            out.push(("memos.md".into(), m.clone().into_bytes()));
        }
        out
    }
}

/// The header line of `codings.tsv`.
pub const CODINGS_HEADER: &str = "document\tstart\tend\tcode\tcoder";

/// A document id from a source's name that is safe as a file name on any
/// system: a `.txt`, `.docx`, `.rtf` or `.pdf` extension dropped, path
/// separators, reserved and control characters as `_`.
pub fn document_id(name: &str) -> String {
    let trimmed = name.trim();
    let stem = [".txt", ".docx", ".rtf", ".pdf", ".doc"]
        .iter()
        .find_map(|ext| {
            let cut = trimmed.len().checked_sub(ext.len())?;
            (trimmed.is_char_boundary(cut) && trimmed[cut..].eq_ignore_ascii_case(ext))
                .then(|| &trimmed[..cut])
        })
        .unwrap_or(trimmed);
    let id: String = stem
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let id = id
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    if id.is_empty() {
        "source".into()
    } else {
        id
    }
}

fn unique(base: String, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// Tabs and line ends would break a TSV row.
fn field(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// Converts a project to a strand folder. `name` names the codebook.
pub fn to_folder(p: &Project, name: &str) -> Result<Folder, Error> {
    let mut notices = Vec::new();
    let (codebook, code_ids) = codebook_toml(&p.codes, name)?;
    let users: HashMap<Guid, String> = p
        .users
        .iter()
        .map(|u| {
            let name = if u.name.trim().is_empty() {
                u.id.clone().unwrap_or_else(|| u.guid.to_string())
            } else {
                u.name.clone()
            };
            (u.guid, name)
        })
        .collect();
    let coder = |g: &Option<Guid>| g.and_then(|g| users.get(&g).cloned()).unwrap_or_default();
    // The tree gave every code an id; a coding of anything else is a
    // project that was never checked.
    let code_id = |c: &Coding| -> Result<String, Error> {
        code_ids.get(&c.code).cloned().ok_or_else(|| Error::Export {
            message: format!(
                "coding {} refers to {}, which is not a code of the project",
                c.guid, c.code
            ),
        })
    };

    let mut taken = BTreeSet::new();
    let mut documents: HashMap<Guid, String> = HashMap::new();
    let mut transcripts = Vec::new();
    let mut rows: Vec<(usize, usize, usize, String, String)> = Vec::new();
    for (order, s) in p.sources.iter().enumerate() {
        let id = unique(document_id(&s.name), &mut taken);
        documents.insert(s.guid, id.clone());
        transcripts.push((format!("{id}.txt"), s.text.clone()));
        for sel in &s.selections {
            for c in &sel.codings {
                rows.push((order, sel.start, sel.end, code_id(c)?, coder(&c.creator)));
            }
        }
        if !s.codings.is_empty() {
            notices.push(format!(
                "{id}: {} coding(s) of the whole document written as codings of its whole text",
                s.codings.len()
            ));
            let length = s.text.chars().count();
            for c in &s.codings {
                rows.push((order, 0, length, code_id(c)?, coder(&c.creator)));
            }
        }
        if !s.values.is_empty() {
            notices.push(format!(
                "{id}: {} attribute value(s) of the document itself not kept (strand keeps attributes per participant)",
                s.values.len()
            ));
        }
    }
    rows.sort();
    rows.dedup();
    let ids: Vec<&String> = p.sources.iter().map(|s| &documents[&s.guid]).collect();
    let mut codings = format!("{CODINGS_HEADER}\n");
    for (order, start, end, code, coder) in rows {
        codings.push_str(&format!(
            "{}\t{start}\t{end}\t{code}\t{}\n",
            field(ids[order]),
            field(&coder)
        ));
    }

    let participants = if p.cases.is_empty() {
        None
    } else {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let header: Vec<String> = std::iter::once("participant".to_string())
            .chain(p.variables.iter().map(|v| v.name.clone()))
            .collect();
        let csv_error = |e: csv::Error| Error::Export {
            message: format!("cannot write participants.csv: {e}"),
        };
        w.write_record(&header).map_err(csv_error)?;
        let mut names = BTreeSet::new();
        for c in &p.cases {
            let base = if c.name.trim().is_empty() {
                c.guid.to_string()
            } else {
                c.name.trim().to_string()
            };
            let mut record = vec![unique(base, &mut names)];
            for v in &p.variables {
                record.push(
                    c.values
                        .iter()
                        .find(|x| x.variable == v.guid)
                        .map(|x| x.value.clone())
                        .unwrap_or_default(),
                );
            }
            w.write_record(&record).map_err(csv_error)?;
        }
        let bytes = w.into_inner().map_err(|e| Error::Export {
            message: format!("cannot write participants.csv: {e}"),
        })?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    };

    let memos = if p.notes.is_empty() {
        None
    } else {
        Some(memos_markdown(p, &documents, &code_ids))
    };
    Ok(Folder {
        transcripts,
        codebook,
        codings,
        participants,
        memos,
        notices,
    })
}

/// The notes as Markdown: a heading per note, what it is about, its text.
fn memos_markdown(
    p: &Project,
    documents: &HashMap<Guid, String>,
    codes: &HashMap<Guid, String>,
) -> String {
    let mut about: HashMap<Guid, String> = HashMap::new();
    for (g, id) in documents {
        about.insert(*g, format!("document `{id}`"));
    }
    for (g, id) in codes {
        about.insert(*g, format!("code `{id}`"));
    }
    for s in &p.sources {
        let doc = &documents[&s.guid];
        for sel in &s.selections {
            about.insert(sel.guid, format!("`{doc}` {}..{}", sel.start, sel.end));
            for c in &sel.codings {
                let code = codes
                    .get(&c.code)
                    .cloned()
                    .unwrap_or_else(|| c.code.to_string());
                about.insert(
                    c.guid,
                    format!(
                        "the coding of `{doc}` {}..{} with `{code}`",
                        sel.start, sel.end
                    ),
                );
            }
        }
    }
    for c in &p.cases {
        about.insert(c.guid, format!("participant `{}`", c.name));
    }
    for n in &p.notes {
        about.insert(n.guid, format!("memo “{}”", n.name));
    }
    let on_project: BTreeSet<Guid> = p.project_notes.iter().copied().collect();
    let mut out = String::from("# Memos\n");
    for n in &p.notes {
        out.push_str(&format!(
            "\n## {}\n\n",
            if n.name.trim().is_empty() {
                "(untitled)"
            } else {
                n.name.trim()
            }
        ));
        let mut subjects: Vec<String> = n
            .references
            .iter()
            .map(|g| about.get(g).cloned().unwrap_or_else(|| g.to_string()))
            .collect();
        if on_project.contains(&n.guid) {
            subjects.insert(0, "the project".into());
        }
        if !subjects.is_empty() {
            out.push_str(&format!("About: {}\n\n", subjects.join("; ")));
        }
        if let Some(d) = &n.description {
            out.push_str(&format!("_{}_\n\n", d.trim()));
        }
        let text = n.text.replace("\r\n", "\n");
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_are_safe_file_names() {
        assert_eq!(document_id("Interview 1.txt"), "Interview 1");
        assert_eq!(document_id("Simon.DOCX"), "Simon");
        assert_eq!(document_id("../a/b:c?.pdf"), "_a_b_c_");
        assert_eq!(document_id(" . "), "source");
        assert_eq!(document_id("Mabêl 2ième.txt"), "Mabêl 2ième");
        let mut taken = BTreeSet::new();
        assert_eq!(unique("P01".into(), &mut taken), "P01");
        assert_eq!(unique("p01".into(), &mut taken), "p01-2");
    }
}
