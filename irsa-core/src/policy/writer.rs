//! A minimal JSON writer that produces exactly serde_json's compact and pretty layouts, for
//! the trust builder's direct rendering (no policy model in between).

/// Writes JSON into a string, tracking where commas and newlines go.
pub(crate) struct JsonWriter {
    out: String,
    pretty: bool,
    /// For each open object or array: whether it has an element yet.
    open: Vec<bool>,
}

impl JsonWriter {
    pub(crate) fn new(pretty: bool, capacity: usize) -> JsonWriter {
        JsonWriter { out: String::with_capacity(capacity), pretty, open: Vec::with_capacity(8) }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// Before an element of the innermost container: a comma, and in pretty mode a newline
    /// and indentation.
    fn element(&mut self) {
        if let Some(has_elements) = self.open.last_mut() {
            if *has_elements {
                self.out.push(',');
            }
            *has_elements = true;
            if self.pretty {
                self.out.push('\n');
                for _ in 0..self.open.len() {
                    self.out.push_str("  ");
                }
            }
        }
    }

    fn close(&mut self, bracket: char) {
        let had_elements = self.open.pop().unwrap_or(false);
        if self.pretty && had_elements {
            self.out.push('\n');
            for _ in 0..self.open.len() {
                self.out.push_str("  ");
            }
        }
        self.out.push(bracket);
    }

    /// Opens an object as a value (after a key, or in an array, or at the top).
    pub(crate) fn begin_object(&mut self) {
        self.out.push('{');
        self.open.push(false);
    }

    pub(crate) fn end_object(&mut self) {
        self.close('}');
    }

    pub(crate) fn begin_array(&mut self) {
        self.out.push('[');
        self.open.push(false);
    }

    pub(crate) fn end_array(&mut self) {
        self.close(']');
    }

    /// A key of the innermost object; its value follows.
    #[cfg(test)]
    pub(crate) fn key(&mut self, key: &str) {
        self.element();
        self.escaped(key);
        self.out.push_str(if self.pretty { ": " } else { ":" });
    }

    /// A key known to need no escaping (the policy grammar's own words).
    pub(crate) fn key_static(&mut self, key: &'static str) {
        self.element();
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str(if self.pretty { "\": " } else { "\":" });
    }

    /// A string value known to need no escaping (the policy grammar's own words).
    pub(crate) fn string_static(&mut self, value: &'static str) {
        self.out.push('"');
        self.out.push_str(value);
        self.out.push('"');
    }

    /// A key made of parts written one after the other (no string is built for it). The parts
    /// must need no escaping: validated values (issuers, accounts, service accounts) and the
    /// grammar's own words.
    pub(crate) fn key_parts_unescaped(&mut self, parts: &[&str]) {
        self.element();
        self.string_parts_unescaped(parts);
        self.out.push_str(if self.pretty { ": " } else { ":" });
    }

    /// A string value made of parts written one after the other; the parts must need no
    /// escaping (see [`JsonWriter::key_parts_unescaped`]).
    pub(crate) fn string_parts_unescaped(&mut self, parts: &[&str]) {
        self.out.push('"');
        for part in parts {
            debug_assert!(!needs_escape(part.as_bytes()), "{part:?} needs escaping");
            self.out.push_str(part);
        }
        self.out.push('"');
    }

    /// Values made of a shared prefix and one part each, none needing escaping: one as a
    /// string, several as an array.
    pub(crate) fn one_or_many_prefixed_unescaped<'a>(
        &mut self,
        prefix: &str,
        values: impl Iterator<Item = &'a str> + Clone,
    ) {
        let several = values.clone().count() != 1;
        if several {
            self.begin_array();
        }
        for value in values {
            if several {
                self.element();
            }
            self.string_parts_unescaped(&[prefix, value]);
        }
        if several {
            self.end_array();
        }
    }

    /// An element of the innermost array that is an object.
    pub(crate) fn array_object(&mut self) {
        self.element();
        self.begin_object();
    }

    /// A string value (after a key).
    #[cfg(test)]
    pub(crate) fn string(&mut self, value: &str) {
        self.escaped(value);
    }

    /// One value as a string, several as an array (the shape [`super::OneOrMany::from`] gives).
    pub(crate) fn one_or_many<'a>(&mut self, values: impl Iterator<Item = &'a str> + Clone) {
        if values.clone().count() == 1 {
            for value in values {
                self.escaped(value);
            }
            return;
        }
        self.begin_array();
        for value in values {
            self.element();
            self.escaped(value);
        }
        self.end_array();
    }

    /// A JSON string, escaped as serde_json escapes it.
    fn escaped(&mut self, value: &str) {
        self.out.push('"');
        self.escaped_content(value);
        self.out.push('"');
    }

    /// The inside of a JSON string, escaped as serde_json escapes it.
    fn escaped_content(&mut self, value: &str) {
        if !needs_escape(value.as_bytes()) {
            self.out.push_str(value);
            return;
        }
        let mut start = 0;
        for (index, byte) in value.bytes().enumerate() {
            let escape: Option<&str> = match byte {
                b'"' => Some("\\\""),
                b'\\' => Some("\\\\"),
                0x08 => Some("\\b"),
                0x0c => Some("\\f"),
                b'\n' => Some("\\n"),
                b'\r' => Some("\\r"),
                b'\t' => Some("\\t"),
                0x00..=0x1f => None,
                _ => continue,
            };
            self.out.push_str(value.get(start..index).unwrap_or_default());
            match escape {
                Some(text) => self.out.push_str(text),
                None => {
                    self.out.push_str("\\u00");
                    self.out.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
                    self.out.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
                }
            }
            start = index + 1;
        }
        self.out.push_str(value.get(start..).unwrap_or_default());
    }
}

/// Whether any byte is a control character, `"` or `\\`: eight bytes at a time (the usual
/// text of a policy needs no escaping, and this scan is most of rendering's work).
fn needs_escape(bytes: &[u8]) -> bool {
    if bytes.len() < 16 {
        return bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    let chunks = bytes.chunks_exact(8);
    let rest = chunks.remainder();
    for chunk in chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // A byte below 0x20, or equal to `"` or `\\`.
        if v.wrapping_sub(ONES * 0x20) & !v & HIGHS != 0 || has_zero(v ^ (ONES * 0x22)) || has_zero(v ^ (ONES * 0x5c)) {
            return true;
        }
    }
    rest.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_scan_finds_every_special_byte_anywhere() {
        for position in 0..20 {
            for special in (0u8..0x20).chain([b'"', b'\\']) {
                let mut bytes = vec![b'a'; 20];
                bytes[position] = special;
                assert!(needs_escape(&bytes), "{special:#x} at {position}");
            }
            for plain in [0x20u8, b'!', b'#', b'[', b']', 0x7f, 0xc3, 0xff] {
                let mut bytes = vec![b'a'; 20];
                bytes[position] = plain;
                assert!(!needs_escape(&bytes), "{plain:#x} at {position}");
            }
        }
    }

    #[test]
    fn matches_serde_json() {
        for pretty in [false, true] {
            let mut w = JsonWriter::new(pretty, 0);
            w.begin_object();
            w.key("a\"\\\n\u{1}\u{7f}é");
            w.string("x\u{8}\u{c}\r\t");
            w.key("list");
            w.one_or_many(["1", "2"].into_iter());
            w.key("one");
            w.one_or_many(["1"].into_iter());
            w.key("empty");
            w.begin_object();
            w.end_object();
            w.key("objects");
            w.begin_array();
            w.array_object();
            w.key("k");
            w.string("v");
            w.end_object();
            w.end_array();
            w.end_object();
            let expected = serde_json::json!({
                "a\"\\\n\u{1}\u{7f}é": "x\u{8}\u{c}\r\t",
                "list": ["1", "2"],
                "one": "1",
                "empty": {},
                "objects": [{"k": "v"}],
            });
            // serde_json's json! sorts keys; compare parsed values and the exact layout of a
            // typed serialization of the same content.
            let written = w.finish();
            let parsed: serde_json::Value = serde_json::from_str(&written).unwrap();
            assert_eq!(parsed, expected);
            let reserialized =
                if pretty { serde_json::to_string_pretty(&expected) } else { serde_json::to_string(&expected) }
                    .unwrap();
            assert_eq!(written.len(), reserialized.len(), "{written}\n{reserialized}");
        }
    }
}
