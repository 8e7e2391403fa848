//! Actions: which of a statement's `Action` (or `NotAction`) patterns covers an STS action.

use crate::policy::Statement;
#[cfg(test)]
use crate::trust::ASSUME_ROLE_WITH_WEB_IDENTITY;

/// IAM's wildcard match: `*` any run of characters (none included), `?` exactly one; every
/// other character literal and case-sensitive.
///
/// ```
/// use irsa_core::semantics::glob_match;
///
/// assert!(glob_match("system:serviceaccount:*:app", "system:serviceaccount:ns:app"));
/// assert!(glob_match("sts:AssumeRole*", "sts:AssumeRoleWithWebIdentity"));
/// assert!(!glob_match("a?c", "ac"));
/// ```
pub fn glob_match(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        glob(pattern.as_bytes(), text.as_bytes())
    } else {
        let pattern: Vec<char> = pattern.chars().collect();
        let text: Vec<char> = text.chars().collect();
        glob(&pattern, &text)
    }
}

/// The wildcard match over any symbols, with one backtracking point (the last `*`), which
/// is enough: a later `*` can always absorb what an earlier one would.
fn glob<T: Copy + PartialEq + From<u8>>(pattern: &[T], text: &[T]) -> bool {
    let (star_symbol, one_symbol) = (T::from(b'*'), T::from(b'?'));
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&c) if c == star_symbol => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == one_symbol || Some(&c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern.get(p..).is_some_and(|rest| rest.iter().all(|&c| c == star_symbol))
}

/// Whether an action pattern matches `action`: IAM compares actions ignoring case, with `*`
/// and `?`.
///
/// ```
/// use irsa_core::semantics::action_matches;
///
/// assert!(action_matches("STS:assumerolewith*", "sts:AssumeRoleWithWebIdentity"));
/// assert!(!action_matches("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"));
/// ```
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern.eq_ignore_ascii_case(action);
    }
    glob_match(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// How a statement's actions decide whether it covers an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionCover<'s> {
    /// `Action` has this pattern, which matches.
    Listed(&'s str),
    /// `NotAction` does not exclude it.
    NotExcluded,
    /// `Action` has no pattern that matches.
    NotListed,
    /// `NotAction` has this pattern, which excludes it.
    Excluded(&'s str),
    /// The statement has neither `Action` nor `NotAction`.
    NoAction,
}

impl ActionCover<'_> {
    /// Whether the statement covers the action.
    pub fn covers(&self) -> bool {
        matches!(self, ActionCover::Listed(_) | ActionCover::NotExcluded)
    }
}

/// Whether, and through which pattern, `statement` covers `action`.
///
/// ```
/// use irsa_core::policy::PolicyDocument;
/// use irsa_core::semantics::{ActionCover, action_cover};
///
/// let policy = PolicyDocument::from_json(r#"{"Statement": {"Effect": "Allow", "Principal": "*", "NotAction": "sts:AssumeRole"}}"#).unwrap();
/// let statement = &policy.statements()[0];
/// assert_eq!(action_cover(statement, "sts:AssumeRole"), ActionCover::Excluded("sts:AssumeRole"));
/// assert!(action_cover(statement, "sts:AssumeRoleWithWebIdentity").covers());
/// ```
pub fn action_cover<'s>(statement: &'s Statement, action: &str) -> ActionCover<'s> {
    let find = |patterns: &'s crate::policy::OneOrMany<String>| {
        patterns.iter().find(|pattern| action_matches(pattern, action)).map(String::as_str)
    };
    match (&statement.action, &statement.not_action) {
        (Some(actions), _) => find(actions).map_or(ActionCover::NotListed, ActionCover::Listed),
        (None, Some(not_actions)) => find(not_actions).map_or(ActionCover::NotExcluded, ActionCover::Excluded),
        (None, None) => ActionCover::NoAction,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        for (pattern, text, expected) in [
            ("sts:*", "sts:assumerolewithwebidentity", true),
            ("*", "x", true),
            ("*", "", true),
            ("sts:assumerole", "sts:assumerolewithwebidentity", false),
            ("sts:assumerolewith*", "sts:assumerolewithwebidentity", true),
            ("sts:assumerole?ithwebidentity", "sts:assumerolewithwebidentity", true),
            ("a?c", "ac", false),
            ("*a*b", "xaxxb", true),
            ("*a*b", "xaxxbc", false),
            ("", "", true),
            ("", "a", false),
            ("ü*", "über", true),
            ("?ber", "über", true),
        ] {
            assert_eq!(glob_match(pattern, text), expected, "{pattern} {text}");
        }
    }

    #[test]
    fn actions_ignore_case() {
        for (pattern, expected) in [
            ("sts:AssumeRoleWithWebIdentity", true),
            ("STS:ASSUMEROLEWITHWEBIDENTITY", true),
            ("sts:*", true),
            ("*", true),
            ("sts:AssumeRole", false),
            ("sts:AssumeRole?", false),
            ("iam:*", false),
        ] {
            assert_eq!(action_matches(pattern, ASSUME_ROLE_WITH_WEB_IDENTITY), expected, "{pattern}");
        }
    }
}
