//! Researcher-supplied lists of names and places.

use std::path::Path;

use crate::Error;

/// Reads a list of names or places: one entry per line, surrounding
/// whitespace trimmed, blank lines and lines starting with `#` ignored.
///
/// An entry with no letter or digit (a stray `-` or `.`) is an error rather
/// than skipped: it is most likely a slip in a file whose whole purpose is
/// to be complete, and the researcher should look at that line.
pub fn read_list(path: &Path) -> Result<Vec<String>, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Encoding {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    parse_list(path, &text)
}

fn parse_list(path: &Path, text: &str) -> Result<Vec<String>, Error> {
    // Editors on Windows often save with a byte-order mark, which would
    // otherwise become part of the first name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let entry = line.trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        if !has_word_char(entry) {
            return Err(Error::BadEntry {
                path: path.to_path_buf(),
                line: i + 1,
            });
        }
        entries.push(entry.to_string());
    }
    Ok(entries)
}

pub(crate) fn has_word_char(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn scratch(name: &str, content: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("strand-screen-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    #[test]
    fn skips_comments_and_blank_lines() {
        let path = scratch(
            "names.txt",
            "\u{feff}# participants\n\n  Mary Ann  \r\nSiân\n   # indented comment\nO'Brien\n"
                .as_bytes(),
        );
        assert_eq!(read_list(&path).unwrap(), ["Mary Ann", "Siân", "O'Brien"]);
    }

    #[test]
    fn empty_file_is_an_empty_list() {
        let path = scratch("empty.txt", b"");
        assert!(read_list(&path).unwrap().is_empty());
    }

    #[test]
    fn punctuation_only_entry_names_file_and_line() {
        let path = scratch("bad.txt", b"# names\nMary Smith\n--\nJohn\n");
        let err = read_list(&path).unwrap_err();
        assert!(matches!(err, Error::BadEntry { line: 3, .. }));
        let message = err.to_string();
        assert!(message.contains("bad.txt:3:"), "{message}");
        // The neighbouring (real) names must not leak into the message.
        assert!(!message.contains("Mary") && !message.contains("John"));
        assert!(!format!("{err:?}").contains("Mary"));
    }

    #[test]
    fn missing_file_names_the_file() {
        let path = std::env::temp_dir().join("strand-screen-no-such-list.txt");
        let err = read_list(&path).unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
        assert!(err
            .to_string()
            .contains("strand-screen-no-such-list.txt: cannot read"));
    }

    #[test]
    fn invalid_utf8_names_the_file_and_offset() {
        let path = scratch("latin1.txt", b"Mary\nJos\xe9\n");
        let err = read_list(&path).unwrap_err();
        assert!(matches!(err, Error::Encoding { offset: 8, .. }));
        let message = err.to_string();
        assert!(message.contains("latin1.txt: not valid UTF-8"));
        assert!(!message.contains("Mary") && !message.contains("Jos"));
    }
}
