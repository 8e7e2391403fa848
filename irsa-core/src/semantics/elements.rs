//! The rules IAM (and the AWS provider) apply to a policy's `Version`, and to each
//! statement's `Effect` and `Sid`: lint reports them, `convert` and the Terraform reader refuse
//! them, all with these words.

use crate::policy::{Effect, Version};

/// Why a `Version` is refused, or `None` when IAM accepts it.
///
/// ```
/// use irsa_core::policy::Version;
/// use irsa_core::semantics::version_problem;
///
/// assert_eq!(version_problem(&Version::V2012_10_17), None);
/// assert!(version_problem(&Version::from("2012-10-18")).unwrap().contains("2012-10-17"));
/// ```
pub fn version_problem(version: &Version) -> Option<&'static str> {
    match version {
        Version::Other(_) => {
            Some("IAM and the AWS provider accept the Version \"2012-10-17\" (or the old \"2008-10-17\")")
        }
        _ => None,
    }
}

/// Why an `Effect` is refused, or `None` when IAM accepts it.
pub fn effect_problem(effect: &Effect) -> Option<&'static str> {
    match effect {
        Effect::Other(_) => Some("the Effect is \"Allow\" or \"Deny\" (case-sensitive)"),
        _ => None,
    }
}

/// Why a `Sid` is refused, or `None` when IAM accepts it (letters and digits only, which the
/// AWS provider enforces too; an empty Sid is no Sid).
///
/// ```
/// use irsa_core::semantics::sid_problem;
///
/// assert_eq!(sid_problem("AllowNodes2"), None);
/// assert!(sid_problem("allow-nodes").is_some());
/// ```
pub fn sid_problem(sid: &str) -> Option<&'static str> {
    (!sid.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some("a Sid has only letters and digits (IAM's rule, which the AWS provider enforces)")
}

/// The rule a Sid given twice breaks.
pub const DUPLICATE_SID: &str = "Sids are unique within a policy (IAM's rule, which the AWS provider enforces)";
