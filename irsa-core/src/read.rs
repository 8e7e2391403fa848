//! Reading an existing policy from any shape users have it in: IAM policy JSON, the output of
//! `aws iam get-role` (the document as an object, or URL-encoded as the IAM API returns it), or
//! a Terraform file with `data "aws_iam_policy_document"` blocks.
//!
//! Shared by `convert`, `migrate`, `lint` and `simulate`.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, ErrorKind, LineIndex, Location};
use crate::hcl::{HclPolicyDocument, read_policy_document};
use crate::policy::PolicyDocument;

/// The text a policy is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyFormat {
    /// IAM policy JSON, or `aws iam get-role` output.
    Json,
    /// Terraform: `data "aws_iam_policy_document"` blocks.
    Hcl,
}

impl PolicyFormat {
    /// The format of a file: by its extension (`.json`; `.tf`, `.hcl`), else by its first
    /// character that is not white space (`{` is JSON).
    ///
    /// ```
    /// use irsa_core::read::PolicyFormat;
    ///
    /// assert_eq!(PolicyFormat::detect(Some("trust.tf"), "{"), PolicyFormat::Hcl);
    /// assert_eq!(PolicyFormat::detect(None, "  {\"Version\": \"2012-10-17\"}"), PolicyFormat::Json);
    /// assert_eq!(PolicyFormat::detect(Some("-"), "data \"aws_iam_policy_document\" \"x\" {}"), PolicyFormat::Hcl);
    /// ```
    pub fn detect(file_name: Option<&str>, text: &str) -> PolicyFormat {
        let extension = file_name.and_then(|name| name.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
        match extension.as_deref() {
            Some("json") => PolicyFormat::Json,
            Some("tf" | "hcl") => PolicyFormat::Hcl,
            _ if text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}').starts_with('{') => {
                PolicyFormat::Json
            }
            _ => PolicyFormat::Hcl,
        }
    }
}

/// Where a read policy came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySource {
    /// A policy JSON document.
    Json,
    /// `aws iam get-role` output; `encoded` when the document was a URL-encoded string.
    GetRole {
        /// The role's name, when the output has it.
        role_name: Option<String>,
        /// Whether the document was URL-encoded (as the IAM API returns it).
        encoded: bool,
    },
    /// A `data "aws_iam_policy_document"` block of this name.
    Hcl {
        /// The block's name.
        name: String,
    },
}

/// A policy read from text.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadPolicy {
    /// The document (for Terraform: as the AWS provider renders it).
    pub document: PolicyDocument,
    /// What the text was.
    pub source: PolicySource,
    /// Where each statement starts in the text (empty when the text does not show them: a
    /// URL-encoded document).
    pub statement_locations: Vec<Location>,
}

impl From<HclPolicyDocument> for ReadPolicy {
    fn from(read: HclPolicyDocument) -> ReadPolicy {
        ReadPolicy {
            document: read.document,
            source: PolicySource::Hcl { name: read.name },
            statement_locations: read.statement_locations,
        }
    }
}

impl ReadPolicy {
    /// Where statement `index` starts, when known.
    pub fn statement_location(&self, index: usize) -> Option<Location> {
        self.statement_locations.get(index).copied()
    }
}

impl ReadPolicy {
    /// A name for the policy: the Terraform block's, or the role's from get-role output.
    pub fn name(&self) -> Option<&str> {
        match &self.source {
            PolicySource::Json => None,
            PolicySource::GetRole { role_name, .. } => role_name.as_deref(),
            PolicySource::Hcl { name, .. } => Some(name),
        }
    }
}

/// Reads a policy. For Terraform, `name` picks one `data "aws_iam_policy_document"` of several.
///
/// ```
/// use irsa_core::read::{PolicyFormat, PolicySource, read_policy};
///
/// let get_role = r#"{"Role": {"RoleName": "app", "AssumeRolePolicyDocument":
///     "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"}}"#;
/// let read = read_policy(get_role, PolicyFormat::Json, None).unwrap();
/// assert_eq!(read.source, PolicySource::GetRole { role_name: Some("app".into()), encoded: true });
/// assert_eq!(read.document.statements()[0].action.as_ref().unwrap().as_slice(), ["sts:AssumeRole"]);
/// ```
pub fn read_policy(text: &str, format: PolicyFormat, name: Option<&str>) -> Result<ReadPolicy, Error> {
    match format {
        PolicyFormat::Json => read_json(text),
        PolicyFormat::Hcl => read_policy_document(text, name).map(ReadPolicy::from),
    }
}

/// Every policy of a text: the one of a JSON text, or each `data "aws_iam_policy_document"`
/// of a Terraform file, each read on its own (for `lint`, which reports on all of them). The
/// outer error is a text that cannot be read at all.
pub fn read_policies(text: &str, format: PolicyFormat) -> Result<Vec<Result<ReadPolicy, Error>>, Error> {
    match format {
        PolicyFormat::Json => Ok(vec![Ok(read_json(text)?)]),
        PolicyFormat::Hcl => Ok(crate::hcl::read_policy_documents(text)?
            .into_iter()
            .map(|document| document.map(ReadPolicy::from))
            .collect()),
    }
}

/// Whether a JSON text looks like a policy or get-role output (a top-level `Statement` or
/// `Role`): how `lint` picks the policies of a folder among other JSON files.
///
/// ```
/// assert!(irsa_core::read::looks_like_policy(r#"{"Version": "2012-10-17", "Statement": []}"#));
/// assert!(!irsa_core::read::looks_like_policy(r#"{"compilerOptions": {}}"#));
/// assert!(!irsa_core::read::looks_like_policy("not json"));
/// ```
pub fn looks_like_policy(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<TopKeys>(text).is_ok_and(|keys| keys.statement.is_some() || keys.role.is_some())
}

/// Reads policy JSON or `aws iam get-role` output.
fn read_json(text: &str) -> Result<ReadPolicy, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // A look at the top-level keys only: `Role` means get-role output.
    let is_get_role = serde_json::from_str::<TopKeys>(text).is_ok_and(|keys| keys.role.is_some());
    if !is_get_role {
        let document = PolicyDocument::from_json(text)?;
        return Ok(ReadPolicy { document, source: PolicySource::Json, statement_locations: statement_locations(text) });
    }
    let output: GetRole = serde_json::from_str(text).map_err(|e| crate::policy::json_error(&e, "get-role output: "))?;
    let role_name = output.role.role_name;
    match output.role.document {
        None => Err(Error::new(
            ErrorKind::PolicyJson,
            "",
            "get-role output without `Role.AssumeRolePolicyDocument` (was the output filtered with --query?)",
        )),
        Some(DocumentField::Object(document)) => Ok(ReadPolicy {
            document: *document,
            source: PolicySource::GetRole { role_name, encoded: false },
            statement_locations: statement_locations(text),
        }),
        Some(DocumentField::Text(text)) => {
            let trimmed = text.trim_start();
            let (decoded, encoded) =
                if trimmed.starts_with('{') { (text.clone(), false) } else { (percent_decode(&text)?, true) };
            let document = PolicyDocument::from_json(&decoded).map_err(|e| {
                let at = e.location().map(|l| format!(" (line {}, column {} of the decoded text)", l.line, l.column));
                Error::new(
                    ErrorKind::PolicyJson,
                    "",
                    format!("Role.AssumeRolePolicyDocument{}: {}", at.unwrap_or_default(), e.rule()),
                )
            })?;
            let statement_locations = if encoded { Vec::new() } else { statement_locations(&decoded) };
            Ok(ReadPolicy { document, source: PolicySource::GetRole { role_name, encoded }, statement_locations })
        }
    }
}

/// Where each statement of a (valid) policy JSON text starts: the elements of the first
/// `Statement` key's list, or its object.
fn statement_locations(text: &str) -> Vec<Location> {
    let lines = LineIndex::new(text);
    let mut scanner = Scanner { bytes: text.as_bytes(), at: 0, found: None };
    scanner.value();
    scanner.found.unwrap_or_default().into_iter().map(|offset| lines.location(text, offset)).collect()
}

/// A minimal walk over JSON text that serde_json already accepted (so it nests at most 128
/// deep), noting where the statements start.
struct Scanner<'t> {
    bytes: &'t [u8],
    at: usize,
    found: Option<Vec<usize>>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// Skips a string and returns its raw content.
    fn string(&mut self) -> &[u8] {
        self.at += 1;
        let start = self.at;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        let raw = self.bytes.get(start..self.at).unwrap_or_default();
        self.at += 1;
        raw
    }

    fn value(&mut self) {
        self.skip_space();
        match self.peek() {
            Some(b'{') => {
                self.at += 1;
                loop {
                    self.skip_space();
                    match self.peek() {
                        Some(b'"') => {
                            let is_statement = self.string() == b"Statement";
                            self.skip_space();
                            self.at += 1; // the colon
                            self.skip_space();
                            if is_statement && self.found.is_none() {
                                self.statements();
                            } else {
                                self.value();
                            }
                        }
                        Some(b',') => self.at += 1,
                        Some(b'}') | None => {
                            self.at += 1;
                            return;
                        }
                        Some(_) => self.at += 1,
                    }
                }
            }
            Some(b'[') => self.elements(&mut |_| {}),
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while self.peek().is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace()) {
                    self.at += 1;
                }
            }
            None => {}
        }
    }

    /// Walks a list, telling `each` where every element starts.
    fn elements(&mut self, each: &mut dyn FnMut(usize)) {
        self.at += 1;
        loop {
            self.skip_space();
            match self.peek() {
                Some(b']') | None => {
                    self.at += 1;
                    return;
                }
                Some(b',') => self.at += 1,
                Some(_) => {
                    each(self.at);
                    self.value();
                }
            }
        }
    }

    fn statements(&mut self) {
        let mut found = Vec::new();
        if self.peek() == Some(b'[') {
            self.elements(&mut |at| found.push(at));
        } else {
            found.push(self.at);
            self.value();
        }
        self.found = Some(found);
    }
}

/// Which of a policy's or get-role output's top-level keys a JSON object has (the values are
/// skipped, not read).
#[derive(Deserialize)]
struct TopKeys {
    #[serde(rename = "Statement")]
    statement: Option<IgnoredAny>,
    #[serde(rename = "Role")]
    role: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct GetRole {
    #[serde(rename = "Role")]
    role: RoleOutput,
}

#[derive(Deserialize)]
struct RoleOutput {
    #[serde(rename = "RoleName")]
    role_name: Option<String>,
    #[serde(rename = "AssumeRolePolicyDocument")]
    document: Option<DocumentField>,
}

/// The document inside get-role output: an object, or text (URL-encoded, or plain JSON).
enum DocumentField {
    Object(Box<PolicyDocument>),
    Text(String),
}

impl<'de> Deserialize<'de> for DocumentField {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;

        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = DocumentField;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a policy document, as an object or as URL-encoded text")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<DocumentField, E> {
                Ok(DocumentField::Text(v.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<DocumentField, A::Error> {
                PolicyDocument::deserialize(de::value::MapAccessDeserializer::new(access))
                    .map(|d| DocumentField::Object(Box::new(d)))
            }
        }

        deserializer.deserialize_any(FieldVisitor)
    }
}

/// Decodes `%XX` escapes (RFC 3986, as the IAM API encodes documents). `+` stays `+`: it is
/// a legal character of role names, and IAM encodes a space as `%20`.
fn percent_decode(text: &str) -> Result<String, Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let hex = bytes.get(index + 1..index + 3).and_then(|h| std::str::from_utf8(h).ok());
            match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(decoded) => out.push(decoded),
                None => {
                    let shown: String = text.get(index..).unwrap_or_default().chars().take(3).collect();
                    return Err(Error::new(
                        ErrorKind::PolicyJson,
                        shown,
                        format!(
                            "Role.AssumeRolePolicyDocument is URL-encoded text, and `%` at byte {index} is not followed by two hex digits"
                        ),
                    ));
                }
            }
            index += 3;
        } else {
            out.push(byte);
            index += 1;
        }
    }
    String::from_utf8(out).map_err(|_| {
        Error::new(ErrorKind::PolicyJson, "", "Role.AssumeRolePolicyDocument decodes to bytes that are not UTF-8")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<&str, &str>) {
        let got = read_policy(text, PolicyDetect::detect(text), None).map(|r| r.document.to_json_compact());
        match (got, expected) {
            (Ok(json), Ok(want)) => assert_eq!(json, want, "{text}"),
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{text}\n{e}\nwant: {want}"),
            (got, want) => panic!("{text}\ngot {got:?}\nwant {want:?}"),
        }
    }

    struct PolicyDetect;
    impl PolicyDetect {
        fn detect(text: &str) -> PolicyFormat {
            PolicyFormat::detect(None, text)
        }
    }

    const DOC: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/node"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn shapes() {
        check(DOC, Ok(DOC));
        check(&format!(r#"{{"Role": {{"Path": "/", "RoleName": "r", "AssumeRolePolicyDocument": {DOC}}}}}"#), Ok(DOC));
        let encoded: String = DOC
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        check(&format!(r#"{{"Role": {{"AssumeRolePolicyDocument": "{encoded}"}}}}"#), Ok(DOC));
        check(
            &format!(r#"{{"Role": {{"AssumeRolePolicyDocument": {}}}}}"#, serde_json::to_string(DOC).unwrap()),
            Ok(DOC),
        );
        // `+` is not a space.
        check(
            r#"{"Role": {"AssumeRolePolicyDocument": "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa+b%22%7D%7D%7D"}}"#,
            Ok(r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/a+b"}}}"#),
        );
        check("\u{feff}{\"Statement\": []}", Ok(r#"{"Statement":[]}"#));
    }

    #[test]
    fn statement_locations_are_found() {
        let json = "{\"Version\": \"2012-10-17\",\n \"Id\": \"a \\\"Statement\\\" [\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Sid\": \"x]\"},\n  {\"Effect\": \"Deny\", \"Condition\": {\"Statement\": {\"k\": [\"1\"]}}}\n ]\n}";
        let read = read_policy(json, PolicyFormat::Json, None).unwrap();
        assert_eq!(
            read.statement_locations,
            [Location { line: 4, column: 3 }, Location { line: 5, column: 3 }],
            "{json}"
        );
        let one = "{\"Role\": {\"AssumeRolePolicyDocument\":\n {\"Statement\":   {\"Effect\": \"Allow\"}}}}";
        assert_eq!(
            read_policy(one, PolicyFormat::Json, None).unwrap().statement_locations,
            [Location { line: 2, column: 18 }]
        );
    }

    #[test]
    fn broken() {
        check(
            r#"{"Role": {"AssumeRolePolicyDocument": "%7B%2"}}"#,
            Err("`%` at byte 3 is not followed by two hex digits"),
        );
        check(
            r#"{"Role": {"AssumeRolePolicyDocument": "%7B%22Statement%22%3A"}}"#,
            Err("line 1, column 13 of the decoded text"),
        );
        check(r#"{"Role": {"RoleName": "x"}}"#, Err("without `Role.AssumeRolePolicyDocument`"));
        check(r#"{"Role": {"AssumeRolePolicyDocument": {"Statement": [], "Statement": []}}}"#, Err("1:67: "));
        check(
            r#"{"Role": {"AssumeRolePolicyDocument": {"Statement": [], "Statement": []}}}"#,
            Err("duplicate field `Statement`"),
        );
        check(r#"{"Role": {"AssumeRolePolicyDocument": 7}}"#, Err("1:39: "));
        check(
            "{\"Version\": \"2012-10-17\",\n \"Statement\": {\"Effect\": \"Allow\", \"Acton\": \"x\"}}",
            Err("2:41: invalid policy JSON: unknown field `Acton`"),
        );
        check(
            "data \"aws_iam_policy_document\" \"x\" {\n  statement {\n    actions = local.a\n  }\n}\n",
            Err("3:15: "),
        );
    }
}
