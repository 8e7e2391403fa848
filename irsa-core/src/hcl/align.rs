//! The alignment pass: pads `=` the way `terraform fmt` (hclwrite) does.
//!
//! hclwrite gives a line an "assign cell" when it has an `=` after its first token and the
//! rest of the line nets to zero brackets (a single-line value). Consecutive lines with an
//! assign cell form a chain, and every `=` of a chain stands one column after the longest
//! key. Any other line (blank, comment, block header, a value that opens a multi-line
//! bracket, a closing bracket) ends the chain. Formatting never adds or removes lines.
//!
//! The pass reads each line with a small scanner that knows quoted strings and template
//! interpolations, so `=`, `#` and brackets inside strings are not mistaken for syntax, and it
//! leaves heredoc bodies untouched. It does not align trailing comments (irsa writes none).

/// Aligns the `=` of consecutive single-line attributes, as `terraform fmt` does.
///
/// The pass is idempotent: aligning aligned text changes nothing.
///
/// ```
/// use irsa_core::hcl::align;
///
/// let text = "resource \"aws_iam_role\" \"this\" {\n  name = \"x\"\n  assume_role_policy = data.d.json\n}\n";
/// assert_eq!(
///     align(text),
///     "resource \"aws_iam_role\" \"this\" {\n  name               = \"x\"\n  assume_role_policy = data.d.json\n}\n"
/// );
/// ```
pub fn align(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut chain: Vec<(&str, &str)> = Vec::new();
    let mut heredoc_end: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if let Some(marker) = &heredoc_end {
            if content.trim() == marker {
                heredoc_end = None;
            }
            out.push_str(line);
            continue;
        }
        match split_assignment(content) {
            Some((key, value)) => {
                heredoc_end = heredoc_marker(value);
                if heredoc_end.is_some() {
                    flush(&mut out, &mut chain);
                    out.push_str(line);
                } else {
                    chain.push((key, value));
                    // Keep the original line ending of each chained line.
                    if !line.ends_with('\n') {
                        flush(&mut out, &mut chain);
                        trim_last_newline(&mut out);
                    }
                }
            }
            None => {
                flush(&mut out, &mut chain);
                out.push_str(line);
            }
        }
    }
    flush(&mut out, &mut chain);
    out
}

fn trim_last_newline(out: &mut String) {
    if out.ends_with('\n') {
        out.pop();
    }
}

/// Writes the chained lines with their `=` aligned, and empties the chain.
fn flush(out: &mut String, chain: &mut Vec<(&str, &str)>) {
    let width = chain.iter().map(|(key, _)| key.chars().count()).max().unwrap_or(0);
    for (key, value) in chain.drain(..) {
        out.push_str(key);
        for _ in key.chars().count()..width {
            out.push(' ');
        }
        out.push_str(" = ");
        out.push_str(value);
        out.push('\n');
    }
}

/// `<<EOF` or `<<-EOF` at the start of a value: the marker that ends the heredoc.
fn heredoc_marker(value: &str) -> Option<String> {
    let rest = value.strip_prefix("<<")?;
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let marker: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!marker.is_empty()).then_some(marker)
}

/// Splits an attribute line into its key (with indentation, trailing spaces removed) and its
/// value (leading spaces removed), when hclwrite would give it an assign cell.
fn split_assignment(line: &str) -> Option<(&str, &str)> {
    let equals = first_assignment(line)?;
    let (key, rest) = line.split_at(equals);
    let key = key.trim_end();
    if key.trim_start().is_empty() {
        return None;
    }
    let value = rest.get(1..)?.trim_start();
    if value.is_empty() {
        return None;
    }
    (net_brackets(value) == 0).then_some((key, value))
}

/// What the scanner is inside of.
#[derive(Clone, Copy, PartialEq)]
enum Frame {
    /// Expression code; the count is the open braces of a template interpolation, if any.
    Code(usize),
    /// A quoted string.
    Quoted,
}

/// Runs the scanner over a line, calling `visit(index, byte)` for every byte of top-level
/// code (outside strings and interpolations).
fn scan_code(line: &str, mut visit: impl FnMut(usize, u8) -> bool) {
    let bytes = line.as_bytes();
    let mut stack = vec![Frame::Code(0)];
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let next = bytes.get(i + 1).copied();
        let top = stack.last().copied().unwrap_or(Frame::Code(0));
        match top {
            Frame::Quoted => match b {
                b'\\' => i += 1,
                b'$' | b'%' if next == Some(b) && bytes.get(i + 2) == Some(&b'{') => i += 2,
                b'$' | b'%' if next == Some(b'{') => {
                    stack.push(Frame::Code(1));
                    i += 1;
                }
                b'"' => {
                    stack.pop();
                }
                _ => {}
            },
            Frame::Code(depth) => {
                let nested = stack.len() > 1;
                match b {
                    b'"' => stack.push(Frame::Quoted),
                    b'#' if !nested => return,
                    b'/' if !nested && next == Some(b'/') => return,
                    b'{' if nested => {
                        if let Some(frame) = stack.last_mut() {
                            *frame = Frame::Code(depth + 1);
                        }
                    }
                    b'}' if nested && depth == 1 => {
                        stack.pop();
                    }
                    b'}' if nested => {
                        if let Some(frame) = stack.last_mut() {
                            *frame = Frame::Code(depth - 1);
                        }
                    }
                    _ if !nested && !visit(i, b) => return,
                    _ => {}
                }
            }
        }
        i += 1;
    }
}

/// The byte index of the first top-level `=` that is an assignment (not `==`, `!=`, `<=`,
/// `>=` or `=>`).
fn first_assignment(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut found = None;
    scan_code(line, |i, b| {
        if b != b'=' {
            return true;
        }
        let before = i.checked_sub(1).and_then(|j| bytes.get(j)).copied();
        let after = bytes.get(i + 1).copied();
        let is_operator = matches!(before, Some(b'=' | b'!' | b'<' | b'>')) || matches!(after, Some(b'=' | b'>'));
        if is_operator {
            return true;
        }
        found = Some(i);
        false
    });
    found
}

/// Opening minus closing brackets of top-level code.
fn net_brackets(value: &str) -> isize {
    let mut net = 0;
    scan_code(value, |_, b| {
        match b {
            b'[' | b'{' | b'(' => net += 1,
            b']' | b'}' | b')' => net -= 1,
            _ => {}
        }
        true
    });
    net
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(align(input), expected, "\n--- input\n{input}");
        assert_eq!(align(expected), expected, "not idempotent");
    }

    #[test]
    fn chains_break_where_hclwrite_breaks_them() {
        check(
            "a = 1\nlong_name = 2\n\nb = 3\nccc = [\n  1,\n]\nd = {\n  k = 1\n  kk = 2\n}\ne = 4\nff = { x = 1 }\n",
            "a         = 1\nlong_name = 2\n\nb = 3\nccc = [\n  1,\n]\nd = {\n  k  = 1\n  kk = 2\n}\ne  = 4\nff = { x = 1 }\n",
        );
    }

    #[test]
    fn strings_and_operators_are_not_assignments() {
        check(
            "x = \"a = b # c [\"\nyy = a == b\nz = \"${var.x == \"[\" ? 1 : 2}\"\n",
            "x  = \"a = b # c [\"\nyy = a == b\nz  = \"${var.x == \"[\" ? 1 : 2}\"\n",
        );
        check("a = \"$${\"\nbb = 1\n", "a  = \"$${\"\nbb = 1\n");
        check("a = x => y\n", "a = x => y\n");
        check("\"Key\" = 1\nk = 2\n", "\"Key\" = 1\nk     = 2\n");
    }

    #[test]
    fn comments_and_headers_break_chains() {
        check("a = 1\n# note = here\nbbb = 2\n", "a = 1\n# note = here\nbbb = 2\n");
        check("block \"x\" {\n  a = 1\n  bb = 2\n}\n", "block \"x\" {\n  a  = 1\n  bb = 2\n}\n");
    }

    #[test]
    fn heredocs_are_left_alone() {
        check("a = <<EOF\nx = 1\nyy = 2\nEOF\nbb = 1\nc = 2\n", "a = <<EOF\nx = 1\nyy = 2\nEOF\nbb = 1\nc  = 2\n");
    }

    #[test]
    fn spacing_around_equals_is_normalised_and_no_final_newline_is_kept() {
        check("a   =    1\nbb= 2", "a  = 1\nbb = 2");
    }
}
