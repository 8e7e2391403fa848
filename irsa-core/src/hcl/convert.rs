//! IAM policy JSON to a `data "aws_iam_policy_document"` that the AWS provider renders to a
//! policy with the same meaning, or an error saying why none can.

use hcl::Body;

use super::{policy_document_block, to_terraform};
use crate::error::{Error, ErrorKind};
use crate::policy::{PolicyDocument, Principal, Statement, Version};
use crate::semantics::{DUPLICATE_SID, effect_problem, sid_problem, version_problem};

/// The Terraform of a policy read from JSON, as one `data "aws_iam_policy_document"` named
/// `label`.
///
/// Kept: every statement, Sid, value and condition; `Id` as `policy_id`; `NotAction` as
/// `not_actions`, `NotPrincipal` as `not_principals`; `"Principal": "*"` as a principals block
/// of type `"*"`; policy variables (`${aws:username}`) written `$${aws:username}` so Terraform
/// leaves them alone. A document without `Version` is IAM's `2008-10-17` and is written so.
///
/// Refused (the provider would reject it, or render something else): an invalid `Version` or
/// `Effect`; a Sid with other characters than letters and digits, or used twice; an empty
/// `Principal`; the text `&{` in resources, principals or condition values (the provider turns
/// every `&{` into `${`).
///
/// ```
/// let json = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Nodes", "Effect": "Allow",
///     "Principal": {"AWS": "arn:aws:iam::123456789012:role/nodes"}, "Action": "sts:AssumeRole"}]}"#;
/// let policy = irsa_core::policy::PolicyDocument::from_json(json).unwrap();
/// let tf = irsa_core::hcl::policy_to_terraform(&policy, "trust").unwrap();
/// assert_eq!(tf, r#"data "aws_iam_policy_document" "trust" {
///   statement {
///     sid     = "Nodes"
///     effect  = "Allow"
///     actions = ["sts:AssumeRole"]
///
///     principals {
///       type        = "AWS"
///       identifiers = ["arn:aws:iam::123456789012:role/nodes"]
///     }
///   }
/// }
/// "#);
/// ```
pub fn policy_to_terraform(policy: &PolicyDocument, label: &str) -> Result<String, Error> {
    check_expressible(policy)?;
    let block = if policy.version.is_none() {
        let mut versioned = policy.clone();
        versioned.version = Some(Version::V2008_10_17);
        policy_document_block(&versioned, label)?
    } else {
        policy_document_block(policy, label)?
    };
    to_terraform(&Body::builder().add_block(block).build())
}

fn refuse(value: impl Into<String>, rule: impl Into<String>) -> Error {
    Error::new(ErrorKind::Conversion, value, rule)
}

fn check_expressible(policy: &PolicyDocument) -> Result<(), Error> {
    if let Some(version) = &policy.version {
        if let Some(rule) = version_problem(version) {
            return Err(refuse(version.as_str(), format!("Version: {rule}")));
        }
    }
    let mut sids: Vec<(&str, usize)> = Vec::new();
    for (index, statement) in policy.statements().iter().enumerate() {
        let at = |what: &str| match &statement.sid {
            Some(sid) => format!("Statement[{index}] (Sid {sid:?}): {what}"),
            None => format!("Statement[{index}]: {what}"),
        };
        if let Some(sid) = statement.sid.as_deref().filter(|s| !s.is_empty()) {
            if let Some(rule) = sid_problem(sid) {
                return Err(refuse(sid, at(rule)));
            }
            if let Some((_, first)) = sids.iter().find(|(s, _)| *s == sid) {
                return Err(refuse(sid, at(&format!("the Sid is also Statement[{first}]'s: {DUPLICATE_SID}"))));
            }
            sids.push((sid, index));
        }
        if let Some(rule) = effect_problem(&statement.effect) {
            return Err(refuse(statement.effect.as_str(), at(rule)));
        }
        for (element, principal) in [("Principal", &statement.principal), ("NotPrincipal", &statement.not_principal)] {
            if let Some(Principal::Typed(map)) = principal {
                if map.is_empty() {
                    return Err(refuse(
                        "{}",
                        at(&format!("an empty {element} has no principals block to write (IAM rejects it too)")),
                    ));
                }
            }
        }
        check_no_ampersand_brace(statement, &at)?;
    }
    Ok(())
}

/// The provider turns `&{` into `${` in these places, so a literal `&{` cannot be written.
fn check_no_ampersand_brace(statement: &Statement, at: &dyn Fn(&str) -> String) -> Result<(), Error> {
    let principals = [&statement.principal, &statement.not_principal];
    let principal_ids = principals.into_iter().flatten().flat_map(|p| match p {
        Principal::Everyone => Vec::new(),
        Principal::Typed(map) => map.values().flat_map(|ids| ids.iter().cloned()).collect(),
    });
    let resources =
        [&statement.resource, &statement.not_resource].into_iter().flatten().flat_map(|r| r.iter().cloned());
    let values = statement
        .condition
        .iter()
        .flat_map(|c| c.values())
        .flat_map(|keys| keys.values())
        .flat_map(|values| values.iter().map(|v| v.to_iam_string()));
    for value in principal_ids.chain(resources).chain(values) {
        if value.contains("&{") {
            return Err(refuse(
                value,
                at(
                    "the AWS provider turns every `&{` in resources, principals and condition values into `${`, so this literal `&{` cannot be written in an aws_iam_policy_document (keep this policy as JSON: jsonencode or a file)",
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str, expected: Result<&[&str], &str>) {
        let policy = PolicyDocument::from_json(json).unwrap();
        match (policy_to_terraform(&policy, "p"), expected) {
            (Ok(tf), Ok(needles)) => {
                for needle in needles {
                    assert!(tf.contains(needle), "{json}\n{tf}\nmissing: {needle}");
                }
            }
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{json}\n{e}\nwant: {want}"),
            (got, want) => panic!("{json}\ngot {got:?}\nwant {want:?}"),
        }
    }

    #[test]
    fn conversions() {
        let statement =
            r#""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole""#;
        check(&format!(r#"{{"Statement": {{{statement}}}}}"#), Ok(&["version = \"2008-10-17\""]));
        check(
            &format!(r#"{{"Version": "2012-10-17", "Id": "x", "Statement": {{{statement}}}}}"#),
            Ok(&["policy_id = \"x\""]),
        );
        check(
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotPrincipal": "*", "NotAction": ["s3:*"], "Resource": "arn:aws:s3:::b/${aws:username}"}}"#,
            Ok(&[
                "not_actions = [\"s3:*\"]",
                "not_principals {\n      type        = \"*\"",
                "\"arn:aws:s3:::b/$${aws:username}\"",
            ]),
        );
        check(
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:SecureTransport": true}, "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}}}"#,
            Ok(&["test     = \"Bool\"", "values   = [\"true\"]", "values   = [\"3600\"]"]),
        );
    }

    #[test]
    fn refusals() {
        let statement =
            r#""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole""#;
        check(&format!(r#"{{"Version": "2012-10-18", "Statement": {{{statement}}}}}"#), Err("`2012-10-18`"));
        check(
            &format!(r#"{{"Statement": [{{"Sid": "a-b", {statement}}}]}}"#),
            Err("Statement[0] (Sid \"a-b\"): a Sid has only letters and digits"),
        );
        check(
            &format!(r#"{{"Statement": [{{"Sid": "A", {statement}}}, {{"Sid": "A", {statement}}}]}}"#),
            Err("the Sid is also Statement[0]'s"),
        );
        check(r#"{"Statement": {"Effect": "allow", "Principal": "*"}}"#, Err("invalid conversion `allow`"));
        check(r#"{"Statement": {"Effect": "Allow", "Principal": {}}}"#, Err("an empty Principal"));
        check(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Resource": "a/&{x}"}}"#,
            Err("literal `&{` cannot be written"),
        );
        check(
            r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Condition": {"StringEquals": {"k": ["&{x}"]}}}}"#,
            Err("`&{x}`"),
        );
    }
}
