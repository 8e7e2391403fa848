//! `irsa lint`: the mistakes and risks that break or weaken IRSA trust policies, found in the
//! policy text.
//!
//! Every rule of the product contract, by its exact name and severity ([`Rule`]). A
//! [`Finding`] says which rule, where (statement index, Sid, line and column when the policy
//! came from text) and what to do about it.

pub(crate) mod checks;
mod report;

use std::fmt;

use crate::policy::PolicyDocument;
use crate::read::ReadPolicy;
use crate::{DEFAULT_TRUST_POLICY_QUOTA, Location};

pub use self::report::{FileFindings, to_json, to_sarif, to_text};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The policy does not work as meant, or trusts far more than meant.
    Error,
    /// A risk, or a likely mistake.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $severity:ident, $what:literal;)*) => {
        /// A lint rule of the product contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($(#[$doc])* $variant,)*
        }

        impl Rule {
            /// Every rule, in the contract's order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule's name, as scripts and configuration use it.
            pub fn name(self) -> &'static str {
                match self {
                    $(Rule::$variant => $name,)*
                }
            }

            /// The rule's severity.
            pub fn severity(self) -> Severity {
                match self {
                    $(Rule::$variant => Severity::$severity,)*
                }
            }

            /// What the rule finds, in one sentence.
            pub fn description(self) -> &'static str {
                match self {
                    $(Rule::$variant => $what,)*
                }
            }
        }
    };
}

rules! {
    /// An Allow for `sts:AssumeRoleWithWebIdentity` from an OIDC provider with no `:sub`
    /// condition.
    FederatedWithoutSub = "federated-without-sub", Error,
        "An Allow for sts:AssumeRoleWithWebIdentity from an OIDC provider with no :sub condition: any service account of that cluster can take the role.";
    /// A `*` or `?` in a StringEquals value.
    WildcardInStringEquals = "wildcard-in-string-equals", Error,
        "A * or ? in a StringEquals value: it is compared literally, so it never matches.";
    /// `:sub` under both StringEquals and StringLike in one statement.
    SplitSubjectOperators = "split-subject-operators", Error,
        "One statement has :sub under both StringEquals and StringLike: both must match, so the role is unusable.";
    /// A condition key prefix that is not the issuer of the statement's provider.
    ConditionKeyProviderMismatch = "condition-key-provider-mismatch", Error,
        "The condition key prefix is not the issuer of the statement's Federated provider (https:// in the key, the whole ARN as key, another cluster's ID, a trailing slash or case difference).";
    /// The policy's size as IAM counts it exceeds the quota.
    TrustPolicyTooLarge = "trust-policy-too-large", Error,
        "The policy's size as IAM counts it (characters, white space excluded) exceeds the role trust policy quota.";
    /// A `:sub` value that is not a legal Kubernetes service-account subject.
    InvalidSubject = "invalid-subject", Error,
        "A :sub value that is not system:serviceaccount:<namespace>:<name> with legal Kubernetes names.";
    /// Resource, NotResource or NotPrincipal in a trust policy; an invalid Version, Effect or Sid.
    ProhibitedElement = "prohibited-element", Error,
        "Resource, NotResource or NotPrincipal in a trust policy, or an invalid Version, Effect or Sid: IAM rejects the policy.";
    /// An `:aud` value that looks like a misspelling.
    AudienceTypo = "audience-typo", Warning,
        "An :aud value that looks like a misspelling of sts.amazonaws.com or amazonaws.com.";
    /// A subject that trusts a whole namespace or every namespace.
    BroadSubject = "broad-subject", Warning,
        "A subject that trusts a whole namespace or every namespace (ns:*, *:name, *).";
    /// The same subject listed twice for one provider.
    DuplicateSubject = "duplicate-subject", Warning,
        "The same subject listed twice for one provider.";
    /// A web-identity statement without `:aud`.
    MissingAudience = "missing-audience", Info,
        "A web-identity statement without an :aud condition.";
    /// Over 90% of the quota.
    NearQuota = "near-quota", Info,
        "The policy is over 90% of the role trust policy quota.";
    /// A Federated principal that is not a valid provider.
    InvalidProvider = "invalid-provider", Error,
        "A Federated principal that is not a valid OIDC provider ARN (a placeholder or wrong-length account, an unknown partition, a bare issuer): IAM refuses it.";
    /// An Allow whose actions its principal can never use.
    WrongActionForPrincipal = "wrong-action-for-principal", Error,
        "An Allow whose action its principal can never use: an OIDC provider without sts:AssumeRoleWithWebIdentity, a SAML provider without sts:AssumeRoleWithSAML, pods.eks.amazonaws.com without sts:TagSession.";
    /// `:aud` holding subjects, or `:sub` holding audiences.
    SwappedClaims = "swapped-claims", Error,
        "An :aud condition whose values are service-account subjects, or a :sub condition whose values are audiences: no token matches, so the role is unusable.";
    /// A policy document of the input that irsa could not read.
    UnreadablePolicy = "unreadable-policy", Error,
        "A policy document that irsa could not read (bad JSON, a Terraform expression it cannot evaluate): the other documents of the file are still linted.";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Rule {
    type Err = String;

    fn from_str(s: &str) -> Result<Rule, String> {
        Rule::ALL.iter().copied().find(|rule| rule.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
            format!("no lint rule `{s}` (rules: {})", names.join(", "))
        })
    }
}

/// One problem found in a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule that found it.
    pub rule: Rule,
    /// The statement's index, `None` for the whole policy.
    pub statement: Option<usize>,
    /// The statement's Sid.
    pub sid: Option<String>,
    /// Where the statement (or policy) starts in its text, when known.
    pub location: Option<Location>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Finding {
    /// The rule's severity.
    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }

    /// `statement 2 (Sid "Nodes")`, or `the policy`.
    pub fn subject(&self) -> String {
        match (self.statement, &self.sid) {
            (Some(index), Some(sid)) => format!("statement {index} (Sid {sid:?})"),
            (Some(index), None) => format!("statement {index}"),
            (None, _) => "the policy".to_owned(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}: {}", self.severity(), self.rule, self.subject(), self.message)
    }
}

/// How policies are checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintOptions {
    /// The role trust policy quota (2048, 4096 or 8192).
    pub quota: usize,
    /// Rules not to run.
    pub skip: Vec<Rule>,
}

impl Default for LintOptions {
    fn default() -> LintOptions {
        LintOptions { quota: DEFAULT_TRUST_POLICY_QUOTA, skip: Vec::new() }
    }
}

/// Every finding in a trust policy, by statement, then in the order of [`Rule::ALL`].
///
/// ```
/// use irsa_core::lint::{LintOptions, Rule, lint};
/// use irsa_core::policy::PolicyDocument;
///
/// let policy = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///   "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
///   "Action": "sts:AssumeRoleWithWebIdentity",
///   "Condition": {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:crossplane-system:provider-aws-*"}}}]}"#).unwrap();
/// let findings = lint(&policy, &LintOptions::default());
/// let rules: Vec<Rule> = findings.iter().map(|f| f.rule).collect();
/// assert_eq!(rules, [Rule::WildcardInStringEquals, Rule::MissingAudience]);
/// assert!(findings[0].message.contains("use StringLike"));
/// ```
pub fn lint(policy: &PolicyDocument, options: &LintOptions) -> Vec<Finding> {
    checks::check(policy, Some(options), &[])
}

/// The first error-level finding of every rule but the size rules, for policies whose size
/// was checked already ([`crate::TrustPolicy::check_size`]); `known` are the providers the
/// policy was built from (their ARNs are not parsed again).
pub(crate) fn first_error_but_size(policy: &PolicyDocument, known: &[&crate::OidcProvider]) -> Option<Finding> {
    checks::check(policy, None, known).into_iter().find(|f| f.severity() == Severity::Error)
}

/// Refuses a policy irsa is about to write when it has an error-level finding: `irsa policy`,
/// `migrate` and `generate` never emit one. The error lists every such finding.
///
/// ```
/// use irsa_core::lint::{LintOptions, refuse_errors};
/// use irsa_core::policy::PolicyDocument;
///
/// let open = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
///   "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},
///   "Action": "sts:AssumeRoleWithWebIdentity"}}"#).unwrap();
/// let error = refuse_errors(&open, &LintOptions::default()).unwrap_err();
/// assert!(error.rule().contains("error federated-without-sub: statement 0: "));
/// ```
pub fn refuse_errors(policy: &PolicyDocument, options: &LintOptions) -> Result<(), crate::Error> {
    let errors: Vec<String> =
        lint(policy, options).into_iter().filter(|f| f.severity() == Severity::Error).map(|f| f.to_string()).collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(crate::Error::new(
        crate::ErrorKind::Trust,
        "",
        format!(
            "irsa lint finds {} in the result, so it is not written:\n  {}",
            if errors.len() == 1 { "an error".to_owned() } else { format!("{} errors", errors.len()) },
            errors.join("\n  ")
        ),
    ))
}

/// The `unreadable-policy` finding for a document that could not be read: the error's words,
/// at its location.
///
/// ```
/// use irsa_core::lint::{Rule, unreadable};
/// use irsa_core::policy::PolicyDocument;
///
/// let error = PolicyDocument::from_json("[]").unwrap_err();
/// let finding = unreadable(&error);
/// assert_eq!(finding.rule, Rule::UnreadablePolicy);
/// assert!(finding.location.is_some());
/// ```
pub fn unreadable(error: &crate::Error) -> Finding {
    let message = if error.value().is_empty() {
        format!("irsa could not read this policy: {}", error.rule())
    } else {
        format!("irsa could not read this policy: `{}`: {}", error.value(), error.rule())
    };
    Finding { rule: Rule::UnreadablePolicy, statement: None, sid: None, location: error.location(), message }
}

/// Whether a policy is a trust policy: some statement has a `Principal` (or `NotPrincipal`).
/// A permission policy has none, and `lint` skips it.
///
/// ```
/// use irsa_core::lint::is_trust_policy;
/// use irsa_core::policy::PolicyDocument;
///
/// let permissions = PolicyDocument::from_json(r#"{"Statement": {"Effect": "Allow", "Action": "route53:*", "Resource": "*"}}"#).unwrap();
/// assert!(!is_trust_policy(&permissions));
/// ```
pub fn is_trust_policy(policy: &PolicyDocument) -> bool {
    policy.statements().iter().any(|s| s.principal.is_some() || s.not_principal.is_some())
}

/// [`lint`] of a policy read from text, with each finding's location.
pub fn lint_read(read: &ReadPolicy, options: &LintOptions) -> Vec<Finding> {
    let mut findings = lint(&read.document, options);
    for finding in &mut findings {
        finding.location = match finding.statement {
            Some(index) => read.statement_location(index),
            None => read.statement_location(0).map(|_| Location { line: 1, column: 1 }),
        };
    }
    findings
}

/// The findings of `findings` at `severity` or worse.
pub fn count_at_least(findings: &[Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity() <= severity).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{PolicyFormat, read_policy};

    /// Each rule's fixture in `examples/lint/` fires it, and its near miss does not.
    #[test]
    fn every_rule_fires_on_its_fixture_and_not_on_its_near_miss() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/lint");
        for rule in Rule::ALL.iter().filter(|rule| **rule != Rule::UnreadablePolicy) {
            for (suffix, fires) in [("", true), (".near-miss", false)] {
                let path = dir.join(format!("{}{suffix}.json", rule.name()));
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let read = read_policy(&text, PolicyFormat::Json, None).unwrap();
                let findings = lint_read(&read, &LintOptions::default());
                let fired = findings.iter().any(|f| f.rule == *rule);
                assert_eq!(fired, fires, "{}: {findings:#?}", path.display());
                if !fires {
                    // A near miss is clean of errors and warnings altogether.
                    assert_eq!(count_at_least(&findings, Severity::Warning), 0, "{}: {findings:#?}", path.display());
                }
                for finding in &findings {
                    assert!(finding.location.is_some(), "{}: {finding}", path.display());
                }
            }
        }
    }

    #[test]
    fn rule_names_are_the_contract_s() {
        let names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(
            names,
            [
                "federated-without-sub",
                "wildcard-in-string-equals",
                "split-subject-operators",
                "condition-key-provider-mismatch",
                "trust-policy-too-large",
                "invalid-subject",
                "prohibited-element",
                "audience-typo",
                "broad-subject",
                "duplicate-subject",
                "missing-audience",
                "near-quota",
                "invalid-provider",
                "wrong-action-for-principal",
                "swapped-claims",
                "unreadable-policy",
            ]
        );
        let severities: Vec<Severity> = Rule::ALL.iter().map(|r| r.severity()).collect();
        use Severity::{Error as E, Info as I, Warning as W};
        assert_eq!(severities, [E, E, E, E, E, E, E, W, W, W, I, I, E, E, E, E]);
        assert_eq!("near-quota".parse::<Rule>(), Ok(Rule::NearQuota));
        assert!("near_quota".parse::<Rule>().unwrap_err().contains("rules: federated-without-sub"));
    }
}
