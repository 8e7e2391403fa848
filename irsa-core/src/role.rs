//! IAM role names.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// An IAM role name: 1 to 64 characters of letters, digits and `+=,.@_-`.
///
/// IAM compares role names without regard to case, so two names that differ only in case
/// are the same role.
///
/// ```
/// use irsa_core::RoleName;
///
/// let name: RoleName = "external-dns".parse().unwrap();
/// assert_eq!(name.as_str(), "external-dns");
/// assert!("external dns".parse::<RoleName>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleName(String);

impl RoleName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for RoleName {
    type Err = Error;

    fn from_str(s: &str) -> Result<RoleName, Error> {
        let fail = |rule: String| Err(Error::new(ErrorKind::RoleName, s, rule));
        let len = s.chars().count();
        if len == 0 || len > 64 {
            return fail(format!("a role name has 1 to 64 characters, not {len}"));
        }
        if let Some(c) = s.chars().find(|&c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))) {
            return fail(format!(
                "the character `{}` is not allowed: a role name has letters, digits and `+=,.@_-`",
                c.escape_debug()
            ));
        }
        Ok(RoleName(s.to_owned()))
    }
}

impl fmt::Display for RoleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An IAM path: `/`, or `/` + segments + `/` (printable ASCII), at most 512 characters.
///
/// ```
/// use irsa_core::RolePath;
///
/// assert_eq!("/irsa/".parse::<RolePath>().unwrap().as_str(), "/irsa/");
/// assert!("irsa".parse::<RolePath>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RolePath(String);

impl RolePath {
    /// The path, starting and ending with `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for RolePath {
    /// The root path `/`.
    fn default() -> RolePath {
        RolePath("/".to_owned())
    }
}

impl FromStr for RolePath {
    type Err = Error;

    fn from_str(s: &str) -> Result<RolePath, Error> {
        let fail = |rule: String| Err(Error::new(ErrorKind::RolePath, s, rule));
        if !s.starts_with('/') || !s.ends_with('/') {
            return fail("an IAM path starts and ends with `/` (`/` alone, or `/team/app/`)".into());
        }
        if s.len() > 512 {
            return fail(format!("an IAM path has at most 512 characters, not {}", s.len()));
        }
        if let Some(c) = s.chars().find(|c| !('\u{21}'..='\u{7e}').contains(c)) {
            return fail(format!("an IAM path has printable ASCII characters only, not `{}`", c.escape_debug()));
        }
        if s.contains("//") {
            return fail("an IAM path has no empty segment (`//`)".into());
        }
        Ok(RolePath(s.to_owned()))
    }
}

impl fmt::Display for RolePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ARN of a managed policy, `arn:<partition>:iam::<aws | 12 digits>:policy/[path/]name`.
///
/// ```
/// use irsa_core::PolicyArn;
///
/// let arn: PolicyArn = "arn:aws:iam::aws:policy/AmazonRoute53FullAccess".parse().unwrap();
/// assert_eq!(arn.name(), "AmazonRoute53FullAccess");
/// assert!("arn:aws:iam::aws:role/x".parse::<PolicyArn>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PolicyArn(String);

impl PolicyArn {
    /// The ARN.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The policy's name: the last segment of the ARN.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

impl FromStr for PolicyArn {
    type Err = Error;

    fn from_str(s: &str) -> Result<PolicyArn, Error> {
        let shape = "a managed policy ARN is `arn:PARTITION:iam::ACCOUNT:policy/[PATH/]NAME` (ACCOUNT is 12 digits, or `aws` for AWS managed policies)";
        let fail = |rule: String| Err(Error::new(ErrorKind::PolicyArn, s, rule));
        let fields: Vec<&str> = s.splitn(6, ':').collect();
        let ["arn", partition, "iam", "", account, resource] = fields[..] else {
            return fail(shape.into());
        };
        if partition.parse::<crate::Partition>().is_err() {
            return fail(format!("the partition `{partition}` is not an AWS partition"));
        }
        if account != "aws" && !crate::provider::is_account_id(account) {
            return fail(format!("the account `{account}` must be 12 digits or `aws`"));
        }
        let Some(path_and_name) = resource.strip_prefix("policy/") else {
            return fail(format!("the resource `{resource}` is not a policy: {shape}"));
        };
        let name = path_and_name.rsplit('/').next().unwrap_or_default();
        if name.is_empty()
            || name.len() > 128
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        {
            return fail(format!("the policy name `{name}` must be 1 to 128 letters, digits and `+=,.@_-`"));
        }
        if let Some(c) = path_and_name.chars().find(|c| !('\u{21}'..='\u{7e}').contains(c)) {
            return fail(format!("the character `{}` is not allowed in a policy ARN", c.escape_debug()));
        }
        Ok(PolicyArn(s.to_owned()))
    }
}

impl fmt::Display for PolicyArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The ARN of a role: `arn:<partition>:iam::<account>:role<path><name>`.
///
/// ```
/// use irsa_core::{role_arn, Partition};
///
/// let arn = role_arn(Partition::Aws, &"123456789012".parse().unwrap(), &"/irsa/".parse().unwrap(), &"app".parse().unwrap());
/// assert_eq!(arn, "arn:aws:iam::123456789012:role/irsa/app");
/// ```
pub fn role_arn(partition: crate::Partition, account: &crate::AccountId, path: &RolePath, name: &RoleName) -> String {
    format!("arn:{partition}:iam::{account}:role{path}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_policy_arns() {
        for ok in ["/", "/irsa/", "/a/b-c/"] {
            assert_eq!(ok.parse::<RolePath>().unwrap().as_str(), ok);
        }
        for bad in ["", "irsa/", "/irsa", "//", "/a b/", &format!("/{}/", "a".repeat(511))] {
            assert!(bad.parse::<RolePath>().is_err(), "{bad}");
        }
        for ok in
            ["arn:aws:iam::aws:policy/AmazonRoute53FullAccess", "arn:aws-cn:iam::123456789012:policy/team/app-access"]
        {
            assert_eq!(ok.parse::<PolicyArn>().unwrap().as_str(), ok);
        }
        for (bad, rule) in [
            ("arn:aws:iam::aws:role/x", "is not a policy"),
            ("arn:aws:iam::1234:policy/x", "12 digits or `aws`"),
            ("arn:aws-x:iam::aws:policy/x", "partition"),
            ("arn:aws:s3:::bucket", "managed policy ARN is"),
            ("arn:aws:iam::aws:policy/", "policy name ``"),
            ("arn:aws:iam::aws:policy/a b", "policy name `a b`"),
        ] {
            let err = bad.parse::<PolicyArn>().unwrap_err();
            assert!(err.rule().contains(rule), "{bad}: {err}");
        }
    }

    #[test]
    fn role_names() {
        for ok in ["a", "external-dns", "Role+=,.@_-1", &"r".repeat(64)] {
            assert_eq!(ok.parse::<RoleName>().unwrap().as_str(), ok);
        }
        for (bad, rule) in
            [("", "1 to 64"), (&"r".repeat(65), "not 65"), ("a b", "` `"), ("a/b", "`/`"), ("rôle", "`ô`")]
        {
            let err = bad.parse::<RoleName>().unwrap_err();
            assert!(err.rule().contains(rule), "{bad}: {err}");
        }
    }
}
