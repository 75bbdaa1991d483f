//! JSON that is safe to put inside an HTML `<script>` element.
//!
//! A `<script>` element's content is raw text: the HTML parser does not
//! decode entities in it, so HTML escaping (`&lt;`) would corrupt the data,
//! and no escaping at all lets a directory cell holding `</script>` end the
//! element and start markup of its own. The JSON is therefore written with
//! every character that could matter to the HTML parser (`<`, `>`, `&`) as
//! a JSON `\u` escape, which `JSON.parse` turns back into the same string.
//! U+2028 and U+2029 are escaped too: they are legal in JSON strings but
//! were line terminators in JavaScript string literals before ES2019, so a
//! reader who pastes the data into a script would get a syntax error.
//!
//! These characters can only occur inside JSON strings (never in JSON's
//! own syntax), so replacing them in the serialised text is exact.

use serde::Serialize;

/// Serialises `value` as JSON that can be placed verbatim between
/// `<script type="application/json">` and `</script>`.
pub fn to_script_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(value)?;
    Ok(escape(&json))
}

fn escape(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_can_close_the_script_element() {
        let hostile = vec![
            "</script><script>alert(1)</script>",
            "<!-- <script>",
            "a & b > c",
            "line\u{2028}para\u{2029}end",
        ];
        let out = to_script_json(&hostile).unwrap();
        assert_eq!(
            out,
            r#"["\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e","\u003c!-- \u003cscript\u003e","a \u0026 b \u003e c","line\u2028para\u2029end"]"#
        );
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!out.contains(bad), "{bad:?} left in {out}");
        }
        // And it is still the same data.
        let back: Vec<String> = serde_json::from_str(&out).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn escapes_inside_strings_stay_valid() {
        // A backslash before `<` in the input must not combine with the
        // escape into something else.
        let s = vec![r"\<", "\"<\""];
        let out = to_script_json(&s).unwrap();
        let back: Vec<String> = serde_json::from_str(&out).unwrap();
        assert_eq!(back, s);
    }
}
