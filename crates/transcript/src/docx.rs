//! Word `.docx` transcripts: the paragraphs of `word/document.xml`.
//!
//! A `.docx` is a zip of XML parts. strand reads the main document part
//! with the `zip` and `quick-xml` crates (never by shelling out to a
//! converter), turns each Word paragraph into a paragraph of plain text,
//! and reads speaker turns from that text exactly as from a `.txt` file, so
//! every label form works the same in both.

use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::Error;

/// The main document part is refused past this size, so a zip bomb (a
/// small file that inflates to gigabytes) costs a clear error, not memory.
pub const MAX_DOCUMENT_XML: u64 = 256 * 1024 * 1024;

/// Extracts the plain text of a `.docx` file: one line per Word paragraph,
/// paragraphs separated by blank lines, tabs and line breaks kept.
pub fn docx_text(path: &Path, bytes: &[u8]) -> Result<String, Error> {
    let bad = |message: String| Error::Docx {
        path: path.to_path_buf(),
        message,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| bad(format!("not a readable .docx (zip) file: {e}")))?;
    let mut part = archive
        .by_name("word/document.xml")
        .map_err(|_| bad("no word/document.xml inside; is this a Word document?".into()))?;
    if part.size() > MAX_DOCUMENT_XML {
        return Err(bad(format!(
            "word/document.xml would inflate to {} bytes, more than the {MAX_DOCUMENT_XML} allowed",
            part.size()
        )));
    }
    let mut xml = Vec::new();
    (&mut part)
        .take(MAX_DOCUMENT_XML + 1)
        .read_to_end(&mut xml)
        .map_err(|e| bad(format!("word/document.xml cannot be inflated: {e}")))?;
    if xml.len() as u64 > MAX_DOCUMENT_XML {
        return Err(bad(format!(
            "word/document.xml inflates to more than the {MAX_DOCUMENT_XML} bytes allowed"
        )));
    }
    let xml = String::from_utf8(xml).map_err(|e| {
        bad(format!(
            "word/document.xml is not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    paragraphs(&xml).map_err(|(offset, e)| {
        bad(format!(
            "word/document.xml: malformed XML at byte {offset}: {e}"
        ))
    })
}

/// Walks the document XML collecting text runs per `w:p`.
fn paragraphs(xml: &str) -> Result<String, (u64, String)> {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut paragraph = String::new();
    let mut in_text = false;
    let mut depth = 0usize;
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| (at, e.to_string()))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                match e.local_name().as_ref() {
                    "t" => in_text = true,
                    "p" => paragraph.clear(),
                    _ => {}
                }
            }
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => paragraph.push('\t'),
                "br" | "cr" => paragraph.push('\n'),
                _ => {}
            },
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    "t" => in_text = false,
                    "p" => {
                        if !out.is_empty() {
                            out.push_str("\n\n");
                        }
                        out.push_str(paragraph.trim_end());
                        paragraph.clear();
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => {
                paragraph.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| (at, e.to_string()))? {
                    paragraph.push(c);
                } else {
                    let name: &str = r.as_ref();
                    match quick_xml::escape::resolve_predefined_entity(name) {
                        Some(s) => paragraph.push_str(s),
                        None => return Err((at, format!("unknown entity `&{name};`"))),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err((
            xml.len() as u64,
            "the document ends inside an element".into(),
        ));
    }
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn docx(document_xml: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("word/document.xml", options).unwrap();
        zip.write_all(document_xml.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Interviewer: How long </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>have you</w:t></w:r><w:r><w:t xml:space="preserve"> worked here?</w:t></w:r></w:p>
<w:p/>
<w:p><w:r><w:t>P07: Six years &amp; a bit.</w:t><w:tab/><w:t>Honestly.</w:t><w:br/><w:t>New line &#233;.</w:t></w:r></w:p>
</w:body></w:document>"#;

    #[test]
    fn paragraphs_runs_tabs_breaks_and_entities() {
        let text = docx_text(Path::new("P07.docx"), &docx(DOC)).unwrap();
        assert_eq!(
            text,
            "Interviewer: How long have you worked here?\n\nP07: Six years & a bit.\tHonestly.\nNew line é.\n"
        );
    }

    #[test]
    fn broken_files_are_clear_errors() {
        let p = Path::new("x.docx");
        let full = docx(DOC);
        let e = docx_text(p, &full[..full.len() / 2])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("x.docx: not a readable .docx (zip) file"),
            "{e}"
        );
        let e = docx_text(p, b"plain text, not a zip")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("x.docx: not a readable .docx (zip) file"),
            "{e}"
        );
        let e = docx_text(p, &docx("<w:document><w:body><w:p><w:t>x</w:t>"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("malformed XML") || e.contains("ends inside an element"),
            "{e}"
        );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("other.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        let e = docx_text(p, &zip.finish().unwrap().into_inner())
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "x.docx: no word/document.xml inside; is this a Word document?"
        );
    }
}
