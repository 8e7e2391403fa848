//! Condition keys: which claim of which issuer a key names, and a statement's conditions key
//! by key.

use std::borrow::Cow;

use super::operator::Operator;
use crate::policy::{ConditionValue, Statement};

/// Claims whose condition keys are `<issuer>:<claim>`.
const CLAIMS: &[&str] = &["sub", "aud", "amr", "azp"];

/// A condition key of an OIDC claim, `<issuer host[/path]>:<claim>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimKey<'s> {
    /// Everything before the last `:`, as written (the issuer, when it is right).
    pub prefix: &'s str,
    /// The claim, spelled as IAM does (`sub`, `aud`, `amr`, `azp`).
    pub claim: &'static str,
}

impl<'s> ClaimKey<'s> {
    /// Splits a condition key of an OIDC claim (`sub`, `aud`, `amr`, `azp`, in any case: IAM
    /// compares key names ignoring case); `None` for other keys (`aws:` and service keys such
    /// as `sts:ExternalId` have no `.` or `/` in their prefix).
    ///
    /// ```
    /// use irsa_core::semantics::ClaimKey;
    ///
    /// let key = ClaimKey::parse("oidc.eks.eu-west-1.amazonaws.com/id/ABC:SUB").unwrap();
    /// assert_eq!((key.prefix, key.claim), ("oidc.eks.eu-west-1.amazonaws.com/id/ABC", "sub"));
    /// assert_eq!(ClaimKey::parse("aws:PrincipalTag/sub"), None);
    /// ```
    pub fn parse(key: &'s str) -> Option<ClaimKey<'s>> {
        let (prefix, claim) = key.rsplit_once(':')?;
        let claim = CLAIMS.iter().find(|c| c.eq_ignore_ascii_case(claim))?;
        (prefix.contains('.') || prefix.contains('/')).then_some(ClaimKey { prefix, claim })
    }
}

/// One condition key of a statement under one operator, with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCondition<'s> {
    /// The operator, parsed.
    pub operator: Operator<'s>,
    /// The key as written.
    pub key: &'s str,
    /// The claim the key names, for `<issuer>:<claim>` keys.
    pub claim: Option<ClaimKey<'s>>,
    /// The values, as IAM compares them (numbers and booleans as their text).
    pub values: Vec<Cow<'s, str>>,
}

impl<'s> KeyCondition<'s> {
    /// Every condition key of `statement`, in the order written.
    pub fn all_of(statement: &'s Statement) -> Vec<KeyCondition<'s>> {
        let mut out = Vec::new();
        for (operator, keys) in statement.condition.iter().flat_map(|c| c.iter()) {
            let operator = Operator::parse(operator);
            for (key, values) in keys.iter() {
                out.push(KeyCondition {
                    operator,
                    key,
                    claim: ClaimKey::parse(key),
                    values: values
                        .iter()
                        .map(|v| match v {
                            ConditionValue::String(s) => Cow::Borrowed(s.as_str()),
                            other => Cow::Owned(other.to_iam_string()),
                        })
                        .collect(),
                });
            }
        }
        out
    }

    /// Whether the key names `claim` (`"sub"`, `"aud"`, ...), whatever its prefix.
    pub fn is_claim(&self, claim: &str) -> bool {
        self.claim.is_some_and(|c| c.claim == claim)
    }
}
