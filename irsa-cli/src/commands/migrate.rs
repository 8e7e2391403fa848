//! `irsa migrate`: IRSA trust added to an existing trust policy, the rest kept.

use std::io::Write;

use std::path::{Path, PathBuf};

use irsa_core::ErrorKind;
use irsa_core::hcl::{policy_to_terraform, replace_policy_document};
use irsa_core::migrate::{Change, migrate};
use irsa_core::read::PolicySource;

use super::read_policy_input;
use super::trust::{build_failure, refuse_unwritable, trust_policy};
use crate::cli::{Format, MigrateArgs};
use crate::failure::Failure;
use crate::output::{emit, emit_text};

pub(crate) fn run(args: &MigrateArgs) -> Result<(), Failure> {
    let trust = trust_policy(&args.trust)?;
    let input = read_policy_input(&args.input)?;
    let migrated = migrate(&input.read.document, &trust, args.remove_legacy).map_err(|error| match error.kind() {
        ErrorKind::Migration => Failure::Input {
            flag: None,
            error,
            hint: Some("irsa migrate FILE --provider ARN --sa NAMESPACE:NAME [...], or --remove-legacy"),
        },
        _ => build_failure(error),
    })?;
    refuse_unwritable(
        &migrated.document,
        args.quota,
        Some("irsa keeps statements it does not own as they are: fix these in the input (irsa lint shows them)"),
    )?;
    // Terraform written onto the Terraform file it came from: the one block is replaced, and
    // every other byte of the file is kept (written to the file a link points to, with its
    // permissions).
    let in_place = match (&input.read.source, args.format, args.out.as_deref()) {
        (PolicySource::Hcl { name }, Format::Hcl, Some(out)) => {
            same_file(out, &args.input.file).map(|path| (name, path))
        }
        _ => None,
    };
    if in_place.is_some() && input.evaluated {
        return Err(Failure::Usage(format!(
            "{}: the block holds expressions (variables, references, count or dynamic blocks) that irsa evaluated; it never writes evaluated values over what you wrote: write to another file (--out) and carry the change over by hand",
            input.shown
        )));
    }
    if let Some((name, path)) = &in_place {
        let text = replace_policy_document(&input.text, name, &migrated.document).map_err(|e| input.failure(e))?;
        emit(text.as_bytes(), Some(path))?;
    } else {
        let text = match args.format {
            Format::Json => migrated.document.to_json_pretty(),
            Format::Hcl => policy_to_terraform(&migrated.document, &input.label).map_err(|e| input.failure(e))?,
        };
        emit_text(text, args.out.as_deref())?;
    }
    if let Some((name, _)) = in_place {
        let _ = writeln!(
            std::io::stderr(),
            "irsa: replaced data.aws_iam_policy_document.{name} in {}; the rest of the file is as it was",
            input.shown
        );
    }
    if args.explain {
        explain(&migrated.changes);
    }
    Ok(())
}

/// The file both paths name, links followed, when they name one existing file.
fn same_file(a: &Path, b: &Path) -> Option<PathBuf> {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) if a == b => Some(a),
        _ => None,
    }
}

/// What changed, on standard error (standard output holds the policy).
fn explain(changes: &[Change]) {
    let mut stderr = std::io::stderr().lock();
    if changes.iter().all(|c| matches!(c, Change::AlreadyThere { .. })) {
        let _ = writeln!(stderr, "irsa: nothing changed: the policy already trusts what was asked");
    }
    for change in changes {
        let _ = writeln!(stderr, "irsa: {change}");
    }
}
