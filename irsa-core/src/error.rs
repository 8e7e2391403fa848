//! The one error type of irsa-core: the offending value, the rule it breaks, and where it was.

use std::fmt;

/// What an [`Error`] is about: the kind of input that was rejected.
///
/// The CLI uses it to say which flag or file held the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An IAM OIDC provider ARN (`arn:aws:iam::123456789012:oidc-provider/...`).
    ProviderArn,
    /// An OIDC issuer URL (`https://oidc.eks.eu-west-1.amazonaws.com/id/...`).
    IssuerUrl,
    /// An AWS account ID (12 digits).
    Account,
    /// An AWS partition name (`aws`, `aws-cn`, ...).
    Partition,
    /// A Kubernetes service account subject (`namespace:name`).
    Subject,
    /// A legacy `sts:AssumeRole` principal (`TYPE=ID`).
    LegacyPrincipal,
    /// An audience (`:aud` value, `auto` or `none`).
    Audience,
    /// An IAM role name.
    RoleName,
    /// An IAM path (`/`, `/team/`).
    RolePath,
    /// An IAM role ARN.
    RoleArn,
    /// A managed policy ARN.
    PolicyArn,
    /// A spec file (the message says which part).
    Spec,
    /// A service-account token lifetime, in seconds.
    TokenExpiration,
    /// The combination of inputs of a trust policy (for example providers without subjects).
    Trust,
    /// The size of a policy against the IAM quota.
    Quota,
    /// A policy document given as JSON text.
    PolicyJson,
    /// A Terraform (HCL) identifier or label.
    HclLabel,
    /// A `data "aws_iam_policy_document"` given as Terraform text.
    PolicyHcl,
    /// A policy that the requested form cannot express with the same meaning.
    Conversion,
    /// An edit of an existing trust policy (`irsa migrate`).
    Migration,
    /// A service-account token (a JWT).
    Token,
    /// A simulated request (`irsa simulate`): claims, provider, cases.
    Simulation,
    /// A kops service-account issuer discovery store (`s3://BUCKET[/PATH]`).
    DiscoveryStore,
    /// An AWS region name.
    Region,
}

impl ErrorKind {
    /// A short noun phrase naming the input, used as the start of error messages.
    ///
    /// ```
    /// assert_eq!(irsa_core::ErrorKind::ProviderArn.noun(), "OIDC provider ARN");
    /// ```
    pub fn noun(self) -> &'static str {
        match self {
            ErrorKind::ProviderArn => "OIDC provider ARN",
            ErrorKind::IssuerUrl => "issuer URL",
            ErrorKind::Account => "account ID",
            ErrorKind::Partition => "partition",
            ErrorKind::Subject => "service account",
            ErrorKind::LegacyPrincipal => "legacy principal",
            ErrorKind::Audience => "audience",
            ErrorKind::RoleName => "role name",
            ErrorKind::RolePath => "IAM path",
            ErrorKind::RoleArn => "role ARN",
            ErrorKind::PolicyArn => "policy ARN",
            ErrorKind::Spec => "spec",
            ErrorKind::TokenExpiration => "token expiration",
            ErrorKind::Trust => "trust policy",
            ErrorKind::Quota => "trust policy size",
            ErrorKind::PolicyJson => "policy JSON",
            ErrorKind::HclLabel => "Terraform label",
            ErrorKind::PolicyHcl => "policy document",
            ErrorKind::Conversion => "conversion",
            ErrorKind::Migration => "migration",
            ErrorKind::Token => "token",
            ErrorKind::Simulation => "simulation",
            ErrorKind::DiscoveryStore => "discovery store",
            ErrorKind::Region => "region",
        }
    }
}

/// A position in a text input, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Location {
    /// Line number, from 1.
    pub line: usize,
    /// Column number (in characters), from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Everything irsa-core rejects comes back as this error.
///
/// It carries the offending value, the rule the value breaks, and, when the value came from
/// text, where in that text it was.
///
/// ```
/// use irsa_core::{ErrorKind, OidcProvider};
///
/// let err = "arn:aws:iam::1234:oidc-provider/example.com".parse::<OidcProvider>().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::ProviderArn);
/// assert_eq!(err.value(), "arn:aws:iam::1234:oidc-provider/example.com");
/// assert_eq!(err.rule(), "the account `1234` must be 12 digits");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    value: String,
    rule: String,
    location: Option<Location>,
    remedy: Option<Remedy>,
}

/// A choice of the caller's that would make a refused input acceptable: the library names it,
/// and a front end says how its users make it (the CLI names its flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Remedy {
    /// Allow subjects that trust a whole namespace or every namespace
    /// ([`crate::TrustPolicy::allow_broad_subjects`]).
    AllowBroadSubjects,
    /// Pick one of several policy documents by its name.
    PickDocument,
    /// Name the OIDC provider of a request.
    NameProvider,
    /// Choose a generate layout other than kops.
    OtherLayout,
}

impl Error {
    /// A new error about `value`, which breaks `rule`.
    pub fn new(kind: ErrorKind, value: impl Into<String>, rule: impl Into<String>) -> Error {
        Error { kind, value: value.into(), rule: rule.into(), location: None, remedy: None }
    }

    /// The same error, with the caller's choice that would mend it.
    #[must_use]
    pub fn with_remedy(mut self, remedy: Remedy) -> Error {
        self.remedy = Some(remedy);
        self
    }

    /// The caller's choice that would mend it, when there is one.
    pub fn remedy(&self) -> Option<Remedy> {
        self.remedy
    }

    /// The same error, located at `location` of the text it came from.
    #[must_use]
    pub fn at(mut self, location: Location) -> Error {
        self.location = Some(location);
        self
    }

    /// What kind of input was rejected.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The offending value, as it was given (may be empty when the error is about a
    /// combination of inputs rather than one value).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The rule the value breaks, as a sentence fragment without a final period.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// Where the value was in the text it came from, when it came from text.
    pub fn location(&self) -> Option<Location> {
        self.location
    }
}

impl Error {
    /// The message without the location: what is wrong and why.
    pub fn message(&self) -> String {
        if self.kind == ErrorKind::Spec && self.value.is_empty() {
            // Spec errors carry their path in the rule (`roles[2].providers: ...`).
            self.rule.clone()
        } else if self.value.is_empty() {
            format!("invalid {}: {}", self.kind.noun(), self.rule)
        } else {
            format!("invalid {} `{}`: {}", self.kind.noun(), shown(&self.value), self.rule)
        }
    }
}

/// A value as a message shows it between backticks: as written, but for control characters
/// and white space other than the space, which are escaped (`\t`, `\u{a0}`) so that they can be
/// seen. Quotes and backslashes stay as they are.
fn shown(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_control() || (c.is_whitespace() && c != ' ') {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = self.location {
            write!(f, "{location}: ")?;
        }
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod message_tests {
    use super::*;

    #[test]
    fn values_are_shown_as_written_with_invisible_characters_escaped() {
        for (value, expected) in [
            (r#"a"b"#, r#"invalid policy JSON `a"b`: r"#),
            (r"a\b", r"invalid policy JSON `a\b`: r"),
            ("a\tb", r"invalid policy JSON `a\tb`: r"),
            ("a\u{a0}b c", r"invalid policy JSON `a\u{a0}b c`: r"),
        ] {
            assert_eq!(Error::new(ErrorKind::PolicyJson, value, "r").message(), expected);
        }
    }
}

/// Byte offsets to 1-based lines and columns (columns in characters).
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub(crate) fn location(&self, text: &str, offset: usize) -> Location {
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        Location { line, column }
    }
}

/// The result type of irsa-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_value_rule_and_location() {
        let err = Error::new(ErrorKind::Subject, "a\tb", "tabs are not allowed").at(Location { line: 3, column: 7 });
        assert_eq!(err.to_string(), "3:7: invalid service account `a\\tb`: tabs are not allowed");
        let err = Error::new(ErrorKind::Trust, "", "no provider was given");
        assert_eq!(err.to_string(), "invalid trust policy: no provider was given");
    }
}
