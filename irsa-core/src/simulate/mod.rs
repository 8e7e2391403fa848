//! `irsa simulate`: would STS allow `sts:AssumeRoleWithWebIdentity` for this token, and why?
//!
//! The evaluation follows IAM's documented rules: an explicit Deny wins; an Allow needs a
//! principal that matches (`"*"`, `{"AWS": "*"}`, or `Federated` equal to the provider ARN), an
//! action that covers `sts:AssumeRoleWithWebIdentity` (case-insensitive, `*` and `?`), and every
//! condition: operators ANDed, keys ANDed, values ORed (NORed for negations); key names compared
//! ignoring case, values case-sensitively but for the IgnoreCase operators; a missing key makes a
//! positive operator false and a negated one true (`...IfExists` true, `Null` as asked). An
//! operator or key irsa does not know is reported as unknown, never guessed.

mod eval;
mod jwt;

use std::fmt::Write as _;

use serde::Serialize;

pub use self::eval::{Check, ConditionCheck, StatementCheck};
pub use self::jwt::{Claims, DecodedToken, decode_token};
use crate::OidcProvider;
use crate::error::{Error, ErrorKind};
use crate::policy::PolicyDocument;
pub use crate::semantics::{Decision, Truth};
use crate::semantics::{PolicyFacts, WebIdentityRequest};

/// An `sts:AssumeRoleWithWebIdentity` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The IAM OIDC provider the token is presented through.
    pub provider: OidcProvider,
    /// The token's claims.
    pub claims: Claims,
    /// The provider's client IDs (audiences), when known: STS requires `aud` to be one.
    pub client_ids: Vec<String>,
    /// The time to check `exp` against, in seconds since the epoch (`None`: not checked).
    pub now: Option<i64>,
    /// Whether the claims came from a token (whose signature irsa does not verify).
    pub from_token: bool,
}

/// The outcome of a simulation, statement by statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Simulation {
    /// `allow`, `deny` or `undecided`.
    pub decision: Decision,
    /// `false` when the decision is `undecided`: a condition that IAM's documented rules do
    /// not decide, or that irsa does not evaluate, could change it.
    pub decided: bool,
    /// Why, in one sentence: when STS rejects the token, its reason comes first.
    pub reason: String,
    /// The provider ARN of the request.
    pub provider: String,
    /// The claims evaluated.
    pub sub: Option<String>,
    /// The token's audiences.
    pub aud: Vec<String>,
    /// Whether a token's signature was verified: never (irsa reads the claims only).
    pub signature_verified: bool,
    /// What STS checks before it reads the policy, and found wrong: any of these makes the
    /// decision `deny`, whatever the policy says.
    pub sts_checks: Vec<String>,
    /// Every statement, matched or not.
    pub statements: Vec<StatementCheck>,
}

/// Evaluates `policy` for `request`.
///
/// ```
/// use irsa_core::policy::PolicyDocument;
/// use irsa_core::simulate::{Claims, Decision, Request, simulate};
///
/// let policy = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///   "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
///   "Action": "sts:AssumeRoleWithWebIdentity",
///   "Condition": {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:default:app"}}}]}"#).unwrap();
/// let request = |sub: &str| Request {
///     provider: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC".parse().unwrap(),
///     claims: Claims { sub: Some(sub.into()), aud: vec!["sts.amazonaws.com".into()], ..Claims::default() },
///     client_ids: vec![],
///     now: None,
///     from_token: false,
/// };
/// assert_eq!(simulate(&policy, &request("system:serviceaccount:default:app")).decision, Decision::Allow);
/// let denied = simulate(&policy, &request("system:serviceaccount:Default:app"));
/// assert_eq!(denied.decision, Decision::Deny);
/// assert!(denied.statements[0].conditions[0].near_misses[0].contains("only in case"));
/// ```
pub fn simulate(policy: &PolicyDocument, request: &Request) -> Simulation {
    let facts = PolicyFacts::new(policy, &[]);
    let web_identity = WebIdentityRequest { provider: &request.provider, claims: &request.claims };
    let statements = eval::check_statements(&facts, &web_identity);
    let policy_decision = facts.decide(&web_identity);
    let sts_checks = sts_checks(request);
    let (decision, reason) = match sts_checks.first() {
        Some(rejection) => (
            Decision::Deny,
            format!(
                "{rejection}; the trust policy alone would say {policy_decision} ({})",
                eval::reason(policy_decision, &statements)
            ),
        ),
        None => (policy_decision, eval::reason(policy_decision, &statements)),
    };
    Simulation {
        decision,
        decided: decision != Decision::Undecided,
        reason,
        provider: request.provider.arn(),
        sub: request.claims.sub.clone(),
        aud: request.claims.aud.clone(),
        signature_verified: false,
        sts_checks,
        statements,
    }
}

/// What STS rejects before it reads the trust policy.
fn sts_checks(request: &Request) -> Vec<String> {
    let mut advice = Vec::new();
    let claims = &request.claims;
    let issuer = request.provider.issuer();
    if let Some(iss) = &claims.iss {
        let host_path = iss.strip_prefix("https://").unwrap_or(iss);
        if host_path != issuer {
            advice.push(format!(
                "the token's iss `{iss}` is not the provider's issuer `https://{issuer}`: STS rejects the token (InvalidIdentityToken) before it reads the policy"
            ));
        }
    }
    // Claims given one by one (not a token) with no audience leave `aud` out of the question:
    // their `:aud` conditions see a missing key.
    if claims.aud.is_empty() && request.from_token {
        advice.push(
            "the token has no aud: STS rejects it (InvalidIdentityToken: Missing a required claim: aud) before it reads the policy".to_owned(),
        );
    } else if !request.client_ids.is_empty() && !claims.aud.iter().any(|a| request.client_ids.contains(a)) {
        advice.push(format!(
            "no audience of the token ({}) is a client ID of the provider ({}): STS rejects it (InvalidIdentityToken: Incorrect token audience) before it reads the policy",
            claims.aud.join(", "),
            request.client_ids.join(", ")
        ));
    }
    if let (Some(exp), Some(now)) = (claims.exp, request.now) {
        if exp <= now {
            advice.push(format!(
                "the token expired {} seconds before the time checked (exp {exp}, now {now}): STS rejects it (ExpiredTokenException) before it reads the policy",
                now - exp
            ));
        }
    }
    advice
}

/// The provider of a request: the policy's only OIDC provider, or, when it has several, the
/// one whose issuer is `iss` (without `https://`).
///
/// ```
/// use irsa_core::policy::PolicyDocument;
/// use irsa_core::simulate::provider_for;
///
/// let policy = PolicyDocument::from_json(r#"{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
///   "Principal": {"Federated": "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"}}}"#).unwrap();
/// let provider = provider_for(&policy, Some("https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC")).unwrap();
/// assert_eq!(provider.arn(), "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC");
/// // Another cluster's token: through the policy's only provider (STS then rejects its iss).
/// assert_eq!(provider_for(&policy, Some("https://other.example.com")).unwrap(), provider);
/// assert!(provider_for(&policy, None).is_ok());
/// ```
pub fn provider_for(policy: &PolicyDocument, iss: Option<&str>) -> Result<OidcProvider, Error> {
    let mut providers: Vec<OidcProvider> = Vec::new();
    let facts = PolicyFacts::new(policy, &[]);
    for (_, provider) in facts.statements.iter().flat_map(|statement| statement.oidc_providers()) {
        if !providers.contains(provider) {
            providers.push(provider.clone());
        }
    }
    let listed = || {
        let arns: Vec<String> = providers.iter().map(OidcProvider::arn).collect();
        if arns.is_empty() { "none".to_owned() } else { arns.join(", ") }
    };
    match iss {
        Some(iss) => {
            let host_path = iss.strip_prefix("https://").unwrap_or(iss);
            // A token of another cluster against a role of one: the request goes through that
            // provider, and STS rejects the token for its iss (a deny, not a usage error).
            if let [only] = providers.as_slice() {
                return Ok(only.clone());
            }
            providers.iter().find(|p| p.issuer() == host_path).cloned().ok_or_else(|| {
                Error::new(
                    ErrorKind::Simulation,
                    iss,
                    format!(
                        "no Federated provider of the policy has this issuer (the policy trusts: {}); name the provider of the request",
                        listed()
                    ),
                )
                .with_remedy(crate::Remedy::NameProvider)
            })
        }
        None => match providers.as_slice() {
            [only] => Ok(only.clone()),
            _ => Err(Error::new(
                ErrorKind::Simulation,
                "",
                format!(
                    "without a token's iss, the provider is the policy's only OIDC provider, and it has {} (trusts: {}); name the provider of the request",
                    providers.len(),
                    listed()
                ),
            )
            .with_remedy(crate::Remedy::NameProvider)),
        },
    }
}

fn truth_word(truth: Truth) -> &'static str {
    match truth {
        Truth::True => "yes",
        Truth::False => "no",
        Truth::Unknown => "unknown",
    }
}

impl Simulation {
    /// The simulation for people: the decision first, then every statement and condition.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}: {}", self.decision, self.reason);
        let sub = self.sub.as_deref().map_or("no sub".to_owned(), |s| format!("sub `{s}`"));
        let aud = if self.aud.is_empty() { "no aud".to_owned() } else { format!("aud `{}`", self.aud.join("`, `")) };
        let _ = writeln!(out, "  request: sts:AssumeRoleWithWebIdentity through {} with {sub}, {aud}", self.provider);
        for advice in &self.sts_checks {
            let _ = writeln!(out, "  STS: {advice}");
        }
        for statement in &self.statements {
            let sid = statement.sid.as_ref().map(|s| format!(" (Sid {s:?})")).unwrap_or_default();
            let applies = match statement.applies {
                Truth::True => "applies",
                Truth::False => "does not apply",
                Truth::Unknown => "undecided",
            };
            let _ = writeln!(out, "\nstatement {}{sid}, {}: {applies}", statement.index, statement.effect);
            let _ =
                writeln!(out, "  principal: {} ({})", truth_word(statement.principal.holds), statement.principal.why);
            let _ = writeln!(out, "  action: {} ({})", truth_word(statement.action.holds), statement.action.why);
            for condition in &statement.conditions {
                let _ = writeln!(
                    out,
                    "  {} `{}` {:?}: {} ({})",
                    condition.operator,
                    condition.key,
                    condition.values,
                    truth_word(condition.holds),
                    condition.why
                );
                for miss in &condition.near_misses {
                    let _ = writeln!(out, "    near miss: {miss}");
                }
            }
        }
        out
    }

    /// The simulation as JSON: `{"decision": "allow"|"deny"|"undecided", "decided", "reason", "provider",
    /// "sub", "aud", "signature_verified", "sts_checks", "statements": [...]}`.
    pub fn to_json(&self) -> String {
        #[allow(clippy::expect_used)]
        serde_json::to_string_pretty(self).expect("a simulation always serializes")
    }
}
