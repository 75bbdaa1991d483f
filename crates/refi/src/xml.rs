//! A small element tree over quick-xml, and a writer for the XML strand
//! produces.
//!
//! `.qde` and `.qdc` files are at most a few megabytes of markup (source
//! texts live in separate entries), so they are read whole into a tree and
//! then walked, which keeps the importer a plain recursive function of the
//! standard's structure instead of a streaming state machine. Namespaces
//! are dropped: programs write `urn:QDA-XML:project:1.0`, `...:1:0` or
//! none at all, and only local names tell elements apart.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::error::{Error, Place};

/// Elements nested deeper than this are refused: no real file comes near
/// it, and the walk over the tree recurses.
pub const MAX_DEPTH: usize = 256;

/// One element: local name, attributes (local names, values unescaped),
/// children and the text directly inside it.
#[derive(Debug, Clone, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
    /// Byte offset of the start tag, for error messages.
    pub offset: usize,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// A parsed XML entry: its tree, and what is needed to name places in it.
#[derive(Debug)]
pub struct Document {
    pub entry: String,
    pub root: Element,
    /// The root element's default namespace, if it declares one.
    pub namespace: Option<String>,
    /// Byte offset of each line's start.
    line_starts: Vec<usize>,
    text: String,
}

impl Document {
    /// Line and column (1-based, columns in characters) of byte `offset`.
    pub fn place(&self, offset: usize) -> Place {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        Place {
            entry: self.entry.clone(),
            line,
            column: self.text[start..end].chars().count() + 1,
        }
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Parses an XML entry's bytes (UTF-8, with or without a byte-order mark).
pub fn parse(entry: &str, bytes: &[u8]) -> Result<Document, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Error::Encoding {
            entry: entry.to_string(),
            offset: e.valid_up_to(),
        })?
        .to_string();
    let mut doc = Document {
        entry: entry.to_string(),
        root: Element::default(),
        namespace: None,
        line_starts: line_starts(&text),
        text: String::new(),
    };
    // quick-xml passes control characters through; XML 1.0 forbids them
    // anywhere in a document, and nothing could write them back.
    let forbidden = text
        .char_indices()
        .find(|(_, c)| !is_xml_char(*c))
        .map(|(at, c)| (at, format!("U+{:04X} is not allowed in XML", c as u32)));
    let result = match forbidden {
        Some(failure) => Err(failure),
        None => build(&text),
    };
    doc.text = text;
    match result {
        Ok((root, namespace)) => {
            doc.root = root;
            doc.namespace = namespace;
            Ok(doc)
        }
        Err((offset, message)) => Err(Error::Xml {
            at: doc.place(offset),
            message,
        }),
    }
}

type Failure = (usize, String);

fn build(text: &str) -> Result<(Element, Option<String>), Failure> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut namespace = None;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| (reader.error_position() as usize, e.to_string()))?;
        match event {
            Event::Start(e) => {
                let element = element(&e, at, stack.is_empty(), &mut namespace)?;
                open(&mut stack, &root, element, at)?;
            }
            Event::Empty(e) => {
                let element = element(&e, at, stack.is_empty(), &mut namespace)?;
                open(&mut stack, &root, element, at)?;
                close(&mut stack, &mut root);
            }
            Event::End(_) => close(&mut stack, &mut root),
            Event::Text(t) => push_text(&mut stack, &t.xml10_content(), at)?,
            Event::CData(c) => push_text(&mut stack, &c.xml10_content(), at)?,
            Event::GeneralRef(r) => {
                let c = r.resolve_char_ref().map_err(|e| (at, e.to_string()))?;
                let s: Cow<str> = match c {
                    Some(c) => Cow::Owned(c.to_string()),
                    None => {
                        let name: &str = r.as_ref();
                        match quick_xml::escape::resolve_predefined_entity(name) {
                            Some(s) => Cow::Borrowed(s),
                            None => return Err((at, format!("unknown entity `&{name};`"))),
                        }
                    }
                };
                push_text(&mut stack, &s, at)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err((
            text.len(),
            format!(
                "the file ends inside <{}>, which is never closed",
                open.name
            ),
        ));
    }
    root.map(|r| (r, namespace))
        .ok_or((0, "no root element: the file is empty".into()))
}

/// An element from its start tag: local name, attributes without the
/// namespace declarations (the root's default namespace is noted).
fn element(
    e: &BytesStart,
    at: usize,
    is_root: bool,
    namespace: &mut Option<String>,
) -> Result<Element, Failure> {
    let mut element = Element {
        name: e.local_name().as_ref().to_string(),
        offset: at,
        ..Element::default()
    };
    for attr in e.attributes() {
        let attr = attr.map_err(|e| (at, e.to_string()))?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| (at, e.to_string()))?;
        if attr.key.as_namespace_binding().is_some() {
            if attr.key.as_ref() == "xmlns" && is_root {
                *namespace = Some(value.into_owned());
            }
            continue;
        }
        element.attrs.push((
            attr.key.local_name().as_ref().to_string(),
            value.into_owned(),
        ));
    }
    Ok(element)
}

fn open(
    stack: &mut Vec<Element>,
    root: &Option<Element>,
    element: Element,
    at: usize,
) -> Result<(), Failure> {
    if root.is_some() {
        return Err((at, "a second root element".into()));
    }
    if stack.len() >= MAX_DEPTH {
        return Err((at, format!("elements nested more than {MAX_DEPTH} deep")));
    }
    stack.push(element);
    Ok(())
}

fn close(stack: &mut Vec<Element>, root: &mut Option<Element>) {
    if let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => *root = Some(done),
        }
    }
}

fn push_text(stack: &mut [Element], text: &str, at: usize) -> Result<(), Failure> {
    match stack.last_mut() {
        Some(e) => {
            e.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err((at, "text outside the root element".into())),
    }
}

/// Whether XML 1.0 can carry `c` at all (even as a character reference).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes element content. A carriage return is written as `&#13;`
/// because a reader normalises a literal CR LF to LF, and a memo's text
/// must read back as it was written. Characters XML cannot carry are
/// dropped here; [`crate::check`] refuses a model holding any, so this
/// only keeps the writer total.
pub fn escape_text(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '\r') || !is_xml_char(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Escapes an attribute value; white space other than the space is
/// written as character references, since a reader turns literal tabs
/// and line ends in attributes into spaces.
pub fn escape_attr(s: &str) -> Cow<'_, str> {
    if !s
        .chars()
        .any(|c| matches!(c, '&' | '<' | '>' | '"' | '\t' | '\n' | '\r') || !is_xml_char(c))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Writes indented XML, two spaces a level, attributes in the order given.
pub struct Writer {
    out: String,
    /// Open elements, and where the output stood after each start tag, so
    /// an element that gets no children closes as `<name/>`.
    open: Vec<(&'static str, usize)>,
}

impl Writer {
    pub fn new() -> Writer {
        Writer {
            out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            open: Vec::new(),
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.out.push_str(&"  ".repeat(self.open.len()));
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if let Some(v) = v {
                self.out.push(' ');
                self.out.push_str(k);
                self.out.push_str("=\"");
                self.out.push_str(&escape_attr(v));
                self.out.push('"');
            }
        }
    }

    /// `<name attrs>`; children follow until [`Writer::end`]. Attributes
    /// whose value is `None` are left out.
    pub fn start(&mut self, name: &'static str, attrs: &[(&str, Option<&str>)]) {
        self.tag(name, attrs);
        self.out.push_str(">\n");
        self.open.push((name, self.out.len()));
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name>text</name>`.
    pub fn text(&mut self, name: &str, text: &str) {
        self.tag(name, &[]);
        self.out.push('>');
        self.out.push_str(&escape_text(text));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    pub fn end(&mut self) {
        if let Some((name, after)) = self.open.pop() {
            if self.out.len() == after {
                self.out.truncate(after - 2);
                self.out.push_str("/>\n");
                return;
            }
            self.out.push_str(&"  ".repeat(self.open.len()));
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push_str(">\n");
        }
    }

    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_text_attributes_and_namespaces() {
        let xml = "<?xml version='1.0'?>\n<p:Project xmlns:p=\"urn:x\" xmlns=\"urn:QDA-XML:project:1:0\" name=\"a &amp; b&#10;c\">\n  <Note><![CDATA[x<y]]> &lt;&#13;\r\n z</Note><Empty a='1'/>\n</p:Project>";
        let doc = parse("project.qde", xml.as_bytes()).unwrap();
        assert_eq!(doc.namespace.as_deref(), Some("urn:QDA-XML:project:1:0"));
        assert_eq!(doc.root.name, "Project");
        assert_eq!(doc.root.attr("name"), Some("a & b\nc"));
        let note = doc.root.child("Note").unwrap();
        assert_eq!(note.text, "x<y <\r\n z");
        assert_eq!(doc.root.child("Empty").unwrap().attr("a"), Some("1"));
        assert!(doc.root.child("Empty").unwrap().children.is_empty());
        assert_eq!(doc.place(note.offset).to_string(), "project.qde:3:3");
    }

    #[test]
    fn malformed_xml_is_an_error_with_its_place() {
        for (xml, place) in [
            ("<a>\n  <b></c>\n</a>", "x.qde:2:"),
            ("<a>\n<b>", "x.qde:2:"),
            ("", "x.qde:1:1"),
            ("<a/><b/>", "x.qde:1:5"),
            ("<a>&nope;</a>", "x.qde:1:"),
            ("<a x='1' x='2'/>", "x.qde:1:"),
        ] {
            let e = parse("x.qde", xml.as_bytes()).unwrap_err();
            assert!(
                matches!(&e, Error::Xml { .. }) && e.to_string().starts_with(place),
                "{xml:?}: {e}"
            );
        }
        // Found by fuzzing: control characters are not XML.
        let e = parse("x.qde", b"<a>\n <b>x\x1F\x00</b></a>").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.qde:2:6: malformed XML: U+001F is not allowed in XML"
        );
        let e = parse("x.qde", b"<a>\xFF</a>").unwrap_err();
        assert!(matches!(e, Error::Encoding { offset: 3, .. }), "{e}");
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        let e = parse("x.qde", deep.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("nested more than"), "{e}");
    }

    #[test]
    fn written_text_and_attributes_read_back_exactly() {
        let tricky = "a & <b> \"q\" 'x'\ttab\r\nCRLF\nLF\u{1}";
        let mut w = Writer::new();
        w.start("Root", &[("name", Some(tricky)), ("none", None)]);
        w.text("Text", tricky);
        w.empty("Leaf", &[("v", Some("1"))]);
        w.start("Childless", &[("a", Some("b"))]);
        w.end();
        w.end();
        let xml = w.finish();
        assert!(xml.contains("\n  <Childless a=\"b\"/>\n"), "{xml}");
        let doc = parse("x", xml.as_bytes()).unwrap();
        let clean = tricky.replace('\u{1}', "");
        assert_eq!(doc.root.attr("name"), Some(clean.as_str()));
        assert_eq!(doc.root.child("Text").unwrap().text, clean);
        assert_eq!(doc.root.attr("none"), None);
        assert_eq!(doc.root.children.len(), 3);
    }
}
