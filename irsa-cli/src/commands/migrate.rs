//! `irsa migrate`: IRSA trust added to an existing trust policy, the rest kept.

use std::io::Write;

use irsa_core::ErrorKind;
use irsa_core::hcl::policy_to_terraform;
use irsa_core::migrate::{Change, migrate};

use super::read_policy_input;
use super::trust::{build_failure, refuse_unwritable, trust_policy};
use crate::cli::{Format, MigrateArgs};
use crate::failure::Failure;
use crate::output::emit_text;

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
    let text = match args.format {
        Format::Json => migrated.document.to_json_pretty(),
        Format::Hcl => policy_to_terraform(&migrated.document, &input.label).map_err(|e| input.failure(e))?,
    };
    emit_text(text, args.out.as_deref())?;
    if args.explain {
        explain(&migrated.changes);
    }
    Ok(())
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
