//! The `:aud` condition of a web-identity statement.

use crate::error::{Error, ErrorKind};
use crate::provider::OidcProvider;

/// The audience EKS clusters put in their service-account tokens for IRSA.
pub const EKS_AUDIENCE: &str = "sts.amazonaws.com";

/// The audience kops clusters put in their service-account tokens for IRSA.
pub const KOPS_AUDIENCE: &str = "amazonaws.com";

/// Which `:aud` values a web-identity statement requires.
///
/// ```
/// use irsa_core::{Audience, OidcProvider};
///
/// let eks: OidcProvider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC".parse().unwrap();
/// let kops: OidcProvider = "arn:aws:iam::123456789012:oidc-provider/b.s3.eu-west-1.amazonaws.com".parse().unwrap();
/// assert_eq!(Audience::Auto.values_for(&eks), ["sts.amazonaws.com"]);
/// assert!(Audience::Auto.values_for(&kops).is_empty());
///
/// let pinned = Audience::parse_flags(&["amazonaws.com"]).unwrap();
/// assert_eq!(pinned.values_for(&kops), ["amazonaws.com"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Audience {
    /// `sts.amazonaws.com` for an EKS issuer, no `:aud` condition otherwise.
    #[default]
    Auto,
    /// No `:aud` condition.
    None,
    /// Exactly these values (any of them matches).
    Values(Vec<String>),
}

impl Audience {
    /// The audience of repeated `--audience` values: nothing or `auto` is [`Audience::Auto`],
    /// `none` is [`Audience::None`], anything else the list of values (deduplicated, in order).
    /// `auto` and `none` cannot be combined with other values.
    pub fn parse_flags<S: AsRef<str>>(values: &[S]) -> Result<Audience, Error> {
        let values: Vec<&str> = values.iter().map(AsRef::as_ref).collect();
        match values[..] {
            [] | ["auto"] => return Ok(Audience::Auto),
            ["none"] => return Ok(Audience::None),
            _ => {}
        }
        let mut list: Vec<String> = Vec::with_capacity(values.len());
        for value in values {
            if value == "auto" || value == "none" {
                return Err(Error::new(
                    ErrorKind::Audience,
                    value,
                    "`auto` and `none` stand alone: they cannot be combined with other audiences",
                ));
            }
            check_value(value)?;
            if !list.iter().any(|v| v == value) {
                list.push(value.to_owned());
            }
        }
        Ok(Audience::Values(list))
    }

    /// The `:aud` values a statement for this provider requires (empty: no condition).
    pub fn values_for(&self, provider: &OidcProvider) -> Vec<String> {
        self.values(provider).iter().map(|value| (*value).to_owned()).collect()
    }

    /// [`Audience::values_for`], borrowed.
    pub(crate) fn values<'a>(&'a self, provider: &OidcProvider) -> AudienceValues<'a> {
        match self {
            Audience::Auto if provider.is_eks() => AudienceValues::Eks,
            Audience::Auto | Audience::None => AudienceValues::Given(&[]),
            Audience::Values(values) => AudienceValues::Given(values),
        }
    }
}

/// The values of an [`Audience`] for one provider, without copying them.
pub(crate) enum AudienceValues<'a> {
    /// The EKS audience.
    Eks,
    /// The values given (none: no condition).
    Given(&'a [String]),
}

impl<'a> AudienceValues<'a> {
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, AudienceValues::Given([]))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &'a str> + Clone + use<'a> {
        let (eks, given): (&'a [&'static str], &'a [String]) = match self {
            AudienceValues::Eks => (&[EKS_AUDIENCE], &[]),
            AudienceValues::Given(values) => (&[], values),
        };
        eks.iter().copied().chain(given.iter().map(String::as_str))
    }
}

/// An audience is an OIDC client ID (1 to 255 characters), compared with `StringEquals`.
fn check_value(value: &str) -> Result<(), Error> {
    let fail = |rule: String| Err(Error::new(ErrorKind::Audience, value, rule));
    if value.is_empty() {
        return fail("an audience is not empty".into());
    }
    if value.chars().count() > 255 {
        return fail("an audience (an OIDC client ID) has at most 255 characters".into());
    }
    if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return fail(format!("an audience has no whitespace or control characters (found `{}`)", c.escape_debug()));
    }
    if value.contains(['*', '?']) {
        return fail(
            "the `:aud` condition uses StringEquals, where `*` and `?` are literal and never match a token".into(),
        );
    }
    if value.contains("${") {
        return fail("`${` starts an IAM policy variable; an audience cannot hold one".into());
    }
    if value.starts_with("https://") || value.starts_with("http://") {
        return fail("an audience is the token's `aud` claim (e.g. `sts.amazonaws.com`), not a URL".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags() {
        let ok = |flags: &[&str], expected: Audience| {
            assert_eq!(Audience::parse_flags(flags).unwrap(), expected, "{flags:?}")
        };
        ok(&[], Audience::Auto);
        ok(&["auto"], Audience::Auto);
        ok(&["none"], Audience::None);
        ok(&["amazonaws.com"], Audience::Values(vec!["amazonaws.com".into()]));
        ok(&["a", "b", "a"], Audience::Values(vec!["a".into(), "b".into()]));

        let err = |flags: &[&str], value: &str, rule: &str| {
            let e = Audience::parse_flags(flags).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Audience);
            assert_eq!(e.value(), value);
            assert!(e.rule().contains(rule), "{flags:?}: {e}");
        };
        err(&["none", "sts.amazonaws.com"], "none", "stand alone");
        err(&["sts.amazonaws.com", "auto"], "auto", "stand alone");
        err(&[""], "", "not empty");
        err(&["sts.*"], "sts.*", "literal");
        err(&["a b"], "a b", "whitespace");
        err(&["https://sts.amazonaws.com"], "https://sts.amazonaws.com", "not a URL");
        err(&["${aws:x}"], "${aws:x}", "policy variable");
        err(&[&"a".repeat(256)], &"a".repeat(256), "255");
    }
}
