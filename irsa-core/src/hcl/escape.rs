//! HCL quoted-string escaping: any text becomes a literal that Terraform reads back unchanged.

/// Writes `text` as an HCL quoted string literal (quotes included).
///
/// `"` and `\` are backslash-escaped, newline, carriage return and tab become `\n`, `\r`,
/// `\t`, other control characters (and the line and paragraph separators) `\uNNNN`, and the
/// template introducers are doubled (`${` -> `$${`, `%{` -> `%%{`), so nothing in the text can
/// become an interpolation or a directive.
///
/// ```
/// use irsa_core::hcl::quote;
///
/// assert_eq!(quote("home/${aws:username}/*"), r#""home/$${aws:username}/*""#);
/// assert_eq!(quote("%{ if x }"), r#""%%{ if x }""#);
/// assert_eq!(quote("say \"hi\"\n"), r#""say \"hi\"\n""#);
/// ```
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let check = |text: &str, expected: &str| assert_eq!(quote(text), expected, "{text:?}");
        check("", r#""""#);
        check("plain", r#""plain""#);
        check("${", r#""$${""#);
        check("$${", r#""$$${""#);
        check("$", r#""$""#);
        check("%", r#""%""#);
        check("a\\b", r#""a\\b""#);
        check("\u{0}\u{1b}\u{7f}\u{85}\u{2028}", r#""\u0000\u001B\u007F\u0085\u2028""#);
        check("ünïcödé 🦀", r#""ünïcödé 🦀""#);
    }
}
