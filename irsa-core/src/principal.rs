//! Legacy `sts:AssumeRole` principals (`TYPE=ID`): what a role trusted before IRSA, kept
//! during a kiam or kube2iam migration.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};
use crate::partition::Partition;
use crate::provider::is_account_id;

/// The principal types a legacy `sts:AssumeRole` statement can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PrincipalType {
    /// `AWS`: accounts, IAM roles and users, assumed-role sessions.
    Aws,
    /// `Federated`: SAML or OIDC providers, or web identity providers by domain.
    Federated,
    /// `Service`: AWS service principals such as `ec2.amazonaws.com`.
    Service,
}

impl PrincipalType {
    /// The type as policy JSON spells it (`AWS`, `Federated`, `Service`).
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Federated => "Federated",
            PrincipalType::Service => "Service",
        }
    }
}

impl fmt::Display for PrincipalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One principal of the legacy `sts:AssumeRole` statement, written `TYPE=ID`
/// (the type is case-insensitive).
///
/// ```
/// use irsa_core::{LegacyPrincipal, PrincipalType};
///
/// let node_role: LegacyPrincipal = "AWS=arn:aws:iam::123456789012:role/nodes.beta.hdo.ee".parse().unwrap();
/// assert_eq!(node_role.principal_type(), PrincipalType::Aws);
/// assert_eq!(node_role.id(), "arn:aws:iam::123456789012:role/nodes.beta.hdo.ee");
///
/// assert!("AWS=*".parse::<LegacyPrincipal>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LegacyPrincipal {
    principal_type: PrincipalType,
    id: String,
}

impl LegacyPrincipal {
    /// A principal of this type and ID, checked.
    pub fn new(principal_type: PrincipalType, id: &str) -> Result<LegacyPrincipal, Error> {
        let fail = |rule: String| Error::new(ErrorKind::LegacyPrincipal, format!("{principal_type}={id}"), rule);
        if id.is_empty() {
            return Err(fail("the ID after `=` is empty".into()));
        }
        if let Some(c) = id.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail(format!("the ID has the character `{}`", c.escape_debug())));
        }
        if id.contains(['*', '?']) {
            return Err(fail(
                "a principal cannot hold a wildcard: IAM does not match `*` inside principals, and `*` alone would trust everyone".into(),
            ));
        }
        match principal_type {
            PrincipalType::Aws => check_aws(id),
            PrincipalType::Service => check_domain(id)
                .map_err(|rule| format!("a Service principal is a service's domain, like `ec2.amazonaws.com`: {rule}")),
            PrincipalType::Federated => check_saml(id),
        }
        .map_err(fail)?;
        Ok(LegacyPrincipal { principal_type, id: id.to_owned() })
    }

    /// The principal type.
    pub fn principal_type(&self) -> PrincipalType {
        self.principal_type
    }

    /// The principal ID (ARN, account, service or provider).
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl FromStr for LegacyPrincipal {
    type Err = Error;

    fn from_str(s: &str) -> Result<LegacyPrincipal, Error> {
        let fail = |rule: &str| Error::new(ErrorKind::LegacyPrincipal, s, rule);
        let Some((kind, id)) = s.split_once('=') else {
            return Err(fail("expected TYPE=ID, where TYPE is AWS, Service or Federated"));
        };
        let principal_type = [PrincipalType::Aws, PrincipalType::Service, PrincipalType::Federated]
            .into_iter()
            .find(|t| kind.eq_ignore_ascii_case(t.as_str()))
            .ok_or_else(|| fail(&format!("the type `{kind}` is not one of AWS, Service, Federated")))?;
        LegacyPrincipal::new(principal_type, id).map_err(|e| Error::new(ErrorKind::LegacyPrincipal, s, e.rule()))
    }
}

impl fmt::Display for LegacyPrincipal {
    /// Displays `TYPE=ID`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.principal_type, self.id)
    }
}

/// An account ID, or an IAM role/user/root ARN, or an STS session ARN.
fn check_aws(id: &str) -> Result<(), String> {
    if is_account_id(id) {
        return Ok(());
    }
    let shape = "an AWS principal is a 12-digit account or an ARN `arn:PARTITION:iam::ACCOUNT:role/NAME` (or `:root`, `:user/NAME`, `sts::ACCOUNT:assumed-role/ROLE/SESSION`)";
    let resource = arn_resource(id, &["iam", "sts"]).map_err(|rule| format!("{shape}: {rule}"))?;
    let (service, resource) = resource;
    let allowed: &[&str] = if service == "iam" { &["role/", "user/"] } else { &["assumed-role/", "federated-user/"] };
    if (service == "iam" && resource == "root")
        || allowed.iter().any(|p| resource.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
    {
        Ok(())
    } else {
        Err(format!("{shape}: the resource `{resource}` is not a principal"))
    }
}

/// A SAML provider ARN: the only `Federated` principal a legacy statement can hold (it gets
/// its own `sts:AssumeRoleWithSAML` statement). OIDC providers and web identity domains need
/// `sts:AssumeRoleWithWebIdentity` with conditions, which only the web-identity statements
/// have.
fn check_saml(id: &str) -> Result<(), String> {
    check_federated(id)?;
    if id.contains(":oidc-provider/") {
        return Err("an OIDC provider is trusted through a web-identity statement with :sub conditions (give it as a provider, with service accounts), never as a legacy principal".to_owned());
    }
    if !id.starts_with("arn:") {
        return Err("a web identity provider's domain needs sts:AssumeRoleWithWebIdentity with conditions, which irsa writes for OIDC providers only; a legacy Federated principal is a SAML provider ARN".to_owned());
    }
    Ok(())
}

/// A SAML or OIDC provider ARN, or a web identity provider's domain.
pub(crate) fn check_federated(id: &str) -> Result<(), String> {
    if !id.starts_with("arn:") {
        return check_domain(id).map_err(|rule| {
            format!("a Federated principal is a provider ARN or a domain like `accounts.google.com`: {rule}")
        });
    }
    let shape =
        "a Federated principal ARN is `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME` or `...:oidc-provider/ISSUER`";
    let (_, resource) = arn_resource(id, &["iam"]).map_err(|rule| format!("{shape}: {rule}"))?;
    if ["saml-provider/", "oidc-provider/"]
        .iter()
        .any(|p| resource.strip_prefix(p).is_some_and(|rest| !rest.is_empty()))
    {
        Ok(())
    } else {
        Err(format!("{shape}: the resource `{resource}` is not a provider"))
    }
}

/// Splits `arn:PARTITION:SERVICE::ACCOUNT:RESOURCE`, checking the partition, service, empty
/// region and account, and returns the service and resource.
fn arn_resource<'a>(id: &'a str, services: &[&str]) -> Result<(&'a str, &'a str), String> {
    let fields: Vec<&str> = id.splitn(6, ':').collect();
    let ["arn", partition, service, region, account, resource] = fields[..] else {
        return Err("it is not an ARN".into());
    };
    partition
        .parse::<Partition>()
        .map_err(|e| format!("the partition `{partition}` is not an AWS partition ({})", e.rule()))?;
    if !services.contains(&service) {
        return Err(format!("the service `{service}` must be {}", services.join(" or ")));
    }
    if !region.is_empty() {
        return Err(format!("the region field must be empty, not `{region}`"));
    }
    if !is_account_id(account) {
        return Err(format!("the account `{account}` must be 12 digits"));
    }
    Ok((service, resource))
}

/// A domain name of two or more labels of letters, digits and hyphens.
fn check_domain(id: &str) -> Result<(), String> {
    let labels_ok = id.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    if id.contains('.') && labels_ok && id.len() <= 253 { Ok(()) } else { Err(format!("`{id}` is not a domain name")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<(PrincipalType, &str), &str>) {
        match (input.parse::<LegacyPrincipal>(), expected) {
            (Ok(p), Ok((kind, id))) => assert_eq!((p.principal_type(), p.id()), (kind, id), "{input}"),
            (Err(e), Err(rule)) => {
                assert_eq!(e.value(), input);
                assert!(e.rule().contains(rule), "{input}: `{}` does not contain `{rule}`", e.rule());
            }
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn legacy_principals() {
        use PrincipalType::*;
        check(
            "AWS=arn:aws:iam::123456789012:role/nodes.beta.hdo.ee",
            Ok((Aws, "arn:aws:iam::123456789012:role/nodes.beta.hdo.ee")),
        );
        check("aws=123456789012", Ok((Aws, "123456789012")));
        check("AWS=arn:aws:iam::123456789012:root", Ok((Aws, "arn:aws:iam::123456789012:root")));
        check(
            "AWS=arn:aws-cn:iam::123456789012:role/path/to/kiam-server",
            Ok((Aws, "arn:aws-cn:iam::123456789012:role/path/to/kiam-server")),
        );
        check(
            "AWS=arn:aws:sts::123456789012:assumed-role/admin/alice",
            Ok((Aws, "arn:aws:sts::123456789012:assumed-role/admin/alice")),
        );
        check("Service=ec2.amazonaws.com", Ok((Service, "ec2.amazonaws.com")));
        check(
            "Federated=arn:aws:iam::123456789012:saml-provider/Okta",
            Ok((Federated, "arn:aws:iam::123456789012:saml-provider/Okta")),
        );
        check("Federated=accounts.google.com", Err("a legacy Federated principal is a SAML provider ARN"));
        check(
            "Federated=arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            Err("give it as a provider"),
        );

        check("arn:aws:iam::123456789012:role/x", Err("expected TYPE=ID"));
        check("User=arn:aws:iam::123456789012:role/x", Err("the type `User` is not one of"));
        check("AWS=", Err("empty"));
        check("AWS=*", Err("wildcard"));
        check("AWS=arn:aws:iam::123456789012:role/*", Err("wildcard"));
        check("AWS=1234", Err("12-digit account"));
        check("AWS=arn:aws:iam::123456789012:group/admins", Err("the resource `group/admins` is not a principal"));
        check("AWS=arn:aws:iam::123456789012:role/", Err("is not a principal"));
        check("AWS=arn:aws-bogus:iam::123456789012:root", Err("the partition `aws-bogus`"));
        check("AWS=arn:aws:s3:::bucket", Err("the service `s3` must be iam or sts"));
        check("AWS=arn:aws:iam:eu-west-1:123456789012:root", Err("region field must be empty"));
        check("Service=ec2", Err("not a domain name"));
        check("Service=ec2 .amazonaws.com", Err("the character ` `"));
        check("AWS=123456789012\t", Err("the character `\\t`"));
        check("AWS=1234\u{7f}56789012", Err("the character `\\u{7f}`"));
        check("AWS=arn:aws:iam::123456789012:role/a\u{a0}b", Err("the character `\\u{a0}`"));
        check("SERVICE=ec2.amazonaws.com", Ok((Service, "ec2.amazonaws.com")));
        check(
            "federated=arn:aws:iam::123456789012:saml-provider/Okta",
            Ok((Federated, "arn:aws:iam::123456789012:saml-provider/Okta")),
        );
        check("Federated=arn:aws:iam::123456789012:role/x", Err("is not a provider"));
    }
}
