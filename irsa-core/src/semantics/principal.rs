//! Principals: what each `Federated` ID of a statement is, and whether IAM would take it.

use crate::OidcProvider;
use crate::policy::{Principal, Statement};

/// The web identity providers IAM knows by domain name.
pub const BUILT_IN_WEB_IDENTITY: &[&str] =
    &["cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com", "accounts.google.com"];

/// The EKS Pod Identity service principal.
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";

/// One `Federated` ID of a statement, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FederatedId<'s> {
    /// A valid IAM OIDC provider ARN.
    Oidc {
        /// The ID as written.
        id: &'s str,
        /// The provider it names.
        provider: OidcProvider,
    },
    /// A SAML provider ARN (`arn:...:saml-provider/NAME`).
    Saml(&'s str),
    /// A web identity provider IAM knows by domain (`accounts.google.com`, ...).
    BuiltIn(&'s str),
    /// Something IAM refuses ("Federated principals must be valid domain names or SAML
    /// metadata ARNs"), or that no request can come from.
    Invalid {
        /// The ID as written.
        id: &'s str,
        /// Why it is not a provider.
        rule: String,
        /// The issuer it seems to name (after `oidc-provider/`, or a bare issuer), when it
        /// seems to name an OIDC provider: the statement is still meant for web identity.
        issuer: Option<&'s str>,
    },
}

impl<'s> FederatedId<'s> {
    /// Classifies `id`; a provider of `known` (already parsed) is not parsed again.
    ///
    /// ```
    /// use irsa_core::semantics::FederatedId;
    ///
    /// let placeholder = FederatedId::classify("arn:aws:iam::ACCOUNT_B:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", &[]);
    /// let FederatedId::Invalid { rule, issuer, .. } = placeholder else { panic!() };
    /// assert!(rule.contains("12 digits"));
    /// assert_eq!(issuer, Some("oidc.eks.eu-west-1.amazonaws.com/id/ABC"));
    /// assert!(matches!(FederatedId::classify("accounts.google.com", &[]), FederatedId::BuiltIn(_)));
    /// ```
    pub fn classify(id: &'s str, known: &[&OidcProvider]) -> FederatedId<'s> {
        if let Some(provider) = known.iter().find(|p| p.has_arn(id)) {
            return FederatedId::Oidc { id, provider: (*provider).clone() };
        }
        if let Some((_, issuer)) = id.split_once(":oidc-provider/") {
            return match OidcProvider::from_arn(id) {
                Ok(provider) => FederatedId::Oidc { id, provider },
                Err(error) => FederatedId::Invalid {
                    id,
                    rule: format!("it is not a valid OIDC provider ARN: {}", error.rule()),
                    issuer: Some(issuer).filter(|i| !i.is_empty()),
                },
            };
        }
        if id.contains(":saml-provider/") {
            return match crate::principal::check_federated(id) {
                Ok(()) => FederatedId::Saml(id),
                Err(rule) => FederatedId::Invalid {
                    id,
                    rule: format!("it is not a valid SAML provider ARN: {rule}"),
                    issuer: None,
                },
            };
        }
        if BUILT_IN_WEB_IDENTITY.contains(&id) {
            return FederatedId::BuiltIn(id);
        }
        let bare = id.strip_prefix("https://").unwrap_or(id);
        let issuer = (!id.starts_with("arn:") && bare.contains('.')).then_some(bare);
        let rule = match issuer {
            Some(_) => "an OIDC provider is named by its ARN, `arn:PARTITION:iam::ACCOUNT:oidc-provider/<issuer host[/path]>`, not by its issuer; IAM knows only Amazon Cognito, Login with Amazon, Facebook and Google by domain".to_owned(),
            None => "it is neither an OIDC or SAML provider ARN nor a web identity provider IAM knows by domain".to_owned(),
        };
        FederatedId::Invalid { id, rule, issuer }
    }

    /// The ID as written.
    pub fn id(&self) -> &'s str {
        match self {
            FederatedId::Oidc { id, .. } | FederatedId::Invalid { id, .. } => id,
            FederatedId::Saml(id) | FederatedId::BuiltIn(id) => id,
        }
    }

    /// Whether it names (or seems meant to name) an OIDC provider: the statement is for
    /// `sts:AssumeRoleWithWebIdentity` from a cluster.
    pub fn is_oidc(&self) -> bool {
        matches!(self, FederatedId::Oidc { .. } | FederatedId::Invalid { issuer: Some(_), .. })
    }
}

/// The IDs of one principal type (`AWS`, `Service`, `Federated`) in a statement's `Principal`.
pub fn principal_ids<'s>(statement: &'s Statement, principal_type: &str) -> impl Iterator<Item = &'s str> {
    let ids = match &statement.principal {
        Some(Principal::Typed(map)) => map.get(principal_type),
        _ => None,
    };
    ids.into_iter().flat_map(|ids| ids.iter().map(String::as_str))
}

/// Whether a statement's `Principal` is everyone (`"*"` or `{"AWS": "*"}`).
pub fn trusts_everyone(statement: &Statement) -> bool {
    matches!(statement.principal, Some(Principal::Everyone)) || principal_ids(statement, "AWS").any(|id| id == "*")
}
