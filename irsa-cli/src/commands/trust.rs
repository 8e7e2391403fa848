//! The shared trust options (`--provider`, `--issuer`, `--sa`, ...) turned into an
//! [`irsa_core::TrustPolicy`], each rejected value named with its flag.

use irsa_core::lint::{LintOptions, refuse_errors};
use irsa_core::policy::PolicyDocument;
use irsa_core::{
    AccountId, Audience, ErrorKind, LegacyPrincipal, OidcProvider, Partition, ServiceAccount, TrustPolicy,
    check_trust_policy_size,
};

use crate::cli::TrustArgs;
use crate::failure::Failure;

const TRUST_HINT: &str = "a role trusts --sa NAMESPACE:NAME through --provider ARN (or --issuer URL --account ID), and/or --legacy-principal TYPE=ID";

/// Checks every value and assembles what the role trusts.
pub(crate) fn trust_policy(args: &TrustArgs) -> Result<TrustPolicy, Failure> {
    let audience = Audience::parse_flags(&args.audiences).map_err(|e| Failure::input("--audience", e))?;
    let mut trust = TrustPolicy::new().tag_session(args.tag_session).allow_broad_subjects(args.allow_broad_subjects);
    for arn in &args.providers {
        let provider: OidcProvider = arn.parse().map_err(|e| Failure::input("--provider", e))?;
        trust = trust.provider(provider, audience.clone());
    }
    for provider in issuer_providers(args)? {
        trust = trust.provider(provider, audience.clone());
    }
    for sa in &args.service_accounts {
        let subject: ServiceAccount = sa.parse().map_err(|e| Failure::input("--sa", e))?;
        trust = trust.subject(subject);
    }
    for principal in &args.legacy_principals {
        let principal: LegacyPrincipal = principal.parse().map_err(|e| Failure::input("--legacy-principal", e))?;
        trust = trust.legacy_principal(principal);
    }
    Ok(trust)
}

/// Maps an error of [`TrustPolicy::build`] to the flags it is about.
pub(crate) fn build_failure(error: irsa_core::Error) -> Failure {
    match error.kind() {
        ErrorKind::Subject => Failure::input("--sa", error),
        ErrorKind::ProviderArn => Failure::input("--provider/--issuer", error),
        _ => Failure::Input { flag: None, error, hint: Some(TRUST_HINT) },
    }
}

/// Refuses a policy irsa is about to write that IAM would refuse for its size (against
/// `quota`), or that has an error-level lint finding; `lint_hint` says how to mend the latter.
pub(crate) fn refuse_unwritable(
    policy: &PolicyDocument,
    quota: usize,
    lint_hint: Option<&'static str>,
) -> Result<(), Failure> {
    check_trust_policy_size(policy, quota).map_err(|error| Failure::Input { flag: None, error, hint: None })?;
    refuse_errors(policy, &LintOptions { quota, skip: Vec::new() }).map_err(|error| Failure::Input {
        flag: None,
        error,
        hint: lint_hint,
    })
}

fn issuer_providers(args: &TrustArgs) -> Result<Vec<OidcProvider>, Failure> {
    if args.issuers.is_empty() {
        if args.account.is_some() || args.partition.is_some() {
            return Err(Failure::Usage(
                "--account and --partition describe the providers of --issuer URL; give --issuer too (a --provider ARN carries its own)".into(),
            ));
        }
        return Ok(Vec::new());
    }
    let Some(account) = &args.account else {
        return Err(Failure::Usage(
            "--issuer needs --account ID: the 12-digit account that holds the IAM OIDC provider".into(),
        ));
    };
    let account: AccountId = account.parse().map_err(|e| Failure::input("--account", e))?;
    let partition: Partition = match &args.partition {
        Some(partition) => partition.parse().map_err(|e| Failure::input("--partition", e))?,
        None => Partition::Aws,
    };
    args.issuers
        .iter()
        .map(|url| OidcProvider::from_issuer_url(url, &account, partition).map_err(|e| Failure::input("--issuer", e)))
        .collect()
}
