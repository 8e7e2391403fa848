//! Kubernetes ServiceAccount manifests annotated for IRSA (the pod identity webhook's
//! annotations).

use std::fmt;

use crate::error::{Error, ErrorKind};
use crate::subject::ServiceAccount;

/// A ServiceAccount manifest that points its pods at an IAM role.
///
/// ```
/// use irsa_core::kubernetes::ServiceAccountManifest;
///
/// let manifest = ServiceAccountManifest::new(
///     "kube-system:external-dns".parse().unwrap(),
///     "arn:aws:iam::123456789012:role/external-dns".parse().unwrap(),
/// )
/// .unwrap()
/// .audience(Some("amazonaws.com".into()));
/// assert!(manifest.to_yaml(None).contains("eks.amazonaws.com/audience: \"amazonaws.com\"\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccountManifest {
    service_account: ServiceAccount,
    role_arn: String,
    audience: Option<String>,
    token_expiration: Option<u32>,
    regional_sts: bool,
}

/// The shortest token lifetime the pod identity webhook accepts, in seconds.
pub const MIN_TOKEN_EXPIRATION: u32 = 600;

impl ServiceAccountManifest {
    /// A manifest for an exact service account (no wildcards) and a role ARN
    /// (`arn:<partition>:iam::<account>:role/[path/]name`).
    pub fn new(service_account: ServiceAccount, role_arn: String) -> Result<ServiceAccountManifest, Error> {
        if service_account.has_wildcard() {
            return Err(Error::new(
                ErrorKind::Subject,
                service_account.to_string(),
                "a ServiceAccount manifest names one service account; wildcards are for trust policies",
            ));
        }
        check_role_arn(&role_arn)?;
        Ok(ServiceAccountManifest {
            service_account,
            role_arn,
            audience: None,
            token_expiration: None,
            regional_sts: false,
        })
    }

    /// Sets `eks.amazonaws.com/audience`: the audience of the tokens the webhook projects.
    #[must_use]
    pub fn audience(mut self, audience: Option<String>) -> ServiceAccountManifest {
        self.audience = audience;
        self
    }

    /// Sets `eks.amazonaws.com/token-expiration` (at least [`MIN_TOKEN_EXPIRATION`] seconds).
    pub fn token_expiration(mut self, seconds: Option<u32>) -> Result<ServiceAccountManifest, Error> {
        if let Some(seconds) = seconds.filter(|s| *s < MIN_TOKEN_EXPIRATION) {
            return Err(Error::new(
                ErrorKind::TokenExpiration,
                seconds.to_string(),
                format!("the pod identity webhook needs a token expiration of at least {MIN_TOKEN_EXPIRATION} seconds"),
            ));
        }
        self.token_expiration = seconds;
        Ok(self)
    }

    /// Sets `eks.amazonaws.com/sts-regional-endpoints: "true"`.
    #[must_use]
    pub fn regional_sts(mut self, yes: bool) -> ServiceAccountManifest {
        self.regional_sts = yes;
        self
    }

    /// The manifest as YAML, with `comment` (a full `# ...` line) first when given. Values are
    /// double-quoted, so YAML reads every one as a string.
    pub fn to_yaml(&self, comment: Option<&str>) -> String {
        let mut out = String::new();
        if let Some(comment) = comment {
            out.push_str(comment);
            out.push('\n');
        }
        out.push_str("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n");
        out.push_str(&format!("  name: {}\n", self.service_account.name()));
        out.push_str(&format!("  namespace: {}\n", self.service_account.namespace()));
        out.push_str("  annotations:\n");
        out.push_str(&format!("    eks.amazonaws.com/role-arn: {}\n", yaml_string(&self.role_arn)));
        if let Some(audience) = &self.audience {
            out.push_str(&format!("    eks.amazonaws.com/audience: {}\n", yaml_string(audience)));
        }
        if self.regional_sts {
            out.push_str("    eks.amazonaws.com/sts-regional-endpoints: \"true\"\n");
        }
        if let Some(seconds) = self.token_expiration {
            out.push_str(&format!("    eks.amazonaws.com/token-expiration: \"{seconds}\"\n"));
        }
        out
    }
}

/// A YAML double-quoted scalar (JSON's string syntax, which YAML reads the same way).
pub(crate) fn yaml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    // Writing to a String cannot fail.
    let _ = write_yaml_string(&mut out, text);
    out
}

/// Writes `text` as [`yaml_string`] does, without an allocation: runs of characters that need
/// no escape are written whole.
pub(crate) fn write_yaml_string(out: &mut (impl fmt::Write + ?Sized), text: &str) -> fmt::Result {
    out.write_char('"')?;
    // Most texts (names, ARNs) are printable ASCII without a quote or backslash: written whole.
    if text.bytes().all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\') {
        out.write_str(text)?;
        return out.write_char('"');
    }
    let mut plain_from = 0;
    for (at, c) in text.char_indices() {
        let escape = match c {
            ' '..='~' if c != '"' && c != '\\' => continue,
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\t' => Some("\\t"),
            // Other control characters, and the ones YAML or JSON readers treat as line ends.
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{feff}' => None,
            _ => continue,
        };
        out.write_str(text.get(plain_from..at).unwrap_or_default())?;
        plain_from = at + c.len_utf8();
        match escape {
            Some(escape) => out.write_str(escape)?,
            None => write!(out, "\\u{:04X}", u32::from(c))?,
        }
    }
    out.write_str(text.get(plain_from..).unwrap_or_default())?;
    out.write_char('"')
}

/// `arn:<partition>:iam::<12 digits>:role/[path/]name`.
fn check_role_arn(arn: &str) -> Result<(), Error> {
    let fail = |rule: &str| Err(Error::new(ErrorKind::RoleArn, arn, rule));
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let ["arn", partition, "iam", "", account, resource] = fields[..] else {
        return fail("a role ARN is `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`");
    };
    if partition.parse::<crate::Partition>().is_err() {
        return fail("the partition is not an AWS partition");
    }
    if !crate::provider::is_account_id(account) {
        return fail("the account must be 12 digits");
    }
    let Some(path_and_name) = resource.strip_prefix("role/") else {
        return fail("the resource must start with `role/`");
    };
    let (path, name) = match path_and_name.rsplit_once('/') {
        Some((path, name)) => (format!("/{path}/"), name),
        None => ("/".to_owned(), path_and_name),
    };
    path.parse::<crate::RolePath>().map_err(|e| Error::new(ErrorKind::RoleArn, arn, e.rule()))?;
    name.parse::<crate::RoleName>().map_err(|e| Error::new(ErrorKind::RoleArn, arn, e.rule()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests() {
        let manifest = ServiceAccountManifest::new(
            "default:app".parse().unwrap(),
            "arn:aws:iam::123456789012:role/irsa/app".into(),
        )
        .unwrap()
        .regional_sts(true)
        .token_expiration(Some(3600))
        .unwrap();
        assert_eq!(
            manifest.to_yaml(Some("# generated")),
            "# generated\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: default\n  annotations:\n    eks.amazonaws.com/role-arn: \"arn:aws:iam::123456789012:role/irsa/app\"\n    eks.amazonaws.com/sts-regional-endpoints: \"true\"\n    eks.amazonaws.com/token-expiration: \"3600\"\n"
        );
    }

    #[test]
    fn bad_inputs() {
        let sa = |s: &str| s.parse::<ServiceAccount>().unwrap();
        let ok_arn = "arn:aws:iam::123456789012:role/app".to_owned();
        assert!(ServiceAccountManifest::new(sa("default:app-*"), ok_arn.clone()).is_err());
        for bad in [
            "arn:aws:iam::123456789012:user/app",
            "arn:aws:iam::1234:role/app",
            "app",
            "arn:aws:iam::123456789012:role/a b",
            "arn:aws:iam::123456789012:role/",
        ] {
            let err = ServiceAccountManifest::new(sa("default:app"), bad.into()).unwrap_err();
            assert_eq!(err.value(), bad);
        }
        let manifest = ServiceAccountManifest::new(sa("default:app"), ok_arn).unwrap();
        assert!(manifest.token_expiration(Some(599)).is_err());
        assert_eq!(yaml_string("a\"b\\c\n\u{1}"), r#""a\"b\\c\n\u0001""#);
        assert_eq!(yaml_string("é\u{2028}x\ty\u{7f}"), r#""é\u2028x\ty\u007F""#);
        assert_eq!(yaml_string(""), r#""""#);
    }
}
