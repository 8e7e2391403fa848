//! `irsa convert`: IAM policy JSON (or get-role output) <-> Terraform `aws_iam_policy_document`.

use irsa_core::hcl::{policy_to_terraform, provider_json};
use irsa_core::read::PolicySource;

use super::read_policy_input;
use crate::cli::{ConvertArgs, Format};
use crate::failure::Failure;
use crate::output::emit_text;

pub(crate) fn run(args: &ConvertArgs) -> Result<(), Failure> {
    let input = read_policy_input(&args.input)?;
    let text = match args.to {
        // Terraform's documents as the AWS provider renders them; JSON as read (get-role
        // output decoded), indented.
        Format::Json => match input.read.source {
            PolicySource::Hcl { .. } => provider_json(&input.read.document),
            _ => input.read.document.to_json_pretty(),
        },
        Format::Hcl => policy_to_terraform(&input.read.document, &input.label).map_err(|e| input.failure(e))?,
    };
    emit_text(text, args.out.as_deref())
}
