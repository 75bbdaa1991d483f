//! Bytes to text, lines and offsets: the parts of reading a transcript that
//! do not depend on its format.

use std::ops::Range;
use std::path::Path;

use crate::Error;

/// The encodings strand reads. Word's "Unicode text" is UTF-16 with a
/// byte-order mark; everything else researchers meet is UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16 LE",
            Encoding::Utf16Be => "UTF-16 BE",
        }
    }
}

/// What to do with bytes that are not valid in the file's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Invalid {
    /// Stop with an error naming the byte offset: the default, because a
    /// wrong encoding usually means the wrong file or a wrong export.
    #[default]
    Reject,
    /// Replace each bad sequence with U+FFFD and count it, so the summary
    /// can say how much was lost.
    Replace,
}

/// A decoded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text without its byte-order mark.
    pub text: String,
    pub encoding: Encoding,
    /// How many invalid sequences were replaced (always 0 with
    /// [`Invalid::Reject`]).
    pub replaced: usize,
}

/// Decodes a file's bytes, telling UTF-16 from UTF-8 by the byte-order mark.
pub fn decode(path: &Path, bytes: Vec<u8>, invalid: Invalid) -> Result<Decoded, Error> {
    let bad = |offset: usize| Error::Encoding {
        path: path.to_path_buf(),
        offset,
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, Encoding::Utf16Le, invalid).map_err(|o| bad(o + 2));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, Encoding::Utf16Be, invalid).map_err(|o| bad(o + 2));
    }
    let (body, encoding, skip) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest, Encoding::Utf8Bom, 3),
        None => (&bytes[..], Encoding::Utf8, 0),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Ok(Decoded {
            text: text.to_string(),
            encoding,
            replaced: 0,
        }),
        Err(e) if invalid == Invalid::Reject => Err(bad(skip + e.valid_up_to())),
        Err(_) => {
            let mut replaced = 0;
            let mut text = String::with_capacity(body.len());
            for chunk in body.utf8_chunks() {
                text.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    text.push(char::REPLACEMENT_CHARACTER);
                    replaced += 1;
                }
            }
            Ok(Decoded {
                text,
                encoding,
                replaced,
            })
        }
    }
}

/// Decodes UTF-16 after its BOM; an error carries the byte offset (from
/// after the BOM) of the first bad unit.
fn utf16(body: &[u8], encoding: Encoding, invalid: Invalid) -> Result<Decoded, usize> {
    if body.len() % 2 == 1 && invalid == Invalid::Reject {
        return Err(body.len() - 1);
    }
    let units = body.chunks_exact(2).map(|p| match encoding {
        Encoding::Utf16Be => u16::from_be_bytes([p[0], p[1]]),
        _ => u16::from_le_bytes([p[0], p[1]]),
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut replaced = usize::from(body.len() % 2 == 1);
    let mut at = 0;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                at += 2 * c.len_utf16();
                text.push(c);
            }
            Err(_) if invalid == Invalid::Reject => return Err(at),
            Err(_) => {
                at += 2;
                replaced += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    if replaced > 0 && body.len() % 2 == 1 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    Ok(Decoded {
        text,
        encoding,
        replaced,
    })
}

/// Lines of `text` with their byte ranges, terminators excluded. `\r\n`,
/// `\n` and a lone `\r` (old Mac exports) each end a line.
pub fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let from = start;
        let mut i = from;
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        start = match bytes.get(i) {
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => i + 2,
            Some(_) => i + 1,
            None => i,
        };
        Some(from..i)
    })
}

/// The 1-based line and column (in characters) of byte `offset`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut line = 1;
    for l in lines(text) {
        if offset <= l.end {
            let column = text[l.start..offset.max(l.start)].chars().count() + 1;
            return (line, column);
        }
        line += 1;
    }
    (line, 1)
}

/// A segment's position in the three units exchange formats use: bytes
/// (strand's own), Unicode code points (REFI-QDA) and UTF-16 code units
/// (NVivo, browsers). All ranges are end-exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offsets {
    pub bytes: Range<usize>,
    pub chars: Range<usize>,
    pub utf16: Range<usize>,
}

/// Converts byte offsets of one text to code points and UTF-16 units.
///
/// Built once per transcript, it keeps a checkpoint every [`STRIDE`] bytes,
/// so a conversion scans at most that many bytes instead of the whole
/// prefix: converting every segment of a long transcript stays linear.
pub struct OffsetIndex<'t> {
    text: &'t str,
    /// (byte, chars, utf16) at char boundaries about every STRIDE bytes.
    checkpoints: Vec<(usize, usize, usize)>,
}

const STRIDE: usize = 256;

impl<'t> OffsetIndex<'t> {
    pub fn new(text: &'t str) -> OffsetIndex<'t> {
        let mut checkpoints = vec![(0, 0, 0)];
        let (mut chars, mut utf16, mut next) = (0, 0, STRIDE);
        for (i, c) in text.char_indices() {
            if i >= next {
                checkpoints.push((i, chars, utf16));
                next = i + STRIDE;
            }
            chars += 1;
            utf16 += c.len_utf16();
        }
        OffsetIndex { text, checkpoints }
    }

    /// (code points, UTF-16 units) before byte `offset`, which must be a
    /// char boundary.
    pub fn at(&self, offset: usize) -> (usize, usize) {
        let k = self.checkpoints.partition_point(|c| c.0 <= offset) - 1;
        let (byte, chars, utf16) = self.checkpoints[k];
        let between = &self.text[byte..offset];
        (
            chars + between.chars().count(),
            utf16 + between.chars().map(char::len_utf16).sum::<usize>(),
        )
    }

    pub fn offsets(&self, bytes: Range<usize>) -> Offsets {
        let (cs, us) = self.at(bytes.start);
        let (ce, ue) = self.at(bytes.end);
        Offsets {
            bytes,
            chars: cs..ce,
            utf16: us..ue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn decodes_utf8_bom_and_utf16_both_ways() {
        let p = Path::new("x.txt");
        let d = decode(p, b"\xEF\xBB\xBFP01: hi".to_vec(), Invalid::Reject).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("P01: hi", Encoding::Utf8Bom)
        );
        let d = decode(p, utf16le("P01: café 😀", true), Invalid::Reject).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("P01: café 😀", Encoding::Utf16Le)
        );
        let mut be = vec![0xFE, 0xFF];
        be.extend("P01: hé".encode_utf16().flat_map(u16::to_be_bytes));
        let d = decode(p, be, Invalid::Reject).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("P01: hé", Encoding::Utf16Be)
        );
    }

    #[test]
    fn invalid_bytes_are_an_error_at_their_offset_or_replaced_and_counted() {
        let p = Path::new("x.txt");
        let e = decode(p, b"ab\xFFcd\xFE".to_vec(), Invalid::Reject).unwrap_err();
        assert!(matches!(e, Error::Encoding { offset: 2, .. }));
        let d = decode(p, b"ab\xFFcd\xFE".to_vec(), Invalid::Replace).unwrap();
        assert_eq!((d.text.as_str(), d.replaced), ("ab\u{FFFD}cd\u{FFFD}", 2));
        // A lone surrogate in UTF-16: offset counts the BOM.
        let mut bytes = utf16le("ab", true);
        bytes.extend([0x00, 0xD8, b'c', 0]);
        let e = decode(p, bytes.clone(), Invalid::Reject).unwrap_err();
        assert!(matches!(e, Error::Encoding { offset: 6, .. }), "{e:?}");
        let d = decode(p, bytes, Invalid::Replace).unwrap();
        assert_eq!((d.text.as_str(), d.replaced), ("ab\u{FFFD}c", 1));
    }

    #[test]
    fn lines_end_at_crlf_lf_and_lone_cr() {
        let t = "a\r\nb\nc\rd\r\n\r\ne";
        let got: Vec<&str> = lines(t).map(|r| &t[r]).collect();
        assert_eq!(got, ["a", "b", "c", "d", "", "e"]);
        assert_eq!(line_column(t, t.find('c').unwrap()), (3, 1));
        assert_eq!(line_column(t, t.find('e').unwrap()), (6, 1));
        assert_eq!(line_column("é\rxy", 5), (2, 3));
    }

    #[test]
    fn offsets_in_bytes_code_points_and_utf16_units() {
        let text = format!("{}é😀 target", "x".repeat(600));
        let index = OffsetIndex::new(&text);
        let start = text.find("target").unwrap();
        let o = index.offsets(start..start + 6);
        assert_eq!(o.bytes, 607..613);
        assert_eq!(o.chars, 603..609);
        assert_eq!(o.utf16, 604..610);
        assert_eq!(index.at(0), (0, 0));
        assert_eq!(index.at(text.len()), (609, 610));
    }
}
