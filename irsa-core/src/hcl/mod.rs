//! Terraform (HCL) rendering of policies and roles.
//!
//! The structure is built with hcl-rs ([`hcl::Body`], [`hcl::Block`]); [`to_terraform`] lays
//! it out the way people write Terraform and aligns `=` as `terraform fmt` does, so that
//! `terraform fmt` leaves the output unchanged. Every string goes through [`quote`], so text
//! never turns into an interpolation or a directive.

mod align;
mod convert;
mod escape;
mod layout;
mod provider_json;
pub(crate) mod read;

use hcl::expr::{Traversal, Variable};
use hcl::{Attribute, Block, Body, Expression, Identifier};

use crate::role::{PolicyArn, RolePath};

use crate::error::{Error, ErrorKind};
use crate::policy::{OneOrMany, PolicyDocument, Principal, Statement, Version};
use crate::role::RoleName;

pub use self::align::align;
pub use self::convert::policy_to_terraform;
pub use self::escape::quote;
pub use self::provider_json::provider_json;
pub use self::read::{
    HclPolicyDocument, policy_document_names, read_policy_document, read_policy_documents, replace_policy_document,
};

/// The label of the trust policy's `aws_iam_policy_document` when no role is named.
pub const DEFAULT_POLICY_LABEL: &str = "assume_role";

/// Lays out an hcl-rs body as Terraform text that `terraform fmt` leaves unchanged.
///
/// ```
/// let body = hcl::Body::builder()
///     .add_block(
///         hcl::Block::builder("resource")
///             .add_label("aws_iam_role")
///             .add_label("this")
///             .add_attribute(("name", "app"))
///             .add_attribute(("max_session_duration", 3600))
///             .build(),
///     )
///     .build();
/// assert_eq!(
///     irsa_core::hcl::to_terraform(&body).unwrap(),
///     "resource \"aws_iam_role\" \"this\" {\n  name                 = \"app\"\n  max_session_duration = 3600\n}\n"
/// );
/// ```
pub fn to_terraform(body: &Body) -> Result<String, Error> {
    let text = layout::layout(body).map_err(|e| Error::new(ErrorKind::HclLabel, "", e.to_string()))?;
    Ok(align(&text))
}

/// A Terraform identifier made from a name: letters, digits and `_` kept (lowercased), every
/// other character `_`, and `role_` in front of a leading digit.
///
/// ```
/// assert_eq!(irsa_core::hcl::label_for("External-DNS.v2@prod"), "external_dns_v2_prod");
/// assert_eq!(irsa_core::hcl::label_for("1password"), "role_1password");
/// ```
pub fn label_for(name: &str) -> String {
    let label: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if label.starts_with(|c: char| c.is_ascii_digit()) || label.is_empty() { format!("role_{label}") } else { label }
}

/// Checks that a label is a valid Terraform identifier.
fn identifier(label: &str) -> Result<Identifier, Error> {
    Identifier::new(label).map_err(|_| {
        Error::new(
            ErrorKind::HclLabel,
            label,
            "a Terraform name starts with a letter or `_` and has letters, digits, `_` and `-`",
        )
    })
}

/// A `data "aws_iam_policy_document" "<label>"` block that the AWS provider renders to the
/// same policy.
///
/// Statement arguments are written in the provider's order (`sid`, `effect`, `actions`,
/// `not_actions`, `resources`, `not_resources`, then `principals`, `not_principals` and
/// `condition` blocks); `"Principal": "*"` becomes a principals block of type `"*"`.
pub fn policy_document_block(policy: &PolicyDocument, label: &str) -> Result<Block, Error> {
    identifier(label)?;
    let mut block = Block::builder("data").add_label("aws_iam_policy_document").add_label(label);
    if let Some(id) = &policy.id {
        block = block.add_attribute(("policy_id", id.as_str()));
    }
    if let Some(version) = policy.version.as_ref().filter(|v| **v != Version::V2012_10_17) {
        block = block.add_attribute(("version", version.as_str()));
    }
    for statement in policy.statements() {
        block = block.add_block(statement_block(statement));
    }
    Ok(block.build())
}

fn statement_block(statement: &Statement) -> Block {
    let mut block = Block::builder("statement");
    // An empty Sid is no Sid: the provider leaves out an empty `sid`, and IAM reads both alike.
    if let Some(sid) = statement.sid.as_deref().filter(|sid| !sid.is_empty()) {
        block = block.add_attribute(("sid", sid));
    }
    block = block.add_attribute(("effect", statement.effect.as_str()));
    let lists = [
        ("actions", &statement.action),
        ("not_actions", &statement.not_action),
        ("resources", &statement.resource),
        ("not_resources", &statement.not_resource),
    ];
    for (name, values) in lists {
        if let Some(values) = values {
            block = block.add_attribute(Attribute::new(name, strings(values.iter().map(String::as_str))));
        }
    }
    for (name, principal) in [("principals", &statement.principal), ("not_principals", &statement.not_principal)] {
        for principals in principal.iter().flat_map(|p| principal_blocks(name, p)) {
            block = block.add_block(principals);
        }
    }
    for (test, keys) in statement.condition.iter().flat_map(|c| c.iter()) {
        for (variable, values) in keys.iter() {
            let values: Vec<String> = values.iter().map(|v| v.to_iam_string()).collect();
            block = block.add_block(
                Block::builder("condition")
                    .add_attribute(("test", test.as_str()))
                    .add_attribute(("variable", variable.as_str()))
                    .add_attribute(Attribute::new("values", strings(values.iter().map(String::as_str))))
                    .build(),
            );
        }
    }
    block.build()
}

fn principal_blocks(name: &str, principal: &Principal) -> Vec<Block> {
    let block = |kind: &str, ids: &OneOrMany<String>| {
        Block::builder(name)
            .add_attribute(("type", kind))
            .add_attribute(Attribute::new("identifiers", strings(ids.iter().map(String::as_str))))
            .build()
    };
    match principal {
        Principal::Everyone => vec![block("*", &OneOrMany::One("*".to_owned()))],
        Principal::Typed(map) => map.iter().map(|(kind, ids)| block(kind, ids)).collect(),
    }
}

/// A list of strings.
pub fn strings<'a>(values: impl Iterator<Item = &'a str>) -> Expression {
    Expression::Array(values.map(|v| Expression::String(v.to_owned())).collect())
}

/// The arguments of an `aws_iam_role` besides its name and trust policy; each is written only
/// when set.
#[derive(Debug, Clone, Copy, Default)]
pub struct RoleArguments<'a> {
    /// `path` (written when not `/`).
    pub path: Option<&'a RolePath>,
    /// `description`.
    pub description: Option<&'a str>,
    /// `max_session_duration`.
    pub max_session_duration: Option<u32>,
    /// `permissions_boundary`.
    pub permissions_boundary: Option<&'a PolicyArn>,
    /// `force_detach_policies = true`.
    pub force_detach_policies: bool,
    /// `tags`, in order.
    pub tags: &'a [(String, String)],
}

/// A `resource "aws_iam_role" "<label>"` whose `assume_role_policy` is the `json` of the
/// policy document labelled `policy_label`.
pub fn role_block(
    role: &RoleName,
    label: &str,
    policy_label: &str,
    arguments: &RoleArguments<'_>,
) -> Result<Block, Error> {
    identifier(label)?;
    let mut block =
        Block::builder("resource").add_label("aws_iam_role").add_label(label).add_attribute(("name", role.as_str()));
    if let Some(path) = arguments.path.filter(|p| p.as_str() != "/") {
        block = block.add_attribute(("path", path.as_str()));
    }
    if let Some(description) = arguments.description {
        block = block.add_attribute(("description", description));
    }
    block = block.add_attribute(Attribute::new(
        "assume_role_policy",
        reference("data", &["aws_iam_policy_document", policy_label, "json"])?,
    ));
    if let Some(seconds) = arguments.max_session_duration {
        block = block.add_attribute(("max_session_duration", u64::from(seconds)));
    }
    if let Some(boundary) = arguments.permissions_boundary {
        block = block.add_attribute(("permissions_boundary", boundary.as_str()));
    }
    if arguments.force_detach_policies {
        block = block.add_attribute(("force_detach_policies", true));
    }
    if !arguments.tags.is_empty() {
        block = block.add_attribute(Attribute::new(
            "tags",
            string_map(arguments.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        ));
    }
    Ok(block.build())
}

/// A traversal such as `data.aws_iam_policy_document.x.json`, every name checked.
pub fn reference(root: &str, attributes: &[&str]) -> Result<Expression, Error> {
    let mut builder = Traversal::builder(Variable::from(identifier(root)?));
    for attribute in attributes {
        builder = builder.attr(identifier(attribute)?);
    }
    Ok(builder.build().into())
}

/// An object of strings, keys written bare when they are plain identifiers and quoted
/// otherwise (`"kubernetes.io/cluster" = "owned"`).
pub fn string_map<'a>(entries: impl Iterator<Item = (&'a str, &'a str)>) -> Expression {
    let mut object = hcl::Object::new();
    for (key, value) in entries {
        object.insert(object_key(key), Expression::String(value.to_owned()));
    }
    Expression::Object(object)
}

/// An object key: bare when it is a plain identifier (and not a keyword), quoted otherwise.
pub fn object_key(key: &str) -> hcl::ObjectKey {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(key, "true" | "false" | "null");
    match Identifier::new(key) {
        Ok(ident) if plain => hcl::ObjectKey::Identifier(ident),
        _ => hcl::ObjectKey::Expression(Expression::String(key.to_owned())),
    }
}

/// The Terraform of a trust policy: its `aws_iam_policy_document` and, when a role is named,
/// the `aws_iam_role` that uses it (labels derived from the role's name).
///
/// ```
/// use irsa_core::{Audience, TrustPolicy};
///
/// let policy = TrustPolicy::new()
///     .legacy_principal("Service=ec2.amazonaws.com".parse().unwrap())
///     .build()
///     .unwrap();
/// let tf = irsa_core::hcl::trust_policy_terraform(&policy, Some(&"nodes".parse().unwrap())).unwrap();
/// assert!(tf.starts_with("data \"aws_iam_policy_document\" \"nodes_assume_role\" {\n  statement {\n"));
/// assert!(tf.ends_with("  assume_role_policy = data.aws_iam_policy_document.nodes_assume_role.json\n}\n"));
/// ```
pub fn trust_policy_terraform(policy: &PolicyDocument, role: Option<&RoleName>) -> Result<String, Error> {
    let mut body = Body::builder();
    match role {
        Some(role) => {
            let role_label = label_for(role.as_str());
            let policy_label = format!("{role_label}_{DEFAULT_POLICY_LABEL}");
            body = body.add_block(policy_document_block(policy, &policy_label)?).add_block(role_block(
                role,
                &role_label,
                &policy_label,
                &RoleArguments::default(),
            )?);
        }
        None => body = body.add_block(policy_document_block(policy, DEFAULT_POLICY_LABEL)?),
    }
    to_terraform(&body.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        for (name, label) in [
            ("external-dns", "external_dns"),
            ("A.b+c=d,e@f_g", "a_b_c_d_e_f_g"),
            ("9lives", "role_9lives"),
            ("", "role_"),
        ] {
            assert_eq!(label_for(name), label);
            assert!(identifier(&label_for(name)).is_ok());
        }
        assert_eq!(identifier("bad label").unwrap_err().kind(), ErrorKind::HclLabel);
    }

    #[test]
    fn principal_everyone_and_version_and_id() {
        let policy = PolicyDocument::from_json(
            r#"{"Version":"2008-10-17","Id":"p1","Statement":{"Sid":"S","Effect":"Deny","Principal":"*","NotAction":["a","b"],"Condition":{"Bool":{"aws:SecureTransport":false}}}}"#,
        )
        .unwrap();
        let body = Body::builder().add_block(policy_document_block(&policy, "p").unwrap()).build();
        assert_eq!(
            to_terraform(&body).unwrap(),
            r#"data "aws_iam_policy_document" "p" {
  policy_id = "p1"
  version   = "2008-10-17"

  statement {
    sid    = "S"
    effect = "Deny"
    not_actions = [
      "a",
      "b",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
"#
        );
    }
}
