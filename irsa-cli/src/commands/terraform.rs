//! Terraform input evaluated: the files of the module a `.tf` file is in, and the values of
//! `--var` and `--var-file`, for the documents the literal reader cannot read.

use std::path::Path;

use irsa_core::read::{PolicySource, ReadPolicy};
use irsa_core::terraform::{EvaluatedDocument, Inputs, ModuleCall, SourceFile, policy_documents_with};

use crate::cli::TerraformInputs;
use crate::failure::Failure;
use crate::input::{MAX_POLICY_BYTES, read_text};

/// The most files of a module irsa reads.
const MAX_MODULE_FILES: usize = 1_000;

/// The caller's values: `--var-file` files read, `--var NAME=VALUE` split at the first `=`.
pub(crate) fn inputs(args: &TerraformInputs) -> Result<Inputs, Failure> {
    let mut inputs = Inputs::default();
    for path in &args.var_files {
        inputs.var_files.push(SourceFile::new(path.display().to_string(), read_text(path, MAX_POLICY_BYTES)?));
    }
    for var in &args.vars {
        let Some((name, value)) = var.split_once('=') else {
            return Err(Failure::Usage(format!("--var `{var}`: a variable's value is given as NAME=VALUE")));
        };
        inputs.vars.push((name.trim().to_owned(), value.to_owned()));
    }
    Ok(inputs)
}

/// The files of the module `path` is in (its folder's `*.tf`, `terraform.tfvars` and
/// `*.auto.tfvars`), named as `path` is, with `text` as `path`'s own; standard input is a
/// module of one file.
fn module_files(path: &Path, shown: &str, text: &str) -> Result<Vec<SourceFile>, Failure> {
    let mut files = vec![SourceFile::new(shown, text)];
    if path == Path::new("-") {
        return Ok(files);
    }
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let wanted = |n: &str| n.ends_with(".tf") || n == "terraform.tfvars" || n.ends_with(".auto.tfvars");
    let names = file_names(folder, wanted).map_err(|error| match error {
        FolderError::Read(error) => Failure::Read { path: folder.to_owned(), error },
        FolderError::TooMany => Failure::Usage(error_too_many(folder)),
    })?;
    for name in names {
        let other = path.with_file_name(&name);
        let other_shown = other.display().to_string();
        if other_shown != shown {
            files.push(SourceFile::new(other_shown, read_text(&other, MAX_POLICY_BYTES)?));
        }
    }
    Ok(files)
}

/// Why a module folder's files cannot be listed.
enum FolderError {
    Read(std::io::Error),
    TooMany,
}

/// The names of the files (not folders or links to them) of `folder` that `wanted` takes,
/// sorted, at most [`MAX_MODULE_FILES`].
fn file_names(folder: &Path, wanted: impl Fn(&str) -> bool) -> Result<Vec<String>, FolderError> {
    let entries = std::fs::read_dir(folder).map_err(FolderError::Read)?;
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| wanted(n))
        .collect();
    names.sort();
    if names.len() > MAX_MODULE_FILES {
        return Err(FolderError::TooMany);
    }
    Ok(names)
}

fn error_too_many(folder: &Path) -> String {
    format!("`{}` holds more than {MAX_MODULE_FILES} Terraform files", folder.display())
}

/// The documents of the file `path` (shown as `shown`, with `text`), evaluated in its module:
/// each instance of each `data "aws_iam_policy_document"` block written in this file.
pub(crate) fn evaluated_documents(
    path: &Path,
    shown: &str,
    text: &str,
    inputs: &Inputs,
) -> Result<Vec<EvaluatedDocument>, Failure> {
    let files = module_files(path, shown, text)?;
    let root = path.parent().filter(|p| !p.as_os_str().is_empty() && path != Path::new("-")).unwrap_or(Path::new("."));
    let load = |call: &ModuleCall<'_>| load_module(root, call);
    let documents = policy_documents_with(&files, inputs, &load)
        .map_err(|error| Failure::InFile { file: shown.to_owned(), error })?;
    // This file's documents, and those of the modules it calls.
    let called: std::collections::HashSet<&str> = text
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("module \""))
        .filter_map(|rest| rest.split_once('"').map(|(name, _)| name))
        .collect();
    let calls_here = |address: &str| {
        address
            .strip_prefix("module.")
            .and_then(|rest| rest.split(['.', '[']).next())
            .is_some_and(|name| called.contains(name))
    };
    Ok(documents.into_iter().filter(|d| d.file == shown || calls_here(&d.address)).collect())
}

/// The files of a called module: a local `source` (`./x`, `../x`) from the calling module's
/// folder; any other (the registry, git) where `terraform init` put it, by the call's key in
/// the root module's `.terraform/modules/modules.json`.
fn load_module(root: &Path, call: &ModuleCall<'_>) -> Result<Vec<SourceFile>, String> {
    let folder = if call.source.starts_with("./") || call.source.starts_with("../") {
        Path::new(call.folder).join(call.source)
    } else {
        let manifest = root.join(".terraform/modules/modules.json");
        let text = read_text(&manifest, MAX_POLICY_BYTES).map_err(|_| {
            format!(
                "the module `{}` is downloaded by `terraform init`, and `{}` is not there: run `terraform init` in `{}`",
                call.source,
                manifest.display(),
                root.display()
            )
        })?;
        let modules: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("`{}` is not terraform init's record: {e}", manifest.display()))?;
        let dir = modules["Modules"]
            .as_array()
            .and_then(|list| list.iter().find(|m| m["Key"] == call.key))
            .and_then(|m| m["Dir"].as_str())
            .ok_or_else(|| {
                format!("`{}` has no module `{}`: run `terraform init` again", manifest.display(), call.key)
            })?;
        root.join(dir)
    };
    let names = file_names(&folder, |n| n.ends_with(".tf")).map_err(|error| match error {
        FolderError::Read(e) => format!("`{}`: {e}", folder.display()),
        FolderError::TooMany => error_too_many(&folder),
    })?;
    let mut files = Vec::new();
    for name in names {
        let path = folder.join(&name);
        let text = read_text(&path, MAX_POLICY_BYTES).map_err(|failure| failure.to_string())?;
        files.push(SourceFile::new(path.display().to_string(), text));
    }
    Ok(files)
}

/// Whether an evaluated document (or its error) is of the block `name` (a document's, or a
/// role's).
pub(crate) fn is_of_block(address: &str, name: &str) -> bool {
    ["data.aws_iam_policy_document.", "aws_iam_role."].iter().any(|kind| {
        address
            .strip_prefix(kind)
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
    })
}

/// Whether an evaluated document is an instance of the `data "aws_iam_policy_document"` block
/// `name` of the file's own module.
pub(crate) fn is_document_of_block(address: &str, name: &str) -> bool {
    address
        .strip_prefix("data.aws_iam_policy_document.")
        .and_then(|rest| rest.strip_prefix(name))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('['))
}

/// An evaluated document as a read policy (its statements located at its block), or its error.
pub(crate) fn read_policy(document: &EvaluatedDocument) -> Result<ReadPolicy, irsa_core::Error> {
    let policy = document.document.clone()?;
    Ok(ReadPolicy {
        statement_locations: vec![document.location; policy.statements().len()],
        document: policy,
        source: PolicySource::Hcl { name: block_part(&document.address).to_owned() },
    })
}

/// An address without `data.aws_iam_policy_document.`: the block's name, and the instance's
/// index or key (`assume[0]`), as reports name a document.
pub(crate) fn block_part(address: &str) -> &str {
    address.strip_prefix("data.aws_iam_policy_document.").unwrap_or(address)
}
