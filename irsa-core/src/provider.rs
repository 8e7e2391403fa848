//! IAM OIDC providers: parsed from their ARN or built from an issuer URL.
//!
//! The condition-key prefix of a provider is its issuer's host and path exactly as IAM
//! registered it (case and a trailing slash kept): `oidc.eks.eu-west-1.amazonaws.com/id/ABC`
//! gives the keys `oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub` and `...:aud`.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};
use crate::partition::{Partition, partition_list};

/// A 12-digit AWS account ID.
///
/// ```
/// use irsa_core::AccountId;
///
/// let account: AccountId = "123456789012".parse().unwrap();
/// assert_eq!(account.as_str(), "123456789012");
/// assert!("12345678901".parse::<AccountId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(String);

impl AccountId {
    /// The account ID's 12 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AccountId {
    type Err = Error;

    fn from_str(s: &str) -> Result<AccountId, Error> {
        if is_account_id(s) {
            Ok(AccountId(s.to_owned()))
        } else {
            Err(Error::new(ErrorKind::Account, s, "an AWS account ID is exactly 12 digits"))
        }
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// An IAM OIDC identity provider: the federated principal of a web-identity statement.
///
/// Parse it from its ARN, or build it from the issuer URL of the cluster:
///
/// ```
/// use irsa_core::{OidcProvider, Partition};
///
/// let arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
/// let provider: OidcProvider = arn.parse().unwrap();
/// assert_eq!(provider.issuer(), "oidc.eks.eu-west-1.amazonaws.com/id/ABC");
/// assert_eq!(provider.condition_key("sub"), "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub");
/// assert_eq!(provider.eks_issuer().unwrap().region, "eu-west-1");
///
/// let same = OidcProvider::from_issuer_url(
///     "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
///     &"123456789012".parse().unwrap(),
///     Partition::Aws,
/// )
/// .unwrap();
/// assert_eq!(same, provider);
/// assert_eq!(same.arn(), arn);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OidcProvider {
    partition: Partition,
    account: AccountId,
    issuer: String,
    /// Where the region and the cluster ID sit in `issuer` when it is an EKS cluster's: found
    /// once, since audiences, rendering and lint ask on every policy. (A function of `issuer`,
    /// so comparisons and hashes mean the same with it.)
    eks: Option<EksSpans>,
}

/// The byte ranges of an EKS issuer's region and cluster ID in the issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct EksSpans {
    region: (usize, usize),
    id: usize,
}

impl EksSpans {
    /// `oidc.eks.<region>.<dns suffix>/id/<ID>`, the region a known one and the ID letters and
    /// digits.
    fn find(issuer: &str) -> Option<EksSpans> {
        const PREFIX: &str = "oidc.eks.";
        let (host, path) = split_host(issuer);
        let rest = host.strip_prefix(PREFIX)?;
        let (region, _suffix) = rest.split_once('.')?;
        let id = path.strip_prefix("/id/")?;
        (Partition::for_region(region).is_some() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()))
            .then_some(EksSpans { region: (PREFIX.len(), PREFIX.len() + region.len()), id: issuer.len() - id.len() })
    }
}

/// The parts of an EKS cluster's issuer (`oidc.eks.<region>.<dns suffix>/id/<ID>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EksIssuer<'a> {
    /// The cluster's region, for example `eu-west-1`.
    pub region: &'a str,
    /// The cluster's OIDC ID, the last path segment of the issuer.
    pub id: &'a str,
}

const ARN_SHAPE: &str = "arn:PARTITION:iam::ACCOUNT:oidc-provider/ISSUER_HOST[/PATH]";

impl OidcProvider {
    /// Parses a provider ARN, `arn:<partition>:iam::<12 digits>:oidc-provider/<host[/path]>`.
    ///
    /// The error names the part that is wrong.
    pub fn from_arn(arn: &str) -> Result<OidcProvider, Error> {
        let fail = |rule: String| Error::new(ErrorKind::ProviderArn, arn, rule);
        if let Some((index, c)) = arn.char_indices().find(|(_, c)| c.is_whitespace()) {
            return Err(fail(format!(
                "whitespace ({}) at character {} is not allowed",
                c.escape_debug(),
                arn[..index].chars().count() + 1
            )));
        }
        let fields: Vec<&str> = arn.splitn(6, ':').collect();
        let [scheme, partition, service, region, account, resource] = fields[..] else {
            return Err(fail(format!("an OIDC provider ARN has the shape `{ARN_SHAPE}`")));
        };
        if scheme != "arn" {
            return Err(fail(format!("an ARN starts with `arn:`; expected `{ARN_SHAPE}`")));
        }
        let partition: Partition = partition.parse().map_err(|_| {
            fail(format!("the partition `{partition}` is not an AWS partition (expected one of {})", partition_list()))
        })?;
        if service != "iam" {
            return Err(fail(format!("the service `{service}` must be `iam`")));
        }
        if !region.is_empty() {
            return Err(fail(format!("the region field must be empty in an IAM ARN, not `{region}`")));
        }
        if !is_account_id(account) {
            return Err(fail(format!("the account `{account}` must be 12 digits")));
        }
        let Some(issuer) = resource.strip_prefix("oidc-provider/") else {
            return Err(fail(format!(
                "the resource `{resource}` is not an OIDC provider (it must start with `oidc-provider/`)"
            )));
        };
        check_issuer(issuer).map_err(fail)?;
        let provider = OidcProvider::checked(partition, AccountId(account.to_owned()), issuer.to_owned());
        provider.check_eks_partition().map_err(fail)?;
        Ok(provider)
    }

    /// Builds the provider of an issuer URL (`https://host[/path]`, no port, query or
    /// fragment) in the given account and partition.
    pub fn from_issuer_url(url: &str, account: &AccountId, partition: Partition) -> Result<OidcProvider, Error> {
        let fail = |rule: String| Error::new(ErrorKind::IssuerUrl, url, rule);
        if url.chars().any(char::is_whitespace) {
            return Err(fail("an issuer URL must not contain whitespace".into()));
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(fail("an issuer URL starts with `https://`".into()));
        };
        if !scheme.eq_ignore_ascii_case("https") {
            return Err(fail(format!("the scheme `{scheme}` is not allowed: IAM accepts only https issuers")));
        }
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.contains('@') {
            return Err(fail("an issuer URL must not contain user information (`user@`)".into()));
        }
        check_issuer(rest).map_err(fail)?;
        let provider = OidcProvider::checked(partition, account.clone(), rest.to_owned());
        provider.check_eks_partition().map_err(fail)?;
        Ok(provider)
    }

    /// A provider of parts already checked.
    fn checked(partition: Partition, account: AccountId, issuer: String) -> OidcProvider {
        let eks = EksSpans::find(&issuer);
        OidcProvider { partition, account, issuer, eks }
    }

    /// The provider's ARN, `arn:<partition>:iam::<account>:oidc-provider/<issuer>`.
    pub fn arn(&self) -> String {
        format!("arn:{}:iam::{}:oidc-provider/{}", self.partition, self.account, self.issuer)
    }

    /// Whether `arn` is exactly this provider's ARN ([`OidcProvider::arn`]), without building it.
    pub(crate) fn has_arn(&self, arn: &str) -> bool {
        let rest = arn.strip_prefix("arn:").and_then(|rest| rest.strip_prefix(self.partition.name()));
        let rest = rest.and_then(|rest| rest.strip_prefix(":iam::"));
        let rest = rest.and_then(|rest| rest.strip_prefix(self.account.as_str()));
        let rest = rest.and_then(|rest| rest.strip_prefix(":oidc-provider/"));
        rest == Some(self.issuer.as_str())
    }

    /// The partition the provider lives in.
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The account the provider lives in.
    pub fn account(&self) -> &AccountId {
        &self.account
    }

    /// The issuer's host and path, exactly as registered: the condition-key prefix.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The issuer URL, as the cluster's tokens carry it in `iss`.
    pub fn issuer_url(&self) -> String {
        format!("https://{}", self.issuer)
    }

    /// The condition key of a token claim: `<issuer>:<claim>`.
    pub fn condition_key(&self, claim: &str) -> String {
        format!("{}:{claim}", self.issuer)
    }

    /// Whether the issuer is an EKS cluster's (see [`OidcProvider::eks_issuer`]).
    pub fn is_eks(&self) -> bool {
        self.eks.is_some()
    }

    /// The region and cluster ID when the issuer is an EKS cluster's
    /// (`oidc.eks.<region>.<dns suffix>/id/<ID>`), else `None`.
    pub fn eks_issuer(&self) -> Option<EksIssuer<'_>> {
        let spans = self.eks?;
        let region = self.issuer.get(spans.region.0..spans.region.1)?;
        let id = self.issuer.get(spans.id..)?;
        Some(EksIssuer { region, id })
    }

    /// An issuer under `oidc.eks.<region>.` is AWS's own: it must be well formed, and in the
    /// partition of its region.
    fn check_eks_partition(&self) -> Result<(), String> {
        let (host, path) = split_host(&self.issuer);
        let Some(rest) = host.strip_prefix("oidc.eks.") else { return Ok(()) };
        let Some((region, suffix)) = rest.split_once('.') else { return Ok(()) };
        let Some(region_partition) = Partition::for_region(region) else { return Ok(()) };
        if suffix != region_partition.dns_suffix() {
            return Err(format!(
                "EKS issuers in `{region}` ({region_partition}) end in `{}`, not `{suffix}`",
                region_partition.dns_suffix()
            ));
        }
        if region_partition != self.partition {
            return Err(format!(
                "the EKS issuer is in region `{region}` of partition `{region_partition}`, \
                 but the provider's partition is `{}`",
                self.partition
            ));
        }
        if self.eks_issuer().is_none() {
            return Err(format!(
                "an EKS issuer has the path `/id/<cluster OIDC ID>` and no trailing slash, not `{path}`"
            ));
        }
        Ok(())
    }
}

impl FromStr for OidcProvider {
    type Err = Error;

    fn from_str(s: &str) -> Result<OidcProvider, Error> {
        OidcProvider::from_arn(s)
    }
}

impl fmt::Display for OidcProvider {
    /// Displays the provider's ARN.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.arn())
    }
}

/// Splits `host/path` into `host` and `/path` (empty when there is no path).
fn split_host(issuer: &str) -> (&str, &str) {
    match issuer.find('/') {
        Some(index) => issuer.split_at(index),
        None => (issuer, ""),
    }
}

/// Checks an issuer written as IAM registers it: `host[/path]`, no scheme, port, query,
/// fragment or whitespace; the host a DNS name.
fn check_issuer(issuer: &str) -> Result<(), String> {
    if issuer.is_empty() {
        return Err("the issuer is empty".into());
    }
    if issuer.contains("://") {
        return Err(format!(
            "the issuer `{issuer}` must not include a scheme: IAM registers `host/path` without `https://`"
        ));
    }
    if let Some(c) = issuer.chars().find(|c| matches!(c, '?' | '#')) {
        return Err(format!("the issuer `{issuer}` must not have a query or fragment (`{c}`)"));
    }
    let (host, path) = split_host(issuer);
    if let Some((_, port)) = host.rsplit_once(':') {
        return Err(format!("the issuer host `{host}` must not have a port (`:{port}`)"));
    }
    check_dns_name(host)?;
    check_path(path)
}

/// A fully qualified DNS name: at most 253 characters, two or more labels of 1 to 63 letters,
/// digits and hyphens, none starting or ending with a hyphen.
fn check_dns_name(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("the issuer host is empty".into());
    }
    if host.len() > 253 {
        return Err(format!("the issuer host is {} characters long; a DNS name has at most 253", host.len()));
    }
    if !host.contains('.') {
        return Err(format!("the issuer host `{host}` must be a fully qualified domain name"));
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err(format!("the issuer host `{host}` has an empty label (`..` or a leading or trailing dot)"));
        }
        if label.len() > 63 {
            return Err(format!("the label `{label}` of the issuer host is longer than 63 characters"));
        }
        if let Some(c) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(format!(
                "the issuer host `{host}` has the character `{}`; a DNS name has letters, digits, hyphens and dots",
                c.escape_debug()
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label `{label}` of the issuer host must not start or end with a hyphen"));
        }
    }
    Ok(())
}

/// An issuer path: `/`-separated non-empty segments (a trailing slash is kept), of URL path
/// characters other than the IAM wildcards `*`, `?` and the policy-variable `$`.
fn check_path(path: &str) -> Result<(), String> {
    let Some(path_after_slash) = path.strip_prefix('/') else {
        return Ok(());
    };
    let segments: Vec<&str> = path_after_slash.split('/').collect();
    let last = segments.len() - 1;
    for (index, segment) in segments.iter().enumerate() {
        if segment.is_empty() && index != last {
            return Err(format!("the issuer path `{path}` has an empty segment (`//`)"));
        }
        let mut chars = segment.chars();
        while let Some(c) = chars.next() {
            let allowed = c.is_ascii_alphanumeric() || "-._~!&'()+,;=:@".contains(c);
            if c == '%' {
                let hex: String = chars.by_ref().take(2).collect();
                if hex.len() != 2 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                    return Err(format!("the issuer path `{path}` has a `%` that is not followed by two hex digits"));
                }
            } else if !allowed {
                return Err(format!(
                    "the issuer path `{path}` has the character `{}`, which an issuer path cannot hold",
                    c.escape_debug()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EKS: &str =
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

    #[test]
    fn has_arn_is_exactly_the_arn() {
        let eks = OidcProvider::from_arn(EKS).unwrap();
        assert!(eks.has_arn(EKS));
        assert!(eks.has_arn(&eks.arn()));
        for other in [
            "",
            "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "arn:aws:iam::123456789013:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPL",
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE/",
            "arn:aws:iam::123456789012:oidc-provider/OIDC.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "arn:aws:iam:us-east-1:123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE ",
        ] {
            assert!(!eks.has_arn(other), "{other}");
        }
    }

    fn check_arn(arn: &str, expected: Result<&str, &str>) {
        match (OidcProvider::from_arn(arn), expected) {
            (Ok(p), Ok(issuer)) => {
                assert_eq!(p.issuer(), issuer, "{arn}");
                assert_eq!(p.arn(), arn, "ARN round trip");
            }
            (Err(e), Err(rule)) => {
                assert_eq!(e.kind(), ErrorKind::ProviderArn);
                assert_eq!(e.value(), arn);
                assert!(e.rule().contains(rule), "{arn}: `{}` does not contain `{rule}`", e.rule());
            }
            (got, want) => panic!("{arn}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn provider_arns() {
        check_arn(EKS, Ok("oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"));
        check_arn(
            "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com",
            Ok("hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com"),
        );
        check_arn("arn:aws:iam::123456789012:oidc-provider/Auth.Example.com/", Ok("Auth.Example.com/"));
        check_arn(
            "arn:aws:iam::123456789012:oidc-provider/s3.eu-west-1.amazonaws.com/bucket/cluster.k8s",
            Ok("s3.eu-west-1.amazonaws.com/bucket/cluster.k8s"),
        );
        check_arn(
            "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC",
            Ok("oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"),
        );
        check_arn(
            "arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC",
            Ok("oidc.eks.us-gov-west-1.amazonaws.com/id/ABC"),
        );
        check_arn(
            "arn:aws-eusc:iam::123456789012:oidc-provider/oidc.eks.eusc-de-east-1.amazonaws.eu/id/ABC",
            Ok("oidc.eks.eusc-de-east-1.amazonaws.eu/id/ABC"),
        );
        check_arn(
            "arn:aws-iso-b:iam::123456789012:oidc-provider/oidc.eks.us-isob-east-1.sc2s.sgov.gov/id/ABC",
            Ok("oidc.eks.us-isob-east-1.sc2s.sgov.gov/id/ABC"),
        );

        check_arn(
            "arn:aws-bogus:iam::123456789012:oidc-provider/example.com",
            Err("the partition `aws-bogus` is not an AWS partition"),
        );
        check_arn("arn::iam::123456789012:oidc-provider/example.com", Err("the partition `` is not"));
        check_arn("arn:aws:sts::123456789012:oidc-provider/example.com", Err("the service `sts` must be `iam`"));
        check_arn(
            "arn:aws:iam:eu-west-1:123456789012:oidc-provider/example.com",
            Err("the region field must be empty"),
        );
        check_arn("arn:aws:iam::12345:oidc-provider/example.com", Err("the account `12345` must be 12 digits"));
        check_arn("arn:aws:iam::*:oidc-provider/example.com", Err("the account `*` must be 12 digits"));
        check_arn("arn:aws:iam::123456789012:role/example", Err("is not an OIDC provider"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/https://example.com", Err("must not include a scheme"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/example.com:443", Err("must not have a port"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/example.com/a?b=c", Err("query or fragment"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/example.com/a#b", Err("query or fragment"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/example.com ", Err("whitespace"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/", Err("the issuer is empty"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/localhost", Err("fully qualified"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/exa_mple.com", Err("the character `_`"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/-example.com", Err("must not start or end with a hyphen"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/example..com", Err("empty label"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/example.com/a//b", Err("empty segment"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/example.com/a*", Err("the character `*`"));
        check_arn("arn:aws:iam::123456789012:oidc-provider/example.com/%zz", Err("two hex digits"));
        check_arn("arn:aws:iam::123456789012", Err("has the shape"));
        check_arn("aws:iam::123456789012:oidc-provider/example.com:x", Err("starts with `arn:`"));
        // An EKS issuer must be in the ARN's partition, well formed.
        check_arn(
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC",
            Err("partition `aws-us-gov`, but the provider's partition is `aws`"),
        );
        check_arn(
            "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com/id/ABC",
            Err("end in `amazonaws.com.cn`"),
        );
        check_arn(
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com",
            Err("the path `/id/<cluster OIDC ID>`"),
        );
        check_arn(
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC/",
            Err("no trailing slash"),
        );
    }

    #[test]
    fn issuer_urls() {
        let account: AccountId = "123456789012".parse().unwrap();
        let check = |url: &str, partition: Partition, expected: Result<&str, &str>| match (
            OidcProvider::from_issuer_url(url, &account, partition),
            expected,
        ) {
            (Ok(p), Ok(arn)) => assert_eq!(p.arn(), arn, "{url}"),
            (Err(e), Err(rule)) => {
                assert_eq!(e.kind(), ErrorKind::IssuerUrl);
                assert!(e.rule().contains(rule), "{url}: `{}` does not contain `{rule}`", e.rule());
            }
            (got, want) => panic!("{url}: got {got:?}, want {want:?}"),
        };
        check(
            "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            Partition::Aws,
            Ok("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"),
        );
        check("HTTPS://example.com/", Partition::Aws, Ok("arn:aws:iam::123456789012:oidc-provider/example.com/"));
        check(
            "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC",
            Partition::AwsCn,
            Ok("arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"),
        );
        check("http://example.com", Partition::Aws, Err("only https"));
        check("example.com", Partition::Aws, Err("starts with `https://`"));
        check("https://example.com:443", Partition::Aws, Err("port"));
        check("https://example.com/?a=b", Partition::Aws, Err("query"));
        check("https://example.com/#a", Partition::Aws, Err("fragment"));
        check("https://user@example.com", Partition::Aws, Err("user information"));
        check("https://exa mple.com", Partition::Aws, Err("whitespace"));
        check("https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC", Partition::Aws, Err("partition `aws-cn`"));
    }

    #[test]
    fn eks_issuers_are_recognised() {
        let p: OidcProvider = EKS.parse().unwrap();
        assert_eq!(p.eks_issuer(), Some(EksIssuer { region: "eu-west-1", id: "EXAMPLED539D4633E53DE1B71EXAMPLE" }));
        assert!(p.is_eks());
        let s3: OidcProvider = "arn:aws:iam::123456789012:oidc-provider/b.s3.eu-west-1.amazonaws.com".parse().unwrap();
        assert_eq!(s3.eks_issuer(), None);
        assert!(!s3.is_eks());
        let cn: OidcProvider =
            "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/A1".parse().unwrap();
        assert_eq!(cn.eks_issuer(), Some(EksIssuer { region: "cn-north-1", id: "A1" }));
        // Under `oidc.eks.` but not in a region: someone's own issuer, not EKS.
        for arn in [
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.example.com/id/ABC",
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.example.com",
        ] {
            let own: OidcProvider = arn.parse().unwrap();
            assert_eq!((own.eks_issuer(), own.is_eks()), (None, false), "{arn}");
        }
        // From an issuer URL, the same answer as from the ARN.
        let url = OidcProvider::from_issuer_url(
            "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            p.account(),
            Partition::Aws,
        )
        .unwrap();
        assert_eq!(url, p);
        assert_eq!(url.eks_issuer(), p.eks_issuer());
    }
}
