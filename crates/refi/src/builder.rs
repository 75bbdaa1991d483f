//! Building a project from strand's pieces: documents, a codebook, codings
//! as byte ranges, cases and their attributes, memos.
//!
//! Every GUID is derived from a stable name ([`Guid::derive`]): a
//! document's from its id, a selection's from its document and span, a
//! coding's from that and its code and coder, a user's from their name, a
//! case's from its id, a variable's from its name. The same inputs give
//! the same project, and the same `.qdpx`, whatever order they came in:
//! [`ProjectBuilder::build`] sorts everything.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use strand_codebook::Codebook;

use crate::codebook::{code_guid, codes_from_codebook};
use crate::model::*;
use crate::positions;
use crate::{Error, Guid};

/// Collects a project; see the module documentation.
#[derive(Debug, Default)]
pub struct ProjectBuilder {
    name: String,
    codes: Vec<Code>,
    /// Code id to GUID, for codings.
    code_ids: BTreeMap<String, Guid>,
    users: BTreeMap<String, User>,
    /// Document id to text and its codings (span in `Unit`, code, coder).
    documents: BTreeMap<String, Draft>,
    cases: BTreeMap<String, CaseDraft>,
    attributes: Vec<String>,
    notes: Vec<Note>,
}

#[derive(Debug, Default)]
struct CaseDraft {
    attributes: Vec<(String, String)>,
    documents: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct Draft {
    text: String,
    /// (start, end, in bytes or code points), code GUID, user GUID.
    codings: BTreeSet<(Span, Guid, Guid)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Span {
    Bytes(usize, usize),
    CodePoints(usize, usize),
}

impl ProjectBuilder {
    pub fn new(name: &str) -> ProjectBuilder {
        ProjectBuilder {
            name: name.to_string(),
            ..ProjectBuilder::default()
        }
    }

    /// The codebook's codes, with GUIDs from their ids.
    pub fn codebook(&mut self, codebook: &Codebook) -> &mut Self {
        self.codes = codes_from_codebook(codebook);
        self.code_ids = codebook
            .codes
            .iter()
            .map(|c| (c.id.clone(), code_guid(&c.id)))
            .collect();
        self
    }

    /// A coder, by name; `id` is a short form other programs may show (for
    /// automatic coding, the codebook version: `auto:1a2b3c`).
    pub fn user(&mut self, name: &str, id: Option<&str>) -> Guid {
        let guid = Guid::derive("user", name);
        self.users.entry(name.to_string()).or_insert_with(|| User {
            guid,
            name: name.to_string(),
            id: id.map(str::to_string),
        });
        guid
    }

    /// A document and its text, exactly as it will be written to
    /// `sources/`: every position counts in it.
    pub fn document(&mut self, id: &str, text: &str) -> Guid {
        self.documents.entry(id.to_string()).or_default().text = text.to_string();
        Guid::derive("source", id)
    }

    fn add(&mut self, document: &str, span: Span, code: &str, coder: &str) -> Result<(), Error> {
        let code = *self.code_ids.get(code).ok_or_else(|| Error::Export {
            message: format!(
                "a coding of `{document}` names code `{code}`, which is not in the codebook"
            ),
        })?;
        let user = self.user(coder, None);
        let draft = self
            .documents
            .get_mut(document)
            .ok_or_else(|| Error::Export {
                message: format!("a coding names document `{document}`, which was not added"),
            })?;
        draft.codings.insert((span, code, user));
        Ok(())
    }

    /// A coding of `bytes` of a document (strand's segments are byte
    /// ranges), by the code's dotted id and the coder's name.
    pub fn coding(
        &mut self,
        document: &str,
        bytes: Range<usize>,
        code: &str,
        coder: &str,
    ) -> Result<(), Error> {
        let ok = self.documents.get(document).is_some_and(|d| {
            bytes.start <= bytes.end
                && d.text.is_char_boundary(bytes.start)
                && d.text.is_char_boundary(bytes.end)
        });
        if !ok && self.documents.contains_key(document) {
            return Err(Error::Export {
                message: format!(
                    "a coding of `{document}` spans bytes {}..{}, which are not character boundaries of its text",
                    bytes.start, bytes.end
                ),
            });
        }
        self.add(document, Span::Bytes(bytes.start, bytes.end), code, coder)
    }

    /// A coding given in code points (as `codings.tsv` holds them).
    pub fn coding_in_code_points(
        &mut self,
        document: &str,
        range: Range<usize>,
        code: &str,
        coder: &str,
    ) -> Result<(), Error> {
        if let Some(d) = self.documents.get(document) {
            let length = d.text.chars().count();
            if range.start > range.end || range.end > length {
                return Err(Error::Export {
                    message: format!(
                        "a coding of `{document}` spans {}..{}, outside its {length} characters",
                        range.start, range.end
                    ),
                });
            }
        }
        self.add(
            document,
            Span::CodePoints(range.start, range.end),
            code,
            coder,
        )
    }

    /// A case (a participant) with its attributes, in the order given, and
    /// the documents it belongs to. Empty values are left out, as the
    /// standard has no empty value.
    pub fn case(
        &mut self,
        id: &str,
        attributes: &[(String, String)],
        documents: &[String],
    ) -> Guid {
        for (name, _) in attributes {
            if !self.attributes.contains(name) {
                self.attributes.push(name.clone());
            }
        }
        let entry = self.cases.entry(id.to_string()).or_default();
        entry.attributes = attributes.to_vec();
        entry.documents.extend(documents.iter().cloned());
        Guid::derive("case", id)
    }

    /// A memo about what `references` name (see [`Note::references`]); its
    /// GUID comes from its name, which should therefore be unique.
    pub fn note(&mut self, name: &str, text: &str, references: &[Guid]) -> Guid {
        let guid = Guid::derive("note", name);
        let mut references = references.to_vec();
        references.sort();
        references.dedup();
        self.notes.push(Note {
            guid,
            name: name.to_string(),
            text: text.to_string(),
            description: None,
            creator: None,
            references,
        });
        guid
    }

    /// GUID of a document's selection over `range` in code points, for a
    /// memo about it.
    pub fn selection_guid(document: &str, range: Range<usize>) -> Guid {
        Guid::derive(
            "selection",
            &format!("{document}:{}-{}", range.start, range.end),
        )
    }

    /// The project, everything in a deterministic order: users by name,
    /// sources by id, selections by position, cases by id, variables by
    /// first appearance, notes by name.
    pub fn build(self) -> Project {
        let mut sources = Vec::new();
        for (id, draft) in &self.documents {
            let bytes: Vec<usize> = draft
                .codings
                .iter()
                .flat_map(|(span, _, _)| match *span {
                    Span::Bytes(s, e) => [s, e],
                    Span::CodePoints(..) => [0, 0],
                })
                .collect();
            let converted = positions::bytes_to_code_points(&draft.text, &bytes);
            let mut spans: BTreeMap<(usize, usize), Vec<Coding>> = BTreeMap::new();
            for (i, (span, code, user)) in draft.codings.iter().enumerate() {
                let (start, end) = match *span {
                    Span::Bytes(..) => (converted[2 * i], converted[2 * i + 1]),
                    Span::CodePoints(s, e) => (s, e),
                };
                let key = format!("{id}:{start}-{end}:{code}:{user}");
                let list = spans.entry((start, end)).or_default();
                let coding = Coding {
                    guid: Guid::derive("coding", &key),
                    code: *code,
                    creator: Some(*user),
                };
                if !list.contains(&coding) {
                    list.push(coding);
                }
            }
            let selections = spans
                .into_iter()
                .map(|((start, end), mut codings)| {
                    codings.sort_by_key(|c| (c.code, c.creator));
                    Selection {
                        guid: Self::selection_guid(id, start..end),
                        name: None,
                        start,
                        end,
                        description: None,
                        creator: None,
                        codings,
                    }
                })
                .collect();
            sources.push(Source {
                guid: Guid::derive("source", id),
                name: id.clone(),
                text: draft.text.clone(),
                description: None,
                creator: None,
                selections,
                codings: Vec::new(),
                values: Vec::new(),
            });
        }

        let variables: Vec<Variable> = self
            .attributes
            .iter()
            .map(|name| {
                let values = self
                    .cases
                    .values()
                    .flat_map(|case| {
                        case.attributes
                            .iter()
                            .filter(|(n, _)| n == name)
                            .map(|(_, v)| v.as_str())
                    })
                    .filter(|v| !v.is_empty());
                Variable {
                    guid: Guid::derive("variable", name),
                    name: name.clone(),
                    kind: infer_type(values),
                    description: None,
                }
            })
            .collect();
        let cases = self
            .cases
            .iter()
            .map(|(id, case)| Case {
                guid: Guid::derive("case", id),
                name: id.clone(),
                description: None,
                codes: Vec::new(),
                values: variables
                    .iter()
                    .filter_map(|v| {
                        let value = case
                            .attributes
                            .iter()
                            .find(|(n, _)| *n == v.name)?
                            .1
                            .clone();
                        (!value.is_empty()).then_some(VariableValue {
                            variable: v.guid,
                            value,
                        })
                    })
                    .collect(),
                sources: case
                    .documents
                    .iter()
                    .filter(|d| self.documents.contains_key(*d))
                    .map(|d| Guid::derive("source", d))
                    .collect(),
                selections: Vec::new(),
            })
            .collect();
        let mut notes = self.notes;
        notes.sort_by(|a, b| a.name.cmp(&b.name).then(a.guid.cmp(&b.guid)));
        Project {
            name: self.name,
            origin: crate::ORIGIN.to_string(),
            description: None,
            users: self.users.into_values().collect(),
            codes: self.codes,
            variables,
            cases,
            sources,
            notes,
            sets: Vec::new(),
            project_notes: Vec::new(),
        }
    }
}

/// `Integer` when every value is an integer written the one way (`3`,
/// `-12`: no sign on positives, no leading zeros, so another program that
/// reads it as a number writes it back the same); otherwise `Text`.
/// Decimals stay text: `2.50` would come back as `2.5`.
pub fn infer_type<'a>(values: impl Iterator<Item = &'a str>) -> VariableType {
    let mut any = false;
    for v in values {
        any = true;
        let digits = v.strip_prefix('-').unwrap_or(v);
        let canonical = !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && v != "-0";
        if !canonical {
            return VariableType::Text;
        }
    }
    if any {
        VariableType::Integer
    } else {
        VariableType::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_integers_only_when_written_the_one_way() {
        let t = |v: &[&str]| infer_type(v.iter().copied());
        assert_eq!(t(&["3", "-12", "0"]), VariableType::Integer);
        assert_eq!(t(&["3", "03"]), VariableType::Text);
        assert_eq!(t(&["3", "+3"]), VariableType::Text);
        assert_eq!(t(&["2.5"]), VariableType::Text);
        assert_eq!(t(&["-0"]), VariableType::Text);
        assert_eq!(t(&[]), VariableType::Text);
    }
}
