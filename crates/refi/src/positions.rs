//! Converting positions between the units files count in.
//!
//! strand keeps byte offsets; the standard counts Unicode code points;
//! NVivo counts UTF-16 code units. Bytes to the other two is
//! [`strand_transcript::OffsetIndex`]; the conversions here go the other
//! way, for many positions at once in one pass over the text.

/// Which unit a file's `startPosition` and `endPosition` count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionUnit {
    /// Unicode code points: what the standard says (section 10.2).
    CodePoints,
    /// UTF-16 code units: what NVivo writes (see [`crate::ImportOptions`]).
    Utf16,
}

impl PositionUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            PositionUnit::CodePoints => "code points",
            PositionUnit::Utf16 => "UTF-16 units",
        }
    }
}

/// Converts positions counted in `unit` to byte offsets in `text`. `None`
/// when a position lies beyond the text or (in UTF-16) inside a surrogate
/// pair, i.e. not on a character boundary.
pub fn to_bytes(text: &str, unit: PositionUnit, positions: &[usize]) -> Option<Vec<usize>> {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by_key(|&i| positions[i]);
    let mut out = vec![0; positions.len()];
    let mut next = order.iter().peekable();
    let mut count = 0usize;
    for (byte, c) in text.char_indices() {
        while let Some(&&i) = next.peek() {
            if positions[i] > count {
                break;
            }
            if positions[i] < count {
                return None; // inside the previous character
            }
            out[i] = byte;
            next.next();
        }
        count += match unit {
            PositionUnit::CodePoints => 1,
            PositionUnit::Utf16 => c.len_utf16(),
        };
    }
    for &i in next {
        if positions[i] != count {
            return None;
        }
        out[i] = text.len();
    }
    Some(out)
}

/// Code points to byte offsets.
pub fn code_points_to_bytes(text: &str, positions: &[usize]) -> Option<Vec<usize>> {
    to_bytes(text, PositionUnit::CodePoints, positions)
}

/// The length of `text` in `unit`.
pub fn len_in(text: &str, unit: PositionUnit) -> usize {
    match unit {
        PositionUnit::CodePoints => text.chars().count(),
        PositionUnit::Utf16 => text.encode_utf16().count(),
    }
}

/// Byte offsets to code points (one pass, any order).
pub fn bytes_to_code_points(text: &str, bytes: &[usize]) -> Vec<usize> {
    let index = strand_transcript::OffsetIndex::new(text);
    bytes.iter().map(|&b| index.at(b).0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points_and_utf16_units_map_to_the_same_bytes() {
        let text = "a😀é\r\nb";
        // a(1) 😀(4 bytes, 1 cp, 2 units) é(2 bytes) \r \n b
        assert_eq!(
            to_bytes(text, PositionUnit::CodePoints, &[0, 1, 2, 3, 5, 6]),
            Some(vec![0, 1, 5, 7, 9, 10])
        );
        assert_eq!(
            to_bytes(text, PositionUnit::Utf16, &[7, 0, 1, 3, 4]),
            Some(vec![10, 0, 1, 5, 7])
        );
        // Inside the surrogate pair, or past the end.
        assert_eq!(to_bytes(text, PositionUnit::Utf16, &[2]), None);
        assert_eq!(to_bytes(text, PositionUnit::Utf16, &[8]), None);
        assert_eq!(to_bytes(text, PositionUnit::CodePoints, &[7]), None);
        assert_eq!(
            to_bytes("", PositionUnit::CodePoints, &[0, 0]),
            Some(vec![0, 0])
        );
        assert_eq!(len_in(text, PositionUnit::CodePoints), 6);
        assert_eq!(len_in(text, PositionUnit::Utf16), 7);
        assert_eq!(bytes_to_code_points(text, &[10, 5, 0]), vec![6, 2, 0]);
    }
}
