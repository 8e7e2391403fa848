//! Reading `data "aws_iam_policy_document"` blocks written with literal values, into the
//! policy the AWS provider renders from them.
//!
//! The provider's rules (`policy_document_data_source.go`, `policy_model.go`):
//! - `version` defaults to `2012-10-17`; `policy_id` becomes `Id` unless empty.
//! - `effect` defaults to `Allow`; an empty `sid` is left out; sids are letters and digits,
//!   unique in the document.
//! - `actions`, `not_actions`, `resources`, `not_resources` and principal `identifiers` are
//!   sets: duplicates go, one element is written as a string, several as a list in reverse byte
//!   order; an empty set is left out.
//! - `principals` blocks are grouped by `type` (types in byte order); one block of type `*`
//!   with the identifier `*` is `"Principal": "*"`.
//! - `condition` blocks are grouped by `test`, then `variable` (both in byte order); values keep
//!   their order, and one value is written as a string.
//! - `&{` in resources, identifiers and condition values becomes `${` (an error under
//!   `2008-10-17`).
//!
//! Anything that is not a literal (a reference, a function call, an interpolation, a `dynamic`
//! block, a merge of other documents) is an error naming it and its line: irsa does not
//! evaluate Terraform.

use std::collections::BTreeMap;
use std::ops::Range;

use hcl_edit::Span;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::Element;

use crate::error::{Error, ErrorKind, LineIndex, Location};
use crate::policy::{Condition, ConditionValue, Effect, Map, OneOrMany, PolicyDocument, Principal, Statement, Version};
use crate::semantics::{DUPLICATE_SID, effect_problem, sid_problem, version_problem};

/// One `data "aws_iam_policy_document"` block of a Terraform file.
#[derive(Debug, Clone, PartialEq)]
pub struct HclPolicyDocument {
    /// The block's name (its second label).
    pub name: String,
    /// The policy the AWS provider renders from it.
    pub document: PolicyDocument,
    /// Where the block starts.
    pub location: Location,
    /// Where each statement block starts, in the document's order.
    pub statement_locations: Vec<Location>,
}

/// The names of the `data "aws_iam_policy_document"` blocks of a Terraform file, in order.
///
/// ```
/// let tf = r#"data "aws_iam_policy_document" "a" {}
/// resource "aws_iam_role" "r" { name = "r" }
/// data "aws_iam_policy_document" "b" {}
/// "#;
/// assert_eq!(irsa_core::hcl::policy_document_names(tf).unwrap(), ["a", "b"]);
/// ```
pub fn policy_document_names(text: &str) -> Result<Vec<String>, Error> {
    Ok(document_blocks(&parse(text)?).map(|(name, _)| name).collect())
}

/// Reads every `data "aws_iam_policy_document"` block of a Terraform file, each on its own: a
/// document that cannot be read (a reference, say) does not stop the others. The outer error is
/// a file that is not HCL.
///
/// ```
/// let tf = "data \"aws_iam_policy_document\" \"a\" {\n  statement {\n    actions = var.x\n  }\n}\n\
///           data \"aws_iam_policy_document\" \"b\" {}\n";
/// let documents = irsa_core::hcl::read_policy_documents(tf).unwrap();
/// assert!(documents[0].as_ref().unwrap_err().to_string().starts_with("3:15: "));
/// assert_eq!(documents[1].as_ref().unwrap().name, "b");
/// ```
pub fn read_policy_documents(text: &str) -> Result<Vec<Result<HclPolicyDocument, Error>>, Error> {
    let body = parse(text)?;
    let lines = LineIndex::new(text);
    Ok(document_blocks(&body).map(|(name, block)| Reader { text, lines: &lines }.document(name, block)).collect())
}

/// Reads one `data "aws_iam_policy_document"` block: the one named `name`, or the only one.
///
/// ```
/// let tf = r#"
/// data "aws_iam_policy_document" "assume" {
///   statement {
///     actions = ["sts:AssumeRole", "sts:TagSession", "sts:AssumeRole"]
///     principals {
///       type        = "Service"
///       identifiers = ["ec2.amazonaws.com"]
///     }
///   }
/// }
/// "#;
/// let read = irsa_core::hcl::read_policy_document(tf, None).unwrap();
/// assert_eq!(read.name, "assume");
/// assert_eq!(
///     read.document.to_json_compact(),
///     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:TagSession","sts:AssumeRole"]}]}"#
/// );
/// assert!(irsa_core::hcl::read_policy_document(tf, Some("other")).unwrap_err().to_string().contains("found: assume"));
/// ```
pub fn read_policy_document(text: &str, name: Option<&str>) -> Result<HclPolicyDocument, Error> {
    let body = parse(text)?;
    let lines = LineIndex::new(text);
    let blocks: Vec<(String, &Block)> = document_blocks(&body).collect();
    let found = || blocks.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
    let chosen = match name {
        Some(name) => blocks.iter().find(|(n, _)| n == name).ok_or_else(|| {
            Error::new(
                ErrorKind::PolicyHcl,
                name,
                format!("no data \"aws_iam_policy_document\" of that name (found: {})", or_none(&found())),
            )
        })?,
        None => match blocks.as_slice() {
            [one] => one,
            [] => {
                return Err(Error::new(
                    ErrorKind::PolicyHcl,
                    "",
                    "the file has no data \"aws_iam_policy_document\" block",
                ));
            }
            _ => {
                return Err(Error::new(
                    ErrorKind::PolicyHcl,
                    "",
                    format!("the file has several policy documents ({}); pick one by its name", found()),
                )
                .with_remedy(crate::Remedy::PickDocument));
            }
        },
    };
    Reader { text, lines: &lines }.document(chosen.0.clone(), chosen.1)
}

/// `text` with the `data "aws_iam_policy_document"` block named `name` replaced by one that
/// renders `document` (irsa's Terraform for it, `terraform fmt`-canonical); every other byte of
/// the file, comments and other blocks included, stays as it was.
///
/// ```
/// use irsa_core::hcl::replace_policy_document;
/// use irsa_core::policy::PolicyDocument;
///
/// let tf = "# Trust of the app role.\ndata \"aws_iam_policy_document\" \"assume\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"Service\"\n      identifiers = [\"ec2.amazonaws.com\"]\n    }\n  }\n}\n\nresource \"aws_iam_role\" \"app\" {\n  assume_role_policy = data.aws_iam_policy_document.assume.json\n}\n";
/// let policy = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///   "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}"#).unwrap();
/// let edited = replace_policy_document(tf, "assume", &policy).unwrap();
/// assert!(edited.starts_with("# Trust of the app role.\ndata \"aws_iam_policy_document\" \"assume\" {\n"));
/// assert!(edited.contains("pods.eks.amazonaws.com"));
/// assert!(edited.ends_with("}\n\nresource \"aws_iam_role\" \"app\" {\n  assume_role_policy = data.aws_iam_policy_document.assume.json\n}\n"));
/// ```
pub fn replace_policy_document(text: &str, name: &str, document: &PolicyDocument) -> Result<String, Error> {
    let body = parse(text)?;
    let block = document_blocks(&body).find(|(n, _)| n == name).map(|(_, block)| block).ok_or_else(|| {
        Error::new(ErrorKind::PolicyHcl, name, "no data \"aws_iam_policy_document\" of that name to replace")
    })?;
    let refuse = |why: String| Error::new(ErrorKind::PolicyHcl, name, why);
    let span = block
        .span()
        .filter(|span| text.get(span.clone()).is_some_and(|b| b.ends_with('}')))
        .ok_or_else(|| refuse("the block's place in the file is not known, so it cannot be replaced".to_owned()))?;
    let source = text.get(span.clone()).unwrap_or_default();
    // What irsa's block would not carry over is refused, never dropped.
    if let Some(meta) = HARMLESS_META_ARGUMENTS.iter().find(|meta| block.body.get_attribute(meta).is_some()) {
        return Err(refuse(format!(
            "the block sets `{meta}`, which irsa's block would not carry over; write to another file and merge by hand"
        )));
    }
    if has_comment(source) {
        return Err(refuse(
            "the block holds comments, which irsa's block would not carry over; write to another file and merge by hand"
                .to_owned(),
        ));
    }
    let mut rendered = super::policy_to_terraform(document, name)?.trim_end_matches('\n').to_owned();
    if source.contains("\r\n") {
        rendered = rendered.replace('\n', "\r\n");
    }
    let (before, after) = (text.get(..span.start).unwrap_or_default(), text.get(span.end..).unwrap_or_default());
    Ok(format!("{before}{rendered}{after}"))
}

/// Whether HCL source text holds a comment (`#`, `//`, `/* */`) outside quoted strings and
/// heredocs.
fn has_comment(source: &str) -> bool {
    let bytes = source.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                // A quoted string: up to the next quote that no backslash escapes.
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => i = heredoc_end(source, i),
            b'#' => return true,
            b'/' if matches!(bytes.get(i + 1), Some(b'/' | b'*')) => return true,
            _ => i += 1,
        }
    }
    false
}

/// Where a heredoc that starts at `at` (`<<EOF` or `<<-EOF`) ends: after the line that is its
/// marker alone.
fn heredoc_end(source: &str, at: usize) -> usize {
    let rest = source.get(at + 2..).unwrap_or_default();
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let marker: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if marker.is_empty() {
        return at + 2;
    }
    let mut end = source.get(at..).and_then(|r| r.find('\n')).map_or(source.len(), |n| at + n + 1);
    for line in source.get(end..).unwrap_or_default().split_inclusive('\n') {
        end += line.len();
        if line.trim() == marker {
            return end;
        }
    }
    source.len()
}

/// The document of a block built in memory (Terraform evaluated by `crate::terraform`), read by
/// the same rules as one from text; its errors have no location of their own.
pub(crate) fn document_of_block(block: &Block, name: &str) -> Result<PolicyDocument, Error> {
    let lines = LineIndex::new("");
    Reader { text: "", lines: &lines }.document(name.to_owned(), block).map(|read| read.document)
}

fn or_none(list: &str) -> &str {
    if list.is_empty() { "none" } else { list }
}

fn parse(text: &str) -> Result<Body, Error> {
    hcl_edit::parser::parse_body(text).map_err(|e| {
        let location = Location { line: e.location().line(), column: e.location().column() };
        let hint = if e.line().contains("${") {
            "; a policy variable such as `${aws:username}` is written `$${aws:username}` in Terraform (or `&{aws:username}`)"
        } else {
            ""
        };
        Error::new(ErrorKind::PolicyHcl, "", format!("not valid HCL: {}{hint}", e.message())).at(location)
    })
}

fn document_blocks(body: &Body) -> impl Iterator<Item = (String, &Block)> {
    body.iter().filter_map(|structure| match structure {
        Structure::Block(block)
            if block.ident.as_str() == "data"
                && block.labels.len() == 2
                && block.labels.first().is_some_and(|l| l.as_str() == "aws_iam_policy_document") =>
        {
            block.labels.get(1).map(|l| (l.as_str().to_owned(), block))
        }
        _ => None,
    })
}

struct Reader<'t> {
    text: &'t str,
    lines: &'t LineIndex,
}

/// The arguments a `data "aws_iam_policy_document"` may have.
const DOCUMENT_ARGUMENTS: &[&str] = &["version", "policy_id"];
/// Arguments that merge other documents: their content is not in the block.
const MERGE_ARGUMENTS: &[&str] =
    &["source_policy_documents", "override_policy_documents", "source_json", "override_json"];
/// Meta-arguments that do not change the rendered policy.
const HARMLESS_META_ARGUMENTS: &[&str] = &["provider", "depends_on"];
const STATEMENT_ARGUMENTS: &[&str] = &["sid", "effect", "actions", "not_actions", "resources", "not_resources"];
const STATEMENT_BLOCKS: &[&str] = &["principals", "not_principals", "condition"];

impl Reader<'_> {
    fn location(&self, span: Option<Range<usize>>) -> Location {
        self.lines.location(self.text, span.map_or(0, |s| s.start))
    }

    fn source(&self, span: Option<Range<usize>>) -> String {
        let text = span.and_then(|s| self.text.get(s)).unwrap_or_default().trim();
        let mut shown: String = text.chars().take(80).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        shown
    }

    fn error(&self, span: Option<Range<usize>>, value: impl Into<String>, rule: impl Into<String>) -> Error {
        Error::new(ErrorKind::PolicyHcl, value, rule).at(self.location(span))
    }

    fn document(&self, name: String, block: &Block) -> Result<HclPolicyDocument, Error> {
        let location = self.location(block.span());
        let where_ = format!("data.aws_iam_policy_document.{name}");
        let mut version = None;
        let mut policy_id = None;
        let mut statements = Vec::new();
        let mut statement_locations = Vec::new();
        for structure in block.body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let key = attribute.key.as_str();
                    let span = attribute.span();
                    if MERGE_ARGUMENTS.contains(&key) {
                        return Err(self.error(
                            span,
                            key,
                            format!("{where_}: `{key}` merges other documents, which irsa does not evaluate; convert the merged JSON instead"),
                        ));
                    } else if key == "version" {
                        version = Some((self.string(&attribute.value, &where_, key)?, span));
                    } else if key == "policy_id" {
                        policy_id = Some(self.string(&attribute.value, &where_, key)?);
                    } else if !HARMLESS_META_ARGUMENTS.contains(&key) {
                        return Err(self.unsupported(span, &where_, key, DOCUMENT_ARGUMENTS, &["statement"]));
                    }
                }
                Structure::Block(inner) => {
                    let ident = inner.ident.as_str();
                    if ident == "statement" {
                        statement_locations.push(self.location(inner.span()));
                        statements.push(inner);
                    } else {
                        return Err(self.unsupported(inner.span(), &where_, ident, DOCUMENT_ARGUMENTS, &["statement"]));
                    }
                }
            }
        }
        let version = match version {
            None => Version::V2012_10_17,
            Some((text, span)) => {
                let version = Version::from(text.as_str());
                if let Some(rule) = version_problem(&version) {
                    return Err(self.error(span, text, format!("{where_}.version: {rule}")));
                }
                version
            }
        };
        let mut sids = BTreeMap::new();
        let mut rendered = Vec::with_capacity(statements.len());
        for (index, statement) in statements.into_iter().enumerate() {
            let where_ = format!("{where_}.statement[{index}]");
            let statement = self.statement(statement, &where_, &version)?;
            if let Some(sid) = &statement.sid {
                if let Some(first) = sids.insert(sid.clone(), index) {
                    return Err(Error::new(
                        ErrorKind::PolicyHcl,
                        sid.clone(),
                        format!("{where_}: the sid is also statement[{first}]'s: {DUPLICATE_SID}"),
                    )
                    .at(statement_locations.get(index).copied().unwrap_or(location)));
                }
            }
            rendered.push(statement);
        }
        let document = PolicyDocument {
            version: Some(version),
            id: policy_id.filter(|id| !id.is_empty()),
            statement: OneOrMany::Many(rendered),
        };
        Ok(HclPolicyDocument { name, document, location, statement_locations })
    }

    fn unsupported(
        &self,
        span: Option<Range<usize>>,
        where_: &str,
        key: &str,
        arguments: &[&str],
        blocks: &[&str],
    ) -> Error {
        let rule = match key {
            "dynamic" => format!(
                "{where_}: a `dynamic` block is generated when Terraform runs; irsa reads literal blocks only (write the blocks out, or convert the rendered JSON)"
            ),
            "count" | "for_each" => {
                format!(
                    "{where_}: `{key}` makes several documents when Terraform runs; irsa reads one literal document"
                )
            }
            _ if arguments.contains(&key) => format!("{where_}: `{key}` is an argument (`{key} = ...`), not a block"),
            _ if blocks.contains(&key) => format!("{where_}: `{key}` is a block (`{key} {{ ... }}`), not an argument"),
            _ => format!(
                "{where_}: unsupported argument or block `{key}` (arguments: {}; blocks: {})",
                arguments.join(", "),
                blocks.join(", ")
            ),
        };
        self.error(span, key, rule)
    }

    fn statement(&self, block: &Block, where_: &str, version: &Version) -> Result<Statement, Error> {
        let mut statement = Statement::new(Effect::Allow);
        let mut principals = Vec::new();
        let mut not_principals = Vec::new();
        let mut conditions = Vec::new();
        for structure in block.body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let key = attribute.key.as_str();
                    let span = attribute.span();
                    let value = &attribute.value;
                    match key {
                        "sid" => {
                            let sid = self.string(value, where_, key)?;
                            if let Some(rule) = sid_problem(&sid) {
                                return Err(self.error(span, sid, format!("{where_}.sid: {rule}")));
                            }
                            statement.sid = Some(sid).filter(|s| !s.is_empty());
                        }
                        "effect" => {
                            let effect = self.string(value, where_, key)?;
                            statement.effect = Effect::from(effect.as_str());
                            if let Some(rule) = effect_problem(&statement.effect) {
                                return Err(self.error(span, effect, format!("{where_}.effect: {rule}")));
                            }
                        }
                        "actions" => statement.action = self.set(value, where_, key, None)?,
                        "not_actions" => statement.not_action = self.set(value, where_, key, None)?,
                        "resources" => statement.resource = self.set(value, where_, key, Some(version))?,
                        "not_resources" => statement.not_resource = self.set(value, where_, key, Some(version))?,
                        _ => return Err(self.unsupported(span, where_, key, STATEMENT_ARGUMENTS, STATEMENT_BLOCKS)),
                    }
                }
                Structure::Block(inner) => match inner.ident.as_str() {
                    "principals" => principals.push(inner),
                    "not_principals" => not_principals.push(inner),
                    "condition" => conditions.push(inner),
                    other => {
                        return Err(self.unsupported(
                            inner.span(),
                            where_,
                            other,
                            STATEMENT_ARGUMENTS,
                            STATEMENT_BLOCKS,
                        ));
                    }
                },
            }
        }
        if !principals.is_empty() {
            statement.principal = Some(self.principals(&principals, &format!("{where_}.principals"), version)?);
        }
        if !not_principals.is_empty() {
            statement.not_principal =
                Some(self.principals(&not_principals, &format!("{where_}.not_principals"), version)?);
        }
        if !conditions.is_empty() {
            statement.condition = Some(self.conditions(&conditions, &format!("{where_}.condition"), version)?);
        }
        Ok(statement)
    }

    /// The arguments of a nested block (`principals`, `condition`), each required once.
    fn arguments<'b>(
        &self,
        block: &'b Block,
        where_: &str,
        names: &[&str],
    ) -> Result<Vec<&'b hcl_edit::structure::Attribute>, Error> {
        let mut found: Vec<Option<&hcl_edit::structure::Attribute>> = vec![None; names.len()];
        for structure in block.body.iter() {
            match structure {
                Structure::Attribute(attribute) => {
                    let key = attribute.key.as_str();
                    match names.iter().position(|n| *n == key) {
                        Some(index) => {
                            if let Some(slot) = found.get_mut(index) {
                                *slot = Some(attribute);
                            }
                        }
                        None => return Err(self.unsupported(attribute.span(), where_, key, names, &[])),
                    }
                }
                Structure::Block(inner) => {
                    return Err(self.unsupported(inner.span(), where_, inner.ident.as_str(), names, &[]));
                }
            }
        }
        names
            .iter()
            .zip(found)
            .map(|(name, attribute)| {
                attribute.ok_or_else(|| {
                    self.error(block.span(), *name, format!("{where_}: the argument `{name}` is required"))
                })
            })
            .collect()
    }

    fn principals(&self, blocks: &[&Block], where_: &str, version: &Version) -> Result<Principal, Error> {
        let mut read: Vec<(String, Vec<String>)> = Vec::new();
        for (index, block) in blocks.iter().enumerate() {
            let where_ = format!("{where_}[{index}]");
            let arguments = self.arguments(block, &where_, &["type", "identifiers"])?;
            let (Some(kind), Some(identifiers)) = (arguments.first(), arguments.get(1)) else { continue };
            let kind = self.string(&kind.value, &where_, "type")?;
            let ids = self.list(&identifiers.value, &where_, "identifiers")?;
            let ids = replace_variables(dedup(ids), version, identifiers.span(), self, &where_)?;
            // The provider's set of blocks drops a block equal to an earlier one.
            if !read.iter().any(|(k, i)| *k == kind && sorted_eq(i, &ids)) {
                read.push((kind, ids));
            }
        }
        if let [(kind, ids)] = read.as_slice() {
            if kind == "*" && ids.len() == 1 && ids.first().is_some_and(|id| id == "*") {
                return Ok(Principal::Everyone);
            }
        }
        let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut single: BTreeMap<String, bool> = BTreeMap::new();
        for (kind, ids) in read {
            let entry = grouped.entry(kind.clone()).or_default();
            let one = ids.len() == 1;
            entry.extend(reverse_sorted(ids));
            single.entry(kind).and_modify(|s| *s = false).or_insert(one);
        }
        let mut map = Map::new();
        for (kind, ids) in grouped {
            let one = single.get(&kind).copied().unwrap_or(false);
            map.insert(kind, if one { OneOrMany::from(ids) } else { OneOrMany::Many(ids) });
        }
        Ok(Principal::Typed(map))
    }

    fn conditions(&self, blocks: &[&Block], where_: &str, version: &Version) -> Result<Condition, Error> {
        let mut grouped: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        let mut seen: Vec<(String, String, Vec<String>)> = Vec::new();
        for (index, block) in blocks.iter().enumerate() {
            let where_ = format!("{where_}[{index}]");
            let arguments = self.arguments(block, &where_, &["test", "variable", "values"])?;
            let (Some(test), Some(variable), Some(values)) = (arguments.first(), arguments.get(1), arguments.get(2))
            else {
                continue;
            };
            let test = self.string(&test.value, &where_, "test")?;
            let variable = self.string(&variable.value, &where_, "variable")?;
            let values_span = values.span();
            let values = self.list(&values.value, &where_, "values")?;
            let values = replace_variables(values, version, values_span, self, &where_)?;
            let block = (test.clone(), variable.clone(), values.clone());
            if seen.contains(&block) {
                continue;
            }
            seen.push(block);
            grouped.entry(test).or_default().entry(variable).or_default().extend(values);
        }
        let mut condition = Map::new();
        for (test, variables) in grouped {
            let mut keys = Map::new();
            for (variable, values) in variables {
                let values: Vec<ConditionValue> = values.into_iter().map(ConditionValue::String).collect();
                keys.insert(variable, OneOrMany::from(values));
            }
            condition.insert(test, keys);
        }
        Ok(condition)
    }

    /// A set of strings: duplicates dropped, one as a string, several in reverse byte order;
    /// `None` when empty.
    fn set(
        &self,
        value: &Expression,
        where_: &str,
        key: &str,
        variables: Option<&Version>,
    ) -> Result<Option<OneOrMany<String>>, Error> {
        let values = dedup(self.list(value, where_, key)?);
        if values.is_empty() {
            return Ok(None);
        }
        // Sorted before `&{` becomes `${`, as the provider does.
        let values = reverse_sorted(values);
        let values = match variables {
            Some(version) => replace_variables(values, version, value.span(), self, &format!("{where_}.{key}"))?,
            None => values,
        };
        Ok(Some(OneOrMany::from(values)))
    }

    /// A literal string (numbers and booleans become strings, as Terraform converts them).
    fn string(&self, value: &Expression, where_: &str, key: &str) -> Result<String, Error> {
        match value {
            Expression::String(s) => Ok(s.value().clone()),
            Expression::Number(n) => Ok(n.value().to_string()),
            Expression::Bool(b) => Ok(b.value().to_string()),
            Expression::StringTemplate(template) => {
                let mut text = String::new();
                for element in template.iter() {
                    match element {
                        Element::Literal(literal) => text.push_str(literal.value()),
                        Element::Interpolation(_) | Element::Directive(_) => {
                            return Err(self.error(
                                element.span(),
                                self.source(element.span()),
                                format!(
                                    "{where_}.{key}: an interpolation is evaluated by Terraform, so irsa cannot read it; a literal `${{` is written `$${{` (a literal `%{{` is `%%{{`)"
                                ),
                            ));
                        }
                    }
                }
                Ok(text)
            }
            Expression::Array(_) => Err(self.error(
                value.span(),
                self.source(value.span()),
                format!("{where_}.{key}: a string is required, not a list"),
            )),
            other => Err(self.not_literal(other, where_, key)),
        }
    }

    fn list(&self, value: &Expression, where_: &str, key: &str) -> Result<Vec<String>, Error> {
        match value {
            Expression::Array(array) => array
                .iter()
                .enumerate()
                .map(|(i, element)| self.string(element, where_, &format!("{key}[{i}]")))
                .collect(),
            Expression::String(_) | Expression::StringTemplate(_) | Expression::Number(_) | Expression::Bool(_) => {
                Err(self.error(
                    value.span(),
                    self.source(value.span()),
                    format!("{where_}.{key}: a list of strings is required (`{key} = [\"...\"]`)"),
                ))
            }
            other => Err(self.not_literal(other, where_, key)),
        }
    }

    fn not_literal(&self, value: &Expression, where_: &str, key: &str) -> Error {
        let what = match value {
            Expression::Variable(_) | Expression::Traversal(_) => "a reference",
            Expression::FuncCall(_) => "a function call",
            Expression::Null(_) => "null",
            Expression::HeredocTemplate(_) => "a heredoc",
            Expression::Object(_) => "an object",
            Expression::ForExpr(_) => "a `for` expression",
            Expression::Conditional(_) => "a conditional",
            _ => "an expression",
        };
        self.error(
            value.span(),
            self.source(value.span()),
            format!("{where_}.{key}: {what} is evaluated by Terraform, so irsa cannot read it; irsa reads literal strings and lists of them"),
        )
    }
}

/// The provider's `&{` -> `${` in resources, identifiers and condition values.
fn replace_variables(
    values: Vec<String>,
    version: &Version,
    span: Option<Range<usize>>,
    reader: &Reader<'_>,
    where_: &str,
) -> Result<Vec<String>, Error> {
    values
        .into_iter()
        .map(|value| {
            if !value.contains("&{") {
                Ok(value)
            } else if *version == Version::V2008_10_17 {
                Err(reader.error(
                    span.clone(),
                    value,
                    format!("{where_}: `&{{` (a policy variable) is not supported in document version 2008-10-17"),
                ))
            } else {
                Ok(value.replace("&{", "${"))
            }
        })
        .collect()
}

fn dedup(values: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

fn reverse_sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort_unstable_by(|a, b| b.as_bytes().cmp(a.as_bytes()));
    values
}

fn sorted_eq(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&String> = a.iter().collect();
    let mut b: Vec<&String> = b.iter().collect();
    a.sort();
    b.sort();
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacing_in_place_keeps_the_rest_or_refuses() {
        let policy = PolicyDocument::from_json(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#,
        )
        .unwrap();
        let block = "data \"aws_iam_policy_document\" \"t\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"arn:aws:iam::123456789012:role/n#1\"]\n    }\n  }\n}";
        // A `#` inside a string is no comment; text around the block, even on its last line,
        // and a missing final newline are kept.
        let text = format!("# head\n{block} # tail");
        let edited = replace_policy_document(&text, "t", &policy).unwrap();
        assert!(edited.starts_with("# head\ndata \"aws_iam_policy_document\" \"t\" {\n"), "{edited}");
        assert!(edited.ends_with("}\n} # tail") && edited.contains("ec2.amazonaws.com"), "{edited}");
        // CRLF files get CRLF lines.
        let crlf = format!("# head\r\n{}\r\n", block.replace('\n', "\r\n"));
        let edited = replace_policy_document(&crlf, "t", &policy).unwrap();
        assert!(!edited.replace("\r\n", "").contains('\n'), "{edited:?}");
        // What irsa's block would drop is refused.
        for (text, why) in [
            (block.replace("  statement {", "  # who\n  statement {"), "holds comments"),
            (block.replace("  statement {", "  /* who */\n  statement {"), "holds comments"),
            (block.replace("  statement {", "  provider = aws.other\n  statement {"), "sets `provider`"),
            (block.replace("  statement {", "  depends_on = [aws_iam_role.x]\n  statement {"), "sets `depends_on`"),
        ] {
            let error = replace_policy_document(&text, "t", &policy).unwrap_err();
            assert!(error.rule().contains(why), "{text}: {error}");
        }
        assert!(!has_comment("a = <<EOF\n# not a comment\nEOF\nb = \"//\""));
        assert!(has_comment("a = <<-EOF\n x\n EOF\n// yes"));
    }

    /// Reads the one document of `body` (wrapped in a `data` block) and compares its compact
    /// JSON, or the error.
    fn check(body: &str, expected: Result<&str, &str>) {
        let tf = format!("data \"aws_iam_policy_document\" \"p\" {{\n{body}\n}}\n");
        match (read_policy_document(&tf, None), expected) {
            (Ok(read), Ok(json)) => assert_eq!(read.document.to_json_compact(), json, "{tf}"),
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{tf}\n{e}\nwant: {want}"),
            (got, want) => panic!("{tf}\ngot {got:?}\nwant {want:?}"),
        }
    }

    const V: &str = r#"{"Version":"2012-10-17","Statement":["#;

    #[test]
    fn provider_rendering_rules() {
        // Defaults: version, effect; an empty sid and policy_id are left out.
        check("statement {}", Ok(&format!("{V}{{\"Effect\":\"Allow\"}}]}}")));
        check("policy_id = \"\"\nstatement {\n sid = \"\"\n}", Ok(&format!("{V}{{\"Effect\":\"Allow\"}}]}}")));
        check(
            "version = \"2008-10-17\"\npolicy_id = \"x\"\nstatement {\n sid = \"A1\"\n effect = \"Deny\"\n}",
            Ok(r#"{"Version":"2008-10-17","Id":"x","Statement":[{"Sid":"A1","Effect":"Deny"}]}"#),
        );
        // Sets: duplicates dropped, one value a string, several in reverse byte order, empty left out.
        check(
            "statement {\n actions = [\"b\", \"a\", \"B\", \"b\"]\n not_actions = [\"x\", \"x\"]\n resources = []\n}",
            Ok(&format!("{V}{{\"Effect\":\"Allow\",\"Action\":[\"b\",\"a\",\"B\"],\"NotAction\":\"x\"}}]}}")),
        );
        // Numbers and booleans are strings to Terraform.
        check(
            "statement {\n condition {\n  test = \"Bool\"\n  variable = \"aws:SecureTransport\"\n  values = [true, 3]\n }\n}",
            Ok(&format!(
                "{V}{{\"Effect\":\"Allow\",\"Condition\":{{\"Bool\":{{\"aws:SecureTransport\":[\"true\",\"3\"]}}}}}}]}}"
            )),
        );
        // Principals: grouped by type (sorted), identifiers reverse-sorted; one `*` block is "*".
        check(
            "statement {\n principals {\n  type = \"Service\"\n  identifiers = [\"a\"]\n }\n principals {\n  type = \"AWS\"\n  identifiers = [\"1\", \"2\"]\n }\n principals {\n  type = \"AWS\"\n  identifiers = [\"3\"]\n }\n}",
            Ok(&format!(
                "{V}{{\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":[\"2\",\"1\",\"3\"],\"Service\":\"a\"}}}}]}}"
            )),
        );
        check(
            "statement {\n principals {\n  type = \"*\"\n  identifiers = [\"*\"]\n }\n}",
            Ok(&format!("{V}{{\"Effect\":\"Allow\",\"Principal\":\"*\"}}]}}")),
        );
        check(
            "statement {\n not_principals {\n  type = \"AWS\"\n  identifiers = [\"*\"]\n }\n}",
            Ok(&format!("{V}{{\"Effect\":\"Allow\",\"NotPrincipal\":{{\"AWS\":\"*\"}}}}]}}")),
        );
        // Conditions: grouped by test and variable (sorted), values in order, equal blocks once.
        check(
            "statement {\n condition {\n  test = \"StringLike\"\n  variable = \"k:sub\"\n  values = [\"b\", \"a\"]\n }\n condition {\n  test = \"StringEquals\"\n  variable = \"k:aud\"\n  values = [\"x\"]\n }\n condition {\n  test = \"StringLike\"\n  variable = \"k:sub\"\n  values = [\"c\"]\n }\n condition {\n  test = \"StringEquals\"\n  variable = \"k:aud\"\n  values = [\"x\"]\n }\n}",
            Ok(&format!(
                "{V}{{\"Effect\":\"Allow\",\"Condition\":{{\"StringEquals\":{{\"k:aud\":\"x\"}},\"StringLike\":{{\"k:sub\":[\"b\",\"a\",\"c\"]}}}}}}]}}"
            )),
        );
        // Policy variables: `&{` becomes `${`; `$${` is HCL's literal `${`.
        check(
            "statement {\n resources = [\"a/&{aws:username}\", \"b/$${aws:userid}\"]\n}",
            Ok(&format!("{V}{{\"Effect\":\"Allow\",\"Resource\":[\"b/${{aws:userid}}\",\"a/${{aws:username}}\"]}}]}}")),
        );
        check(
            "version = \"2008-10-17\"\nstatement {\n resources = [\"a/&{aws:username}\"]\n}",
            Err("not supported in document version 2008-10-17"),
        );
        // Harmless meta-arguments are ignored.
        check(
            "provider = aws.other\ndepends_on = [aws_iam_role.x]\nstatement {}",
            Ok(&format!("{V}{{\"Effect\":\"Allow\"}}]}}")),
        );
    }

    #[test]
    fn what_is_not_literal_or_not_valid_is_an_error_with_its_line() {
        check(
            "statement {\n actions = [var.action]\n}",
            Err(
                "3:13: invalid policy document `var.action`: data.aws_iam_policy_document.p.statement[0].actions[0]: a reference",
            ),
        );
        check("statement {\n actions = local.actions\n}", Err("3:12: invalid policy document `local.actions`"));
        check("statement {\n actions = concat([\"a\"], [\"b\"])\n}", Err("a function call is evaluated by Terraform"));
        check("statement {\n actions = [\"sts:${var.x}\"]\n}", Err("3:18: invalid policy document `${var.x}`"));
        check(
            "statement {\n actions = [\"%{if true}x%{endif}\"]\n}",
            Err("an interpolation is evaluated by Terraform"),
        );
        check(
            "dynamic \"statement\" {\n for_each = []\n content {}\n}",
            Err("2:1: invalid policy document `dynamic`: data.aws_iam_policy_document.p: a `dynamic` block"),
        );
        check("statement {\n dynamic \"principals\" {\n  for_each = []\n  content {}\n }\n}", Err("3:2: "));
        check("source_policy_documents = []", Err("merges other documents"));
        check("count = 2", Err("makes several documents"));
        check("statement = []", Err("`statement` is a block (`statement { ... }`), not an argument"));
        check("statement {\n actions = \"sts:AssumeRole\"\n}", Err("a list of strings is required"));
        check("statement {\n sid = [\"a\"]\n}", Err("a string is required, not a list"));
        check("statement {\n sid = \"a-b\"\n}", Err("3:2: invalid policy document `a-b`"));
        check(
            "statement {\n sid = \"A\"\n}\nstatement {\n sid = \"A\"\n}",
            Err(
                "5:1: invalid policy document `A`: data.aws_iam_policy_document.p.statement[1]: the sid is also statement[0]'s",
            ),
        );
        check("statement {\n effect = \"allow\"\n}", Err("`allow`"));
        check("version = \"2012-10-18\"", Err("accept the Version \"2012-10-17\" (or the old \"2008-10-17\")"));
        check("statement {\n principals {\n  type = \"AWS\"\n }\n}", Err("the argument `identifiers` is required"));
        check(
            "statement {\n condition {\n  test = \"StringEquals\"\n  variable = \"x\"\n  value = [\"a\"]\n }\n}",
            Err("unsupported argument or block `value`"),
        );
        check("statement {\n action = [\"a\"]\n}", Err("unsupported argument or block `action`"));
        check("statement {\n actions = [null]\n}", Err("null is evaluated"));
        check("statement {\n actions = [\"a\"\n}", Err("not valid HCL"));
        check("statement {\n resources = [\"${aws:username}\"]\n}", Err("is written `$${aws:username}` in Terraform"));
    }

    /// Found by the `policy_hcl` fuzz target: the provider sorts a set before it turns `&{`
    /// into `${`, so `&{` and `$${` values come out in one order, and the same values written
    /// back as `$${` in another. The meaning (a set) is kept; the order is the provider's.
    #[test]
    fn ampersand_variables_keep_their_meaning_through_a_round_trip() {
        let tf = "data \"aws_iam_policy_document\" \"p\" {\n  statement {\n    resources = [\"a/&{aws:useenr}/x\", \"a/$${aws:userid}/x\"]\n  }\n}\n";
        let first = read_policy_document(tf, None).unwrap().document;
        let resources = |d: &PolicyDocument| d.statements()[0].resource.clone().unwrap().as_slice().to_vec();
        assert_eq!(resources(&first), ["a/${aws:useenr}/x", "a/${aws:userid}/x"]);
        let again =
            read_policy_document(&crate::hcl::policy_to_terraform(&first, "p").unwrap(), None).unwrap().document;
        assert_eq!(resources(&again), ["a/${aws:userid}/x", "a/${aws:useenr}/x"]);
        let set = |d: &PolicyDocument| resources(d).into_iter().collect::<std::collections::BTreeSet<_>>();
        assert_eq!(set(&first), set(&again));
    }

    #[test]
    fn documents_by_name() {
        let tf = "data \"aws_iam_policy_document\" \"a\" {}\n\ndata \"aws_iam_policy_document\" \"b\" {\n  statement {}\n}\n";
        assert!(
            read_policy_document(tf, None)
                .unwrap_err()
                .to_string()
                .contains("several policy documents (a, b); pick one by its name")
        );
        let b = read_policy_document(tf, Some("b")).unwrap();
        assert_eq!(
            (b.name.as_str(), b.location, b.statement_locations),
            ("b", Location { line: 3, column: 1 }, vec![Location { line: 4, column: 3 }])
        );
        assert!(
            read_policy_document("resource \"x\" \"y\" {}", None)
                .unwrap_err()
                .to_string()
                .contains("no data \"aws_iam_policy_document\" block")
        );
        assert!(read_policy_document(tf, Some("c")).unwrap_err().to_string().contains("(found: a, b)"));
        assert_eq!(read_policy_documents(tf).unwrap().len(), 2);
        assert!(read_policy_documents("x {").is_err());
    }
}
