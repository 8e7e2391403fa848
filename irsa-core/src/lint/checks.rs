//! The rules, statement by statement.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Finding, LintOptions, Rule};
use crate::policy::{ConditionValue, Effect, PolicyDocument, Principal, Statement, Version};
use crate::subject::{SUBJECT_PREFIX, check_subject, is_only_wildcards};
use crate::trust::ASSUME_ROLE_WITH_WEB_IDENTITY;
use crate::{EKS_AUDIENCE, KOPS_AUDIENCE, OidcProvider};

/// Claims whose condition keys are `<issuer>:<claim>`.
const CLAIMS: &[&str] = &["sub", "aud", "amr", "azp"];

/// The size rules (`trust-policy-too-large`, `near-quota`) run when `options` is given.
/// `known` are providers already parsed (those irsa built the policy from): a `Federated` ARN
/// that is one of theirs is not parsed again.
pub(super) fn check(policy: &PolicyDocument, options: Option<&LintOptions>, known: &[&OidcProvider]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut push = |rule: Rule, statement: Option<(usize, &Statement)>, message: String| {
        findings.push(Finding {
            rule,
            statement: statement.map(|(i, _)| i),
            sid: statement.and_then(|(_, s)| s.sid.clone()),
            location: None,
            message,
        });
    };

    if let Some(Version::Other(version)) = &policy.version {
        push(
            Rule::ProhibitedElement,
            None,
            format!("the Version `{version}` is not one IAM accepts: write \"2012-10-17\""),
        );
    }
    let size = options.map(|options| (policy.iam_size(), options.quota));
    if let Some((size, quota)) = size.filter(|(size, quota)| size > quota) {
        push(
            Rule::TrustPolicyTooLarge,
            None,
            format!(
                "{size} characters as IAM counts them (white space excluded), over the quota of {} by {}: IAM refuses it (LimitExceeded: Cannot exceed quota for ACLSizePerRole); trust a pattern (`ns:app-*`), split the service accounts across roles, or raise the quota to 4096 or 8192",
                quota,
                size - quota
            ),
        );
    } else if let Some((size, quota)) = size.filter(|(size, quota)| size * 10 > quota * 9) {
        push(
            Rule::NearQuota,
            None,
            format!(
                "{size} characters as IAM counts them (white space excluded), {}% of the quota of {}: the next service account or cluster may not fit",
                size * 100 / quota,
                quota
            ),
        );
    }

    // Subjects by provider across statements, for duplicate-subject.
    let mut seen_subjects: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    let mut sids: HashMap<&str, usize> = HashMap::new();
    for (index, statement) in policy.statements().iter().enumerate() {
        let at = Some((index, statement));
        for (element, present) in [
            ("Resource", statement.resource.is_some()),
            ("NotResource", statement.not_resource.is_some()),
            ("NotPrincipal", statement.not_principal.is_some()),
        ] {
            if present {
                push(
                    Rule::ProhibitedElement,
                    at,
                    format!(
                        "{element} is not allowed in a trust policy (IAM: MalformedPolicyDocument: Has prohibited field {element}); remove it"
                    ),
                );
            }
        }
        if let Effect::Other(effect) = &statement.effect {
            push(
                Rule::ProhibitedElement,
                at,
                format!("the Effect `{effect}` is not \"Allow\" or \"Deny\" (case-sensitive)"),
            );
        }
        if let Some(sid) = statement.sid.as_deref() {
            if !crate::policy::is_valid_sid(sid) {
                push(
                    Rule::ProhibitedElement,
                    at,
                    format!("the Sid `{sid}` has characters other than letters and digits, which IAM rejects"),
                );
            } else if let Some(first) = sids.insert(sid, index).filter(|_| !sid.is_empty()) {
                push(
                    Rule::ProhibitedElement,
                    at,
                    format!("the Sid `{sid}` is also statement {first}'s; IAM requires unique Sids"),
                );
            }
        }

        let conditions = conditions(statement);
        for condition in &conditions {
            if condition.base == "StringEquals" || condition.base == "StringEqualsIgnoreCase" {
                for value in condition.values.iter().filter(|v| has_wildcard(v)) {
                    let value = value.as_ref();
                    let hint = if condition.key.to_ascii_lowercase().ends_with(":sub") {
                        "use StringLike for wildcard subjects (all of the statement's subjects, since two operators are ANDed)"
                    } else {
                        "use StringLike for a pattern"
                    };
                    push(
                        Rule::WildcardInStringEquals,
                        at,
                        format!(
                            "`{value}` under {} `{}` is compared literally, so no request matches it; {hint}",
                            condition.operator, condition.key
                        ),
                    );
                }
            }
        }

        // Only an Allow of sts:AssumeRoleWithWebIdentity from OIDC providers goes further (the
        // cheap tests first).
        if statement.effect != Effect::Allow || !covers_web_identity(statement) {
            continue;
        }
        let federated = oidc_providers(statement, known);
        if federated.is_empty() {
            continue;
        }
        let names: Vec<&str> = federated.iter().map(|(arn, _)| *arn).collect();
        let providers: Vec<OidcProvider> = federated.into_iter().map(|(_, p)| p).collect();
        let positive =
            |claim: &str| conditions.iter().filter(move |c| c.positive && c.claim == Some(claim)).collect::<Vec<_>>();
        let subs = positive("sub");
        if subs.is_empty() {
            push(
                Rule::FederatedWithoutSub,
                at,
                format!(
                    "it allows sts:AssumeRoleWithWebIdentity from {} without a :sub condition, so any service account of the cluster can assume the role; add StringEquals `{}` = system:serviceaccount:<namespace>:<name>",
                    names.join(", "),
                    providers.first().map(|p| p.condition_key("sub")).unwrap_or_default()
                ),
            );
        }
        let equals = subs.iter().any(|c| c.base == "StringEquals");
        let like = subs.iter().any(|c| c.base == "StringLike");
        if equals && like {
            push(
                Rule::SplitSubjectOperators,
                at,
                "its :sub is under both StringEquals and StringLike; operators are ANDed, so a token must match both lists and none does; put every subject under StringLike".to_owned(),
            );
        }
        for condition in &conditions {
            let (Some(claim), Some(prefix)) = (condition.claim, condition.prefix) else { continue };
            if providers.iter().any(|p| p.issuer() == prefix) {
                continue;
            }
            let Some(first) = providers.first() else { continue };
            let (provider, reason) = mismatch_reason(prefix, first, &providers);
            push(
                Rule::ConditionKeyProviderMismatch,
                at,
                format!(
                    "the key `{}` does not match the statement's provider ({}): {reason}; STS sets `{}`{}",
                    condition.key,
                    provider.arn(),
                    provider.condition_key(claim),
                    if prefix.eq_ignore_ascii_case(provider.issuer()) {
                        ""
                    } else if condition.positive {
                        ", so this condition never holds"
                    } else {
                        ", so this condition always holds"
                    }
                ),
            );
        }

        let kubernetes = providers.iter().any(looks_like_kubernetes)
            || subs.iter().any(|c| c.values.iter().any(|v| v.starts_with("system:")));
        for condition in &subs {
            for value in &condition.values {
                let value = value.as_ref();
                let literal = condition.base != "StringLike";
                match parse_subject(value) {
                    Subject::Every => {
                        if !literal {
                            push(
                                Rule::BroadSubject,
                                at,
                                format!(
                                    "`{value}` trusts every service account of every namespace; name the service accounts"
                                ),
                            );
                        }
                    }
                    Subject::Account(namespace, name) => {
                        if !literal && (is_only_wildcards(namespace) || is_only_wildcards(name)) {
                            let scope = if is_only_wildcards(namespace) {
                                "of every namespace".to_owned()
                            } else {
                                format!("of the namespace `{namespace}`")
                            };
                            push(
                                Rule::BroadSubject,
                                at,
                                format!("`{value}` trusts every service account {scope}; name the service accounts"),
                            );
                        }
                    }
                    Subject::Invalid(rule) if kubernetes => push(
                        Rule::InvalidSubject,
                        at,
                        format!("`{value}` is not a Kubernetes service account subject: {rule}; no token carries it"),
                    ),
                    Subject::Invalid(_) => {}
                }
            }
        }
        let values = subject_values(&subs);
        for provider in &names {
            let seen = seen_subjects.entry(provider).or_default();
            for value in &values {
                if let Some(first) = seen.get(value) {
                    let place =
                        if *first == index { "in this statement".to_owned() } else { format!("in statement {first}") };
                    push(
                        Rule::DuplicateSubject,
                        at,
                        format!(
                            "`{value}` is already trusted through {provider} {place}; remove the copy (it costs quota)"
                        ),
                    );
                } else {
                    seen.insert(value, index);
                }
            }
        }
        let auds = positive("aud");
        for value in auds.iter().flat_map(|c| c.values.iter()) {
            if let Some(meant) = audience_typo(value) {
                let value = value.as_ref();
                push(
                    Rule::AudienceTypo,
                    at,
                    format!(
                        "the audience `{value}` looks like `{meant}`; tokens carry exactly `{EKS_AUDIENCE}` (EKS) or `{KOPS_AUDIENCE}` (kops), so this condition never holds"
                    ),
                );
            }
        }
        if auds.is_empty() {
            push(
                Rule::MissingAudience,
                at,
                "no :aud condition: STS still checks the token's audience against the provider's client IDs; pin it (sts.amazonaws.com on EKS, amazonaws.com on kops) when the provider has several".to_owned(),
            );
        }
    }
    findings.sort_by_key(|f| (f.statement.map_or(0, |i| i + 1), f.rule));
    findings
}

/// One condition key of a statement, with what its operator means.
struct KeyCondition<'s> {
    operator: &'s str,
    /// The operator without `ForAnyValue:`/`ForAllValues:` and `IfExists`.
    base: &'s str,
    /// Whether it requires a match (not a negation, not `Null`).
    positive: bool,
    key: &'s str,
    /// For `<prefix>:<claim>` keys of an OIDC claim: the claim and the prefix.
    claim: Option<&'static str>,
    prefix: Option<&'s str>,
    values: Vec<Cow<'s, str>>,
}

/// A condition key `<prefix>:<claim>` of an OIDC claim (`sub`, `aud`, `amr`, `azp`, in any
/// case), split into its prefix and the claim's name; `None` for other keys (`aws:` and
/// service keys such as `sts:ExternalId` have no `.` or `/` in their prefix).
pub(crate) fn claim_key(key: &str) -> Option<(&str, &'static str)> {
    let (prefix, claim) = key.rsplit_once(':')?;
    let claim = CLAIMS.iter().find(|c| c.eq_ignore_ascii_case(claim))?;
    (prefix.contains('.') || prefix.contains('/')).then_some((prefix, *claim))
}

fn conditions(statement: &Statement) -> Vec<KeyCondition<'_>> {
    let mut out = Vec::new();
    for (operator, keys) in statement.condition.iter().flat_map(|c| c.iter()) {
        let unqualified = operator
            .strip_prefix("ForAnyValue:")
            .or_else(|| operator.strip_prefix("ForAllValues:"))
            .unwrap_or(operator);
        let base = unqualified.strip_suffix("IfExists").unwrap_or(unqualified);
        let positive = !base.contains("Not") && base != "Null";
        for (key, values) in keys.iter() {
            let split = claim_key(key);
            out.push(KeyCondition {
                operator,
                base,
                positive,
                key,
                claim: split.map(|(_, claim)| claim),
                prefix: split.map(|(prefix, _)| prefix),
                values: values
                    .iter()
                    .map(|v| match v {
                        ConditionValue::String(s) => Cow::Borrowed(s.as_str()),
                        other => Cow::Owned(other.to_iam_string()),
                    })
                    .collect(),
            });
        }
    }
    out
}

/// The `:sub` values of the conditions `subs` that the statement holds as strings (a number or
/// a boolean is never a subject), borrowed from it.
fn subject_values<'s>(subs: &[&KeyCondition<'s>]) -> Vec<&'s str> {
    subs.iter()
        .flat_map(|c| c.values.iter())
        .filter_map(|v| match v {
            Cow::Borrowed(s) => Some(*s),
            Cow::Owned(_) => None,
        })
        .collect()
}

/// The OIDC providers of a statement's `Federated` principal, with their ARN as written: one
/// of `known`, or parsed.
pub(crate) fn oidc_providers<'s>(statement: &'s Statement, known: &[&OidcProvider]) -> Vec<(&'s str, OidcProvider)> {
    let provider = |id: &str| match known.iter().find(|p| p.has_arn(id)) {
        Some(provider) => Some((*provider).clone()),
        None => OidcProvider::from_arn(id).ok(),
    };
    match &statement.principal {
        Some(Principal::Typed(map)) => map
            .get("Federated")
            .map(|ids| {
                ids.iter()
                    .filter(|id| id.contains(":oidc-provider/"))
                    .filter_map(|id| provider(id).map(|p| (id.as_str(), p)))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Whether the statement's actions include `sts:AssumeRoleWithWebIdentity`.
fn covers_web_identity(statement: &Statement) -> bool {
    match (&statement.action, &statement.not_action) {
        (Some(actions), _) => web_identity_pattern(actions.iter()).is_some(),
        (None, Some(not_actions)) => web_identity_pattern(not_actions.iter()).is_none(),
        (None, None) => false,
    }
}

/// The first of `patterns` (actions, compared ignoring case, with IAM's wildcards) that
/// matches `sts:AssumeRoleWithWebIdentity`.
pub(crate) fn web_identity_pattern<'p>(patterns: impl IntoIterator<Item = &'p String>) -> Option<&'p String> {
    const ACTION: &str = "sts:assumerolewithwebidentity";
    debug_assert_eq!(ACTION, ASSUME_ROLE_WITH_WEB_IDENTITY.to_ascii_lowercase());
    patterns.into_iter().find(|pattern| {
        // Most actions are written out: compared ignoring case without allocating.
        pattern.eq_ignore_ascii_case(ACTION)
            || (pattern.contains(['*', '?']) && glob_match(&pattern.to_ascii_lowercase(), ACTION))
    })
}

/// IAM's wildcard match: `*` any run of characters, `?` one character.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if *c == '?' || Some(c) == text.get(t) => {
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
    pattern.get(p..).is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

/// A `*` or `?` other than the policy variables `${*}` and `${?}`, which stand for the
/// characters themselves.
fn has_wildcard(value: &str) -> bool {
    value.contains(['*', '?']) && value.replace("${*}", "").replace("${?}", "").contains(['*', '?'])
}

/// Which provider a wrong key prefix was meant for, and what is wrong with it.
pub(crate) fn mismatch_reason<'p>(
    prefix: &str,
    first: &'p OidcProvider,
    providers: &'p [OidcProvider],
) -> (&'p OidcProvider, String) {
    let stripped = prefix.strip_prefix("https://").or_else(|| prefix.strip_prefix("http://"));
    for provider in providers {
        let issuer = provider.issuer();
        if let Some(rest) = stripped {
            if rest == issuer {
                return (provider, format!("a condition key has no scheme; write `{issuer}`, without https://"));
            }
        }
        if prefix == provider.arn() || prefix.starts_with("arn:") && prefix.ends_with(issuer) {
            return (
                provider,
                format!("the key starts with the provider's ARN; it starts with the issuer `{issuer}` alone"),
            );
        }
        if prefix.eq_ignore_ascii_case(issuer) {
            return (
                provider,
                format!(
                    "the case differs from the issuer `{issuer}` (IAM documents key names as case-insensitive, but a key that is not the issuer as registered is a mistake that tools and reviewers miss)"
                ),
            );
        }
        if prefix.trim_end_matches('/') == issuer.trim_end_matches('/') {
            return (
                provider,
                format!("a trailing slash differs from the issuer `{issuer}` (the key repeats the issuer exactly)"),
            );
        }
        if let (Some(key_id), Some(eks)) = (eks_id(prefix), provider.eks_issuer()) {
            if key_id != eks.id {
                return (
                    provider,
                    format!("`{key_id}` is another cluster's ID; this provider's cluster is `{}`", eks.id),
                );
            }
        }
    }
    (first, format!("the prefix `{prefix}` is not the issuer `{}`", first.issuer()))
}

/// The cluster ID of an EKS issuer text (`oidc.eks.<region>.<suffix>/id/<ID>`).
fn eks_id(prefix: &str) -> Option<&str> {
    let rest = prefix.strip_prefix("https://").unwrap_or(prefix);
    if !rest.starts_with("oidc.eks.") {
        return None;
    }
    rest.split_once("/id/").map(|(_, id)| id.trim_end_matches('/'))
}

/// Kubernetes issuers: EKS, and the S3 buckets kops and self-hosted clusters publish to.
fn looks_like_kubernetes(provider: &OidcProvider) -> bool {
    let host = provider.issuer().split('/').next().unwrap_or_default();
    provider.is_eks() || host.contains(".s3.") || host.contains(".s3-") || host.starts_with("s3.")
}

enum Subject<'v> {
    Every,
    /// A legal subject's namespace and name.
    Account(&'v str, &'v str),
    Invalid(String),
}

fn parse_subject(value: &str) -> Subject<'_> {
    if value == "*" {
        return Subject::Every;
    }
    let Some(rest) = value.strip_prefix(SUBJECT_PREFIX) else {
        let rule = if value.starts_with("system:serviceaccounts:") {
            "`system:serviceaccounts:` (plural) is a group, not a subject; the subject is system:serviceaccount:<namespace>:<name>".to_owned()
        } else {
            "it lacks the prefix system:serviceaccount: (the subject is system:serviceaccount:<namespace>:<name>)"
                .to_owned()
        };
        return Subject::Invalid(rule);
    };
    if rest.chars().all(|c| c == '*') && !rest.is_empty() {
        return Subject::Every;
    }
    match check_subject(rest) {
        Ok((namespace, name)) => Subject::Account(namespace, name),
        Err(rule) => Subject::Invalid(rule),
    }
}

/// The audience `value` was probably meant to be, when it is a near miss of one.
fn audience_typo(value: &str) -> Option<&'static str> {
    if value == EKS_AUDIENCE || value == KOPS_AUDIENCE {
        return None;
    }
    let normal = value.trim().trim_start_matches("https://").trim_end_matches('/').to_ascii_lowercase();
    // Up to 3 edits from the longer audience (`sts.amazon.com`), 2 from the shorter.
    [(EKS_AUDIENCE, 3), (KOPS_AUDIENCE, 2)]
        .into_iter()
        .map(|(audience, most)| (audience, edit_distance(&normal, audience), most))
        .filter(|(_, distance, most)| distance <= most)
        .map(|(audience, distance, _)| (audience, distance))
        .min_by_key(|(_, distance)| *distance)
        .map(|(audience, _)| audience)
}

/// Levenshtein distance, by characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let delete = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = current.get(j).copied().unwrap_or(0) + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Providers given as known give the same findings as providers parsed from the text, on
    /// every lint fixture (which cover each rule, several providers and malformed ARNs).
    #[test]
    fn known_providers_change_nothing() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/lint");
        let mut checked = 0;
        for entry in std::fs::read_dir(fixtures).unwrap() {
            let path = entry.unwrap().path();
            let Ok(policy) = PolicyDocument::from_json(&std::fs::read_to_string(&path).unwrap()) else { continue };
            let parsed: Vec<OidcProvider> = policy
                .statements()
                .iter()
                .flat_map(|statement| oidc_providers(statement, &[]))
                .map(|(_, provider)| provider)
                .collect();
            let known: Vec<&OidcProvider> = parsed.iter().collect();
            let options = LintOptions::default();
            assert_eq!(check(&policy, Some(&options), &known), check(&policy, Some(&options), &[]), "{path:?}");
            checked += usize::from(!known.is_empty());
        }
        assert!(checked >= 10, "only {checked} fixtures with providers");
    }

    #[test]
    fn globs() {
        for (pattern, text, expected) in [
            ("sts:*", "sts:assumerolewithwebidentity", true),
            ("*", "x", true),
            ("sts:assumerole", "sts:assumerolewithwebidentity", false),
            ("sts:assumerolewith*", "sts:assumerolewithwebidentity", true),
            ("sts:assumerole?ithwebidentity", "sts:assumerolewithwebidentity", true),
            ("a?c", "ac", false),
            ("*a*b", "xaxxb", true),
            ("*a*b", "xaxxbc", false),
            ("", "", true),
        ] {
            assert_eq!(glob_match(pattern, text), expected, "{pattern} {text}");
        }
    }

    #[test]
    fn audiences() {
        for (value, expected) in [
            ("sts.amazonaws.com", None),
            ("amazonaws.com", None),
            ("sts.amazonaws.con", Some(EKS_AUDIENCE)),
            ("sts.amazon.com", Some(EKS_AUDIENCE)),
            ("https://sts.amazonaws.com", Some(EKS_AUDIENCE)),
            ("STS.amazonaws.com", Some(EKS_AUDIENCE)),
            ("amazonaws.com/", Some(KOPS_AUDIENCE)),
            ("amazonaw.com", Some(KOPS_AUDIENCE)),
            ("my-app", None),
            ("api://AzureADTokenExchange", None),
        ] {
            assert_eq!(audience_typo(value), expected, "{value}");
        }
    }
}

#[cfg(test)]
mod mismatch_tests {
    use super::super::{LintOptions, Rule, lint};
    use crate::policy::PolicyDocument;

    const EKS: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    const SLASH: &str = "arn:aws:iam::123456789012:oidc-provider/auth.example.com/tenants/blue/";

    /// The mismatch message for a `:sub` key of `provider`'s statement, or `None`.
    fn check(provider: &str, key: &str, expected: Option<&str>) {
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": {{"Effect": "Allow", "Principal": {{"Federated": "{provider}"}},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringEquals": {{"{key}": "system:serviceaccount:default:app"}}}}}}}}"#
        );
        let findings = lint(&PolicyDocument::from_json(&json).unwrap(), &LintOptions::default());
        let mismatch = findings.iter().find(|f| f.rule == Rule::ConditionKeyProviderMismatch);
        match (mismatch, expected) {
            (None, None) => {}
            (Some(finding), Some(reason)) => assert!(finding.message.contains(reason), "{key}: {}", finding.message),
            (got, want) => panic!("{key}: got {got:?}, want {want:?}"),
        }
        // Whatever the prefix, a `:sub` key is a :sub condition.
        let has_sub = findings.iter().all(|f| f.rule != Rule::FederatedWithoutSub);
        assert_eq!(has_sub, key.ends_with(":sub"), "{key}");
    }

    #[test]
    fn each_kind_of_wrong_key_is_named() {
        check(EKS, "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub", None);
        check(EKS, "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub", Some("without https://"));
        check(EKS, &format!("{EKS}:sub"), Some("starts with the provider's ARN"));
        check(EKS, "oidc.eks.eu-west-1.amazonaws.com/id/DEF:sub", Some("`DEF` is another cluster's ID"));
        check(EKS, "OIDC.eks.eu-west-1.amazonaws.com/id/ABC:sub", Some("the case differs"));
        check(EKS, "oidc.eks.eu-west-1.amazonaws.com/id/ABC/:sub", Some("a trailing slash differs"));
        check(SLASH, "auth.example.com/tenants/blue/:sub", None);
        check(SLASH, "auth.example.com/tenants/blue:sub", Some("a trailing slash differs"));
        check(EKS, "auth.example.com:sub", Some("is not the issuer"));
        // Keys of AWS and of services are not claims of a provider.
        check(EKS, "aws:PrincipalTag/sub", None);
    }
}
