//! The IAM policy model: documents, statements, principals and conditions, read and written
//! as IAM policy JSON.
//!
//! Fields are written in the order IAM's documentation shows them (`Version`, `Id`,
//! `Statement`; `Sid`, `Effect`, `Principal`, `Action`, `Resource`, `Condition`), and maps in
//! insertion order, so the same model always gives the same bytes.

mod values;
pub(crate) mod writer;

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorKind, Location};

pub use self::values::{ConditionValue, Map, OneOrMany};

/// The `Condition` element: operator (`StringEquals`) -> condition key -> values.
pub type Condition = Map<Map<OneOrMany<ConditionValue>>>;

/// An IAM policy document.
///
/// ```
/// use irsa_core::policy::PolicyDocument;
///
/// let json = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
///     "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#;
/// let policy = PolicyDocument::from_json(json).unwrap();
/// assert_eq!(policy.statements().len(), 1);
/// assert_eq!(
///     policy.to_json_compact(),
///     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#
/// );
/// assert_eq!(policy.iam_size(), 125); // the compact JSON's characters
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// The policy language version; IAM policies should say `2012-10-17`.
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// An optional policy identifier.
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// One statement or a list of them.
    #[serde(rename = "Statement")]
    pub statement: OneOrMany<Statement>,
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The statement ID.
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Allow or Deny.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// Who the statement is about.
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    /// Everyone except these (not allowed in trust policies).
    #[serde(rename = "NotPrincipal", default, skip_serializing_if = "Option::is_none")]
    pub not_principal: Option<Principal>,
    /// The actions the statement covers.
    #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
    pub action: Option<OneOrMany<String>>,
    /// Every action except these.
    #[serde(rename = "NotAction", default, skip_serializing_if = "Option::is_none")]
    pub not_action: Option<OneOrMany<String>>,
    /// The resources (not allowed in trust policies).
    #[serde(rename = "Resource", default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<OneOrMany<String>>,
    /// Every resource except these (not allowed in trust policies).
    #[serde(rename = "NotResource", default, skip_serializing_if = "Option::is_none")]
    pub not_resource: Option<OneOrMany<String>>,
    /// The conditions, all of which must hold.
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

impl Statement {
    /// A statement with this effect and nothing else; set the other fields directly.
    pub fn new(effect: Effect) -> Statement {
        Statement {
            sid: None,
            effect,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: None,
        }
    }
}

/// The `Principal` element: `"*"` (everyone) or a map of principal type (`AWS`, `Federated`,
/// `Service`, `CanonicalUser`) to one or more IDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"Principal": "*"`.
    Everyone,
    /// `"Principal": {"Federated": "arn:..."}`.
    Typed(Map<OneOrMany<String>>),
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Everyone => serializer.serialize_str("*"),
            Principal::Typed(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PrincipalVisitor;

        impl<'de> Visitor<'de> for PrincipalVisitor {
            type Value = Principal;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#""*" or an object of principal type to IDs"#)
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Principal, E> {
                if v == "*" { Ok(Principal::Everyone) } else { Err(E::invalid_value(de::Unexpected::Str(v), &self)) }
            }

            fn visit_map<A: de::MapAccess<'de>>(self, access: A) -> Result<Principal, A::Error> {
                Map::deserialize(de::value::MapAccessDeserializer::new(access)).map(Principal::Typed)
            }
        }

        deserializer.deserialize_any(PrincipalVisitor)
    }
}

/// Declares a string enum with known values and a catch-all that keeps what was read, so
/// that checks can report an invalid value instead of failing to read the policy.
macro_rules! known_strings {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value IAM does not accept, kept as read.
            Other(String),
        }

        impl $name {
            /// The value as policy JSON writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }

            /// Whether IAM accepts the value.
            pub fn is_valid(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> $name {
                match s {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok($name::from(&*s))
            }
        }
    };
}

known_strings! {
    /// The policy language version.
    Version {
        /// `2012-10-17`, the current version (policy variables work).
        V2012_10_17 = "2012-10-17",
        /// `2008-10-17`, the old version (`${...}` is literal text).
        V2008_10_17 = "2008-10-17",
    }
}

known_strings! {
    /// A statement's effect (case-sensitive in IAM).
    Effect {
        /// `Allow`.
        Allow = "Allow",
        /// `Deny`.
        Deny = "Deny",
    }
}

impl PolicyDocument {
    /// A `2012-10-17` document with these statements (always written as a list).
    pub fn new(statements: Vec<Statement>) -> PolicyDocument {
        PolicyDocument { version: Some(Version::V2012_10_17), id: None, statement: OneOrMany::Many(statements) }
    }

    /// The statements, whether the document holds one or a list.
    pub fn statements(&self) -> &[Statement] {
        self.statement.as_slice()
    }

    /// Reads a policy document from IAM policy JSON.
    ///
    /// Errors carry the line and column of the problem: bad JSON, an unknown element, a value
    /// of the wrong shape, or a key given twice.
    pub fn from_json(text: &str) -> Result<PolicyDocument, Error> {
        if let Some(error) = not_an_object(text) {
            return Err(error);
        }
        serde_json::from_str(text).map_err(|e| json_error(&e, ""))
    }

    /// The document as indented JSON (two spaces, no final newline), the way the AWS
    /// provider's `aws_iam_policy_document` renders `json`.
    pub fn to_json_pretty(&self) -> String {
        #[allow(clippy::expect_used)]
        serde_json::to_string_pretty(self).expect("a policy document always serializes: every map key is a string")
    }

    /// The document as JSON without any whitespace between tokens.
    pub fn to_json_compact(&self) -> String {
        #[allow(clippy::expect_used)]
        serde_json::to_string(self).expect("a policy document always serializes: every map key is a string")
    }

    /// The document's size as IAM counts it against the trust-policy quota: characters of its
    /// JSON, white space excluded (IAM: "does not count white space").
    pub fn iam_size(&self) -> usize {
        iam_count(&self.to_json_compact())
    }
}

/// The error for a JSON text whose value is not an object (serde would read an array as the
/// fields in order, and say "invalid length"), at the value's first character.
fn not_an_object(text: &str) -> Option<Error> {
    let (offset, first) = text.char_indices().find(|(_, c)| !c.is_whitespace() && *c != '\u{feff}')?;
    let kind = match first {
        '{' => return None,
        '[' => "an array",
        '"' => "a string",
        't' | 'f' => "a boolean",
        'n' => "null",
        '-' | '0'..='9' => "a number",
        _ => return None, // not JSON at all: serde_json says where
    };
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
    Some(
        Error::new(
            ErrorKind::PolicyJson,
            "",
            format!("a policy is a JSON object (`{{\"Version\": \"2012-10-17\", \"Statement\": [...]}}`), and this is {kind}"),
        )
        .at(Location { line, column }),
    )
}

/// A policy JSON error: serde_json's message after `context`, without its position, which the
/// error carries as its location.
pub(crate) fn json_error(e: &serde_json::Error, context: &str) -> Error {
    let location = Location { line: e.line(), column: e.column() };
    Error::new(ErrorKind::PolicyJson, "", format!("{context}{}", strip_serde_position(&e.to_string()))).at(location)
}

/// The characters of a policy's text as IAM counts them: white space excluded.
pub(crate) fn iam_count(text: &str) -> usize {
    if text.is_ascii() {
        // Most policies hold no byte at or below the space: count those first, 255 bytes at a
        // time into a byte-wide total (which vectorizes), then, only when there are some, which
        // of them are white space (the same set as `char::is_whitespace` on ASCII).
        let low: usize = text
            .as_bytes()
            .chunks(255)
            .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b <= b' '))))
            .sum();
        if low == 0 {
            return text.len();
        }
        text.bytes().filter(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')).count()
    } else {
        text.chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// serde_json appends " at line L column C"; irsa reports the location on its own.
pub(crate) fn strip_serde_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_shapes_and_order() {
        let json = r#"{
  "Version": "2008-10-17",
  "Id": "x",
  "Statement": [
    {
      "Sid": "A1",
      "Effect": "Deny",
      "Principal": "*",
      "NotAction": [
        "sts:AssumeRole"
      ],
      "Condition": {
        "StringLike": {
          "b:sub": [
            "x",
            "y"
          ],
          "a:aud": "z"
        },
        "Bool": {
          "aws:SecureTransport": false
        },
        "NumericLessThan": {
          "k": 3
        }
      }
    }
  ]
}"#;
        let policy = PolicyDocument::from_json(json).unwrap();
        assert_eq!(policy.to_json_pretty(), json);
        let again = PolicyDocument::from_json(&policy.to_json_compact()).unwrap();
        assert_eq!(again, policy);
    }

    #[test]
    fn invalid_effect_and_version_are_kept_for_checks() {
        let policy = PolicyDocument::from_json(r#"{"Version":"2012-10-18","Statement":{"Effect":"Alow"}}"#).unwrap();
        assert_eq!(policy.version, Some(Version::Other("2012-10-18".into())));
        assert!(!policy.statements()[0].effect.is_valid());
    }

    #[test]
    fn read_errors_have_locations() {
        let check = |json: &str, line: usize, column: usize, rule: &str| {
            let err = PolicyDocument::from_json(json).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::PolicyJson);
            assert_eq!(err.location(), Some(Location { line, column }), "{json}: {err}");
            assert!(err.rule().contains(rule), "{json}: `{}` does not contain `{rule}`", err.rule());
        };
        check("{\"Statement\": {\"Effect\": \"Allow\",\n \"Effect\": \"Deny\"}}", 2, 9, "duplicate field `Effect`");
        check(
            "{\"Statement\": {\"Effect\": \"Allow\", \"Condition\": {\"StringEquals\": {}, \"StringEquals\": {}}}}",
            1,
            82,
            "duplicate key `StringEquals`",
        );
        check("{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"me\"}}", 1, 51, "\"*\" or an object");
        check("{\"Statement\": {\"Effect\": \"Allow\", \"Resorce\": \"*\"}}", 1, 43, "unknown field `Resorce`");
        check("{\"Statement\": [", 1, 15, "EOF");
        check(
            "[]",
            1,
            1,
            "a policy is a JSON object (`{\"Version\": \"2012-10-17\", \"Statement\": [...]}`), and this is an array",
        );
        check("\n  \"x\"", 2, 3, "and this is a string");
    }

    #[test]
    fn iam_count_is_the_count_of_non_white_space_characters() {
        // Long texts too: the ASCII count goes 255 bytes at a time, so spaces on both sides of
        // a boundary, and a text of nothing but spaces, must count right.
        let long_spaces = " ".repeat(1000);
        let boundary = format!("{} {}{}", "x".repeat(254), " ".repeat(300), "y".repeat(700));
        for text in [
            "",
            "abc",
            "a b\tc\nd\re\u{b}f\u{c}g",
            "\u{1}x",
            "ünï code\u{a0}x",
            "{\"a\":\"b\"}",
            &long_spaces,
            &boundary,
        ] {
            assert_eq!(iam_count(text), text.chars().filter(|c| !c.is_whitespace()).count(), "{text:?}");
        }
    }

    #[test]
    fn size_excludes_whitespace() {
        let policy = PolicyDocument::from_json(r#"{"Statement": {"Effect": "Allow", "Sid": "a b"}}"#).unwrap();
        // {"Statement":{"Sid":"ab","Effect":"Allow"}} without the space inside "a b".
        assert_eq!(policy.iam_size(), r#"{"Statement":{"Sid":"ab","Effect":"Allow"}}"#.len());
    }
}
