//! The trust builder: OIDC providers, service accounts and legacy principals in, an IAM trust
//! policy of the contract's shape out.
//!
//! - Legacy principals: one `sts:AssumeRole` statement for the AWS and Service principals,
//!   grouped by type; SAML providers get their own `sts:AssumeRoleWithSAML` statement (an
//!   `sts:AssumeRole` statement can never match them).
//! - Each provider: one `sts:AssumeRoleWithWebIdentity` statement from `{"Federated": ARN}`,
//!   with `<issuer>:sub` under `StringEquals`, or under `StringLike` for all subjects when any
//!   has a wildcard (two operators are ANDed, so subjects never split across them), and
//!   `<issuer>:aud` under `StringEquals` when an audience applies.

use std::collections::BTreeMap;

use crate::audience::Audience;
use crate::error::{Error, ErrorKind};
use crate::policy::writer::JsonWriter;
use crate::policy::{Condition, ConditionValue, Effect, Map, OneOrMany, PolicyDocument, Principal, Statement};
use crate::principal::{LegacyPrincipal, PrincipalType};
use crate::provider::OidcProvider;
use crate::subject::{SUBJECT_PREFIX, ServiceAccount};

/// The action of a web-identity statement.
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
/// The action of the legacy statement.
pub const ASSUME_ROLE: &str = "sts:AssumeRole";
/// The action that lets a session carry tags.
pub const TAG_SESSION: &str = "sts:TagSession";
/// The action of a SAML provider's statement.
pub const ASSUME_ROLE_WITH_SAML: &str = "sts:AssumeRoleWithSAML";

/// IAM's default quota for a role's trust policy, in characters without white space.
pub const DEFAULT_TRUST_POLICY_QUOTA: usize = 2048;

/// The quotas a role's trust policy can have: the default, and the raised values.
pub const TRUST_POLICY_QUOTAS: [usize; 3] = [2048, 4096, 8192];

/// Everything one role trusts; [`TrustPolicy::build`] turns it into a policy document.
///
/// ```
/// use irsa_core::{Audience, TrustPolicy};
///
/// let policy = TrustPolicy::new()
///     .provider(
///         "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com".parse().unwrap(),
///         Audience::Auto,
///     )
///     .subject("kube-system:external-dns".parse().unwrap())
///     .legacy_principal("AWS=arn:aws:iam::123456789012:role/nodes.beta.hdo.ee".parse().unwrap())
///     .build()
///     .unwrap();
///
/// let json = policy.to_json_compact();
/// assert!(json.contains(r#""Action":"sts:AssumeRole"}"#));
/// assert!(json.contains(
///     r#""StringEquals":{"hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:sub":"system:serviceaccount:kube-system:external-dns"}"#
/// ));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustPolicy {
    providers: Vec<(OidcProvider, Audience)>,
    subjects: Vec<ServiceAccount>,
    legacy: Vec<LegacyPrincipal>,
    tag_session: bool,
    allow_broad_subjects: bool,
}

impl TrustPolicy {
    /// Nothing trusted yet.
    pub fn new() -> TrustPolicy {
        TrustPolicy::default()
    }

    /// Trusts the service accounts through this provider, with this audience: one
    /// web-identity statement.
    #[must_use]
    pub fn provider(mut self, provider: OidcProvider, audience: Audience) -> TrustPolicy {
        self.providers.push((provider, audience));
        self
    }

    /// Trusts this service account through every provider (a duplicate is kept once).
    #[must_use]
    pub fn subject(mut self, subject: ServiceAccount) -> TrustPolicy {
        if !self.subjects.contains(&subject) {
            self.subjects.push(subject);
        }
        self
    }

    /// Trusts each of these service accounts through every provider.
    #[must_use]
    pub fn subjects(self, subjects: impl IntoIterator<Item = ServiceAccount>) -> TrustPolicy {
        subjects.into_iter().fold(self, TrustPolicy::subject)
    }

    /// Keeps this principal's `sts:AssumeRole` trust (a duplicate is kept once).
    #[must_use]
    pub fn legacy_principal(mut self, principal: LegacyPrincipal) -> TrustPolicy {
        if !self.legacy.contains(&principal) {
            self.legacy.push(principal);
        }
        self
    }

    /// Adds `sts:TagSession` to the web-identity statements' actions.
    #[must_use]
    pub fn tag_session(mut self, yes: bool) -> TrustPolicy {
        self.tag_session = yes;
        self
    }

    /// Accepts subjects that trust a whole namespace or every namespace (`ns:*`, `*:name`,
    /// `*:*`); without it they are an error.
    #[must_use]
    pub fn allow_broad_subjects(mut self, yes: bool) -> TrustPolicy {
        self.allow_broad_subjects = yes;
        self
    }

    /// The providers and their audiences, in order.
    pub fn providers(&self) -> &[(OidcProvider, Audience)] {
        &self.providers
    }

    /// The trusted service accounts, in order, without duplicates.
    pub fn service_accounts(&self) -> &[ServiceAccount] {
        &self.subjects
    }

    /// The principals that keep `sts:AssumeRole`, in order, without duplicates.
    pub fn legacy_principals(&self) -> &[LegacyPrincipal] {
        &self.legacy
    }

    /// Whether `sts:TagSession` is added to the web-identity statements.
    pub fn tags_session(&self) -> bool {
        self.tag_session
    }

    /// The trust policy document.
    ///
    /// Fails when nothing is trusted, when providers have no subjects (every service account
    /// of the cluster could take the role) or subjects no provider, when a provider is given
    /// twice, and on a broad subject that was not allowed.
    pub fn build(&self) -> Result<PolicyDocument, Error> {
        self.check()?;
        let mut statements = Vec::with_capacity(self.providers.len() + 1);
        if self.legacy.iter().any(|p| p.principal_type() != PrincipalType::Federated) {
            statements.push(self.legacy_statement());
        }
        if self.legacy.iter().any(|p| p.principal_type() == PrincipalType::Federated) {
            statements.push(self.saml_statement());
        }
        let subjects: Vec<ConditionValue> = self.subjects.iter().map(|s| ConditionValue::String(s.subject())).collect();
        let sub_operator = self.sub_operator();
        for (provider, audience) in &self.providers {
            statements.push(self.web_identity_statement(provider, audience, sub_operator, &subjects));
        }
        Ok(PolicyDocument::new(statements))
    }

    /// The trust policy's JSON, written straight from the inputs: the same bytes as
    /// `self.build()?.to_json_pretty()` (or `to_json_compact()`), without building the policy
    /// model, for rendering many roles fast.
    ///
    /// ```
    /// use irsa_core::{Audience, TrustPolicy};
    ///
    /// let trust = TrustPolicy::new()
    ///     .provider("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC".parse().unwrap(), Audience::Auto)
    ///     .subject("default:app".parse().unwrap());
    /// assert_eq!(trust.to_json(true).unwrap(), trust.build().unwrap().to_json_pretty());
    /// assert_eq!(trust.to_json(false).unwrap(), trust.build().unwrap().to_json_compact());
    /// ```
    pub fn to_json(&self, pretty: bool) -> Result<String, Error> {
        self.check()?;
        let mut w = JsonWriter::new(pretty, 512 + 256 * self.providers.len() * (1 + self.subjects.len()));
        w.begin_object();
        w.key_static("Version");
        w.string_static("2012-10-17");
        w.key_static("Statement");
        w.begin_array();
        for (kinds, action) in [
            (&[PrincipalType::Aws, PrincipalType::Service][..], ASSUME_ROLE),
            (&[PrincipalType::Federated][..], ASSUME_ROLE_WITH_SAML),
        ] {
            if !self.legacy.iter().any(|p| kinds.contains(&p.principal_type())) {
                continue;
            }
            w.array_object();
            w.key_static("Effect");
            w.string_static("Allow");
            w.key_static("Principal");
            w.begin_object();
            for kind in kinds {
                let ids: Vec<&str> =
                    self.legacy.iter().filter(|p| p.principal_type() == *kind).map(LegacyPrincipal::id).collect();
                if !ids.is_empty() {
                    w.key_static(kind.as_str());
                    w.one_or_many(ids.into_iter());
                }
            }
            w.end_object();
            w.key_static("Action");
            w.string_static(action);
            w.end_object();
        }
        let sub_operator = self.sub_operator();
        // Issuers, accounts and service accounts are validated on construction: none holds a
        // character that JSON escapes, so they are written as they are.
        let subjects = || self.subjects.iter().map(ServiceAccount::as_str);
        for (provider, audience) in &self.providers {
            let audiences = audience.values(provider);
            let issuer = provider.issuer();
            w.array_object();
            w.key_static("Effect");
            w.string_static("Allow");
            w.key_static("Principal");
            w.begin_object();
            w.key_static("Federated");
            w.string_parts_unescaped(&[
                "arn:",
                provider.partition().name(),
                ":iam::",
                provider.account().as_str(),
                ":oidc-provider/",
                issuer,
            ]);
            w.end_object();
            w.key_static("Action");
            if self.tag_session {
                w.one_or_many([ASSUME_ROLE_WITH_WEB_IDENTITY, TAG_SESSION].into_iter());
            } else {
                w.string_static(ASSUME_ROLE_WITH_WEB_IDENTITY);
            }
            w.key_static("Condition");
            w.begin_object();
            let mut sub_written = false;
            if !audiences.is_empty() {
                w.key_static("StringEquals");
                w.begin_object();
                w.key_parts_unescaped(&[issuer, ":aud"]);
                w.one_or_many(audiences.iter());
                if sub_operator == "StringEquals" {
                    w.key_parts_unescaped(&[issuer, ":sub"]);
                    w.one_or_many_prefixed_unescaped(SUBJECT_PREFIX, subjects());
                    sub_written = true;
                }
                w.end_object();
            }
            if !sub_written {
                w.key_static(sub_operator);
                w.begin_object();
                w.key_parts_unescaped(&[issuer, ":sub"]);
                w.one_or_many_prefixed_unescaped(SUBJECT_PREFIX, subjects());
                w.end_object();
            }
            w.end_object();
            w.end_object();
        }
        w.end_array();
        w.end_object();
        Ok(w.finish())
    }

    /// The operator of the `:sub` condition: `StringLike` for all subjects when any has a
    /// wildcard, else `StringEquals`.
    fn sub_operator(&self) -> &'static str {
        if self.subjects.iter().any(ServiceAccount::has_wildcard) { "StringLike" } else { "StringEquals" }
    }

    fn check(&self) -> Result<(), Error> {
        let trust = |rule: &str| Err(Error::new(ErrorKind::Trust, "", rule));
        if self.providers.is_empty() && !self.subjects.is_empty() {
            return trust("service accounts were given, but no OIDC provider to trust them through");
        }
        if self.providers.is_empty() && self.legacy.is_empty() {
            return trust(
                "nothing to trust: give at least one OIDC provider with service accounts, or a legacy principal",
            );
        }
        if !self.providers.is_empty() && self.subjects.is_empty() {
            return trust(
                "an OIDC provider needs at least one service account: without a `:sub` condition every service account of the cluster could assume the role",
            );
        }
        for (index, (provider, _)) in self.providers.iter().enumerate() {
            if self.providers.iter().take(index).any(|(earlier, _)| earlier == provider) {
                return Err(Error::new(
                    ErrorKind::ProviderArn,
                    provider.arn(),
                    "the provider is given twice; each provider gets one statement",
                ));
            }
        }
        if !self.allow_broad_subjects {
            if let Some(broad) = self.subjects.iter().find(|s| s.is_broad()) {
                return Err(Error::new(
                    ErrorKind::Subject,
                    broad.to_string(),
                    "it trusts a whole namespace or every namespace; such a subject is accepted only when broad subjects are allowed",
                )
                .with_remedy(crate::Remedy::AllowBroadSubjects));
            }
        }
        Ok(())
    }

    /// The `sts:AssumeRole` statement of the AWS and Service principals.
    fn legacy_statement(&self) -> Statement {
        let mut by_type: BTreeMap<PrincipalType, Vec<String>> = BTreeMap::new();
        for principal in self.legacy.iter().filter(|p| p.principal_type() != PrincipalType::Federated) {
            by_type.entry(principal.principal_type()).or_default().push(principal.id().to_owned());
        }
        let principals = by_type.into_iter().map(|(kind, ids)| (kind.as_str(), OneOrMany::from(ids))).collect();
        let mut statement = Statement::new(Effect::Allow);
        statement.principal = Some(Principal::Typed(principals));
        statement.action = Some(OneOrMany::One(ASSUME_ROLE.to_owned()));
        statement
    }

    /// The `sts:AssumeRoleWithSAML` statement of the SAML providers.
    fn saml_statement(&self) -> Statement {
        let ids: Vec<String> = self
            .legacy
            .iter()
            .filter(|p| p.principal_type() == PrincipalType::Federated)
            .map(|p| p.id().to_owned())
            .collect();
        let mut statement = Statement::new(Effect::Allow);
        statement.principal = Some(Principal::Typed(Map::from_iter([("Federated", OneOrMany::from(ids))])));
        statement.action = Some(OneOrMany::One(ASSUME_ROLE_WITH_SAML.to_owned()));
        statement
    }

    fn web_identity_statement(
        &self,
        provider: &OidcProvider,
        audience: &Audience,
        sub_operator: &str,
        subjects: &[ConditionValue],
    ) -> Statement {
        let audiences: Vec<ConditionValue> =
            audience.values_for(provider).into_iter().map(ConditionValue::String).collect();
        let sub = (provider.condition_key("sub"), OneOrMany::from(subjects.to_vec()));
        // Operators and keys in sorted order, as the AWS provider renders them:
        // StringEquals before StringLike, `:aud` before `:sub`.
        let mut condition: Condition = Map::new();
        if audiences.is_empty() {
            condition.insert(sub_operator, Map::from_iter([sub]));
        } else {
            let aud = (provider.condition_key("aud"), OneOrMany::from(audiences));
            if sub_operator == "StringEquals" {
                condition.insert("StringEquals", Map::from_iter([aud, sub]));
            } else {
                condition.insert("StringEquals", Map::from_iter([aud]));
                condition.insert(sub_operator, Map::from_iter([sub]));
            }
        }

        let actions = if self.tag_session {
            OneOrMany::Many(vec![ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned(), TAG_SESSION.to_owned()])
        } else {
            OneOrMany::One(ASSUME_ROLE_WITH_WEB_IDENTITY.to_owned())
        };
        let mut statement = Statement::new(Effect::Allow);
        statement.principal = Some(Principal::Typed(Map::from_iter([("Federated", OneOrMany::One(provider.arn()))])));
        statement.action = Some(actions);
        statement.condition = Some(condition);
        statement
    }
}

/// Checks a trust policy's size as IAM counts it (characters, white space excluded) against a
/// quota, and returns the size.
///
/// ```
/// use irsa_core::{check_trust_policy_size, TrustPolicy, Audience};
///
/// let many = (0..60).map(|i| format!("team-{i}:app").parse().unwrap());
/// let policy = TrustPolicy::new()
///     .provider("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC".parse().unwrap(), Audience::Auto)
///     .subjects(many)
///     .build()
///     .unwrap();
/// let err = check_trust_policy_size(&policy, 2048).unwrap_err();
/// assert!(err.rule().contains("over the quota of 2048"));
/// assert!(check_trust_policy_size(&policy, 4096).is_ok());
/// ```
pub fn check_trust_policy_size(policy: &PolicyDocument, quota: usize) -> Result<usize, Error> {
    check_size(policy.iam_size(), quota)
}

impl TrustPolicy {
    /// The size of the trust policy as IAM counts it (characters of its JSON, white space
    /// excluded), checked against a quota; the same answer as [`check_trust_policy_size`] on
    /// [`TrustPolicy::build`]'s document, without building it.
    pub fn check_size(&self, quota: usize) -> Result<usize, Error> {
        let size = crate::policy::iam_count(&self.to_json(false)?);
        check_size(size, quota)
    }
}

fn check_size(size: usize, quota: usize) -> Result<usize, Error> {
    if size <= quota {
        return Ok(size);
    }
    Err(Error::new(
        ErrorKind::Quota,
        "",
        format!(
            "the policy is {size} characters as IAM counts them (white space excluded), over the quota of {quota} by {}; \
             split the service accounts across roles, trust a pattern (`ns:app-*`), or raise the role trust policy quota (4096 or 8192)",
            size - quota
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KOPS: &str = "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com";
    const EKS: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";

    fn sa(s: &str) -> ServiceAccount {
        s.parse().unwrap()
    }

    fn provider(arn: &str) -> OidcProvider {
        arn.parse().unwrap()
    }

    #[test]
    fn wildcard_moves_every_subject_to_string_like() {
        let policy = TrustPolicy::new()
            .provider(provider(EKS), Audience::Auto)
            .subjects([sa("default:app"), sa("crossplane-system:provider-aws-*")])
            .build()
            .unwrap();
        let condition = policy.statements()[0].condition.as_ref().unwrap();
        assert_eq!(condition.keys().collect::<Vec<_>>(), ["StringEquals", "StringLike"]);
        assert_eq!(
            condition["StringEquals"].keys().collect::<Vec<_>>(),
            ["oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud"]
        );
        let subs = &condition["StringLike"]["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"];
        assert_eq!(subs.len(), 2);
    }

    #[test]
    fn legacy_principals_group_by_type() {
        let policy = TrustPolicy::new()
            .legacy_principal("Service=ec2.amazonaws.com".parse().unwrap())
            .legacy_principal("AWS=arn:aws:iam::123456789012:role/a".parse().unwrap())
            .legacy_principal("AWS=arn:aws:iam::123456789012:role/b".parse().unwrap())
            .legacy_principal("AWS=arn:aws:iam::123456789012:role/a".parse().unwrap())
            .build()
            .unwrap();
        assert_eq!(
            policy.to_json_compact(),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/a","arn:aws:iam::123456789012:role/b"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        );
    }

    #[test]
    fn bad_combinations() {
        let check = |trust: TrustPolicy, kind: ErrorKind, rule: &str| {
            let err = trust.build().unwrap_err();
            assert_eq!(err.kind(), kind, "{err}");
            assert!(err.rule().contains(rule), "`{}` does not contain `{rule}`", err.rule());
        };
        check(TrustPolicy::new(), ErrorKind::Trust, "nothing to trust");
        check(
            TrustPolicy::new().provider(provider(KOPS), Audience::Auto),
            ErrorKind::Trust,
            "needs at least one service account",
        );
        check(TrustPolicy::new().subject(sa("a:b")), ErrorKind::Trust, "no OIDC provider");
        check(
            TrustPolicy::new()
                .provider(provider(KOPS), Audience::Auto)
                .provider(provider(KOPS), Audience::None)
                .subject(sa("a:b")),
            ErrorKind::ProviderArn,
            "given twice",
        );
        check(
            TrustPolicy::new().provider(provider(KOPS), Audience::Auto).subject(sa("a:*")),
            ErrorKind::Subject,
            "accepted only when broad subjects are allowed",
        );
        assert!(
            TrustPolicy::new()
                .provider(provider(KOPS), Audience::Auto)
                .subject(sa("a:*"))
                .allow_broad_subjects(true)
                .build()
                .is_ok()
        );
    }
}
