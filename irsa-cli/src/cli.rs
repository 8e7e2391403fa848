//! The command line: every command, flag and help text, in one clap definition (the man page
//! and the shell completions are generated from it).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// Generate, convert, lint and explain AWS IAM trust policies for Kubernetes IAM Roles for
/// Service Accounts (IRSA).
#[derive(Debug, Parser)]
#[command(name = "irsa", version, propagate_version = true, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print one role's trust policy (JSON or HCL)
    ///
    /// One web-identity statement per provider trusts every --sa through it; the legacy
    /// principals share one sts:AssumeRole statement.
    #[command(after_help = POLICY_EXAMPLES)]
    Policy(Box<PolicyArgs>),
    /// Print shell completions
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff)
    Man,
}

const POLICY_EXAMPLES: &str = "\
Examples:
  # A kops cluster's role during a kiam migration: the node role keeps sts:AssumeRole.
  P=arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com
  irsa policy --provider \"$P\" --sa kube-system:external-dns \\
    --legacy-principal AWS=arn:aws:iam::123456789012:role/nodes.beta.hdo.ee

  # An EKS cluster given by its issuer, as Terraform with its aws_iam_role.
  irsa policy --format hcl --role-name app --account 123456789012 --sa default:app \\
    --issuer https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

/// The options that describe what a role trusts (shared by the commands that build trust).
#[derive(Debug, Args)]
pub(crate) struct TrustArgs {
    /// IAM OIDC provider ARN (arn:PARTITION:iam::ACCOUNT:oidc-provider/ISSUER_HOST[/PATH]);
    /// repeatable: one web-identity statement per provider
    #[arg(long = "provider", value_name = "ARN")]
    pub(crate) providers: Vec<String>,

    /// The provider as its issuer URL (https only, no port, no query); repeatable; needs
    /// --account
    #[arg(long = "issuer", value_name = "URL")]
    pub(crate) issuers: Vec<String>,

    /// The 12-digit account of the --issuer providers
    #[arg(long, value_name = "ID")]
    pub(crate) account: Option<String>,

    /// The partition of the --issuer providers [default: aws]
    #[arg(long, value_name = "P")]
    pub(crate) partition: Option<String>,

    /// A trusted service account, NAMESPACE:NAME; repeatable; `*` and `?` are wildcards
    #[arg(long = "sa", value_name = "NAMESPACE:NAME")]
    pub(crate) service_accounts: Vec<String>,

    /// The token audience to require (`:aud`); repeatable; `none` for no condition; `auto`
    /// (default): sts.amazonaws.com for EKS issuers, none otherwise (kops tokens carry
    /// amazonaws.com: say --audience amazonaws.com to pin it)
    #[arg(long = "audience", value_name = "VALUE")]
    pub(crate) audiences: Vec<String>,

    /// A principal that keeps sts:AssumeRole (TYPE is AWS, Service or Federated); repeatable;
    /// all go into one statement, grouped by type
    #[arg(long = "legacy-principal", value_name = "TYPE=ID")]
    pub(crate) legacy_principals: Vec<String>,

    /// Add sts:TagSession to the web-identity statements' actions
    #[arg(long)]
    pub(crate) tag_session: bool,

    /// Accept subjects that trust a whole namespace or every namespace (`ns:*`, `*:name`, `*`)
    #[arg(long)]
    pub(crate) allow_broad_subjects: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    #[command(flatten)]
    pub(crate) trust: TrustArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub(crate) format: Format,

    /// JSON on one line, without white space
    #[arg(long)]
    pub(crate) compact: bool,

    /// With --format hcl: also write the aws_iam_role of this name, using the policy document
    #[arg(long, value_name = "NAME")]
    pub(crate) role_name: Option<String>,

    /// The role trust policy quota, in characters without white space (2048 by default; 4096
    /// or 8192 when raised); a larger policy is an error
    #[arg(long, value_name = "CHARS", default_value = "2048", value_parser = parse_quota)]
    pub(crate) quota: usize,

    /// Write to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

/// The output formats of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// IAM policy JSON
    Json,
    /// Terraform: a data "aws_iam_policy_document" block
    Hcl,
}

fn parse_quota(value: &str) -> Result<usize, String> {
    value
        .parse::<usize>()
        .ok()
        .filter(|quota| irsa_core::TRUST_POLICY_QUOTAS.contains(quota))
        .ok_or_else(|| "the role trust policy quota is 2048 (the default), 4096 or 8192".to_owned())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
