//! IAM's evaluation of a trust policy for one `sts:AssumeRoleWithWebIdentity` request.

use serde::Serialize;

use super::jwt::Claims;
use crate::OidcProvider;
use crate::lint::checks::{claim_key, edit_distance, glob_match, mismatch_reason, web_identity_pattern};
use crate::policy::{PolicyDocument, Principal, Statement};
use crate::trust::ASSUME_ROLE_WITH_WEB_IDENTITY;

/// True, false, or not known to irsa (an operator or key it does not evaluate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Truth {
    /// Holds.
    True,
    /// Does not hold.
    False,
    /// irsa does not know: it never guesses.
    Unknown,
}

impl Truth {
    fn from(value: bool) -> Truth {
        if value { Truth::True } else { Truth::False }
    }

    /// Three-valued AND: false wins, then unknown.
    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::Unknown, _) | (_, Truth::Unknown) => Truth::Unknown,
            _ => Truth::True,
        }
    }
}

/// The decision STS and IAM take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The role can be assumed.
    Allow,
    /// It cannot (an explicit Deny, no Allow that matches, or a condition irsa cannot decide).
    Deny,
}

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

/// The claims of a request, as keys in the request context.
pub(super) struct Context<'r> {
    pub(super) provider: &'r OidcProvider,
    pub(super) claims: &'r Claims,
}

enum KeyValue {
    Present(Vec<String>),
    Absent(String),
    Unknown(String),
}

impl Context<'_> {
    /// The values of a condition key: IAM compares key names ignoring case.
    fn value(&self, key: &str) -> KeyValue {
        if !key.contains(':') {
            return KeyValue::Unknown(format!("irsa does not know the key `{key}`"));
        }
        let Some((prefix, claim)) = claim_key(key) else {
            return KeyValue::Unknown(format!(
                "irsa evaluates the web-identity keys `<issuer>:sub`, `:aud`, `:amr`, `:azp`; it does not know `{key}`, and does not guess"
            ));
        };
        if !prefix.eq_ignore_ascii_case(self.provider.issuer()) {
            let (_, reason) = mismatch_reason(prefix, self.provider, std::slice::from_ref(self.provider));
            return KeyValue::Absent(format!(
                "STS sets `{}` for this provider, not `{key}`: {reason}",
                self.provider.condition_key(claim)
            ));
        }
        let values = match claim {
            "sub" => self.claims.sub.iter().cloned().collect(),
            "aud" => self.claims.aud.clone(),
            "amr" => self.claims.amr.clone(),
            _ => self.claims.azp.iter().cloned().collect(),
        };
        if values.is_empty() {
            KeyValue::Absent(format!("the token has no `{claim}` claim"))
        } else {
            KeyValue::Present(values)
        }
    }
}

/// Checks every statement of `policy` against the request.
pub(super) fn check_statements(policy: &PolicyDocument, context: &Context<'_>) -> Vec<StatementCheck> {
    policy
        .statements()
        .iter()
        .enumerate()
        .map(|(index, statement)| {
            let principal = check_principal(statement, context);
            let action = check_action(statement);
            let conditions: Vec<ConditionCheck> = statement
                .condition
                .iter()
                .flat_map(|c| c.iter())
                .flat_map(|(operator, keys)| {
                    keys.iter().map(move |(key, values)| {
                        let values: Vec<String> = values.iter().map(|v| v.to_iam_string()).collect();
                        check_condition(operator, key, values, context)
                    })
                })
                .collect();
            let applies = conditions.iter().fold(principal.holds.and(action.holds), |truth, c| truth.and(c.holds));
            StatementCheck {
                index,
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

/// The decision from the statements' checks, whether irsa could decide it, and why: an
/// explicit Deny wins, then an Allow; a statement irsa cannot decide that could change the
/// outcome makes it undecided.
pub(super) fn decide(statements: &[StatementCheck]) -> (Decision, bool, String) {
    let with = |effect: &str, truth: Truth| statements.iter().find(|s| s.effect == effect && s.applies == truth);
    if let Some(deny) = with("Deny", Truth::True) {
        return (
            Decision::Deny,
            true,
            format!("statement {} denies it explicitly (an explicit Deny wins)", deny.index),
        );
    }
    if let Some(deny) = with("Deny", Truth::Unknown) {
        return (
            Decision::Deny,
            false,
            format!("undecided: statement {} is a Deny with a condition irsa does not evaluate", deny.index),
        );
    }
    if let Some(allow) = with("Allow", Truth::True) {
        return (Decision::Allow, true, format!("statement {} allows it", allow.index));
    }
    if let Some(allow) = with("Allow", Truth::Unknown) {
        return (
            Decision::Deny,
            false,
            format!("undecided: statement {} might allow it, with a condition irsa does not evaluate", allow.index),
        );
    }
    (Decision::Deny, true, "no statement allows it (an implicit deny)".to_owned())
}

fn check_principal(statement: &Statement, context: &Context<'_>) -> Check {
    let arn = context.provider.arn();
    let listed = |principal: &Principal| -> Option<String> {
        match principal {
            Principal::Everyone => Some("\"*\" (everyone)".to_owned()),
            Principal::Typed(map) => {
                if map.get("AWS").is_some_and(|ids| ids.iter().any(|id| id == "*")) {
                    return Some("{\"AWS\": \"*\"} (everyone)".to_owned());
                }
                map.get("Federated")
                    .and_then(|ids| ids.iter().find(|id| **id == arn))
                    .map(|id| format!("Federated {id}"))
            }
        }
    };
    match (&statement.principal, &statement.not_principal) {
        (Some(principal), _) => match listed(principal) {
            Some(which) => Check { holds: Truth::True, why: format!("the principal is {which}") },
            None => {
                let federated: Vec<&String> = match principal {
                    Principal::Typed(map) => map.get("Federated").map(|ids| ids.iter().collect()).unwrap_or_default(),
                    Principal::Everyone => Vec::new(),
                };
                let why = if federated.is_empty() {
                    format!("the statement has no Federated principal; the request comes from {arn}")
                } else {
                    let close = federated
                        .iter()
                        .find(|f| f.eq_ignore_ascii_case(&arn))
                        .map(|f| format!(" (`{f}` differs from it only in case: ARNs are compared exactly)"))
                        .unwrap_or_default();
                    format!(
                        "the request comes from {arn}, and the statement trusts {}{close}",
                        federated.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
                    )
                };
                Check { holds: Truth::False, why }
            }
        },
        (None, Some(not_principal)) => match listed(not_principal) {
            Some(which) => Check { holds: Truth::False, why: format!("NotPrincipal excludes {which}") },
            None => Check { holds: Truth::True, why: format!("NotPrincipal does not exclude {arn}") },
        },
        (None, None) => Check { holds: Truth::False, why: "the statement has no Principal".to_owned() },
    }
}

fn check_action(statement: &Statement) -> Check {
    match (&statement.action, &statement.not_action) {
        (Some(actions), _) => match web_identity_pattern(actions.iter()) {
            Some(pattern) => Check {
                holds: Truth::True,
                why: format!("the action `{pattern}` covers {ASSUME_ROLE_WITH_WEB_IDENTITY}"),
            },
            None => Check {
                holds: Truth::False,
                why: format!(
                    "its actions ({}) do not cover {ASSUME_ROLE_WITH_WEB_IDENTITY}",
                    actions.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
                ),
            },
        },
        (None, Some(not_actions)) => match web_identity_pattern(not_actions.iter()) {
            Some(pattern) => Check {
                holds: Truth::False,
                why: format!("NotAction `{pattern}` excludes {ASSUME_ROLE_WITH_WEB_IDENTITY}"),
            },
            None => {
                Check { holds: Truth::True, why: format!("NotAction does not exclude {ASSUME_ROLE_WITH_WEB_IDENTITY}") }
            }
        },
        (None, None) => Check { holds: Truth::False, why: "the statement has no Action".to_owned() },
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Base {
    Equals,
    EqualsIgnoreCase,
    Like,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Set {
    Single,
    Any,
    All,
}

fn value_matches(base: Base, policy: &str, request: &str) -> bool {
    match base {
        Base::Equals => policy == request,
        Base::EqualsIgnoreCase => policy.to_lowercase() == request.to_lowercase(),
        Base::Like => glob_match(policy, request),
    }
}

fn check_condition(operator: &str, key: &str, values: Vec<String>, context: &Context<'_>) -> ConditionCheck {
    let mut result = ConditionCheck {
        operator: operator.to_owned(),
        key: key.to_owned(),
        values,
        holds: Truth::Unknown,
        why: String::new(),
        near_misses: Vec::new(),
    };
    let (set, rest) = if let Some(rest) = operator.strip_prefix("ForAnyValue:") {
        (Set::Any, rest)
    } else if let Some(rest) = operator.strip_prefix("ForAllValues:") {
        (Set::All, rest)
    } else {
        (Set::Single, operator)
    };
    let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
        Some(base) => (true, base),
        None => (false, rest),
    };
    let value = context.value(key);
    if base_name == "Null" && !if_exists && set == Set::Single {
        let wants_absent = result.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        let (holds, why) = match value {
            KeyValue::Unknown(why) => (Truth::Unknown, why),
            KeyValue::Absent(why) => (Truth::from(wants_absent), format!("the key is absent ({why})")),
            KeyValue::Present(_) => (Truth::from(!wants_absent), "the key is present".to_owned()),
        };
        result.holds = holds;
        result.why = why;
        return result;
    }
    let (base, negated) = match base_name {
        "StringEquals" => (Base::Equals, false),
        "StringNotEquals" => (Base::Equals, true),
        "StringEqualsIgnoreCase" => (Base::EqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Base::EqualsIgnoreCase, true),
        "StringLike" => (Base::Like, false),
        "StringNotLike" => (Base::Like, true),
        _ => {
            result.why = format!("irsa does not evaluate the operator `{operator}`, and does not guess");
            return result;
        }
    };
    match value {
        KeyValue::Unknown(why) => {
            result.why = why;
        }
        KeyValue::Absent(why) => {
            let holds = if_exists || set == Set::All || (negated && set == Set::Single);
            result.holds = Truth::from(holds);
            result.why = if holds {
                format!("the request has no such key ({why}); {operator} holds for a missing key")
            } else {
                format!("the request has no such key: {why}")
            };
        }
        KeyValue::Present(request) => {
            let matched = |r: &String| result.values.iter().find(|p| value_matches(base, p, r)).cloned();
            let matches: Vec<(String, Option<String>)> = request.iter().map(|r| (r.clone(), matched(r))).collect();
            let holds = match (set, negated) {
                (Set::Single, false) | (Set::Any, false) => matches.iter().any(|(_, m)| m.is_some()),
                (Set::Single, true) => matches.iter().all(|(_, m)| m.is_none()),
                (Set::Any, true) => matches.iter().any(|(_, m)| m.is_none()),
                (Set::All, false) => matches.iter().all(|(_, m)| m.is_some()),
                (Set::All, true) => matches.iter().all(|(_, m)| m.is_none()),
            };
            result.holds = Truth::from(holds);
            let shown: Vec<String> = request.iter().map(|r| format!("`{r}`")).collect();
            let found: Vec<String> =
                matches.iter().filter_map(|(r, m)| m.as_ref().map(|p| format!("`{r}` matches `{p}`"))).collect();
            result.why = match (found.is_empty(), negated) {
                (false, false) => found.join(", "),
                (false, true) => format!("{}, which the negation excludes", found.join(", ")),
                (true, _) => format!("the request has {}, which matches none of the values", shown.join(", ")),
            };
            if request.len() > 1 && set == Set::Single {
                result.why.push_str(
                    "; the key has several values and the operator has no ForAnyValue:/ForAllValues: prefix: irsa counts any value",
                );
            }
            if !holds && !negated {
                result.near_misses = near_misses(base, &result.values, &request);
            }
        }
    }
    result
}

/// Why a value that looks right did not match.
fn near_misses(base: Base, policy: &[String], request: &[String]) -> Vec<String> {
    let mut misses = Vec::new();
    for r in request {
        for p in policy {
            if base != Base::EqualsIgnoreCase && p.to_lowercase() == r.to_lowercase() {
                misses.push(format!("`{p}` differs from `{r}` only in case, and the comparison is case-sensitive"));
            } else if base == Base::Equals && p.contains(['*', '?']) && glob_match(p, r) {
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
