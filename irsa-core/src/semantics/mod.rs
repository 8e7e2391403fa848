//! What a trust statement means, decided once.
//!
//! `lint`, `simulate`, `migrate`, `convert` and the Terraform reader all ask this module, so
//! they cannot disagree:
//! - [`Operator`]: a condition operator parsed (set qualifier, base operator, `IfExists`), and
//!   whether it holds for a request's values ([`Operator::holds`]);
//! - [`ClaimKey`]: the issuer and claim of a key like `oidc.eks.../id/ABC:sub`;
//! - [`FederatedId`]: each `Federated` principal, valid or not and why;
//! - [`action_cover`] and [`glob_match`]: the action match, with IAM's wildcards and case
//!   rules;
//! - [`version_problem`], [`effect_problem`], [`sid_problem`]: the element rules;
//! - [`StatementFacts`] and [`PolicyFacts`]: all of the above computed once per statement, and
//!   the evaluator of an `sts:AssumeRoleWithWebIdentity` request ([`PolicyFacts::decide`]).
//!
//! ```
//! use irsa_core::policy::PolicyDocument;
//! use irsa_core::semantics::{Decision, PolicyFacts, WebIdentityRequest};
//! use irsa_core::simulate::Claims;
//!
//! let policy = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!   "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
//!   "Action": "sts:AssumeRoleWithWebIdentity",
//!   "Condition": {"StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:apps:*"}}}]}"#).unwrap();
//! let facts = PolicyFacts::new(&policy, &[]);
//! let provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC".parse().unwrap();
//! let claims = |sub: &str| Claims { sub: Some(sub.into()), aud: vec!["sts.amazonaws.com".into()], ..Claims::default() };
//! let app = claims("system:serviceaccount:apps:web");
//! assert_eq!(facts.decide(&WebIdentityRequest { provider: &provider, claims: &app }), Decision::Allow);
//! let other = claims("system:serviceaccount:kube-system:web");
//! assert_eq!(facts.decide(&WebIdentityRequest { provider: &provider, claims: &other }), Decision::Deny);
//! ```

mod action;
mod condition;
mod elements;
mod operator;
mod principal;

use serde::Serialize;

pub use self::action::{ActionCover, action_cover, action_matches, glob_match};
pub use self::condition::{ClaimKey, KeyCondition};
pub use self::elements::{DUPLICATE_SID, effect_problem, sid_problem, version_problem};
pub use self::operator::{BaseOperator, Comparison, KeyValues, Operator, SetQualifier};
pub use self::principal::{BUILT_IN_WEB_IDENTITY, FederatedId, POD_IDENTITY_SERVICE, principal_ids, trusts_everyone};
use crate::OidcProvider;
use crate::policy::{Effect, PolicyDocument, Statement};
use crate::simulate::Claims;
use crate::trust::ASSUME_ROLE_WITH_WEB_IDENTITY;

/// True, false, or not known to irsa (an operator or key it does not evaluate, or a case
/// IAM's documentation does not decide): never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// irsa does not know: it never guesses.
    Unknown,
}

impl Truth {
    /// `True` or `False`.
    pub fn from(value: bool) -> Truth {
        if value { Truth::True } else { Truth::False }
    }

    /// Three-valued AND: false wins, then unknown.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
            _ => Truth::True,
        }
    }
}

/// The decision STS and IAM take on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The role can be assumed.
    Allow,
    /// It cannot: an explicit Deny, no Allow that applies, or STS rejects the token.
    Deny,
    /// irsa cannot tell: a condition IAM's documented rules do not decide (or irsa does not
    /// evaluate) could change the outcome. Never a guess.
    Undecided,
}

impl Decision {
    /// `allow`, `deny` or `undecided`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
            Decision::Undecided => "undecided",
        }
    }

    /// IAM's combination of statements' outcomes: an explicit Deny wins; then an Allow; no
    /// Allow is an implicit deny. A statement whose outcome is unknown makes the decision
    /// undecided only where it could change it. `statements` gives each statement's effect
    /// and whether it applies.
    ///
    /// ```
    /// use irsa_core::policy::Effect;
    /// use irsa_core::semantics::{Decision, Truth};
    ///
    /// let decide = |s: &[(Effect, Truth)]| Decision::combine(s.iter().map(|(e, t)| (e, *t)));
    /// assert_eq!(decide(&[(Effect::Allow, Truth::True), (Effect::Deny, Truth::False)]), Decision::Allow);
    /// assert_eq!(decide(&[(Effect::Allow, Truth::True), (Effect::Deny, Truth::Unknown)]), Decision::Undecided);
    /// assert_eq!(decide(&[(Effect::Allow, Truth::False), (Effect::Deny, Truth::Unknown)]), Decision::Deny);
    /// ```
    pub fn combine<'e>(statements: impl IntoIterator<Item = (&'e Effect, Truth)>) -> Decision {
        let (mut allow, mut maybe_allow, mut maybe_deny) = (false, false, false);
        for (effect, applies) in statements {
            match (effect, applies) {
                (Effect::Deny, Truth::True) => return Decision::Deny,
                (Effect::Deny, Truth::Unknown) => maybe_deny = true,
                (Effect::Allow, Truth::True) => allow = true,
                (Effect::Allow, Truth::Unknown) => maybe_allow = true,
                _ => {}
            }
        }
        match (allow, maybe_allow, maybe_deny) {
            (false, false, _) => Decision::Deny,
            (true, _, false) => Decision::Allow,
            _ => Decision::Undecided,
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `sts:AssumeRoleWithWebIdentity` request as IAM sees it once STS has accepted the token:
/// the provider it came through and the token's claims.
#[derive(Debug, Clone, Copy)]
pub struct WebIdentityRequest<'r> {
    /// The IAM OIDC provider.
    pub provider: &'r OidcProvider,
    /// The token's claims.
    pub claims: &'r Claims,
}

impl<'r> WebIdentityRequest<'r> {
    /// The values the request has for a condition key: STS sets `<issuer>:sub`, `:aud`, `:amr`
    /// and `:azp` from the token (key names compared ignoring case); a claim key of another
    /// issuer is absent; any other key is unknown to irsa.
    pub fn key_values(&self, key: &str) -> KeyValues<'r> {
        let Some(claim) = ClaimKey::parse(key) else { return KeyValues::Unknown };
        if !claim.prefix.eq_ignore_ascii_case(self.provider.issuer()) {
            return KeyValues::Absent;
        }
        let values = match claim.claim {
            "sub" => self.claims.sub.as_slice(),
            "aud" => &self.claims.aud,
            "amr" => &self.claims.amr,
            _ => self.claims.azp.as_slice(),
        };
        if values.is_empty() { KeyValues::Absent } else { KeyValues::Present(values) }
    }
}

/// What one statement says, computed once: its principals classified, its conditions
/// parsed, whether it covers `sts:AssumeRoleWithWebIdentity`.
#[derive(Debug, Clone)]
pub struct StatementFacts<'s> {
    /// The statement's index in its policy.
    pub index: usize,
    /// The statement.
    pub statement: &'s Statement,
    /// Each `Federated` ID, classified.
    pub federated: Vec<FederatedId<'s>>,
    /// Each condition key, under its operator.
    pub conditions: Vec<KeyCondition<'s>>,
    /// How its actions decide `sts:AssumeRoleWithWebIdentity`.
    pub web_identity: ActionCover<'s>,
}

impl<'s> StatementFacts<'s> {
    /// The facts of `statement`, the `index`th of its policy; providers of `known` are not
    /// parsed again; `variables`: whether `${...}` in values is a policy variable (a
    /// `2012-10-17` policy).
    pub fn new(index: usize, statement: &'s Statement, known: &[&OidcProvider], variables: bool) -> StatementFacts<'s> {
        StatementFacts {
            index,
            statement,
            federated: principal_ids(statement, "Federated").map(|id| FederatedId::classify(id, known)).collect(),
            conditions: KeyCondition::all_of(statement, variables),
            web_identity: action_cover(statement, ASSUME_ROLE_WITH_WEB_IDENTITY),
        }
    }

    /// The valid OIDC providers of its `Federated` principal, with their ARNs as written.
    pub fn oidc_providers(&self) -> impl Iterator<Item = (&'s str, &OidcProvider)> {
        self.federated.iter().filter_map(|f| match f {
            FederatedId::Oidc { id, provider } => Some((*id, provider)),
            _ => None,
        })
    }

    /// Whether it is an Allow of `sts:AssumeRoleWithWebIdentity` from what names (or seems
    /// meant to name) an OIDC provider: the statements the IRSA rules are about.
    pub fn is_web_identity_allow(&self) -> bool {
        self.statement.effect == Effect::Allow
            && self.web_identity.covers()
            && self.federated.iter().any(FederatedId::is_oidc)
    }

    /// The conditions on a claim (`"sub"`, `"aud"`), whatever the key's prefix.
    pub fn claim_conditions<'a>(&'a self, claim: &'a str) -> impl Iterator<Item = &'a KeyCondition<'s>> {
        self.conditions.iter().filter(move |c| c.is_claim(claim))
    }

    /// Whether the principal matches a request through `provider`: `Federated` is its ARN
    /// (compared exactly), or the principal is everyone. `NotPrincipal` (refused in trust
    /// policies) matches every principal it does not list.
    pub fn principal_matches(&self, provider: &OidcProvider) -> bool {
        let listed = |ids: Option<&crate::policy::Principal>| match ids {
            Some(crate::policy::Principal::Everyone) => true,
            Some(crate::policy::Principal::Typed(map)) => {
                map.get("AWS").is_some_and(|ids| ids.iter().any(|id| id == "*"))
                    || map.get("Federated").is_some_and(|ids| ids.iter().any(|id| provider.has_arn(id)))
            }
            None => false,
        };
        match (&self.statement.principal, &self.statement.not_principal) {
            (Some(principal), _) => listed(Some(principal)),
            (None, Some(not_principal)) => !listed(Some(not_principal)),
            (None, None) => false,
        }
    }

    /// Whether the statement applies to the request: principal, action and every condition.
    pub fn applies(&self, request: &WebIdentityRequest<'_>) -> Truth {
        if !self.web_identity.covers() || !self.principal_matches(request.provider) {
            return Truth::False;
        }
        self.conditions_hold(|condition| request.key_values(condition.key))
    }

    /// Whether every condition holds when each key has the values `values` gives it.
    pub fn conditions_hold<'r>(&self, mut values: impl FnMut(&KeyCondition<'s>) -> KeyValues<'r>) -> Truth {
        let mut truth = Truth::True;
        for condition in &self.conditions {
            truth = truth.and(condition.holds(values(condition)));
            if truth == Truth::False {
                break;
            }
        }
        truth
    }
}

/// Every statement's facts.
#[derive(Debug, Clone)]
pub struct PolicyFacts<'p> {
    /// The policy.
    pub policy: &'p PolicyDocument,
    /// Its statements' facts, in order.
    pub statements: Vec<StatementFacts<'p>>,
}

impl<'p> PolicyFacts<'p> {
    /// The facts of every statement of `policy`; providers of `known` are not parsed again.
    pub fn new(policy: &'p PolicyDocument, known: &[&OidcProvider]) -> PolicyFacts<'p> {
        // Policy variables are text in a 2008-10-17 policy, and in one without a Version.
        let variables = policy.version == Some(crate::policy::Version::V2012_10_17);
        let statements =
            policy.statements().iter().enumerate().map(|(i, s)| StatementFacts::new(i, s, known, variables)).collect();
        PolicyFacts { policy, statements }
    }

    /// IAM's decision on a web-identity request (the trust policy alone: what STS checks of
    /// the token itself is [`crate::simulate::simulate`]'s).
    pub fn decide(&self, request: &WebIdentityRequest<'_>) -> Decision {
        Decision::combine(self.statements.iter().map(|s| (&s.statement.effect, s.applies(request))))
    }
}
