//! IAM's evaluation of a trust policy for one `sts:AssumeRoleWithWebIdentity` request.

use serde::Serialize;

use crate::lint::checks::{edit_distance, mismatch_reason};
use crate::policy::Principal;
use crate::semantics::{
    ActionCover, BaseOperator, ClaimKey, Comparison, Decision, KeyCondition, KeyValues, PolicyFacts, SetQualifier,
    StatementFacts, Truth, WebIdentityRequest, glob_match,
};
use crate::trust::ASSUME_ROLE_WITH_WEB_IDENTITY;

/// One element of a statement, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Whether it holds.
    pub holds: Truth,
    /// Why, in words.
    pub why: String,
}

/// One condition key of a statement, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionCheck {
    /// The operator as written.
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The policy's values.
    pub values: Vec<String>,
    /// Whether it holds.
    pub holds: Truth,
    /// Why: which value matched, or why none did.
    pub why: String,
    /// Close calls that explain a failure: a case difference, a wildcard under StringEquals,
    /// another cluster's ID, a trailing slash, `https://` in the key.
    pub near_misses: Vec<String>,
}

/// One statement, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementCheck {
    /// Its index.
    pub index: usize,
    /// Its Sid.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: String,
    /// Whether it applies to the request: principal, action and every condition hold.
    pub applies: Truth,
    /// The principal.
    pub principal: Check,
    /// The action.
    pub action: Check,
    /// Each condition key.
    pub conditions: Vec<ConditionCheck>,
}

/// Why a key has no value in the request, or is unknown to irsa.
fn why_no_value(key: &str, request: &WebIdentityRequest<'_>) -> String {
    let provider = request.provider;
    match ClaimKey::parse(key) {
        None => format!(
            "irsa evaluates the web-identity keys `<issuer>:sub`, `:aud`, `:amr`, `:azp`; it does not know `{key}`, and does not guess"
        ),
        Some(claim) if !claim.prefix.eq_ignore_ascii_case(provider.issuer()) => {
            let (_, reason) = mismatch_reason(claim.prefix, provider, std::slice::from_ref(provider));
            format!("STS sets `{}` for this provider, not `{key}`: {reason}", provider.condition_key(claim.claim))
        }
        Some(claim) => format!("the token has no `{}` claim", claim.claim),
    }
}

/// Checks every statement of the policy against the request; `applies` is the evaluator's
/// answer ([`StatementFacts::applies`]), the rest explains it.
pub(super) fn check_statements(facts: &PolicyFacts<'_>, request: &WebIdentityRequest<'_>) -> Vec<StatementCheck> {
    facts
        .statements
        .iter()
        .map(|facts| {
            let statement = facts.statement;
            let principal = check_principal(facts, request);
            let action = check_action(facts);
            let conditions: Vec<ConditionCheck> =
                facts.conditions.iter().map(|condition| check_condition(condition, request)).collect();
            let applies = facts.applies(request);
            debug_assert_eq!(
                applies,
                conditions.iter().fold(principal.holds.and(action.holds), |truth, c| truth.and(c.holds))
            );
            StatementCheck {
                index: facts.index,
                sid: statement.sid.clone(),
                effect: statement.effect.as_str().to_owned(),
                applies,
                principal,
                action,
                conditions,
            }
        })
        .collect()
}

/// Why the statements' checks give `decision`.
pub(super) fn reason(decision: Decision, statements: &[StatementCheck]) -> String {
    let with = |effect: &str, truth: Truth| statements.iter().find(|s| s.effect == effect && s.applies == truth);
    match decision {
        Decision::Deny => match with("Deny", Truth::True) {
            Some(deny) => format!("statement {} denies it explicitly (an explicit Deny wins)", deny.index),
            None => "no statement allows it (an implicit deny)".to_owned(),
        },
        Decision::Allow => match with("Allow", Truth::True) {
            Some(allow) => format!("statement {} allows it", allow.index),
            None => "an Allow applies".to_owned(),
        },
        Decision::Undecided => match (with("Deny", Truth::Unknown), with("Allow", Truth::Unknown)) {
            (Some(deny), _) => format!(
                "statement {} is a Deny that may apply, with a condition IAM's documented rules or irsa do not decide",
                deny.index
            ),
            (None, Some(allow)) => format!(
                "statement {} might allow it, with a condition IAM's documented rules or irsa do not decide",
                allow.index
            ),
            (None, None) => "a condition is not decided".to_owned(),
        },
    }
}

fn check_principal(facts: &StatementFacts<'_>, request: &WebIdentityRequest<'_>) -> Check {
    let provider = request.provider;
    let holds = facts.principal_matches(provider);
    let arn = provider.arn();
    let listed = |principal: &Principal| -> Option<String> {
        match principal {
            Principal::Everyone => Some("\"*\" (everyone)".to_owned()),
            Principal::Typed(map) => {
                if map.get("AWS").is_some_and(|ids| ids.iter().any(|id| id == "*")) {
                    return Some("{\"AWS\": \"*\"} (everyone)".to_owned());
                }
                map.get("Federated")
                    .and_then(|ids| ids.iter().find(|id| provider.has_arn(id)))
                    .map(|id| format!("Federated {id}"))
            }
        }
    };
    let statement = facts.statement;
    let why = match (&statement.principal, &statement.not_principal) {
        (Some(principal), _) => match listed(principal) {
            Some(which) => format!("the principal is {which}"),
            None => {
                let federated: Vec<&str> = facts.federated.iter().map(|f| f.id()).collect();
                if federated.is_empty() {
                    format!("the statement has no Federated principal; the request comes from {arn}")
                } else {
                    let close = federated
                        .iter()
                        .find(|f| f.eq_ignore_ascii_case(&arn))
                        .map(|f| format!(" (`{f}` differs from it only in case: ARNs are compared exactly)"))
                        .unwrap_or_default();
                    format!("the request comes from {arn}, and the statement trusts {}{close}", federated.join(", "))
                }
            }
        },
        (None, Some(not_principal)) => match listed(not_principal) {
            Some(which) => format!("NotPrincipal excludes {which}"),
            None => format!("NotPrincipal does not exclude {arn}"),
        },
        (None, None) => "the statement has no Principal".to_owned(),
    };
    Check { holds: Truth::from(holds), why }
}

fn check_action(facts: &StatementFacts<'_>) -> Check {
    let action = ASSUME_ROLE_WITH_WEB_IDENTITY;
    let why = match &facts.web_identity {
        ActionCover::Listed(pattern) => format!("the action `{pattern}` covers {action}"),
        ActionCover::NotListed => format!(
            "its actions ({}) do not cover {action}",
            facts.statement.action.iter().flat_map(|a| a.iter()).map(String::as_str).collect::<Vec<_>>().join(", ")
        ),
        ActionCover::Excluded(pattern) => format!("NotAction `{pattern}` excludes {action}"),
        ActionCover::NotExcluded => format!("NotAction does not exclude {action}"),
        ActionCover::NoAction => "the statement has no Action".to_owned(),
    };
    Check { holds: Truth::from(facts.web_identity.covers()), why }
}

fn check_condition(condition: &KeyCondition<'_>, request: &WebIdentityRequest<'_>) -> ConditionCheck {
    let operator = condition.operator;
    let key_values = request.key_values(condition.key);
    let values: Vec<String> = condition.values.iter().map(|v| v.to_string()).collect();
    let holds = condition.holds(key_values);
    let mut result = ConditionCheck {
        operator: operator.text.to_owned(),
        key: condition.key.to_owned(),
        values,
        holds,
        why: String::new(),
        near_misses: Vec::new(),
    };
    let Some(comparison) = operator.comparison() else {
        result.why = match (holds, key_values) {
            _ if operator.base == BaseOperator::Unevaluated => {
                format!("irsa does not evaluate the operator `{}`, and does not guess", operator.text)
            }
            (Truth::Unknown, _) => why_no_value(condition.key, request),
            (_, KeyValues::Present(_)) => "the key is present".to_owned(),
            _ => format!("the key is absent ({})", why_no_value(condition.key, request)),
        };
        return result;
    };
    let negated = operator.is_negated();
    match key_values {
        KeyValues::Unknown => result.why = why_no_value(condition.key, request),
        KeyValues::Absent | KeyValues::Present([]) => {
            let why = why_no_value(condition.key, request);
            result.why = if holds == Truth::True {
                format!("the request has no such key ({why}); {} holds for a missing key", operator.text)
            } else if operator.set == SetQualifier::ForAnyValue && operator.if_exists {
                format!(
                    "the request has no such key: {why}; ForAnyValue: is false for a missing key even with IfExists (IAM: \"for no matching key or a null dataset, the condition returns false\")"
                )
            } else {
                format!("the request has no such key: {why}")
            };
        }
        KeyValues::Present(request_values) => {
            let matched = |r: &String| {
                result.values.iter().find(|p| comparison.matches(p, r)).map(|p| format!("`{r}` matches `{p}`"))
            };
            let found: Vec<String> = request_values.iter().filter_map(matched).collect();
            let shown: Vec<String> = request_values.iter().map(|r| format!("`{r}`")).collect();
            result.why = if request_values.len() > 1 {
                // Several values: each one's match, and the rule of the set operator.
                let each: Vec<String> = request_values
                    .iter()
                    .map(|r| matched(r).unwrap_or_else(|| format!("`{r}` matches none of the values")))
                    .collect();
                let rule = match (operator.set, negated) {
                    (SetQualifier::ForAnyValue, false) => " (ForAnyValue: holds when any value matches)",
                    (SetQualifier::ForAnyValue, true) => {
                        " (ForAnyValue: with a negation holds when any value matches none)"
                    }
                    (SetQualifier::ForAllValues, false) => " (ForAllValues: holds when every value matches)",
                    (SetQualifier::ForAllValues, true) => {
                        " (ForAllValues: with a negation holds when no value matches)"
                    }
                    (SetQualifier::Single, _) => "",
                };
                format!("{}{rule}", each.join("; "))
            } else {
                match (found.is_empty(), negated) {
                    (false, false) => found.join(", "),
                    (false, true) => format!("{}, which the negation excludes", found.join(", ")),
                    (true, _) => format!("the request has {}, which matches none of the values", shown.join(", ")),
                }
            };
            if holds == Truth::Unknown {
                result.why.push_str(&format!(
                    "; the key has {} values and `{}` has no ForAnyValue:/ForAllValues: prefix: IAM documents no answer for a single-valued operator on several values, and irsa does not guess (write ForAnyValue: or ForAllValues:)",
                    request_values.len(),
                    operator.text
                ));
            }
            if holds == Truth::False && !negated {
                result.near_misses = near_misses(comparison, &result.values, request_values);
            }
        }
    }
    if holds == Truth::Unknown && condition.has_variable {
        result.why = format!(
            "a value holds a policy variable (`${{...}}`), which IAM fills in from the request; irsa does not evaluate it, and does not guess ({})",
            result.why
        );
    }
    result
}

/// Why a value that looks right did not match.
fn near_misses(base: Comparison, policy: &[String], request: &[String]) -> Vec<String> {
    let mut misses = Vec::new();
    for r in request {
        for p in policy {
            if base != Comparison::EqualsIgnoreCase && p.to_lowercase() == r.to_lowercase() {
                misses.push(format!("`{p}` differs from `{r}` only in case, and the comparison is case-sensitive"));
            } else if base == Comparison::Equals && p.contains(['*', '?']) && glob_match(p, r) {
                misses.push(format!(
                    "`{p}` would match `{r}` under StringLike; StringEquals compares `*` and `?` literally"
                ));
            } else if p.trim_end_matches('/') == r.trim_end_matches('/') {
                misses.push(format!("`{p}` and `{r}` differ by a trailing slash"));
            } else if let (Some((p_ns, p_name)), Some((r_ns, r_name))) = (subject_parts(p), subject_parts(r)) {
                if p_name == r_name && p_ns != r_ns {
                    misses.push(format!("`{p}` is the same service account name in another namespace (`{p_ns}`, the token's is `{r_ns}`)"));
                } else if p_ns == r_ns && edit_distance(p_name, r_name) <= 2 {
                    misses.push(format!(
                        "`{p}` is a near miss of the token's `{r}` (the names differ by a character or two)"
                    ));
                }
            } else if edit_distance(p, r) <= 2 {
                misses.push(format!("`{p}` is a character or two from `{r}`"));
            }
        }
    }
    misses
}

fn subject_parts(subject: &str) -> Option<(&str, &str)> {
    subject.strip_prefix(crate::subject::SUBJECT_PREFIX)?.split_once(':')
}
