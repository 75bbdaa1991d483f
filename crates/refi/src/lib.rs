//! REFI-QDA exchange: codebooks (`.qdc`) and projects (`.qdpx`) in the
//! standard that NVivo, ATLAS.ti, MAXQDA, QualCoder and others share.
//!
//! The crate defines a plain exchange [`model`] ([`Project`], [`CodeBook`])
//! shaped as the standard is, and converts it to and from files:
//! [`to_qdpx`] / [`from_qdpx`], [`to_qdc`] / [`from_qdc`] (and
//! [`import_qdpx`] / [`import_qdc`] for the warnings an import has). It
//! also converts between the model and strand's own pieces: a
//! [`strand_codebook::Codebook`] and the code tree ([`codes_from_codebook`],
//! [`codebook_toml`]), documents, codings and cases into a project
//! ([`ProjectBuilder`]), and a project into a folder strand reads
//! ([`to_folder`]).
//!
//! It is *not* a store: it knows no database and writes no files (it
//! returns bytes; the binary writes them), and it does not code or count.
//! A store converts its records to and from the model.
//!
//! Two promises hold throughout:
//!
//! - **Positions are Unicode code points, end exclusive**, over exactly
//!   the text written to (or read from) the archive's `sources/` folder.
//!   strand's byte offsets are converted on the way out; NVivo's UTF-16
//!   offsets on the way in (see [`ImportOptions`] for how they are told
//!   apart, and the evidence).
//! - **Export is deterministic**: GUIDs are derived from stable ids
//!   ([`Guid::derive`]), elements and zip entries are in a fixed order,
//!   and nothing carries a date. Same model, same bytes.
//!
//! Errors name the entry, line and column and what was expected, and never
//! quote a source's text; a damaged or hostile file (invalid XML, missing
//! entries, references to nothing, a zip bomb) is an [`Error`], never a
//! panic.

mod builder;
mod check;
mod codebook;
mod error;
mod folder;
mod guid;
pub mod model;
pub mod positions;
mod read;
mod write;
mod xml;

pub use builder::{infer_type, ProjectBuilder};
pub use check::{audit_qdc, audit_qdpx, check_codebook, check_project, value_fits};
pub use codebook::{
    code_guid, codebook_toml, codes_from_codebook, parse_description, slug, Described,
};
pub use error::{Error, Place, Warning};
pub use folder::{document_id, to_folder, Folder, CODINGS_HEADER};
pub use guid::Guid;
pub use model::{
    Case, Code, CodeBook, Coding, Note, Project, Selection, Set, Source, User, Variable,
    VariableType, VariableValue,
};
pub use positions::PositionUnit;
pub use read::{
    from_qdc, from_qdpx, import_qdc, import_qde, import_qdpx, CodeBookImport, ImportOptions,
    MissingText, Positions, ProjectImport, SourceLookup, MAX_ENTRY, MAX_TOTAL,
};
pub use write::{source_file, to_qdc, to_qde, to_qdpx, ORIGIN};
