//! The anonymisation screen: finds identifying details that slipped
//! through a transcript's anonymisation, before anything is coded, and
//! rewrites text with them replaced.
//!
//! A [`Screen`] looks for details with a recognisable shape (e-mail and web
//! addresses, UK phone numbers, NHS numbers that pass their checksum,
//! National Insurance numbers, UK postcodes, dates near "born" or "DOB")
//! and for the names and places on the researcher's own lists
//! ([`read_list`]). [`Screen::scan`] returns [`Finding`]s: a kind and a
//! position, never the detail itself, so findings can be printed and logged
//! without spreading what they point at. A [`Redactor`] replaces findings
//! with labels, keeping one pseudonym per name and place across documents,
//! and keeps the key that maps pseudonyms back.
//!
//! It is *not* a guarantee of anonymity: it catches what has a shape or is
//! on a list, and a researcher still reads the transcripts. It does not read
//! transcript files or walk directories (the caller hands it text), does not
//! decide policy (whether a finding blocks coding, is redacted or is
//! accepted is the caller's choice), and never writes files.
//!
//! ```
//! use strand_screen::{Kind, Redactor, Screen};
//!
//! let screen = Screen::new(&["Mary Ann".to_string()], &["Leeds".to_string()])?;
//! let text = "Mary Ann rang from Leeds\non 07700 900123.";
//! let findings = screen.scan(text);
//! assert_eq!(findings[2].kind, Kind::Phone);
//! assert_eq!(findings[2].to_string(), "line 2, column 4: UK phone number");
//!
//! let mut redactor = Redactor::new();
//! assert_eq!(
//!     redactor.redact(text, &findings),
//!     "[Name 1] rang from [Place 1]\non [phone]."
//! );
//! # Ok::<(), strand_screen::Error>(())
//! ```

mod error;
mod kind;
mod list;
mod redact;
mod screen;

pub use error::Error;
pub use kind::Kind;
pub use list::read_list;
pub use redact::Redactor;
pub use screen::{Finding, Screen};

#[cfg(test)]
mod tests;
