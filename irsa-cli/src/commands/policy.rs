//! `irsa policy`: one role's trust policy, as IAM JSON or Terraform.

use irsa_core::lint::{LintOptions, refuse_errors};
use irsa_core::{RoleName, check_trust_policy_size};

use super::trust::{build_failure, trust_policy};
use crate::cli::{Format, PolicyArgs};
use crate::failure::Failure;
use crate::output::emit;

pub(crate) fn run(args: &PolicyArgs) -> Result<(), Failure> {
    if args.format == Format::Json && args.role_name.is_some() {
        return Err(Failure::Usage(
            "--role-name names the aws_iam_role written with --format hcl; JSON output is the policy alone".into(),
        ));
    }
    if args.format == Format::Hcl && args.compact {
        return Err(Failure::Usage("--compact is for JSON; Terraform is written as terraform fmt lays it out".into()));
    }
    let role_name: Option<RoleName> =
        args.role_name.as_deref().map(str::parse).transpose().map_err(|e| Failure::input("--role-name", e))?;

    let policy = trust_policy(&args.trust)?.build().map_err(build_failure)?;
    check_trust_policy_size(&policy, args.quota).map_err(|error| Failure::Input { flag: None, error, hint: None })?;
    refuse_errors(&policy, &LintOptions { quota: args.quota }).map_err(|error| Failure::Input {
        flag: None,
        error,
        hint: None,
    })?;

    let mut text = match args.format {
        Format::Json if args.compact => policy.to_json_compact(),
        Format::Json => policy.to_json_pretty(),
        Format::Hcl => irsa_core::hcl::trust_policy_terraform(&policy, role_name.as_ref())
            .map_err(|e| Failure::input("--role-name", e))?,
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    emit(text.as_bytes(), args.out.as_deref())
}
