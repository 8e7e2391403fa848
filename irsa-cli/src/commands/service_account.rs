//! `irsa service-account`: a ServiceAccount manifest annotated for IRSA.

use irsa_core::ServiceAccount;
use irsa_core::kubernetes::ServiceAccountManifest;

use crate::cli::ServiceAccountArgs;
use crate::failure::Failure;
use crate::output::emit;

pub(crate) fn run(args: &ServiceAccountArgs) -> Result<(), Failure> {
    let sa: ServiceAccount = args.service_account.parse().map_err(|e| Failure::input("--sa", e))?;
    let audience = match &args.audience {
        Some(audience) => {
            match irsa_core::Audience::parse_flags(&[audience]).map_err(|e| Failure::input("--audience", e))? {
                irsa_core::Audience::Values(values) => values.into_iter().next(),
                _ => {
                    return Err(Failure::Usage(
                    "--audience names the token's audience (e.g. amazonaws.com); `auto` and `none` are for trust policies".into(),
                ));
                }
            }
        }
        None => None,
    };
    let manifest = ServiceAccountManifest::new(sa, args.role_arn.clone())
        .map_err(|e| Failure::input(if e.kind() == irsa_core::ErrorKind::Subject { "--sa" } else { "--role-arn" }, e))?
        .audience(audience)
        .regional_sts(args.regional_sts)
        .token_expiration(args.token_expiration)
        .map_err(|e| Failure::input("--token-expiration", e))?;
    emit(manifest.to_yaml(None).as_bytes(), args.out.as_deref())
}
