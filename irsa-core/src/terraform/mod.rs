//! Terraform, evaluated as far as it can be offline: the `data "aws_iam_policy_document"`
//! blocks of a module (all its `.tf` files) and the trust policies its `aws_iam_role`s give as
//! JSON (`jsonencode(...)`, heredocs), with its variables (defaults, `terraform.tfvars`,
//! `*.auto.tfvars`, then the caller's files and values, later wins, as Terraform orders them),
//! `locals`, `count` and `for_each` on the block, `dynamic` blocks (nested, with `iterator`)
//! and the functions IAM code uses (`replace`, `format`, `join`, `jsonencode`, and more).
//!
//! Expressions are evaluated by hcl-rs' evaluator (`hcl::eval`); irsa adds what Terraform has
//! and hcl-rs has not: the module's variables and locals, the meta-arguments, `dynamic`
//! blocks, and the functions. An evaluated block is printed as literal HCL and read by
//! [`crate::hcl::read_policy_document`], so it renders by the AWS provider's rules like any
//! literal document. A document that needs a value not known offline (a variable without a
//! value, a resource's attribute) is an error that names the reference and how to give it.
//!
//! This is the first part of reading the Terraform users have (issue 14): unknown values that
//! flow through expressions, modules, `try`/`can`, `file` and merged documents are to come.
//!
//! ```
//! use irsa_core::terraform::{Inputs, SourceFile, policy_documents};
//!
//! let main = SourceFile::new("main.tf", r#"
//! variable "namespace" { default = "kube-system" }
//! variable "oidc_provider_arn" {}
//! locals { issuer = replace(var.oidc_provider_arn, "/^(.*provider/)/", "") }
//! data "aws_iam_policy_document" "assume" {
//!   statement {
//!     actions = ["sts:AssumeRoleWithWebIdentity"]
//!     principals {
//!       type        = "Federated"
//!       identifiers = [var.oidc_provider_arn]
//!     }
//!     condition {
//!       test     = "StringEquals"
//!       variable = "${local.issuer}:sub"
//!       values   = ["system:serviceaccount:${var.namespace}:external-dns"]
//!     }
//!   }
//! }
//! "#);
//! let inputs = Inputs::default().var("oidc_provider_arn", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC");
//! let documents = policy_documents(&[main.clone()], &inputs).unwrap();
//! assert_eq!(documents[0].address, "data.aws_iam_policy_document.assume");
//! let json = documents[0].document.as_ref().unwrap().to_json_compact();
//! assert!(json.contains(r#""oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:kube-system:external-dns""#));
//!
//! // Without the provider's ARN, the document says what it needs.
//! let missing = policy_documents(&[main], &Inputs::default()).unwrap();
//! let error = missing[0].document.as_ref().unwrap_err();
//! assert!(error.rule().contains("var.oidc_provider_arn"), "{error}");
//! ```

mod functions;

use std::collections::BTreeMap;

use hcl::eval::{Context, Evaluate};
use hcl::expr::TraversalOperator;
use hcl::{Block, Body, Expression, Structure, Value};

use crate::error::{Error, ErrorKind, LineIndex, Location};
use crate::policy::PolicyDocument;

/// The most instances `count` or `for_each` may make of one block, and the most blocks one
/// `dynamic` block may make: a bound on what a hostile file can make irsa build.
const MAX_INSTANCES: usize = 10_000;

/// The most evaluations of locals one module may take: about 400 locals written in the
/// worst order.
const MAX_LOCAL_EVALUATIONS: usize = 100_000;

/// A file of a module, by name, with its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The file's name (as the caller shows it in messages).
    pub name: String,
    /// Its text.
    pub text: String,
}

impl SourceFile {
    /// A file named `name` with this text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile { name: name.into(), text: text.into() }
    }
}

/// Values the caller gives, as `terraform plan` takes them: `-var-file` files (`.tfvars`
/// syntax), then `-var NAME=VALUE`, in this order, later wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// `.tfvars` files, in the order given.
    pub var_files: Vec<SourceFile>,
    /// `NAME=VALUE` values, in the order given: the value is HCL (`["a", "b"]`, `true`,
    /// `"text"`) or, when it does not read as HCL, a string as written (Terraform's rule for
    /// `-var`).
    pub vars: Vec<(String, String)>,
}

impl Inputs {
    /// These inputs and one more `NAME=VALUE`.
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Inputs {
        self.vars.push((name.into(), value.into()));
        self
    }
}

/// One evaluated trust policy: a `data "aws_iam_policy_document"`, or the `assume_role_policy`
/// of an `aws_iam_role` written as JSON (`jsonencode(...)`, a heredoc) rather than as a
/// reference to a document; one instance with `count` or `for_each` (the block itself when
/// those cannot be evaluated).
#[derive(Debug, Clone, PartialEq)]
pub struct EvaluatedDocument {
    /// Its Terraform address: `data.aws_iam_policy_document.assume`, `...assume[0]`,
    /// `...assume["web"]`, `aws_iam_role.this`.
    pub address: String,
    /// The file it is written in.
    pub file: String,
    /// Where its block starts.
    pub location: Location,
    /// The policy the AWS provider renders from it, or why it cannot be known offline.
    pub document: Result<PolicyDocument, Error>,
    /// For a role whose `assume_role_policy` is a document's `json`: that document's address
    /// (the role is found by its own address, and its policy is the document's).
    pub refers_to: Option<String>,
}

/// Every `data "aws_iam_policy_document"` of the module made of `files` (its `.tf` files, and
/// its `terraform.tfvars` and `*.auto.tfvars`, which are read as Terraform reads them; any
/// file not named `.tfvars` is Terraform), and every trust policy its roles give as JSON,
/// evaluated with `inputs`. The outer error is a file that cannot be parsed or a variable value
/// that cannot be read; each document is then evaluated on its own, and one that cannot be (a
/// value not known offline, a function irsa does not have) is an error naming why, while the
/// others are read. A `module` block is an error document here: [`policy_documents_with`]
/// follows module calls.
pub fn policy_documents(files: &[SourceFile], inputs: &Inputs) -> Result<Vec<EvaluatedDocument>, Error> {
    let no_modules = |call: &ModuleCall<'_>| -> Result<Vec<SourceFile>, String> {
        Err(format!("the module `{}` is not read here: its files were not given", call.source))
    };
    policy_documents_with(files, inputs, &no_modules)
}

/// A `module` call, as a [`ModuleLoader`] is asked for its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleCall<'c> {
    /// The calling module's folder (the folder part of its files' names).
    pub folder: &'c str,
    /// The call's `source`, as written.
    pub source: &'c str,
    /// The call's key as `terraform init` records it in `.terraform/modules/modules.json`:
    /// the module names from the root, dot-separated (`irsa`, `eks.irsa`).
    pub key: &'c str,
}

/// Finds the files of a called module (named with their folder), or says why they cannot be
/// had. The caller does the reading: irsa-core does no I/O.
pub type ModuleLoader<'l> = dyn Fn(&ModuleCall<'_>) -> Result<Vec<SourceFile>, String> + 'l;

/// The most modules deep a call may go.
const MAX_MODULE_DEPTH: usize = 16;

/// [`policy_documents`], following `module` calls through `load`: a called module is
/// evaluated with the call's arguments as its variables, and its documents are addressed
/// `module.<name>.data.aws_iam_policy_document.<doc>` (`module.<name>[0]...` with `count`).
pub fn policy_documents_with(
    files: &[SourceFile],
    inputs: &Inputs,
    load: &ModuleLoader<'_>,
) -> Result<Vec<EvaluatedDocument>, Error> {
    let root = ParsedModule::parse(files.to_vec())?;
    let modules = ModuleCache::default();
    let calls = Calls { load, modules: &modules, evaluated: std::cell::Cell::new(0) };
    module_documents(&root, inputs, &[], &calls, "", 0)
}

/// A module's files, with the Terraform ones parsed (and where their blocks start), once.
struct ParsedModule {
    files: Vec<SourceFile>,
    /// Each Terraform file (by its index in `files`), parsed.
    parsed: Vec<(usize, Body, Vec<usize>)>,
}

impl ParsedModule {
    fn parse(files: Vec<SourceFile>) -> Result<ParsedModule, Error> {
        let mut parsed = Vec::new();
        for (index, file) in files.iter().enumerate().filter(|(_, f)| !f.name.ends_with(".tfvars")) {
            // Parsed once by hcl-edit: where the blocks start, then hcl-rs' structure of it.
            let edit = hcl_edit::parser::parse_body(&file.text)
                .map_err(|e| in_file(file, "", format!("not valid HCL: {e}")))?;
            let spans = block_starts(&edit);
            parsed.push((index, Body::from(edit), spans));
        }
        Ok(ParsedModule { files, parsed })
    }

    /// Each Terraform file with its parsed body.
    fn bodies(&self) -> impl Iterator<Item = (&SourceFile, &Body, &[usize])> {
        self.parsed
            .iter()
            .filter_map(|(index, body, spans)| self.files.get(*index).map(|f| (f, body, spans.as_slice())))
    }
}

/// The modules called so far, by calling folder and source: each is loaded and parsed once,
/// however many calls name it.
type ModuleCache = std::cell::RefCell<BTreeMap<(String, String), std::rc::Rc<Result<ParsedModule, String>>>>;

/// How module calls are followed: the caller's loader, and what it loaded.
struct Calls<'a, 'l> {
    load: &'a ModuleLoader<'l>,
    modules: &'a ModuleCache,
    /// Module instances evaluated so far, against [`MAX_MODULE_INSTANCES`].
    evaluated: std::cell::Cell<usize>,
}

/// The most module instances one evaluation may make, whatever `count` and nesting ask for.
const MAX_MODULE_INSTANCES: usize = 20_000;

impl Calls<'_, '_> {
    fn module(&self, call: &ModuleCall<'_>) -> std::rc::Rc<Result<ParsedModule, String>> {
        // A local source is the same files for every call; a downloaded one is found by key.
        let local = call.source.starts_with("./") || call.source.starts_with("../");
        let cache_key = (
            call.folder.to_owned(),
            if local { call.source.to_owned() } else { format!("{}#{}", call.source, call.key) },
        );
        if let Some(found) = self.modules.borrow().get(&cache_key) {
            return found.clone();
        }
        let module =
            std::rc::Rc::new((self.load)(call).and_then(|files| ParsedModule::parse(files).map_err(|e| e.to_string())));
        self.modules.borrow_mut().insert(cache_key, module.clone());
        module
    }
}

fn module_documents(
    module: &ParsedModule,
    inputs: &Inputs,
    given: &[(String, Value)],
    calls: &Calls<'_, '_>,
    prefix: &str,
    depth: usize,
) -> Result<Vec<EvaluatedDocument>, Error> {
    let files = &module.files;
    let parsed: Vec<(&SourceFile, &Body)> = module.bodies().map(|(f, b, _)| (f, b)).collect();
    let mut variables = variables(files, &parsed, inputs)?;
    variables.extend(given.iter().cloned());
    let mut ctx = Context::new();
    functions::declare(&mut ctx);
    ctx.declare_var("var", Value::Object(variables.into_iter().collect()));
    ctx.declare_var("path", Value::Object([("module".to_owned(), Value::from("."))].into_iter().collect()));
    let locals = locals(&parsed, &ctx);
    ctx.declare_var("local", Value::Object(locals.into_iter().collect()));

    let mut documents = Vec::new();
    let mut references: Vec<(&SourceFile, String, &Block, Location, &Expression)> = Vec::new();
    for (file, body, spans) in module.bodies() {
        let lines = LineIndex::new(&file.text);
        for (index, block) in body.blocks().enumerate() {
            let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
            let location = || lines.location(&file.text, spans.get(index).copied().unwrap_or(0));
            match (block.identifier(), labels.as_slice()) {
                ("data", ["aws_iam_policy_document", name]) => {
                    let address = format!("{prefix}data.aws_iam_policy_document.{name}");
                    let make = |ctx: &Context<'_>| render_document(name, block, ctx);
                    documents.extend(evaluated_instances(file, &address, block, location(), &ctx, make));
                }
                // A role's own trust policy; one that refers to a document is that document,
                // found once the documents are known.
                ("resource", ["aws_iam_role", name]) => {
                    let address = format!("{prefix}aws_iam_role.{name}");
                    let Some(trust) = block.body().attributes().find(|a| a.key() == "assume_role_policy") else {
                        continue;
                    };
                    if is_document_reference(trust.expr()) {
                        references.push((file, address, block, location(), trust.expr()));
                    } else {
                        let make = |ctx: &Context<'_>| role_trust(block, ctx);
                        documents.extend(evaluated_instances(file, &address, block, location(), &ctx, make));
                    }
                }
                ("module", [name]) => {
                    let address = format!("{prefix}module.{name}");
                    documents.extend(call_module(file, &address, block, location(), &ctx, calls, depth));
                }
                _ => {}
            }
        }
    }
    for (file, address, block, location, reference) in references {
        let aliases = match instances(&address, block, &ctx) {
            Ok(instances) => instances
                .into_iter()
                .map(|(address, instance)| {
                    let target = document_address(reference, &instance).map(|target| format!("{prefix}{target}"));
                    let fail = |rule: String| error_at(&address, location, rule);
                    let document = match &target {
                        Ok(target) => match documents.iter().find(|d| d.address == *target) {
                            Some(found) => found.document.clone(),
                            None => {
                                Err(fail(format!("its assume_role_policy is `{target}`, which is not in the module")))
                            }
                        },
                        Err(rule) => Err(fail(rule.clone())),
                    };
                    EvaluatedDocument { document, address, file: file.name.clone(), location, refers_to: target.ok() }
                })
                .collect(),
            Err(rule) => vec![failed(&address, file, location, rule)],
        };
        documents.extend(aliases);
    }
    Ok(documents)
}

fn in_file(file: &SourceFile, value: &str, rule: String) -> Error {
    Error::new(ErrorKind::PolicyHcl, value, format!("{}: {rule}", file.name))
}

/// The byte offsets where the top-level blocks of a parsed file start, in order (hcl-edit keeps
/// spans; hcl-rs does not).
fn block_starts(body: &hcl_edit::structure::Body) -> Vec<usize> {
    use hcl_edit::Span;
    body.iter()
        .filter_map(|structure| match structure {
            hcl_edit::structure::Structure::Block(block) => Some(block.span().map_or(0, |s| s.start)),
            hcl_edit::structure::Structure::Attribute(_) => None,
        })
        .collect()
}

/// The module's variables with their values: defaults, then `terraform.tfvars`, then
/// `*.auto.tfvars` in the order of their names, then the caller's files and values. A variable
/// without a value is left out (a reference to it says so).
fn variables(
    files: &[SourceFile],
    parsed: &[(&SourceFile, &Body)],
    inputs: &Inputs,
) -> Result<BTreeMap<String, Value>, Error> {
    let empty = Context::new();
    let mut values = BTreeMap::new();
    for (_, body) in parsed {
        for block in body.blocks().filter(|b| b.identifier() == "variable") {
            let Some(name) = block.labels().first().map(|l| l.as_str().to_owned()) else { continue };
            if let Some(default) = block.body().attributes().find(|a| a.key() == "default") {
                if let Ok(value) = default.expr().evaluate(&empty) {
                    values.insert(name, value);
                }
            }
        }
    }
    let mut auto: Vec<&SourceFile> = files.iter().filter(|f| f.name.ends_with(".auto.tfvars")).collect();
    auto.sort_by(|a, b| a.name.cmp(&b.name));
    let tfvars = files.iter().filter(|f| f.name == "terraform.tfvars" || f.name.ends_with("/terraform.tfvars"));
    for file in tfvars.chain(auto).chain(&inputs.var_files) {
        let body: Body = hcl::parse(&file.text).map_err(|e| in_file(file, "", format!("not a variable file: {e}")))?;
        for attribute in body.attributes() {
            let value = attribute.expr().evaluate(&empty).map_err(|e| {
                in_file(file, attribute.key(), format!("a variable's value is a literal, not an expression: {e}"))
            })?;
            values.insert(attribute.key().to_owned(), value);
        }
    }
    for (name, text) in &inputs.vars {
        let value = hcl::parse(&format!("v = {text}"))
            .ok()
            .and_then(|body: Body| body.attributes().next().and_then(|a| a.expr().evaluate(&empty).ok()))
            .unwrap_or_else(|| Value::from(text.as_str()));
        values.insert(name.clone(), value);
    }
    Ok(values)
}

/// The module's locals that evaluate with what is known: each pass evaluates those whose
/// references are known, until a pass adds nothing (a cycle, or an unknown, leaves them out).
fn locals(parsed: &[(&SourceFile, &Body)], ctx: &Context<'_>) -> BTreeMap<String, Value> {
    let mut pending: Vec<(String, Expression)> = parsed
        .iter()
        .flat_map(|(_, body)| body.blocks().filter(|b| b.identifier() == "locals"))
        .flat_map(|block| block.body().attributes().map(|a| (a.key().to_owned(), a.expr().clone())))
        .collect();
    let mut known = BTreeMap::new();
    // Each pass evaluates every pending local once; a chain written backwards takes a pass a
    // local, so the evaluations are bounded (what is left over stays unknown).
    let mut budget = MAX_LOCAL_EVALUATIONS;
    loop {
        if budget < pending.len() {
            return known;
        }
        budget -= pending.len();
        let mut local_ctx = ctx.clone();
        local_ctx.declare_var("local", Value::Object(known.clone().into_iter().collect()));
        let before = pending.len();
        pending.retain(|(name, expr)| match expr.evaluate(&local_ctx) {
            Ok(value) => {
                known.insert(name.clone(), value);
                false
            }
            Err(_) => true,
        });
        if pending.is_empty() || pending.len() == before {
            return known;
        }
    }
}

/// The documents of a `module` call: each instance's module, evaluated with the call's
/// arguments; a call that cannot be followed is one error document, at the call.
fn call_module(
    file: &SourceFile,
    address: &str,
    block: &Block,
    location: Location,
    ctx: &Context<'_>,
    calls: &Calls<'_, '_>,
    depth: usize,
) -> Vec<EvaluatedDocument> {
    let fail = |address: &str, rule: String| failed(address, file, location, rule);
    if depth >= MAX_MODULE_DEPTH {
        return vec![fail(address, format!("modules call modules more than {MAX_MODULE_DEPTH} deep"))];
    }
    let source = block.body().attributes().find(|a| a.key() == "source").and_then(|a| match a.expr() {
        Expression::String(source) => Some(source.clone()),
        _ => None,
    });
    let Some(source) = source else {
        return vec![fail(address, "a module call's `source` is a literal string".to_owned())];
    };
    let folder = file.name.rsplit_once('/').map_or("", |(folder, _)| folder);
    // `module.a[0].module.b` is `a.b` in modules.json.
    let key: Vec<&str> = address
        .split("module.")
        .filter(|part| !part.is_empty())
        .map(|part| part.trim_end_matches('.').split('[').next().unwrap_or(part))
        .collect();
    let key = key.join(".");
    let module = calls.module(&ModuleCall { folder, source: &source, key: &key });
    let module = match module.as_ref() {
        Ok(module) => module,
        Err(rule) => return vec![fail(address, rule.clone())],
    };
    let instances = match instances(address, block, ctx) {
        Ok(instances) => instances,
        Err(rule) => return vec![fail(address, rule)],
    };
    const META: &[&str] = &["source", "version", "count", "for_each", "providers", "depends_on"];
    let mut documents = Vec::new();
    for (address, instance) in instances {
        calls.evaluated.set(calls.evaluated.get() + 1);
        if calls.evaluated.get() > MAX_MODULE_INSTANCES {
            documents.push(fail(&address, format!("the modules make more than {MAX_MODULE_INSTANCES} instances")));
            break;
        }
        // The call's arguments are the module's variables. One that cannot be evaluated makes the
        // call an error: the module's default must never stand in for a value the caller gave.
        let mut given = Vec::new();
        let mut unknown = None;
        for attribute in block.body().attributes().filter(|a| !META.contains(&a.key())) {
            match attribute.expr().evaluate(&instance) {
                Ok(value) => given.push((attribute.key().to_owned(), value)),
                Err(error) => {
                    unknown = Some(cannot_evaluate(attribute.key(), &error));
                    break;
                }
            }
        }
        if let Some(rule) = unknown {
            documents.push(fail(&address, rule));
            continue;
        }
        match module_documents(module, &Inputs::default(), &given, calls, &format!("{address}."), depth + 1) {
            Ok(found) => documents.extend(found),
            Err(error) => documents.push(fail(&address, error.rule().to_owned())),
        }
    }
    documents
}

/// The instances of a block: one, or one per `count` index or `for_each` element, each with
/// its address and its context (`count.index`, `each.key`, `each.value`).
fn instances<'c>(address: &str, block: &Block, ctx: &Context<'c>) -> Result<Vec<(String, Context<'c>)>, String> {
    let attribute = |key: &str| block.body().attributes().find(|a| a.key() == key).map(|a| a.expr().clone());
    let mut instances = Vec::new();
    if let Some(count) = attribute("count") {
        let value = count.evaluate(ctx).map_err(|e| cannot_evaluate("count", &e))?;
        let n = match value.as_u64().and_then(|n| usize::try_from(n).ok()) {
            Some(n) if n <= MAX_INSTANCES => n,
            _ => return Err(format!("`count` is {value}, not a whole number up to {MAX_INSTANCES}")),
        };
        for i in 0..n {
            let mut instance = ctx.clone();
            instance.declare_var(
                "count",
                Value::Object([("index".to_owned(), Value::from(i as u64))].into_iter().collect()),
            );
            instances.push((format!("{address}[{i}]"), instance));
        }
    } else if let Some(for_each) = attribute("for_each") {
        let elements = match for_each.evaluate(ctx).map_err(|e| cannot_evaluate("for_each", &e))? {
            Value::Object(map) => map.into_iter().collect::<Vec<_>>(),
            Value::Array(items) => {
                items.into_iter().filter_map(|item| item.as_str().map(|key| (key.to_owned(), item.clone()))).collect()
            }
            other => return Err(format!("`for_each` is {other}, not a map or a set of strings")),
        };
        if elements.len() > MAX_INSTANCES {
            return Err(format!("`for_each` makes more than {MAX_INSTANCES} instances"));
        }
        for (key, value) in elements {
            let mut instance = ctx.clone();
            let each = [("key".to_owned(), Value::from(key.as_str())), ("value".to_owned(), value)];
            instance.declare_var("each", Value::Object(each.into_iter().collect()));
            instances.push((format!("{address}[{}]", serde_json::Value::String(key)), instance));
        }
    } else {
        instances.push((address.to_owned(), ctx.clone()));
    }
    Ok(instances)
}

/// The error of the document at `address`, located at its block.
fn error_at(address: &str, location: Location, rule: String) -> Error {
    Error::new(ErrorKind::PolicyHcl, address, rule).at(location)
}

/// A document of `file` that cannot be evaluated, and why.
fn failed(address: &str, file: &SourceFile, location: Location, rule: String) -> EvaluatedDocument {
    EvaluatedDocument {
        address: address.to_owned(),
        file: file.name.clone(),
        location,
        document: Err(error_at(address, location, rule)),
        refers_to: None,
    }
}

/// Each instance of a block, made into a document by `make` (or the error of the block when
/// its instances cannot be known).
fn evaluated_instances(
    file: &SourceFile,
    address: &str,
    block: &Block,
    location: Location,
    ctx: &Context<'_>,
    make: impl Fn(&Context<'_>) -> Result<PolicyDocument, String>,
) -> Vec<EvaluatedDocument> {
    let document = |address: &str, result: Result<PolicyDocument, String>| EvaluatedDocument {
        address: address.to_owned(),
        file: file.name.clone(),
        location,
        document: result.map_err(|rule| error_at(address, location, rule)),
        refers_to: None,
    };
    match instances(address, block, ctx) {
        Ok(instances) => instances.iter().map(|(address, instance)| document(address, make(instance))).collect(),
        Err(rule) => vec![document(address, Err(rule))],
    }
}

/// The document a `data "aws_iam_policy_document"` block renders in `ctx`.
fn render_document(name: &str, block: &Block, ctx: &Context<'_>) -> Result<PolicyDocument, String> {
    let body = evaluate_body(block.body(), ctx, true)?;
    let literal = Block::builder("data").add_labels(["aws_iam_policy_document", name]).add_structures(body).build();
    // Handed to the literal reader as hcl-edit's structure, without printing and parsing again.
    let literal: hcl_edit::structure::Block = literal.into();
    crate::hcl::read::document_of_block(&literal, name)
        .map_err(|e| format!("evaluated, it is not a document the AWS provider reads: {}", e.rule()))
}

/// The trust policy of an `aws_iam_role` in `ctx`: its `assume_role_policy`, a JSON string
/// (`jsonencode(...)`, a heredoc, a literal).
fn role_trust(block: &Block, ctx: &Context<'_>) -> Result<PolicyDocument, String> {
    let expr = block
        .body()
        .attributes()
        .find(|a| a.key() == "assume_role_policy")
        .map(|a| a.expr())
        .ok_or("the role has no `assume_role_policy`")?;
    let value = expr.evaluate(ctx).map_err(|e| cannot_evaluate("assume_role_policy", &e))?;
    let json = value.as_str().ok_or_else(|| format!("`assume_role_policy` is {value}, not a JSON string"))?;
    PolicyDocument::from_json(json).map_err(|e| format!("`assume_role_policy` is not a policy: {}", e.rule()))
}

/// Whether an expression is a reference to a `data "aws_iam_policy_document"`.
fn is_document_reference(expr: &Expression) -> bool {
    match expr {
        Expression::Traversal(traversal) => {
            matches!(&traversal.expr, Expression::Variable(v) if v.as_str() == "data")
                && matches!(traversal.operators.first(), Some(TraversalOperator::GetAttr(a)) if a.as_str() == "aws_iam_policy_document")
        }
        Expression::Parenthesis(inner) => is_document_reference(inner),
        _ => false,
    }
}

/// The address of the document a reference (`data.aws_iam_policy_document.x[0].json`) names,
/// with its index or key evaluated in `ctx`.
fn document_address(expr: &Expression, ctx: &Context<'_>) -> Result<String, String> {
    let Expression::Traversal(traversal) = expr else {
        return match expr {
            Expression::Parenthesis(inner) => document_address(inner, ctx),
            _ => Err("not a reference to a document".to_owned()),
        };
    };
    let mut address = "data".to_owned();
    for operator in &traversal.operators {
        match operator {
            TraversalOperator::GetAttr(name) if name.as_str() == "json" => return Ok(address),
            TraversalOperator::GetAttr(name) => address.push_str(&format!(".{}", name.as_str())),
            TraversalOperator::LegacyIndex(index) => address.push_str(&format!("[{index}]")),
            TraversalOperator::Index(index) => {
                match index.evaluate(ctx).map_err(|e| cannot_evaluate("assume_role_policy", &e))? {
                    Value::Number(n) => address.push_str(&format!("[{n}]")),
                    Value::String(key) => address.push_str(&format!("[{}]", serde_json::Value::String(key))),
                    other => return Err(format!("the document's index is {other}")),
                }
            }
            _ => return Err("a splat of documents is not one document".to_owned()),
        }
    }
    Err("the reference does not name a document's `json`".to_owned())
}

/// A body with every attribute evaluated and every `dynamic` block expanded; at the top of a
/// document, the meta-arguments are left out.
fn evaluate_body(body: &Body, ctx: &Context<'_>, top: bool) -> Result<Vec<Structure>, String> {
    let mut out = Vec::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attribute) => {
                let key = attribute.key();
                if top && ["count", "for_each", "provider", "depends_on"].contains(&key) {
                    continue;
                }
                let value = attribute.expr().evaluate(ctx).map_err(|e| cannot_evaluate(key, &e))?;
                // A null argument is an argument not given, as Terraform reads it.
                if value != Value::Null {
                    out.push(Structure::Attribute(hcl::Attribute::new(key, Expression::from(value))));
                }
            }
            Structure::Block(block) if block.identifier() == "dynamic" => out.extend(expand_dynamic(block, ctx)?),
            Structure::Block(block) => {
                let inner = evaluate_body(block.body(), ctx, false)?;
                let labels = block.labels().iter().map(|l| l.as_str().to_owned());
                out.push(Structure::Block(
                    Block::builder(block.identifier()).add_labels(labels).add_structures(inner).build(),
                ));
            }
        }
    }
    Ok(out)
}

/// The blocks a `dynamic "label" { for_each = ...; iterator = it; content { ... } }` makes.
fn expand_dynamic(block: &Block, ctx: &Context<'_>) -> Result<Vec<Structure>, String> {
    let label =
        block.labels().first().map(|l| l.as_str().to_owned()).ok_or("a `dynamic` block names the block it makes")?;
    let attribute = |key: &str| block.body().attributes().find(|a| a.key() == key).map(|a| a.expr());
    let for_each = attribute("for_each").ok_or_else(|| format!("dynamic \"{label}\": `for_each` is missing"))?;
    let iterator = match attribute("iterator") {
        Some(Expression::Variable(variable)) => variable.as_str().to_owned(),
        Some(_) => return Err(format!("dynamic \"{label}\": `iterator` is a name")),
        None => label.clone(),
    };
    let content = block
        .body()
        .blocks()
        .find(|b| b.identifier() == "content")
        .ok_or_else(|| format!("dynamic \"{label}\": the `content` block is missing"))?;
    let elements: Vec<(Value, Value)> = match for_each.evaluate(ctx).map_err(|e| cannot_evaluate("for_each", &e))? {
        Value::Object(map) => map.into_iter().map(|(k, v)| (Value::from(k), v)).collect(),
        Value::Array(items) => items.into_iter().enumerate().map(|(i, v)| (Value::from(i as u64), v)).collect(),
        other => return Err(format!("dynamic \"{label}\": `for_each` is {other}, not a collection")),
    };
    if elements.len() > MAX_INSTANCES {
        return Err(format!("dynamic \"{label}\": `for_each` makes more than {MAX_INSTANCES} blocks"));
    }
    let mut out = Vec::new();
    for (key, value) in elements {
        let mut inner = ctx.clone();
        inner.declare_var(
            iterator.as_str(),
            Value::Object([("key".to_owned(), key), ("value".to_owned(), value)].into_iter().collect()),
        );
        let body = evaluate_body(content.body(), &inner, false)?;
        out.push(Structure::Block(Block::builder(label.as_str()).add_structures(body).build()));
    }
    Ok(out)
}

/// Why an argument could not be evaluated, and how to give what it needs.
fn cannot_evaluate(key: &str, error: &hcl::eval::Error) -> String {
    let text = error.to_string();
    let text = text.trim_end();
    let hint = if text.contains("var.") {
        "give the variable's value with --var NAME=VALUE or --var-file FILE".to_owned()
    } else if text.contains("undefined function") {
        format!("irsa evaluates these functions: {}", functions::NAMES.join(", "))
    } else {
        "irsa evaluates variables, locals and the functions IAM code uses, not the attributes of resources or data sources, which Terraform knows only when it applies".to_owned()
    };
    format!("`{key}` cannot be evaluated offline: {text}; {hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";

    /// Evaluates `main.tf` (with `tfvars` files, when given) and compares each document's
    /// address and compact JSON, or each error's words.
    fn check(main: &str, extra: &[(&str, &str)], inputs: &Inputs, expected: &[Result<(&str, &str), &str>]) {
        let mut files = vec![SourceFile::new("main.tf", main)];
        files.extend(extra.iter().map(|(name, text)| SourceFile::new(*name, *text)));
        let documents = policy_documents(&files, inputs).unwrap();
        assert_eq!(documents.len(), expected.len(), "{documents:#?}");
        for (got, want) in documents.iter().zip(expected) {
            match (&got.document, want) {
                (Ok(document), Ok((address, json))) => {
                    assert_eq!(got.address, *address);
                    assert_eq!(document.to_json_compact(), *json, "{address}");
                }
                (Err(error), Err(words)) => assert!(error.to_string().contains(words), "{error}\nwant: {words}"),
                (got, want) => panic!("got {got:?}, want {want:?}"),
            }
        }
    }

    const SERVICE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    const SERVICE_TF: &str = "# EC2\n\ndata \"aws_iam_policy_document\" \"ec2\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"Service\"\n      identifiers = [\"ec2.amazonaws.com\"]\n    }\n  }\n}\n";

    #[test]
    fn variables_in_terraform_s_order() {
        let main = r#"
variable "service" { default = "lambda.amazonaws.com" }
data "aws_iam_policy_document" "t" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = [var.service]
    }
  }
}
"#;
        let lambda = SERVICE.replace("ec2", "lambda");
        check(main, &[], &Inputs::default(), &[Ok(("data.aws_iam_policy_document.t", &lambda))]);
        let tfvars = ("terraform.tfvars", "service = \"s3.amazonaws.com\"\n");
        let auto = ("b.auto.tfvars", "service = \"ec2.amazonaws.com\"\n");
        let earlier_auto = ("a.auto.tfvars", "service = \"sns.amazonaws.com\"\n");
        // *.auto.tfvars after terraform.tfvars, in the order of their names.
        check(
            main,
            &[auto, tfvars, earlier_auto],
            &Inputs::default(),
            &[Ok(("data.aws_iam_policy_document.t", SERVICE))],
        );
        // The caller's files, then its values, win.
        let file =
            Inputs { var_files: vec![SourceFile::new("x.tfvars", "service = \"sqs.amazonaws.com\"")], vars: vec![] };
        check(main, &[tfvars], &file, &[Ok(("data.aws_iam_policy_document.t", &SERVICE.replace("ec2", "sqs")))]);
        let raw = file.clone().var("service", "ec2.amazonaws.com");
        check(main, &[tfvars], &raw, &[Ok(("data.aws_iam_policy_document.t", SERVICE))]);
        let quoted = Inputs::default().var("service", "\"ec2.amazonaws.com\"");
        check(main, &[], &quoted, &[Ok(("data.aws_iam_policy_document.t", SERVICE))]);
    }

    #[test]
    fn count_for_each_and_dynamic_blocks() {
        let main = r#"
variable "create" { default = true }
variable "subjects" { default = ["kube-system:external-dns", "apps:web"] }
variable "roles" { default = { a = "arn:aws:iam::123456789012:role/a", b = "arn:aws:iam::123456789012:role/b" } }
locals {
  issuer   = replace(var.provider_arn, "/^(.*provider/)/", "")
  subjects = [for s in var.subjects : "system:serviceaccount:${s}"]
}
variable "provider_arn" { default = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" }
data "aws_iam_policy_document" "irsa" {
  count = var.create ? 1 : 0
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.provider_arn]
    }
    dynamic "condition" {
      for_each = { sub = local.subjects, aud = ["sts.amazonaws.com"] }
      iterator = claim
      content {
        test     = "StringEquals"
        variable = "${local.issuer}:${claim.key}"
        values   = claim.value
      }
    }
  }
}
data "aws_iam_policy_document" "nodes" {
  for_each = var.roles
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [each.value]
    }
  }
}
"#;
        let irsa = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com","oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":["system:serviceaccount:kube-system:external-dns","system:serviceaccount:apps:web"]}}}]}"#;
        let node = |r: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::123456789012:role/{r}"}},"Action":"sts:AssumeRole"}}]}}"#
            )
        };
        let (a, b) = (node("a"), node("b"));
        check(
            main,
            &[],
            &Inputs::default(),
            &[
                Ok(("data.aws_iam_policy_document.irsa[0]", irsa)),
                Ok(("data.aws_iam_policy_document.nodes[\"a\"]", &a)),
                Ok(("data.aws_iam_policy_document.nodes[\"b\"]", &b)),
            ],
        );
        // The same trust as `irsa policy` writes for these inputs, statement for statement.
        let evaluated = policy_documents(&[SourceFile::new("main.tf", main)], &Inputs::default()).unwrap();
        let built = crate::TrustPolicy::new()
            .provider(ARN.parse().unwrap(), crate::Audience::Auto)
            .subjects(["kube-system:external-dns", "apps:web"].map(|s| s.parse().unwrap()))
            .build()
            .unwrap();
        assert_eq!(evaluated[0].document.as_ref().unwrap().statements(), built.statements());
        // count = 0 makes no document.
        let off = Inputs::default().var("create", "false");
        check(
            main,
            &[],
            &off,
            &[
                Ok(("data.aws_iam_policy_document.nodes[\"a\"]", &a)),
                Ok(("data.aws_iam_policy_document.nodes[\"b\"]", &b)),
            ],
        );
    }

    #[test]
    fn what_is_not_known_offline_is_named() {
        let resource = r#"
data "aws_iam_policy_document" "t" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }
  }
}
"#;
        check(resource, &[], &Inputs::default(), &[Err("`identifiers` cannot be evaluated offline")]);
        check(resource, &[], &Inputs::default(), &[Err("not the attributes of resources")]);
        let variable = resource.replace("aws_iam_openid_connect_provider.this.arn", "var.provider_arn");
        check(&variable, &[], &Inputs::default(), &[Err("--var NAME=VALUE")]);
        let function = resource.replace("aws_iam_openid_connect_provider.this.arn", "nonsense(\"x\")");
        check(&function, &[], &Inputs::default(), &[Err("irsa evaluates these functions: replace, format")]);
        // The seed's module: principals from a module's output.
        let seed = resource.replace(
            "    principals {\n      type        = \"Federated\"\n      identifiers = [aws_iam_openid_connect_provider.this.arn]\n    }",
            "    dynamic \"principals\" {\n      for_each = module.configuration.identifiers\n      content {\n        type        = \"AWS\"\n        identifiers = [principals.value]\n      }\n    }",
        );
        check(&seed, &[], &Inputs::default(), &[Err("`for_each` cannot be evaluated offline")]);
        // A document that needs nothing unknown is read beside one that does.
        // Where each document starts, in the file it is in.
        let evaluated = policy_documents(&[SourceFile::new("iam/main.tf", SERVICE_TF)], &Inputs::default()).unwrap();
        let document = &evaluated[0];
        assert_eq!((document.file.as_str(), document.location), ("iam/main.tf", Location { line: 3, column: 1 }));
        let both = format!(
            "{resource}\ndata \"aws_iam_policy_document\" \"ok\" {{\n  statement {{\n    actions = [\"sts:AssumeRole\"]\n    principals {{\n      type        = \"Service\"\n      identifiers = [\"ec2.amazonaws.com\"]\n    }}\n  }}\n}}\n"
        );
        check(
            &both,
            &[],
            &Inputs::default(),
            &[Err("cannot be evaluated offline"), Ok(("data.aws_iam_policy_document.ok", SERVICE))],
        );
    }

    #[test]
    fn roles_with_their_trust_as_json() {
        let main = r#"
variable "provider_arn" { default = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" }
locals { issuer = replace(var.provider_arn, "/^(.*provider/)/", "") }
resource "aws_iam_role" "encoded" {
  name = "a"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "${local.issuer}:aud" = "sts.amazonaws.com" } }
    }]
  })
}
resource "aws_iam_role" "heredoc" {
  count = 1
  name  = "b"
  assume_role_policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
EOF
}
resource "aws_iam_role" "referenced" {
  name               = "c"
  assume_role_policy = data.aws_iam_policy_document.t.json
}
"#;
        let encoded = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"}}}]}"#;
        // The others are read; the referenced role is its document's, which this module lacks.
        check(
            main,
            &[],
            &Inputs::default(),
            &[
                Ok(("aws_iam_role.encoded", encoded)),
                Ok(("aws_iam_role.heredoc[0]", SERVICE)),
                Err("its assume_role_policy is `data.aws_iam_policy_document.t`, which is not in the module"),
            ],
        );
    }

    #[test]
    fn bounds_and_bad_input() {
        let many = r#"
data "aws_iam_policy_document" "t" {
  count = 100000
  statement {
    actions = ["sts:AssumeRole"]
  }
}
"#;
        check(many, &[], &Inputs::default(), &[Err("not a whole number up to 10000")]);
        let dynamic_many = r#"
data "aws_iam_policy_document" "t" {
  dynamic "statement" {
    for_each = range(1)
    content {}
  }
}
"#;
        check(dynamic_many, &[], &Inputs::default(), &[Err("`for_each` cannot be evaluated offline")]);
        let cycle = r#"
locals {
  a = local.b
  b = local.a
}
data "aws_iam_policy_document" "t" {
  statement {
    sid     = local.a
    actions = ["sts:AssumeRole"]
  }
}
"#;
        check(cycle, &[], &Inputs::default(), &[Err("`sid` cannot be evaluated offline")]);
        let broken = SourceFile::new("main.tf", "data \"aws_iam_policy_document\" {");
        assert!(
            policy_documents(&[broken], &Inputs::default()).unwrap_err().to_string().contains("main.tf: not valid HCL")
        );
        let tfvars = SourceFile::new("terraform.tfvars", "service = var.other");
        let error = policy_documents(&[tfvars], &Inputs::default()).unwrap_err();
        assert!(error.to_string().contains("a variable's value is a literal"), "{error}");
    }

    #[test]
    fn functions_iam_code_uses() {
        let main = r#"
locals {
  arn     = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
  issuer  = replace(local.arn, "/^(.*provider/)/", "")
  prefix  = trimprefix(local.arn, "arn:aws:iam::123456789012:oidc-provider/")
  parts   = split("/", local.issuer)
  subject = format("system:serviceaccount:%s:%s", lower("KUBE-SYSTEM"), join("-", ["external", "dns"]))
  subs    = distinct(compact(concat([local.subject], [local.subject, ""], flatten([["system:serviceaccount:apps:web"]]))))
  keys    = keys({ b = 1, a = 2 })
  same    = local.issuer == local.prefix && length(local.parts) == 3 && element(local.keys, 0) == "a"
  json    = jsondecode(jsonencode({ b = [1, true], a = "x" }))
}
data "aws_iam_policy_document" "t" {
  statement {
    sid     = local.same && contains(local.subs, local.subject) && startswith(local.issuer, "oidc.") && endswith(local.issuer, "ABC") ? "Ok" : "No"
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [local.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = local.subs
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = [lookup({ eks = "sts.amazonaws.com" }, "eks", "none"), upper(local.json.a)]
    }
  }
}
"#;
        let json = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Ok","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":["sts.amazonaws.com","X"],"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":["system:serviceaccount:kube-system:external-dns","system:serviceaccount:apps:web"]}}}]}"#;
        check(main, &[], &Inputs::default(), &[Ok(("data.aws_iam_policy_document.t", json))]);
    }
}

#[cfg(test)]
mod bound_tests {
    use super::*;

    /// A hundred locals chained backwards evaluate; two thousand stop at the bound, in
    /// bounded time, and leave the rest unknown.
    #[test]
    fn locals_are_bounded() {
        let chain = |n: usize| {
            let mut text = String::from("locals {\n");
            for i in (1..n).rev() {
                text.push_str(&format!("  l{i} = local.l{}\n", i - 1));
            }
            text.push_str("  l0 = \"ec2.amazonaws.com\"\n}\n");
            text.push_str(&format!(
                "data \"aws_iam_policy_document\" \"t\" {{\n  statement {{\n    actions = [\"sts:AssumeRole\"]\n    principals {{\n      type        = \"Service\"\n      identifiers = [local.l{}]\n    }}\n  }}\n}}\n",
                n - 1
            ));
            text
        };
        let small = policy_documents(&[SourceFile::new("main.tf", chain(100))], &Inputs::default()).unwrap();
        assert!(small[0].document.is_ok(), "{:?}", small[0].document);
        let large = policy_documents(&[SourceFile::new("main.tf", chain(2_000))], &Inputs::default()).unwrap();
        assert!(large[0].document.as_ref().unwrap_err().to_string().contains("cannot be evaluated offline"));
    }
}

#[cfg(test)]
mod module_tests {
    use super::*;

    const MODULE: &str = r#"
variable "provider_arn" {}
variable "subjects" { default = [] }
locals {
  test = anytrue([for s in var.subjects : length(regexall("[*?]", s)) > 0]) ? "StringLike" : "StringEquals"
}
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [var.provider_arn]
    }
    condition {
      test     = local.test
      variable = "${regex("oidc-provider/(.*)", var.provider_arn)[0]}:sub"
      values   = [for s in var.subjects : "system:serviceaccount:${s}"]
    }
  }
}
resource "aws_iam_role" "this" {
  name               = "x"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
"#;

    /// Module calls, followed through the loader, with count; roles that refer to a document
    /// are found by their own address.
    #[test]
    fn module_calls_and_role_references() {
        let root = SourceFile::new(
            "infra/main.tf",
            r#"
module "web" {
  source       = "./modules/irsa"
  count        = 2
  provider_arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
  subjects     = ["apps:web-${count.index}", "apps:web-*"]
}
module "remote" {
  source = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
}
"#,
        );
        let load = |call: &ModuleCall<'_>| -> Result<Vec<SourceFile>, String> {
            match (call.folder, call.source, call.key) {
                ("infra", "./modules/irsa", "web") => Ok(vec![SourceFile::new("infra/modules/irsa/main.tf", MODULE)]),
                _ => Err(format!("not on disk: {} ({})", call.source, call.key)),
            }
        };
        let documents = policy_documents_with(&[root], &Inputs::default(), &load).unwrap();
        let addresses: Vec<&str> = documents.iter().map(|d| d.address.as_str()).collect();
        assert_eq!(
            addresses,
            [
                "module.web[0].data.aws_iam_policy_document.assume",
                "module.web[0].aws_iam_role.this",
                "module.web[1].data.aws_iam_policy_document.assume",
                "module.web[1].aws_iam_role.this",
                "module.remote",
            ]
        );
        let first = documents[0].document.as_ref().unwrap().to_json_compact();
        assert!(
            first.contains(r#""StringLike":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":["system:serviceaccount:apps:web-0","system:serviceaccount:apps:web-*"]}"#),
            "{first}"
        );
        assert_eq!(documents[1].refers_to.as_deref(), Some("module.web[0].data.aws_iam_policy_document.assume"));
        assert_eq!(documents[1].document, documents[0].document);
        assert_eq!(documents[0].file, "infra/modules/irsa/main.tf");
        assert!(documents[4].document.as_ref().unwrap_err().to_string().contains(
            "not on disk: terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks (remote)"
        ));
        // Without a loader, a module call says its files were not given.
        let alone = policy_documents(
            &[SourceFile::new("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n")],
            &Inputs::default(),
        )
        .unwrap();
        assert!(alone[0].document.as_ref().unwrap_err().to_string().contains("its files were not given"));
        // A module that calls itself stops at the bound.
        let looping = |_: &ModuleCall<'_>| -> Result<Vec<SourceFile>, String> {
            Ok(vec![SourceFile::new("m/main.tf", "module \"again\" {\n  source = \"./m\"\n}\n")])
        };
        let deep = policy_documents_with(
            &[SourceFile::new("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n")],
            &Inputs::default(),
            &looping,
        )
        .unwrap();
        assert!(deep[0].document.as_ref().unwrap_err().to_string().contains("more than 16 deep"), "{deep:?}");
        // A module that calls itself ten thousand times a level stops at the bound on instances.
        let fanning = |_: &ModuleCall<'_>| -> Result<Vec<SourceFile>, String> {
            Ok(vec![SourceFile::new("m/main.tf", "module \"again\" {\n  source = \"./m\"\n  count  = 10000\n}\n")])
        };
        let wide = policy_documents_with(
            &[SourceFile::new("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n")],
            &Inputs::default(),
            &fanning,
        )
        .unwrap();
        assert!(
            wide.iter()
                .any(|d| d.document.as_ref().is_err_and(|e| e.to_string().contains("more than 20000 instances")))
        );
    }
}
