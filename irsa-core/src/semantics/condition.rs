//! Condition keys: which claim of which issuer a key names, and a statement's conditions key
//! by key.

use std::borrow::Cow;

use super::Truth;
use super::operator::{Comparison, KeyValues, Operator};
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
    /// The values, as IAM compares them (numbers and booleans as their text; under
    /// `2012-10-17`, `${*}`, `${?}` and `${$}` of an exact comparison replaced by the character
    /// they stand for).
    pub values: Vec<Cow<'s, str>>,
    /// Whether a value holds a policy variable (`${aws:username}`, under `2012-10-17`), which
    /// IAM replaces from the request and irsa does not evaluate: the condition is unknown.
    pub has_variable: bool,
}

impl<'s> KeyCondition<'s> {
    /// Every condition key of `statement`, in the order written; `variables` says whether
    /// `${...}` in values is a policy variable (a `2012-10-17` policy) or text.
    pub fn all_of(statement: &'s Statement, variables: bool) -> Vec<KeyCondition<'s>> {
        let mut out = Vec::new();
        for (operator, keys) in statement.condition.iter().flat_map(|c| c.iter()) {
            let operator = Operator::parse(operator);
            let exact = matches!(operator.comparison(), Some(Comparison::Equals | Comparison::EqualsIgnoreCase));
            for (key, values) in keys.iter() {
                let mut has_variable = false;
                let values = values
                    .iter()
                    .map(|v| {
                        let text = match v {
                            ConditionValue::String(s) => Cow::Borrowed(s.as_str()),
                            other => Cow::Owned(other.to_iam_string()),
                        };
                        if !variables || !text.contains("${") {
                            return text;
                        }
                        let escaped = text.replace("${*}", "*").replace("${?}", "?").replace("${$}", "$");
                        // The escapes stand for literal characters, which an exact comparison
                        // can take as they are; a StringLike pattern cannot (its `*` would be a
                        // wildcard), and any other variable comes from the request.
                        if exact && !text.replace("${*}", "").replace("${?}", "").replace("${$}", "").contains("${") {
                            Cow::Owned(escaped)
                        } else {
                            has_variable = true;
                            text
                        }
                    })
                    .collect();
                out.push(KeyCondition { operator, key, claim: ClaimKey::parse(key), values, has_variable });
            }
        }
        out
    }

    /// Whether the condition holds for a key with `request` values ([`Operator::holds`]);
    /// unknown when a value holds a policy variable.
    pub fn holds(&self, request: KeyValues<'_>) -> Truth {
        if self.has_variable {
            return match self.operator.holds(&self.values, request) {
                // A Null check or a missing key decides without the values.
                Truth::False if matches!(request, KeyValues::Absent) => Truth::False,
                Truth::True if matches!(request, KeyValues::Absent) => Truth::True,
                _ => Truth::Unknown,
            };
        }
        self.operator.holds(&self.values, request)
    }

    /// Whether the key names `claim` (`"sub"`, `"aud"`, ...), whatever its prefix.
    pub fn is_claim(&self, claim: &str) -> bool {
        self.claim.is_some_and(|c| c.claim == claim)
    }
}
