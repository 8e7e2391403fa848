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

#[cfg(test)]
mod tests {
    use super::*;

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
