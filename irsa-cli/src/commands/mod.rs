//! One module per command.

pub(crate) mod convert;
pub(crate) mod generate;
pub(crate) mod kops;
pub(crate) mod lint;
pub(crate) mod migrate;
pub(crate) mod policy;
pub(crate) mod service_account;
pub(crate) mod simulate;
mod terraform;
mod trust;

use clap::CommandFactory;
use clap_complete::Shell;

use irsa_core::hcl::label_for;
use irsa_core::read::{PolicyFormat, ReadPolicy, read_policy};

use crate::cli::{Cli, PolicyInput};
use crate::failure::Failure;
use crate::input::{MAX_POLICY_BYTES, read_text};
use crate::output::emit;

/// A policy read from a command's FILE, with what to call it in Terraform.
pub(crate) struct InputPolicy {
    pub(crate) read: ReadPolicy,
    /// The file as the user named it, for messages.
    pub(crate) shown: String,
    /// The Terraform name to write it under: `--name`, else the input's (Terraform block or
    /// get-role role name), else the file's name.
    pub(crate) label: String,
    /// The input's text, for an edit in place.
    pub(crate) text: String,
    /// Whether the document was evaluated (its block holds expressions, which an edit in
    /// place must never overwrite with values).
    pub(crate) evaluated: bool,
}

impl InputPolicy {
    /// A core error about this input, named by its file.
    pub(crate) fn failure(&self, error: irsa_core::Error) -> Failure {
        match error.kind() {
            irsa_core::ErrorKind::HclLabel => Failure::input("--name", error),
            _ => Failure::InFile { file: self.shown.clone(), error },
        }
    }
}

/// Reads FILE (or standard input) as policy JSON, get-role output or Terraform.
pub(crate) fn read_policy_input(input: &PolicyInput) -> Result<InputPolicy, Failure> {
    let shown = input.file.display().to_string();
    let text = read_text(&input.file, MAX_POLICY_BYTES)?;
    let file_name = input.file.file_name().map(|n| n.to_string_lossy().into_owned());
    let format = PolicyFormat::detect(file_name.as_deref(), &text);
    let picked = if format == PolicyFormat::Hcl { input.name.as_deref() } else { None };
    let in_file = |error| Failure::InFile { file: shown.clone(), error };
    if let Some(address) = &input.address {
        return by_address(input, address, &shown, &text, format);
    }
    let (read, evaluated) = match read_policy(&text, format, picked) {
        Ok(read) => (read, false),
        // A document the literal reader refuses (references, count, dynamic blocks) is
        // evaluated in its module, with the caller's values.
        Err(error)
            if format == PolicyFormat::Hcl
                && !error.rule().starts_with("not valid HCL")
                && (error.location().is_some() || text.contains("assume_role_policy")) =>
        {
            let inputs = terraform::inputs(&input.terraform)?;
            let documents = terraform::evaluated_documents(&input.file, &shown, &text, &inputs)?;
            let mut chosen = documents.into_iter().filter(|d| {
                d.refers_to.is_none() && picked.is_none_or(|name| terraform::is_of_block(&d.address, name))
            });
            match (chosen.next(), chosen.next()) {
                (Some(document), None) => (terraform::read_policy(&document).map_err(in_file)?, true),
                (Some(first), Some(second)) => {
                    return Err(Failure::Usage(format!(
                        "{shown}: evaluated, the file has several policy documents ({}, {}, ...); pick one block with --name",
                        first.address, second.address
                    )));
                }
                (None, _) => return Err(in_file(error)),
            }
        }
        Err(error) => return Err(in_file(error)),
    };
    let label = match (&input.name, read.name()) {
        (Some(name), _) => name.clone(),
        (None, Some(name)) if format == PolicyFormat::Hcl => name.to_owned(),
        (None, Some(role)) => label_for(role),
        (None, None) => match file_name.as_deref().filter(|n| *n != "-") {
            Some(name) => label_for(without_extension(name)),
            None => "policy".to_owned(),
        },
    };
    Ok(InputPolicy { read, shown, label, text, evaluated })
}

/// The document or role of a Terraform input at `address`, evaluated in its module.
fn by_address(
    input: &PolicyInput,
    address: &str,
    shown: &str,
    text: &str,
    format: PolicyFormat,
) -> Result<InputPolicy, Failure> {
    if format != PolicyFormat::Hcl {
        return Err(Failure::Usage(format!("--address picks a Terraform document or role; {shown} is not Terraform")));
    }
    let inputs = terraform::inputs(&input.terraform)?;
    let documents = terraform::evaluated_documents(&input.file, shown, text, &inputs)?;
    let Some(document) = documents.iter().find(|d| d.address == address) else {
        let found: Vec<&str> = documents.iter().map(|d| d.address.as_str()).take(20).collect();
        return Err(Failure::Usage(format!(
            "{shown}: no document or role at `{address}` (found: {})",
            if found.is_empty() { "none".to_owned() } else { found.join(", ") }
        )));
    };
    let read = terraform::read_policy(document).map_err(|error| Failure::InFile { file: shown.to_owned(), error })?;
    let label = label_for(address.rsplit('.').next().unwrap_or(address).split('[').next().unwrap_or(address));
    Ok(InputPolicy { read, shown: shown.to_owned(), label, text: text.to_owned(), evaluated: true })
}

/// A file's name without a policy file's extension (`.json`, `.tf`, `.hcl`): kops' names
/// hold dots of their own (`aws_iam_role_app.default.sa.<cluster>_policy`), and two service
/// accounts of different namespaces must not get the same block name.
fn without_extension(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((stem, extension)) if ["json", "tf", "hcl"].contains(&extension.to_ascii_lowercase().as_str()) => stem,
        _ => name,
    }
}

/// `irsa completions SHELL`.
pub(crate) fn completions(shell: Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "irsa", &mut script);
    emit(&script, None)
}

/// `irsa man`.
pub(crate) fn man() -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page).map_err(|error| Failure::Write { path: None, error })?;
    emit(&page, None)
}
