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
    /// Write Terraform (and Kubernetes manifests) for every role of a spec file
    ///
    /// Every role is checked before anything is written. Files are written atomically; a file
    /// irsa did not generate is never overwritten; files of roles removed from the spec are
    /// removed.
    #[command(after_help = GENERATE_EXAMPLES)]
    Generate(GenerateArgs),
    /// Convert a policy: IAM JSON (or get-role output) <-> Terraform aws_iam_policy_document
    ///
    /// JSON becomes a data "aws_iam_policy_document" that the AWS provider renders to a policy
    /// with the same meaning; Terraform becomes the JSON the provider renders (its `json`
    /// attribute, byte for byte). What cannot keep its meaning is refused, with the reason.
    #[command(after_help = CONVERT_EXAMPLES)]
    Convert(ConvertArgs),
    /// Add IRSA trust to an existing trust policy, keeping what is there
    ///
    /// Statements irsa does not own stay untouched. A provider that already has a web-identity
    /// statement gets the new service accounts merged into its :sub values; other providers get
    /// a new statement. Running it twice changes nothing.
    #[command(after_help = MIGRATE_EXAMPLES)]
    Migrate(Box<MigrateArgs>),
    /// Find mistakes and risks in trust policies (JSON, get-role output, Terraform)
    ///
    /// Exit 1 when an error-level finding exists (with --deny warnings, a warning too), else 0.
    /// A folder is searched for *.json policies, *.tf files with aws_iam_policy_document
    /// blocks, and kops' policy files; permission policies are skipped and counted, and a
    /// document irsa cannot read is an unreadable-policy finding.
    #[command(after_help = LINT_EXAMPLES)]
    Lint(LintArgs),
    /// Would STS allow AssumeRoleWithWebIdentity for this token? And why
    ///
    /// Evaluates the trust policy for the token's claims by IAM's rules, statement by statement
    /// and condition by condition. Exit 0 allow, 1 deny or undecided (a condition IAM's
    /// documented rules do not decide), 2 bad input. A token STS rejects before it reads the
    /// policy is a deny. The token's signature is not verified: irsa reads its claims.
    #[command(after_help = SIMULATE_EXAMPLES)]
    Simulate(Box<SimulateArgs>),
    /// Validate a kops discovery store and derive issuer, JWKS URI, provider ARN, cluster spec
    ///
    /// The bucket must follow S3's naming rules and have no dots (the wildcard TLS certificate
    /// of *.s3.REGION.amazonaws.com covers one label). --explain prints the rollout that does
    /// not lock a running cluster out.
    #[command(after_help = KOPS_EXAMPLES)]
    Kops(KopsArgs),
    /// Print a Kubernetes ServiceAccount manifest annotated for IRSA
    ServiceAccount(ServiceAccountArgs),
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

const GENERATE_EXAMPLES: &str = "\
Examples:
  irsa generate examples/kops-migration.yaml --out infra/iam
  irsa generate examples/kops-migration.yaml --out infra/iam --check   # exit 1 when files would change
  irsa generate roles.json --out iam-json --layout json";

const CONVERT_EXAMPLES: &str = "\
Examples:
  irsa convert trust.json --to hcl --name app_assume_role
  aws iam get-role --role-name app | irsa convert - --to hcl
  irsa convert main.tf --to json --name app_assume_role";

const MIGRATE_EXAMPLES: &str = "\
Examples:
  # The kiam node role keeps sts:AssumeRole; pods get IRSA beside it.
  aws iam get-role --role-name external-dns > role.json
  irsa migrate role.json --explain --sa kube-system:external-dns \\
    --provider arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com

  # Once every pod uses IRSA: drop the sts:AssumeRole statements.
  irsa migrate trust.json --remove-legacy --explain";

const LINT_EXAMPLES: &str = "\
Examples:
  irsa lint trust.json infra/iam/            # text for people
  irsa lint --format sarif infra/ > irsa.sarif   # for GitHub code scanning
  aws iam get-role --role-name app | irsa lint -
Rules: federated-without-sub, wildcard-in-string-equals, split-subject-operators,
condition-key-provider-mismatch, trust-policy-too-large, invalid-subject, prohibited-element
(errors); audience-typo, broad-subject, duplicate-subject (warnings); missing-audience,
near-quota (info)";

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Policy files (JSON, get-role output, Terraform) or folders to search; - reads standard
    /// input
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub(crate) format: LintFormat,

    /// The role trust policy quota, in characters without white space (2048 by default; 4096
    /// or 8192 when raised)
    #[arg(long, value_name = "CHARS", default_value = "2048", value_parser = parse_quota)]
    pub(crate) quota: usize,

    /// Also exit 1 on findings of this level
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub(crate) deny: Option<DenyLevel>,

    /// Do not run this rule (repeatable), e.g. --skip missing-audience
    #[arg(long, value_name = "RULE", value_parser = parse_rule)]
    pub(crate) skip: Vec<irsa_core::lint::Rule>,

    #[command(flatten)]
    pub(crate) terraform: TerraformInputs,
}

fn parse_rule(value: &str) -> Result<irsa_core::lint::Rule, String> {
    value.parse()
}

/// The output formats of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LintFormat {
    /// For people: grouped per file, coloured on a terminal (not under NO_COLOR)
    Text,
    /// {"findings": [...], "summary": {...}}
    Json,
    /// SARIF 2.1.0, for code-scanning uploads
    Sarif,
}

/// The finding levels `--deny` can make fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DenyLevel {
    /// Warnings fail the run as errors do
    Warnings,
}

const SIMULATE_EXAMPLES: &str = "\
Examples:
  # From inside the pod that gets AccessDenied:
  #   cat /var/run/secrets/eks.amazonaws.com/serviceaccount/token
  irsa simulate --policy trust.json --token-file token.jwt
  aws iam get-role --role-name app > role.json
  irsa simulate --policy role.json --sub system:serviceaccount:default:app --aud sts.amazonaws.com
  irsa simulate --policy role.json --cases who-may-assume.jsonl   # CI: exit 1 when a case fails";

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// The trust policy: JSON, get-role output, or Terraform (aws_iam_policy_document)
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: PathBuf,

    /// With a Terraform file of several documents: the one to use
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,

    /// With Terraform: the document or role to use, by its address
    #[arg(long, value_name = "ADDR", conflicts_with = "name")]
    pub(crate) address: Option<String>,

    #[command(flatten)]
    pub(crate) terraform: TerraformInputs,

    /// The service-account token (a JWT), inline
    #[arg(long, value_name = "JWT", conflicts_with_all = ["token_file", "sub", "cases"])]
    pub(crate) token: Option<String>,

    /// The token, from a file (- for standard input)
    #[arg(long, value_name = "PATH", conflicts_with_all = ["sub", "cases"])]
    pub(crate) token_file: Option<PathBuf>,

    /// The token's sub claim, instead of a token
    #[arg(long, value_name = "SUB", conflicts_with = "cases")]
    pub(crate) sub: Option<String>,

    /// The token's aud claim; repeatable (with --sub)
    #[arg(long = "aud", value_name = "AUD", requires = "sub")]
    pub(crate) aud: Vec<String>,

    /// The token's iss claim (with --sub): picks the provider, and is checked against it
    #[arg(long, value_name = "URL", requires = "sub")]
    pub(crate) iss: Option<String>,

    /// The IAM OIDC provider the token is presented through [default: the policy's provider
    /// whose issuer is the token's iss; without iss, the policy's only OIDC provider]
    #[arg(long, value_name = "ARN")]
    pub(crate) provider: Option<String>,

    /// A client ID (audience) of the provider, to check the token's aud as STS does; repeatable
    #[arg(long = "client-id", value_name = "ID")]
    pub(crate) client_ids: Vec<String>,

    /// The time to check the token's expiry against, in seconds since 1970 [default: now]
    #[arg(long, value_name = "SECONDS")]
    pub(crate) now: Option<i64>,

    /// JSON lines of cases: {"sub": ..., "aud": ..., "iss": ..., "provider": ..., "expect":
    /// "allow"|"deny"|"undecided", "name": ...}; prints a table, exit 1 when any expectation
    /// fails
    #[arg(long, value_name = "FILE")]
    pub(crate) cases: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = SimulateFormat::Text)]
    pub(crate) format: SimulateFormat,
}

/// The output formats of `simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SimulateFormat {
    /// For people: the decision, then every statement and condition
    Text,
    /// {"decision": "allow"|"deny", "statements": [...], ...}
    Json,
}

const KOPS_EXAMPLES: &str = "\
Examples:
  irsa kops --discovery-store s3://hdo-beta-irsa-providers --region eu-west-1 --account 123456789012
  irsa kops --discovery-store s3://hdo-beta-irsa-providers --region eu-west-1 --format yaml > irsa-spec.yaml
  irsa kops --discovery-store s3://hdo-beta-irsa-providers --region eu-west-1 --explain --cluster-name beta.hdo.ee";

#[derive(Debug, Args)]
pub(crate) struct KopsArgs {
    /// The service-account issuer discovery store, s3://BUCKET[/PATH]
    #[arg(long, value_name = "URL")]
    pub(crate) discovery_store: String,

    /// The bucket's region
    #[arg(long, value_name = "REGION")]
    pub(crate) region: String,

    /// The 12-digit account of the IAM OIDC provider (to derive its ARN)
    #[arg(long, value_name = "ID")]
    pub(crate) account: Option<String>,

    /// The partition [default: the region's]
    #[arg(long, value_name = "P")]
    pub(crate) partition: Option<String>,

    /// The issuer on S3's dual-stack (IPv4 and IPv6) endpoint, for IPv6 clusters
    #[arg(long)]
    pub(crate) dual_stack: bool,

    /// Whether kops manages cert-manager (the pod identity webhook needs it)
    #[arg(long, value_enum, default_value_t = CertManagerArg::Managed)]
    pub(crate) cert_manager: CertManagerArg,

    /// Output format
    #[arg(long, value_enum, default_value_t = KopsFormat::Text)]
    pub(crate) format: KopsFormat,

    /// Print the rollout checklist for a running cluster instead
    #[arg(long)]
    pub(crate) explain: bool,

    /// The cluster's name, for the checklist's commands
    #[arg(long, value_name = "NAME", default_value = "CLUSTER")]
    pub(crate) cluster_name: String,

    /// Write to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

/// Who runs cert-manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CertManagerArg {
    /// kops installs it (certManager.managed: true)
    Managed,
    /// It is installed otherwise (certManager.managed: false)
    Unmanaged,
}

/// The output formats of `kops`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum KopsFormat {
    /// For people: the values, notes and cluster spec
    Text,
    /// The cluster spec to merge, with the values as comments
    Yaml,
    /// The values, the cluster spec and the notes
    Json,
}

/// Values for a Terraform module's variables, as `terraform plan` takes them.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct TerraformInputs {
    /// Terraform input: a variable's value (HCL, or a string as written); repeatable; later
    /// wins, after the module's defaults, terraform.tfvars, *.auto.tfvars and --var-file
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub(crate) vars: Vec<String>,

    /// Terraform input: a .tfvars file of variable values; repeatable
    #[arg(long = "var-file", value_name = "FILE")]
    pub(crate) var_files: Vec<PathBuf>,
}

/// The input of `convert` and `migrate`.
#[derive(Debug, Args)]
pub(crate) struct PolicyInput {
    /// The policy: IAM JSON, `aws iam get-role` output, or a Terraform file with
    /// data "aws_iam_policy_document" blocks (by extension, else by content); - reads standard
    /// input
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// Terraform input: the data "aws_iam_policy_document" to read, when the file has several.
    /// Terraform output: the block's name [default: the input's block name, or the file name]
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,

    /// Terraform input: the document or role to read, by its address
    /// (data.aws_iam_policy_document.assume, module.external_dns.aws_iam_role.this\[0\])
    #[arg(long, value_name = "ADDR", conflicts_with = "name")]
    pub(crate) address: Option<String>,

    #[command(flatten)]
    pub(crate) terraform: TerraformInputs,
}

#[derive(Debug, Args)]
pub(crate) struct ConvertArgs {
    #[command(flatten)]
    pub(crate) input: PolicyInput,

    /// The form to write
    #[arg(long, value_enum)]
    pub(crate) to: Format,

    /// Write to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct MigrateArgs {
    #[command(flatten)]
    pub(crate) input: PolicyInput,

    #[command(flatten)]
    pub(crate) trust: TrustArgs,

    /// Drop the sts:AssumeRole statements (once every pod uses IRSA)
    #[arg(long)]
    pub(crate) remove_legacy: bool,

    /// Say on standard error what was added, merged and removed
    #[arg(long)]
    pub(crate) explain: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub(crate) format: Format,

    /// The role trust policy quota, in characters without white space (2048 by default; 4096
    /// or 8192 when raised); a result over it is an error
    #[arg(long, value_name = "CHARS", default_value = "2048", value_parser = parse_quota)]
    pub(crate) quota: usize,

    /// Write to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The spec file: YAML (.yaml, .yml) or JSON (.json); - reads YAML from standard input
    #[arg(value_name = "SPEC")]
    pub(crate) spec: PathBuf,

    /// The folder to write into (created when missing)
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,

    /// Write nothing; list the files that would change and exit 1 when any would
    #[arg(long)]
    pub(crate) check: bool,

    /// What to write
    #[arg(long, value_enum, default_value_t = LayoutArg::Module)]
    pub(crate) layout: LayoutArg,

    /// The role trust policy quota, in characters without white space (2048 by default; 4096
    /// or 8192 when raised); a role over it is an error
    #[arg(long, value_name = "CHARS", default_value = "2048", value_parser = parse_quota)]
    pub(crate) quota: usize,

    /// Accept subjects that trust a whole namespace or every namespace (`ns:*`, `*:name`, `*`)
    #[arg(long)]
    pub(crate) allow_broad_subjects: bool,

    /// Also write cases/ROLE.jsonl: the requests each role must allow and near misses it
    /// must deny, for `irsa simulate --cases` in CI
    #[arg(long)]
    pub(crate) emit_cases: bool,
}

/// The layouts of `irsa generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LayoutArg {
    /// A reusable role module, one module block per role (roles.tf), ServiceAccount manifests
    Module,
    /// Per role its policy document, role and policy attachments; ServiceAccount manifests
    Inline,
    /// One trust-policy JSON file per role
    Json,
    /// The kops spec.iam.serviceAccountExternalPermissions list
    Kops,
}

#[derive(Debug, Args)]
pub(crate) struct ServiceAccountArgs {
    /// The service account, NAMESPACE:NAME (no wildcards)
    #[arg(long = "sa", value_name = "NAMESPACE:NAME")]
    pub(crate) service_account: String,

    /// The role its pods assume: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME
    #[arg(long, value_name = "ARN")]
    pub(crate) role_arn: String,

    /// The audience of the projected token (eks.amazonaws.com/audience); kops clusters use
    /// amazonaws.com
    #[arg(long, value_name = "A")]
    pub(crate) audience: Option<String>,

    /// The token's lifetime in seconds (eks.amazonaws.com/token-expiration), at least 600
    #[arg(long, value_name = "SECONDS")]
    pub(crate) token_expiration: Option<u32>,

    /// Use the regional STS endpoint (eks.amazonaws.com/sts-regional-endpoints: "true")
    #[arg(long)]
    pub(crate) regional_sts: bool,

    /// Write to FILE (atomically) instead of standard output
    #[arg(long, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
}

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
