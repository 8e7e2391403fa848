//! Kubernetes service accounts as trust-policy subjects (`namespace:name`, with wildcards).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// The prefix Kubernetes gives every service account's token subject.
pub const SUBJECT_PREFIX: &str = "system:serviceaccount:";

/// A trusted Kubernetes service account, `namespace:name`, where either part may hold the
/// IAM wildcards `*` (any run of characters) and `?` (one character).
///
/// Without wildcards the namespace is a DNS-1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at
/// most 63 characters) and the name a DNS-1123 subdomain (dot-separated labels, at most 253
/// characters), as Kubernetes requires. With wildcards, the literal parts must still be legal.
///
/// ```
/// use irsa_core::ServiceAccount;
///
/// let sa: ServiceAccount = "kube-system:external-dns".parse().unwrap();
/// assert_eq!(sa.subject(), "system:serviceaccount:kube-system:external-dns");
/// assert!(!sa.has_wildcard());
///
/// let crossplane: ServiceAccount = "crossplane-system:provider-aws-*".parse().unwrap();
/// assert!(crossplane.has_wildcard());
/// assert!(!crossplane.is_broad());
///
/// let whole_namespace: ServiceAccount = "team-a:*".parse().unwrap();
/// assert!(whole_namespace.is_broad());
///
/// let err = "Default:app".parse::<ServiceAccount>().unwrap_err();
/// assert!(err.rule().contains("lowercase"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ServiceAccount {
    /// `namespace:name`, one allocation (a spec can hold hundreds of thousands).
    text: String,
    /// Where the colon is.
    colon: usize,
}

impl ServiceAccount {
    /// A service account from its namespace and name, checked by Kubernetes' rules.
    pub fn new(namespace: &str, name: &str) -> Result<ServiceAccount, Error> {
        let checked = check_part(namespace, Part::Namespace).and_then(|()| check_part(name, Part::Name));
        if let Err(rule) = checked {
            return Err(Error::new(ErrorKind::Subject, format!("{namespace}:{name}"), rule));
        }
        Ok(ServiceAccount::from_checked(namespace, name))
    }

    /// A service account of a namespace and name already checked.
    fn from_checked(namespace: &str, name: &str) -> ServiceAccount {
        // One allocation of the exact size (a spec can hold hundreds of thousands).
        let mut text = String::with_capacity(namespace.len() + 1 + name.len());
        text.push_str(namespace);
        text.push(':');
        text.push_str(name);
        ServiceAccount { text, colon: namespace.len() }
    }

    /// Parses `namespace:name`. A full subject (`system:serviceaccount:namespace:name`) is
    /// accepted too, and a bare `*` means every service account (`*:*`).
    pub fn parse(s: &str) -> Result<ServiceAccount, Error> {
        if s == "*" {
            return ServiceAccount::new("*", "*");
        }
        let short = s.strip_prefix(SUBJECT_PREFIX).filter(|rest| rest.contains(':')).unwrap_or(s);
        let (namespace, name) = check_subject(short).map_err(|rule| Error::new(ErrorKind::Subject, s, rule))?;
        Ok(ServiceAccount::from_checked(namespace, name))
    }

    /// `namespace:name`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The namespace (pattern).
    pub fn namespace(&self) -> &str {
        self.text.get(..self.colon).unwrap_or_default()
    }

    /// The service account's name (pattern).
    pub fn name(&self) -> &str {
        self.text.get(self.colon + 1..).unwrap_or_default()
    }

    /// The token subject the service account's pods present:
    /// `system:serviceaccount:<namespace>:<name>`.
    pub fn subject(&self) -> String {
        format!("{SUBJECT_PREFIX}{}", self.text)
    }

    /// Whether the namespace or the name holds a `*` or `?` wildcard (then the subject must be
    /// compared with `StringLike`).
    pub fn has_wildcard(&self) -> bool {
        has_wildcard(&self.text)
    }

    /// Whether the subject trusts a whole namespace or every namespace: the namespace or the
    /// name is made of wildcards only (`ns:*`, `*:name`, `*:*`).
    pub fn is_broad(&self) -> bool {
        is_only_wildcards(self.namespace()) || is_only_wildcards(self.name())
    }
}

impl FromStr for ServiceAccount {
    type Err = Error;

    fn from_str(s: &str) -> Result<ServiceAccount, Error> {
        ServiceAccount::parse(s)
    }
}

impl fmt::Display for ServiceAccount {
    /// Displays `namespace:name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Checks `namespace:name` (the part of a subject after `system:serviceaccount:`) without
/// building a [`ServiceAccount`]: the namespace and name, or why they are not legal.
pub(crate) fn check_subject(text: &str) -> Result<(&str, &str), String> {
    match text.split_once(':') {
        Some((namespace, name)) if !name.contains(':') => {
            check_part(namespace, Part::Namespace)?;
            check_part(name, Part::Name)?;
            Ok((namespace, name))
        }
        _ => Err("expected NAMESPACE:NAME (one colon), for example `kube-system:external-dns`".to_owned()),
    }
}

fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// Whether a namespace or name is made of wildcards only (it matches every one).
pub(crate) fn is_only_wildcards(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Nearly every name starts with a letter or digit: answered by its first byte.
    matches!(bytes.first(), Some(b'*' | b'?')) && bytes.iter().all(|&b| b == b'*' || b == b'?') && bytes.contains(&b'*')
}

#[derive(Clone, Copy)]
enum Part {
    Namespace,
    Name,
}

impl Part {
    fn noun(self) -> &'static str {
        match self {
            Part::Namespace => "namespace",
            Part::Name => "name",
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Part::Namespace => {
                "a namespace is a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"
            }
            Part::Name => {
                "a service account name is a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each dot-separated label starting and ending with a letter or digit, at most 253 characters"
            }
        }
    }

    fn max_len(self) -> usize {
        match self {
            Part::Namespace => 63,
            Part::Name => 253,
        }
    }
}

/// Checks a namespace or name pattern by Kubernetes' rules, wildcards standing for any legal
/// text.
fn check_part(s: &str, part: Part) -> Result<(), String> {
    // Quick checks accept the legal names (nearly all of them) without the searches of
    // `explain_part`, which only run to say what is wrong.
    let bytes = s.as_bytes();
    let table = match part {
        Part::Namespace => &NAMESPACE_BYTES,
        Part::Name => &NAME_BYTES,
    };
    let allowed = !bytes.is_empty() && bytes.iter().all(|&b| table.get(usize::from(b)).copied().unwrap_or(false));
    let edges_ok = !matches!(bytes.first(), Some(b'-' | b'.')) && !matches!(bytes.last(), Some(b'-' | b'.'));
    // `*` stands for any text, so it does not count; only a long text needs the count.
    let short_enough =
        bytes.len() <= part.max_len() || bytes.len() - bytes.iter().filter(|&&b| b == b'*').count() <= part.max_len();
    // Only a name holds dots, and every bad pair has one.
    let pairs_ok = !bytes.contains(&b'.')
        || !bytes.windows(2).any(|pair| matches!(pair, [b'.', b'.'] | [b'.', b'-'] | [b'-', b'.']));
    if allowed && edges_ok && short_enough && pairs_ok {
        return Ok(());
    }
    explain_part(s, part)
}

/// The bytes a namespace pattern may hold: lowercase letters, digits, `-` and the wildcards.
const NAMESPACE_BYTES: [bool; 256] = allowed_bytes(false);
/// The bytes a name pattern may hold: a namespace's and `.`.
const NAME_BYTES: [bool; 256] = allowed_bytes(true);

// Evaluated at compile time only, where an index out of bounds would fail the build.
#[allow(clippy::indexing_slicing)]
const fn allowed_bytes(dot: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] =
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'*' | b'?') || (dot && c == b'.');
        b += 1;
    }
    table
}

/// Why `s` is not a legal namespace or name (`Ok` when it is).
fn explain_part(s: &str, part: Part) -> Result<(), String> {
    let noun = part.noun();
    if s.is_empty() {
        return Err(format!("the {noun} is empty"));
    }
    if let Some(c) = s.chars().find(char::is_ascii_uppercase) {
        return Err(format!(
            "the {noun} `{s}` has the uppercase letter `{c}`; Kubernetes names are lowercase (`{}`?)",
            s.to_ascii_lowercase()
        ));
    }
    let allowed = |c: char| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || matches!(c, '-' | '*' | '?')
            || (c == '.' && matches!(part, Part::Name))
    };
    if let Some(c) = s.chars().find(|&c| !allowed(c)) {
        return Err(format!("the {noun} `{s}` has the character `{}`: {}", c.escape_debug(), part.rule()));
    }
    let fixed_len = s.chars().filter(|&c| c != '*').count();
    if fixed_len > part.max_len() {
        return Err(format!("the {noun} is {fixed_len} characters long: {}", part.rule()));
    }
    let bytes = s.as_bytes();
    let starts_badly = bytes.first().is_some_and(|b| matches!(b, b'-' | b'.'));
    let ends_badly = bytes.last().is_some_and(|b| matches!(b, b'-' | b'.'));
    if starts_badly || ends_badly {
        return Err(format!("the {noun} `{s}` must start and end with a letter or digit: {}", part.rule()));
    }
    for pair in ["..", ".-", "-."] {
        if s.contains(pair) {
            return Err(format!("the {noun} `{s}` has `{pair}`: {}", part.rule()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_wildcards() {
        for (text, expected) in [
            ("*", true),
            ("**", true),
            ("?*", true),
            ("*?", true),
            ("?", false),
            ("??", false),
            ("", false),
            ("a*", false),
            ("*a", false),
            ("app", false),
        ] {
            assert_eq!(is_only_wildcards(text), expected, "{text}");
        }
    }

    fn check(input: &str, expected: Result<&str, &str>) {
        match (ServiceAccount::parse(input), expected) {
            (Ok(sa), Ok(subject)) => assert_eq!(sa.subject(), subject, "{input}"),
            (Err(e), Err(rule)) => {
                assert_eq!(e.kind(), ErrorKind::Subject);
                assert_eq!(e.value(), input);
                assert!(e.rule().contains(rule), "{input}: `{}` does not contain `{rule}`", e.rule());
            }
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn subjects() {
        check("kube-system:external-dns", Ok("system:serviceaccount:kube-system:external-dns"));
        check("a:b", Ok("system:serviceaccount:a:b"));
        check("default:my.app.v2", Ok("system:serviceaccount:default:my.app.v2"));
        check("system:serviceaccount:default:app", Ok("system:serviceaccount:default:app"));
        check("crossplane-system:provider-aws-*", Ok("system:serviceaccount:crossplane-system:provider-aws-*"));
        check("team-?:app", Ok("system:serviceaccount:team-?:app"));
        check("*-prod:app", Ok("system:serviceaccount:*-prod:app"));
        check("ns:*", Ok("system:serviceaccount:ns:*"));
        check("*", Ok("system:serviceaccount:*:*"));
        check(&format!("{}:a", "n".repeat(63)), Ok(&format!("system:serviceaccount:{}:a", "n".repeat(63))));
        check(&format!("a:{}", "n".repeat(253)), Ok(&format!("system:serviceaccount:a:{}", "n".repeat(253))));

        check("default", Err("expected NAMESPACE:NAME"));
        check("a:b:c", Err("expected NAMESPACE:NAME"));
        check(":app", Err("the namespace is empty"));
        check("default:", Err("the name is empty"));
        check("Default:app", Err("uppercase letter `D`; Kubernetes names are lowercase (`default`?)"));
        check("default:My-App", Err("uppercase"));
        check("my.ns:app", Err("the namespace `my.ns` has the character `.`"));
        check("ns:app_1", Err("the character `_`"));
        check("ns:app name", Err("the character ` `"));
        check("-ns:app", Err("must start and end with a letter or digit"));
        check("ns-:app", Err("must start and end"));
        check("ns:app.", Err("must start and end"));
        check("ns:a..b", Err("has `..`"));
        check("ns:a.-b", Err("has `.-`"));
        check(&format!("{}:a", "n".repeat(64)), Err("64 characters long"));
        check(&format!("a:{}", "n".repeat(254)), Err("254 characters long"));
    }

    #[test]
    fn breadth() {
        let broad = |s: &str| s.parse::<ServiceAccount>().unwrap().is_broad();
        assert!(broad("*:*"));
        assert!(broad("ns:*"));
        assert!(broad("*:app"));
        assert!(broad("ns:**"));
        assert!(!broad("ns:app-*"));
        assert!(!broad("ns-*:app"));
        assert!(!broad("ns:app"));
        assert!(!broad("ns:???"));
    }
}

#[cfg(test)]
mod fast_path {
    use proptest::prelude::*;

    use super::{Part, check_part, explain_part};

    proptest! {
        /// The quick check accepts exactly what the detailed check accepts (lengths around
        /// both limits, with and without `*`, included).
        #[test]
        fn the_fast_check_agrees_with_the_detailed_one(
            s in "[a-z0-9.*?-]{0,10}|[a-zA-Z0-9.*?_ -]{0,6}|.{0,4}|[a-z*]{60,68}|[a-z.*]{250,258}"
        ) {
            for part in [Part::Namespace, Part::Name] {
                prop_assert_eq!(check_part(&s, part).is_ok(), explain_part(&s, part).is_ok(), "{:?}", s);
            }
        }
    }
}
