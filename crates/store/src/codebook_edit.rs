//! Renaming, moving, merging and deleting codes without losing codings.
//!
//! The codebook is edited as TOML with `toml_edit`, which keeps the
//! researcher's comments and layout, and stored as a new codebook version;
//! the codings follow in the same transaction. Editing the text rather than
//! re-serialising the parsed codebook is the point: a codebook is a
//! document researchers annotate, and a rename must not strip their notes.

use std::path::Path;

use rusqlite::params;
use toml_edit::{ArrayOfTables, DocumentMut, Item};

use crate::{queries, Error, Tx};

const EDITED: &str = "codebook.toml (in the project)";

/// `id` after renaming the subtree at `from` to `to`, or `None` when `id`
/// is outside that subtree.
fn mapped(id: &str, from: &str, to: &str) -> Option<String> {
    if id == from {
        Some(to.to_string())
    } else {
        id.strip_prefix(from)
            .filter(|rest| rest.starts_with('.'))
            .map(|rest| format!("{to}{rest}"))
    }
}

fn in_subtree(id: &str, root: &str) -> bool {
    id == root || id.strip_prefix(root).is_some_and(|r| r.starts_with('.'))
}

fn codes(doc: &mut DocumentMut) -> Result<&mut ArrayOfTables, Error> {
    doc.get_mut("code")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| Error::CodebookEdit("it has no [[code]] tables".into()))
}

fn id_of(t: &toml_edit::Table) -> Option<String> {
    t.get("id").and_then(Item::as_str).map(str::to_string)
}

impl Tx<'_> {
    fn edit_codebook(
        &self,
        edit: impl FnOnce(&mut DocumentMut) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let text = queries::codebook_text(&self.tx)?;
        let mut doc: DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| Error::CodebookEdit(e.to_string()))?;
        edit(&mut doc)?;
        let new = doc.to_string();
        // Parsing the result checks it as `strand codebook check` would: an
        // edit that leaves a dangling `negated` reference is refused.
        self.set_codebook(&new, Path::new(EDITED))?;
        Ok(())
    }

    fn require_code(&self, code: &str) -> Result<std::rc::Rc<strand_codebook::Codebook>, Error> {
        let codebook = self.codebook()?;
        if codebook.get(code).is_none() {
            return Err(Error::UnknownCode {
                code: code.to_string(),
                similar: queries::similar_code(&codebook, code),
            });
        }
        Ok(codebook)
    }

    /// Moves every coding of `from` to `into` (same segment and coder):
    /// where the coder already has `into` there, the two become one, kept
    /// as accepted if either was.
    fn move_codings(&self, from: &str, into: &str) -> Result<usize, Error> {
        self.tx.execute(
            "UPDATE codings SET status = 'accepted'
             WHERE code = ?2 AND status != 'accepted' AND EXISTS (
                SELECT 1 FROM codings m WHERE m.segment = codings.segment AND m.coder = codings.coder
                AND m.code = ?1 AND m.status = 'accepted')",
            params![from, into],
        )?;
        self.tx.execute(
            "DELETE FROM codings WHERE code = ?1 AND EXISTS (
                SELECT 1 FROM codings t WHERE t.segment = codings.segment AND t.coder = codings.coder AND t.code = ?2)",
            params![from, into],
        )?;
        Ok(self.tx.execute(
            "UPDATE codings SET code = ?2 WHERE code = ?1",
            params![from, into],
        )?)
    }

    /// Every code id with codings, whether in the codebook or not.
    fn coded_ids(&self) -> Result<Vec<String>, Error> {
        let mut st = self
            .tx
            .prepare("SELECT DISTINCT code FROM codings ORDER BY code")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Renames a code and its descendants (`barriers.cost` to
    /// `barriers.money` also renames `barriers.cost.travel`). Returns the
    /// number of codings renamed.
    pub fn rename_code(&self, from: &str, to: &str) -> Result<usize, Error> {
        let codebook = self.require_code(from)?;
        if codebook.get(to).is_some() {
            return Err(Error::CodeExists {
                code: to.to_string(),
            });
        }
        if in_subtree(to, from) {
            return Err(Error::MoveIntoItself {
                code: from.to_string(),
                parent: to.to_string(),
            });
        }
        self.edit_codebook(|doc| {
            for t in codes(doc)?.iter_mut() {
                for key in ["id", "negated"] {
                    let new = t
                        .get(key)
                        .and_then(Item::as_str)
                        .and_then(|v| mapped(v, from, to));
                    if let Some(new) = new {
                        t[key] = toml_edit::value(new);
                    }
                }
            }
            Ok(())
        })?;
        let mut n = 0;
        for id in self.coded_ids()? {
            if let Some(new) = mapped(&id, from, to) {
                n += self.move_codings(&id, &new)?;
            }
        }
        Ok(n)
    }

    /// Moves a code (and its descendants) under `parent`, or to the top
    /// level. Returns its new id.
    pub fn move_code(&self, code: &str, parent: Option<&str>) -> Result<String, Error> {
        let codebook = self.require_code(code)?;
        if let Some(p) = parent {
            if codebook.get(p).is_none() {
                return Err(Error::UnknownCode {
                    code: p.to_string(),
                    similar: queries::similar_code(&codebook, p),
                });
            }
            if in_subtree(p, code) {
                return Err(Error::MoveIntoItself {
                    code: code.to_string(),
                    parent: p.to_string(),
                });
            }
        }
        let last = code.rsplit('.').next().unwrap_or(code);
        let to = match parent {
            Some(p) => format!("{p}.{last}"),
            None => last.to_string(),
        };
        if to != code {
            self.rename_code(code, &to)?;
        }
        Ok(to)
    }

    /// Merges `from` into `into`: `from`'s codings become `into`'s, its rules
    /// join `into`'s, and its children become `into`'s children (merging
    /// again where `into` has a child of the same name). Returns the number
    /// of codings moved.
    pub fn merge_code(&self, from: &str, into: &str) -> Result<usize, Error> {
        let codebook = self.require_code(from)?;
        self.require_code(into)?;
        if in_subtree(into, from) {
            return Err(Error::MergeIntoItself {
                code: from.to_string(),
                into: into.to_string(),
            });
        }
        let existing: Vec<String> = codebook.codes.iter().map(|c| c.id.clone()).collect();
        self.edit_codebook(|doc| {
            let tables = codes(doc)?;
            // Codes of the subtree whose new id already exists hand their
            // rules over and disappear; the others are renamed.
            let mut moved_rules: Vec<(String, Vec<toml_edit::Table>)> = Vec::new();
            let mut keep = Vec::new();
            for t in tables.iter() {
                let id = id_of(t).unwrap_or_default();
                let merge = mapped(&id, from, into).filter(|new| existing.contains(new));
                if let Some(target) = merge {
                    let rules = t
                        .get("rule")
                        .and_then(Item::as_array_of_tables)
                        .map(|a| a.iter().cloned().collect())
                        .unwrap_or_default();
                    moved_rules.push((target, rules));
                    keep.push(false);
                } else {
                    keep.push(true);
                }
            }
            let mut index = 0;
            tables.retain(|_| {
                let k = keep[index];
                index += 1;
                k
            });
            for t in tables.iter_mut() {
                let id = id_of(t).unwrap_or_default();
                for (target, rules) in &moved_rules {
                    if *target == id && !rules.is_empty() {
                        if !t.contains_key("rule") {
                            t.insert("rule", Item::ArrayOfTables(ArrayOfTables::new()));
                        }
                        if let Some(a) = t.get_mut("rule").and_then(Item::as_array_of_tables_mut) {
                            for r in rules {
                                a.push(r.clone());
                            }
                        }
                    }
                }
                for key in ["id", "negated"] {
                    let new = t
                        .get(key)
                        .and_then(Item::as_str)
                        .and_then(|v| mapped(v, from, into));
                    if let Some(new) = new {
                        t[key] = toml_edit::value(new);
                    }
                }
                // A code whose negated matches were recoded to the code now
                // merged into it codes them itself, marked as negated.
                if t.get("negated").and_then(Item::as_str) == id_of(t).as_deref() {
                    t["negated"] = toml_edit::value("keep");
                }
            }
            Ok(())
        })?;
        let mut n = 0;
        for id in self.coded_ids()? {
            if let Some(new) = mapped(&id, from, into) {
                n += self.move_codings(&id, &new)?;
            }
        }
        Ok(n)
    }

    /// Deletes a code and its descendants. Refused when they have codings,
    /// unless `force`; then the codings go too (and `strand undo` brings
    /// both back). Returns the number of codings deleted.
    pub fn delete_code(&self, code: &str, force: bool) -> Result<usize, Error> {
        self.require_code(code)?;
        let codings: usize = self.tx.query_row(
            "SELECT count(*) FROM codings WHERE code = ?1 OR substr(code, 1, length(?1) + 1) = ?1 || '.'",
            [code],
            |r| r.get(0),
        )?;
        if codings > 0 && !force {
            return Err(Error::CodeHasCodings {
                code: code.to_string(),
                codings,
            });
        }
        self.edit_codebook(|doc| {
            codes(doc)?.retain(|t| !id_of(t).is_some_and(|id| in_subtree(&id, code)));
            Ok(())
        })?;
        Ok(self.tx.execute(
            "DELETE FROM codings WHERE code = ?1 OR substr(code, 1, length(?1) + 1) = ?1 || '.'",
            [code],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_mapping_respects_dots() {
        assert_eq!(mapped("a.b", "a.b", "c").as_deref(), Some("c"));
        assert_eq!(mapped("a.b.x", "a.b", "c").as_deref(), Some("c.x"));
        assert_eq!(mapped("a.bx", "a.b", "c"), None);
        assert!(in_subtree("a.b.c", "a.b"));
        assert!(!in_subtree("a.bc", "a.b"));
    }
}
