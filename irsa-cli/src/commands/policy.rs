//! `irsa policy`: one role's trust policy, as IAM JSON or Terraform.

use irsa_core::RoleName;

use super::trust::{build_failure, refuse_unwritable, trust_policy};
use crate::cli::{Format, PolicyArgs};
use crate::failure::Failure;
use crate::output::emit_text;

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
    refuse_unwritable(&policy, args.quota, None)?;

    let text = match args.format {
        Format::Json if args.compact => policy.to_json_compact(),
        Format::Json => policy.to_json_pretty(),
        Format::Hcl => irsa_core::hcl::trust_policy_terraform(&policy, role_name.as_ref())
            .map_err(|e| Failure::input("--role-name", e))?,
    };
    emit_text(text, args.out.as_deref())
}
