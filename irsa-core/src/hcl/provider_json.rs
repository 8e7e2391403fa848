//! The JSON text the AWS provider stores in an `aws_iam_policy_document`'s `json` attribute.

use serde::Serialize;

use crate::policy::{Condition, OneOrMany, PolicyDocument, Principal, Statement};

/// A policy as the AWS provider writes it: two-space indentation, statement elements in the
/// provider's order (`Sid`, `Effect`, `Action`, `NotAction`, `Resource`, `NotResource`,
/// `Principal`, `NotPrincipal`, `Condition`), always a list of statements, and `<`, `>`, `&`,
/// U+2028 and U+2029 escaped as Go's `encoding/json` escapes them. With the documents that
/// [`super::read_policy_document`] reads, this is byte for byte what `terraform plan` shows.
///
/// ```
/// let tf = r#"data "aws_iam_policy_document" "p" {
///   statement {
///     actions   = ["s3:GetObject"]
///     resources = ["arn:aws:s3:::a&b/*"]
///   }
/// }"#;
/// let document = irsa_core::hcl::read_policy_document(tf, None).unwrap().document;
/// assert_eq!(irsa_core::hcl::provider_json(&document), r#"{
///   "Version": "2012-10-17",
///   "Statement": [
///     {
///       "Effect": "Allow",
///       "Action": "s3:GetObject",
///       "Resource": "arn:aws:s3:::a\u0026b/*"
///     }
///   ]
/// }"#);
/// ```
pub fn provider_json(document: &PolicyDocument) -> String {
    let rendered = Rendered {
        version: document.version.as_ref().map(|v| v.as_str()),
        id: document.id.as_deref(),
        statement: document.statements().iter().map(RenderedStatement::from).collect(),
    };
    #[allow(clippy::expect_used)]
    let text = serde_json::to_string_pretty(&rendered).expect("a policy document always serializes");
    go_escape(&text)
}

#[derive(Serialize)]
struct Rendered<'a> {
    #[serde(rename = "Version", skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(rename = "Id", skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(rename = "Statement", skip_serializing_if = "Vec::is_empty")]
    statement: Vec<RenderedStatement<'a>>,
}

#[derive(Serialize)]
struct RenderedStatement<'a> {
    #[serde(rename = "Sid", skip_serializing_if = "Option::is_none")]
    sid: Option<&'a str>,
    #[serde(rename = "Effect")]
    effect: &'a str,
    #[serde(rename = "Action", skip_serializing_if = "Option::is_none")]
    action: Option<&'a OneOrMany<String>>,
    #[serde(rename = "NotAction", skip_serializing_if = "Option::is_none")]
    not_action: Option<&'a OneOrMany<String>>,
    #[serde(rename = "Resource", skip_serializing_if = "Option::is_none")]
    resource: Option<&'a OneOrMany<String>>,
    #[serde(rename = "NotResource", skip_serializing_if = "Option::is_none")]
    not_resource: Option<&'a OneOrMany<String>>,
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none")]
    principal: Option<&'a Principal>,
    #[serde(rename = "NotPrincipal", skip_serializing_if = "Option::is_none")]
    not_principal: Option<&'a Principal>,
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    condition: Option<&'a Condition>,
}

impl<'a> From<&'a Statement> for RenderedStatement<'a> {
    fn from(statement: &'a Statement) -> RenderedStatement<'a> {
        RenderedStatement {
            sid: statement.sid.as_deref().filter(|sid| !sid.is_empty()),
            effect: statement.effect.as_str(),
            action: statement.action.as_ref(),
            not_action: statement.not_action.as_ref(),
            resource: statement.resource.as_ref(),
            not_resource: statement.not_resource.as_ref(),
            principal: statement.principal.as_ref(),
            not_principal: statement.not_principal.as_ref(),
            condition: statement.condition.as_ref(),
        }
    }
}

/// Go's `encoding/json` HTML-safe escaping. `<`, `>`, `&` and the two line separators occur
/// only inside strings in JSON text, so replacing them anywhere is exact.
fn go_escape(text: &str) -> String {
    if !text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
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
