//! The rules, one function each over facts computed once per policy.
//!
//! Every statement is read once into [`PolicyFacts`] (the shared meaning of a statement, in
//! [`crate::semantics`]); each rule is one function over those facts, listed with its [`Rule`]
//! in [`RULES`], so a rule can be read, tested and turned off on its own. A rule that claims a
//! matching outcome ("no request can match", "any service account can take the role") asks
//! the evaluator ([`StatementFacts::conditions_hold`]) with the requests a Kubernetes token
//! can make, so lint and `irsa simulate` never contradict each other.

use std::cell::OnceCell;
use std::collections::HashMap;

use super::{Finding, LintOptions, Rule};
use crate::policy::PolicyDocument;
use crate::semantics::{
    Comparison, FederatedId, KeyCondition, KeyValues, POD_IDENTITY_SERVICE, PolicyFacts, StatementFacts, Truth,
    action_cover, effect_problem, principal_ids, sid_problem, version_problem,
};
use crate::subject::{SUBJECT_PREFIX, check_subject, is_only_wildcards};
use crate::trust::{ASSUME_ROLE, ASSUME_ROLE_WITH_SAML, ASSUME_ROLE_WITH_WEB_IDENTITY, TAG_SESSION};
use crate::{EKS_AUDIENCE, KOPS_AUDIENCE, OidcProvider};

/// What every rule sees: the policy's facts, and its size against the quota when the size
/// rules run.
pub(super) struct Facts<'p> {
    policy: &'p PolicyDocument,
    semantics: PolicyFacts<'p>,
    /// `(size, quota)`, when the size rules run.
    size: Option<(usize, usize)>,
    /// For each statement, worked out when a rule first asks: `Some(false)` when no request a
    /// Kubernetes token can make matches it, `Some(true)` when one does, `None` when irsa cannot
    /// tell.
    usable: Vec<OnceCell<Option<bool>>>,
}

/// Where a rule puts its findings.
struct Out<'f> {
    rule: Rule,
    findings: &'f mut Vec<Finding>,
}

impl Out<'_> {
    fn statement(&mut self, statement: &StatementFacts<'_>, message: String) {
        self.findings.push(Finding {
            rule: self.rule,
            statement: Some(statement.index),
            sid: statement.statement.sid.clone(),
            location: None,
            message,
        });
    }

    fn policy(&mut self, message: String) {
        self.findings.push(Finding { rule: self.rule, statement: None, sid: None, location: None, message });
    }
}

/// A rule: one function over the facts.
type Check = fn(&Facts<'_>, &mut Out<'_>);

/// Every rule with the function that finds it, in the contract's order.
const RULES: &[(Rule, Check)] = &[
    (Rule::FederatedWithoutSub, federated_without_sub),
    (Rule::WildcardInStringEquals, wildcard_in_string_equals),
    (Rule::SplitSubjectOperators, split_subject_operators),
    (Rule::ConditionKeyProviderMismatch, condition_key_provider_mismatch),
    (Rule::TrustPolicyTooLarge, trust_policy_too_large),
    (Rule::InvalidSubject, invalid_subject),
    (Rule::ProhibitedElement, prohibited_element),
    (Rule::AudienceTypo, audience_typo_rule),
    (Rule::BroadSubject, broad_subject),
    (Rule::DuplicateSubject, duplicate_subject),
    (Rule::MissingAudience, missing_audience),
    (Rule::NearQuota, near_quota),
    (Rule::InvalidProvider, invalid_provider),
    (Rule::WrongActionForPrincipal, wrong_action_for_principal),
    (Rule::SwappedClaims, swapped_claims),
    (Rule::UnreadablePolicy, |_, _| {}), // found while reading, before any rule runs
];

/// The findings of every rule but those in `skip`. The size rules (`trust-policy-too-large`,
/// `near-quota`) run when `options` is given. `known` are providers already parsed (those irsa
/// built the policy from): a `Federated` ARN that is one of theirs is not parsed again.
pub(super) fn check(policy: &PolicyDocument, options: Option<&LintOptions>, known: &[&OidcProvider]) -> Vec<Finding> {
    let semantics = PolicyFacts::new(policy, known);
    let usable = semantics.statements.iter().map(|_| OnceCell::new()).collect();
    let facts = Facts { policy, semantics, size: options.map(|o| (policy.iam_size(), o.quota)), usable };
    let mut findings = Vec::new();
    for (rule, check) in RULES {
        if options.is_some_and(|o| o.skip.contains(rule)) {
            continue;
        }
        check(&facts, &mut Out { rule: *rule, findings: &mut findings });
    }
    findings.sort_by_key(|f| (f.statement.map_or(0, |i| i + 1), f.rule));
    findings
}

impl<'p> Facts<'p> {
    /// The Allows of `sts:AssumeRoleWithWebIdentity` from (what is meant as) an OIDC provider.
    fn web_identity(&self) -> impl Iterator<Item = &StatementFacts<'p>> {
        self.semantics.statements.iter().filter(|s| s.is_web_identity_allow())
    }

    /// Whether no Kubernetes token can match the statement (the evaluator's answer).
    fn never_matches(&self, statement: &StatementFacts<'_>) -> bool {
        self.usable.get(statement.index).and_then(|cell| *cell.get_or_init(|| usable(statement))) == Some(false)
    }
}

/// The issuers a web-identity statement's `Federated` principal names (or seems to).
fn issuers<'s>(statement: &'s StatementFacts<'_>) -> impl Iterator<Item = &'s str> {
    statement.federated.iter().filter_map(|f| match f {
        FederatedId::Oidc { provider, .. } => Some(provider.issuer()),
        FederatedId::Invalid { issuer, .. } => *issuer,
        _ => None,
    })
}

/// Positive conditions (ones that need a value to match) on `claim`.
fn positive<'a, 's>(statement: &'a StatementFacts<'s>, claim: &'a str) -> impl Iterator<Item = &'a KeyCondition<'s>> {
    statement.claim_conditions(claim).filter(|c| c.operator.requires_match())
}

/// Request values a value matches under StringLike: its wildcards filled in (`?` by `x`,
/// `*` by `x`, by a name no policy is likely to hold, or by `x:x` where a `*` spans a
/// subject's namespace and name).
fn instances(value: &str) -> [String; 3] {
    let one = value.replace('?', "x");
    [one.replace('*', "x"), one.replace('*', FRESH), one.replace('*', "x:x")]
}

/// A name that fills a wildcard where a value must differ from those a policy names.
const FRESH: &str = "irsa-probe";

/// Whether the conditions of `statement` hold for a token of `issuer` with this `sub` and
/// `aud`: the evaluator, with the keys STS sets.
fn holds_for(statement: &StatementFacts<'_>, issuer: &str, sub: &str, aud: &str) -> Truth {
    let (sub, aud) = ([sub.to_owned()], [aud.to_owned()]);
    statement.conditions_hold(|condition| match condition.claim {
        Some(key) if key.prefix.eq_ignore_ascii_case(issuer) => match key.claim {
            "sub" => KeyValues::Present(&sub),
            "aud" => KeyValues::Present(&aud),
            _ => KeyValues::Absent,
        },
        Some(_) => KeyValues::Absent,
        None => KeyValues::Unknown,
    })
}

/// A subject no condition names: any service account of the cluster.
const PROBE_SUBJECT: &str = "system:serviceaccount:irsa-probe:irsa-probe";

/// Whether any request a Kubernetes token can make matches a web-identity statement's
/// conditions: `Some(false)` when none can, `Some(true)` when one does, `None` when the
/// evaluator cannot tell. The requests tried are every legal subject the statement names
/// (patterns filled in) and one it does not, with every audience it names that is not a
/// subject, one it does not, and the EKS and kops audiences. For conditions that need a match
/// (positive string operators), a token that satisfies them all is among these; a negation, a
/// `Null` check or a policy variable could want a value none of these has, so then "none can"
/// is not said (`None`).
fn usable(statement: &StatementFacts<'_>) -> Option<bool> {
    if !statement.is_web_identity_allow() {
        return None;
    }
    let complete = statement
        .conditions
        .iter()
        .filter(|c| c.claim.is_some())
        .all(|c| c.operator.requires_match() && !c.has_variable);
    let values = |claim| statement.claim_conditions(claim).flat_map(|c| c.values.iter()).flat_map(|v| instances(v));
    let mut subs: Vec<String> = values("sub").filter(|v| matches!(parse_subject(v), Subject::Account(..))).collect();
    subs.push(PROBE_SUBJECT.to_owned());
    let auds = token_audiences(statement);
    // One positive condition that no token can satisfy settles it, whatever the others say.
    let impossible = statement
        .conditions
        .iter()
        .filter(|c| c.claim.is_some() && c.operator.requires_match() && !c.has_variable)
        .any(|c| never_holds(statement, c, &realistic_instances(c)));
    if impossible {
        return Some(false);
    }
    let mut unknown = !complete;
    for issuer in issuers(statement) {
        for sub in &subs {
            for aud in &auds {
                match holds_for(statement, issuer, sub, aud) {
                    Truth::True => return Some(true),
                    Truth::Unknown => unknown = true,
                    Truth::False => {}
                }
            }
        }
    }
    (!unknown).then_some(false)
}

/// Whether the subject `sub` can pass the statement's conditions with some audience a token
/// can carry, for one of its issuers (the evaluator's answer; unknown counts as can).
fn passes(statement: &StatementFacts<'_>, sub: &str) -> bool {
    let auds = token_audiences(statement);
    issuers(statement).any(|issuer| auds.iter().any(|aud| holds_for(statement, issuer, sub, aud) != Truth::False))
}

/// The audiences a token can carry that tell a statement's `:aud` conditions apart from any
/// other: those its conditions name (but subjects and misspellings, which no token carries:
/// audience-typo says so), the EKS and kops audiences, and one no condition names.
fn token_audiences(statement: &StatementFacts<'_>) -> Vec<String> {
    let mut auds: Vec<String> = statement.claim_conditions("aud").flat_map(realistic_instances).collect();
    auds.extend([EKS_AUDIENCE.to_owned(), KOPS_AUDIENCE.to_owned(), format!("{FRESH}-audience")]);
    auds
}

/// Whether a service account no condition names can pass the statement's conditions.
fn anyone_passes(statement: &StatementFacts<'_>) -> bool {
    passes(statement, PROBE_SUBJECT)
}

fn federated_without_sub(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in facts.web_identity() {
        if positive(statement, "sub").next().is_some() || facts.never_matches(statement) || !anyone_passes(statement) {
            continue;
        }
        let names: Vec<&str> = statement.federated.iter().filter(|f| f.is_oidc()).map(FederatedId::id).collect();
        let key = issuers(statement).next().map(|issuer| format!("{issuer}:sub")).unwrap_or_default();
        let negations: Vec<&str> = statement.claim_conditions("sub").map(|c| c.operator.text).collect();
        let who = if negations.is_empty() {
            "without a :sub condition, so any service account of the cluster can assume the role".to_owned()
        } else {
            format!(
                "with only negated :sub conditions ({}), so any service account of the cluster but those it names can assume the role",
                negations.join(", ")
            )
        };
        out.statement(
            statement,
            format!(
                "it allows sts:AssumeRoleWithWebIdentity from {} {who}; add StringEquals `{key}` = system:serviceaccount:<namespace>:<name>",
                names.join(", "),
            ),
        );
    }
}

/// A `*` or `?` other than the policy variables `${*}` and `${?}`, which stand for the
/// characters themselves.
fn has_wildcard(value: &str) -> bool {
    value.contains(['*', '?']) && value.replace("${*}", "").replace("${?}", "").contains(['*', '?'])
}

fn wildcard_in_string_equals(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in &facts.semantics.statements {
        for condition in &statement.conditions {
            let exact =
                matches!(condition.operator.comparison(), Some(Comparison::Equals | Comparison::EqualsIgnoreCase));
            if !exact || !condition.operator.requires_match() {
                continue;
            }
            for value in condition.values.iter().filter(|v| has_wildcard(v)) {
                let hint = if condition.is_claim("sub") {
                    "use StringLike for wildcard subjects (all of the statement's subjects, since two operators are ANDed)"
                } else {
                    "use StringLike for a pattern"
                };
                out.statement(
                    statement,
                    format!(
                        "`{value}` under {} `{}` is compared literally, so no request matches it; {hint}",
                        condition.operator.text, condition.key
                    ),
                );
            }
        }
    }
}

/// A `:sub` under both an exact operator and StringLike is an error only when no subject
/// satisfies both: the subjects that can are the exact ones, so the evaluator tries each.
fn split_subject_operators(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in facts.web_identity() {
        let subs: Vec<&KeyCondition<'_>> = positive(statement, "sub").collect();
        let is = |comparison: Comparison| subs.iter().any(|c| c.operator.comparison() == Some(comparison));
        if !(is(Comparison::Like) && (is(Comparison::Equals) || is(Comparison::EqualsIgnoreCase))) {
            continue;
        }
        // Where both keys are set, a subject that satisfies both is one of the exact values; a
        // key of another issuer is missing, and then a pattern's instance may do.
        let mut candidates: Vec<String> = subs.iter().flat_map(|c| c.values.iter()).map(|v| v.to_string()).collect();
        candidates.extend(subs.iter().flat_map(|c| c.values.iter()).flat_map(|v| instances(v)));
        candidates.push(PROBE_SUBJECT.to_owned());
        let someone = issuers(statement).any(|issuer| {
            candidates.iter().any(|candidate| {
                let candidate = std::slice::from_ref(candidate);
                subs.iter().all(|c| {
                    let present = c.claim.is_some_and(|key| key.prefix.eq_ignore_ascii_case(issuer));
                    let values = if present { KeyValues::Present(candidate) } else { KeyValues::Absent };
                    c.holds(values) == Truth::True
                })
            })
        });
        if !someone {
            out.statement(
                statement,
                "its :sub is under both StringEquals and StringLike; operators are ANDed, so a token must match both lists, and no subject is in both; put every subject under StringLike".to_owned(),
            );
        }
    }
}

fn condition_key_provider_mismatch(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in facts.web_identity() {
        let providers: Vec<OidcProvider> = statement.oidc_providers().map(|(_, p)| p.clone()).collect();
        let Some(first) = providers.first() else { continue };
        for condition in &statement.conditions {
            let Some(key) = condition.claim else { continue };
            if providers.iter().any(|p| p.issuer() == key.prefix) {
                continue;
            }
            let (provider, reason) = mismatch_reason(key.prefix, first, &providers);
            // A key STS does not set is a missing key: the evaluator says what that makes of it.
            let effect = if key.prefix.eq_ignore_ascii_case(provider.issuer()) {
                ""
            } else {
                match condition.holds(KeyValues::Absent) {
                    Truth::False => ", so this condition never holds",
                    Truth::True => ", so this condition always holds",
                    Truth::Unknown => "",
                }
            };
            out.statement(
                statement,
                format!(
                    "the key `{}` does not match the statement's provider ({}): {reason}; STS sets `{}`{effect}",
                    condition.key,
                    provider.arn(),
                    provider.condition_key(key.claim),
                ),
            );
        }
    }
}

fn trust_policy_too_large(facts: &Facts<'_>, out: &mut Out<'_>) {
    if let Some((size, quota)) = facts.size.filter(|(size, quota)| size > quota) {
        out.policy(format!(
            "{size} characters as IAM counts them (white space excluded), over the quota of {quota} by {}: IAM refuses it (LimitExceeded: Cannot exceed quota for ACLSizePerRole); trust a pattern (`ns:app-*`), split the service accounts across roles, or raise the quota to 4096 or 8192",
            size - quota
        ));
    }
}

fn near_quota(facts: &Facts<'_>, out: &mut Out<'_>) {
    if let Some((size, quota)) = facts.size.filter(|(size, quota)| size <= quota && size * 10 > quota * 9) {
        out.policy(format!(
            "{size} characters as IAM counts them (white space excluded), {}% of the quota of {quota}: the next service account or cluster may not fit",
            size * 100 / quota
        ));
    }
}

fn invalid_subject(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in facts.web_identity() {
        let kubernetes = issuers(statement).any(looks_like_kubernetes)
            || positive(statement, "sub").any(|c| c.values.iter().any(|v| v.starts_with("system:")));
        if !kubernetes {
            continue;
        }
        for value in positive(statement, "sub").flat_map(|c| c.values.iter()) {
            if is_audience(value) {
                continue; // swapped-claims says what is wrong with it
            }
            if let Subject::Invalid(rule) = parse_subject(value) {
                out.statement(
                    statement,
                    format!("`{value}` is not a Kubernetes service account subject: {rule}; no token carries it"),
                );
            }
        }
    }
}

fn prohibited_element(facts: &Facts<'_>, out: &mut Out<'_>) {
    if let Some(version) = &facts.policy.version {
        if let Some(rule) = version_problem(version) {
            out.policy(format!("the Version `{version}` is refused: {rule}"));
        }
    }
    let mut sids: HashMap<&str, usize> = HashMap::new();
    for statement in &facts.semantics.statements {
        let s = statement.statement;
        for (element, present) in [
            ("Resource", s.resource.is_some()),
            ("NotResource", s.not_resource.is_some()),
            ("NotPrincipal", s.not_principal.is_some()),
        ] {
            if present {
                out.statement(
                    statement,
                    format!(
                        "{element} is not allowed in a trust policy (IAM: MalformedPolicyDocument: Has prohibited field {element}); remove it"
                    ),
                );
            }
        }
        if let Some(rule) = effect_problem(&s.effect) {
            out.statement(statement, format!("the Effect `{}` is refused: {rule}", s.effect));
        }
        let Some(sid) = s.sid.as_deref() else { continue };
        if let Some(rule) = sid_problem(sid) {
            out.statement(statement, format!("the Sid `{sid}` is refused: {rule}"));
        } else if let Some(first) = sids.insert(sid, statement.index).filter(|_| !sid.is_empty()) {
            out.statement(
                statement,
                format!("the Sid `{sid}` is also statement {first}'s: {}", crate::semantics::DUPLICATE_SID),
            );
        }
    }
}

fn audience_typo_rule(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in facts.web_identity() {
        for value in positive(statement, "aud").flat_map(|c| c.values.iter()) {
            if let Some(meant) = audience_typo(value) {
                out.statement(
                    statement,
                    format!(
                        "the audience `{value}` looks like `{meant}`; tokens carry exactly `{EKS_AUDIENCE}` (EKS) or `{KOPS_AUDIENCE}` (kops), so this value never matches"
                    ),
                );
            }
        }
    }
}

fn broad_subject(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in facts.web_identity() {
        let patterns = positive(statement, "sub").filter(|c| c.operator.comparison() == Some(Comparison::Like));
        for value in patterns.flat_map(|c| c.values.iter()) {
            let scope = match parse_subject(value) {
                Subject::Every => "every service account of every namespace".to_owned(),
                Subject::Account(namespace, name) => match (is_only_wildcards(namespace), is_only_wildcards(name)) {
                    (true, true) => "every service account of every namespace".to_owned(),
                    (true, false) => format!(
                        "the service account name `{name}` in every namespace (anyone who can create a namespace can take the role)"
                    ),
                    (false, true) => format!("every service account of the namespace `{namespace}`"),
                    (false, false) => continue,
                },
                Subject::Invalid(_) => continue,
            };
            // Nobody is trusted where nothing can match (another rule says why), and a pattern
            // that another :sub condition narrows (an exact subject beside it) does not widen.
            if facts.never_matches(statement) {
                break;
            }
            if !widens(statement, value) {
                continue;
            }
            out.statement(statement, format!("`{value}` trusts {scope}; name the service accounts"));
        }
    }
}

/// Whether a subject that `pattern` matches and no value names can pass the statement (an
/// exact subject beside the pattern, or conditions no token satisfies, keep it from widening).
fn widens(statement: &StatementFacts<'_>, pattern: &str) -> bool {
    passes(statement, &pattern.replace('?', "x").replace('*', FRESH))
}

fn duplicate_subject(facts: &Facts<'_>, out: &mut Out<'_>) {
    // Subjects by provider across statements.
    let mut seen: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for statement in facts.web_identity() {
        let values: Vec<&str> = positive(statement, "sub")
            .flat_map(|c| c.values.iter())
            .filter_map(|v| match v {
                std::borrow::Cow::Borrowed(s) => Some(*s),
                std::borrow::Cow::Owned(_) => None, // a number or a boolean is never a subject
            })
            .collect();
        for provider in statement.federated.iter().filter(|f| f.is_oidc()).map(FederatedId::id) {
            let seen = seen.entry(provider).or_default();
            for value in &values {
                if let Some(first) = seen.get(value) {
                    let place = if *first == statement.index {
                        "in this statement".to_owned()
                    } else {
                        format!("in statement {first}")
                    };
                    out.statement(
                        statement,
                        format!(
                            "`{value}` is already trusted through {provider} {place}; remove the copy (it costs quota)"
                        ),
                    );
                } else {
                    seen.insert(value, statement.index);
                }
            }
        }
    }
}

fn missing_audience(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in facts.web_identity() {
        if positive(statement, "aud").next().is_none() {
            out.statement(
                statement,
                "no :aud condition: STS still checks the token's audience against the provider's client IDs; pin it (sts.amazonaws.com on EKS, amazonaws.com on kops) when the provider has several".to_owned(),
            );
        }
    }
}

fn invalid_provider(facts: &Facts<'_>, out: &mut Out<'_>) {
    for statement in &facts.semantics.statements {
        for federated in &statement.federated {
            if let FederatedId::Invalid { id, rule, .. } = federated {
                let effect = if id.starts_with("arn:") {
                    "IAM refuses the policy (MalformedPolicyDocument: Federated principals must be valid domain names or SAML metadata ARNs)"
                } else {
                    "no request through an IAM OIDC provider matches it (the principal of such a request is the provider's ARN)"
                };
                out.statement(statement, format!("the Federated principal `{id}`: {rule}; {effect}"));
            }
        }
    }
}

fn wrong_action_for_principal(facts: &Facts<'_>, out: &mut Out<'_>) {
    let covers = |statement: &StatementFacts<'_>, action: &str| action_cover(statement.statement, action).covers();
    let written = |statement: &StatementFacts<'_>| {
        let actions = statement.statement.action.iter().flat_map(|a| a.iter()).map(String::as_str);
        let actions: Vec<&str> = actions.collect();
        if actions.is_empty() { "its NotAction".to_owned() } else { actions.join(", ") }
    };
    for statement in facts.semantics.statements.iter().filter(|s| s.statement.effect == crate::policy::Effect::Allow) {
        let web = statement.federated.iter().filter(|f| f.is_oidc() || matches!(f, FederatedId::BuiltIn(_)));
        if let Some(provider) =
            web.map(FederatedId::id).next().filter(|_| !covers(statement, ASSUME_ROLE_WITH_WEB_IDENTITY))
        {
            out.statement(
                statement,
                format!(
                    "the web identity provider {provider} can only call {ASSUME_ROLE_WITH_WEB_IDENTITY}, which the statement's actions ({}) do not cover: IAM never matches it; make the action {ASSUME_ROLE_WITH_WEB_IDENTITY}",
                    written(statement)
                ),
            );
        }
        let saml = statement.federated.iter().find(|f| matches!(f, FederatedId::Saml(_)));
        if let Some(provider) = saml.map(FederatedId::id).filter(|_| !covers(statement, ASSUME_ROLE_WITH_SAML)) {
            out.statement(
                statement,
                format!(
                    "the SAML provider {provider} can only call {ASSUME_ROLE_WITH_SAML}, which the statement's actions ({}) do not cover: IAM never matches it; give it a statement with {ASSUME_ROLE_WITH_SAML}",
                    written(statement)
                ),
            );
        }
        if principal_ids(statement.statement, "Service").any(|id| id == POD_IDENTITY_SERVICE) {
            let missing: Vec<&str> =
                [ASSUME_ROLE, TAG_SESSION].into_iter().filter(|action| !covers(statement, action)).collect();
            if !missing.is_empty() {
                out.statement(
                    statement,
                    format!(
                        "EKS Pod Identity ({POD_IDENTITY_SERVICE}) calls {ASSUME_ROLE} and {TAG_SESSION} together, and the statement's actions ({}) do not cover {}: the association fails; write both actions",
                        written(statement),
                        missing.join(" and ")
                    ),
                );
            }
        }
    }
}

/// Whether a value is an audience a token carries, or close to one (never a subject).
fn is_audience(value: &str) -> bool {
    !value.starts_with(SUBJECT_PREFIX)
        && (value == EKS_AUDIENCE || value == KOPS_AUDIENCE || audience_typo(value).is_some())
}

/// Whether a claim condition fails for every token of the statement's issuers that carries
/// one of `candidates` as that claim (the evaluator's answer; a key of another issuer is
/// missing from the request).
fn never_holds<S: AsRef<str>>(statement: &StatementFacts<'_>, condition: &KeyCondition<'_>, candidates: &[S]) -> bool {
    let Some(key) = condition.claim else { return false };
    let mut issuers = issuers(statement).peekable();
    issuers.peek().is_some()
        && issuers.all(|issuer| {
            if !key.prefix.eq_ignore_ascii_case(issuer) {
                return condition.holds(KeyValues::Absent) == Truth::False;
            }
            candidates.iter().all(|candidate| {
                let value = [candidate.as_ref().to_owned()];
                condition.holds(KeyValues::Present(&value)) == Truth::False
            })
        })
}

/// The values of a claim a token can carry that a condition's own values match: legal
/// subjects for `sub`; for `aud`, anything but a subject or a misspelt audience.
fn realistic_instances(condition: &KeyCondition<'_>) -> Vec<String> {
    let sub = condition.is_claim("sub");
    condition
        .values
        .iter()
        .flat_map(|v| instances(v))
        .filter(|v| {
            if sub {
                matches!(parse_subject(v), Subject::Account(..))
            } else {
                !v.starts_with(SUBJECT_PREFIX) && audience_typo(v).is_none()
            }
        })
        .collect()
}

fn swapped_claims(facts: &Facts<'_>, out: &mut Out<'_>) {
    // What a token can carry: any audience but a subject; any legal subject.
    const AUDIENCES: &[&str] = &[EKS_AUDIENCE, KOPS_AUDIENCE, "api://any-audience"];
    for statement in facts.web_identity() {
        for condition in positive(statement, "aud") {
            if !condition.values.is_empty()
                && condition.values.iter().all(|v| v.starts_with(SUBJECT_PREFIX))
                && never_holds(statement, condition, AUDIENCES)
            {
                out.statement(
                    statement,
                    format!(
                        "the :aud condition `{}` holds service account subjects ({}): a token's audience is `{EKS_AUDIENCE}` or `{KOPS_AUDIENCE}`, never a subject, so no token matches this statement; put the subjects under `:sub` and the audience under `:aud`",
                        condition.key,
                        condition.values.join(", ")
                    ),
                );
            }
        }
        for condition in positive(statement, "sub") {
            if !condition.values.is_empty()
                && condition.values.iter().all(|v| is_audience(v))
                && never_holds(statement, condition, &[PROBE_SUBJECT])
            {
                out.statement(
                    statement,
                    format!(
                        "the :sub condition `{}` holds audiences ({}): a token's subject is system:serviceaccount:<namespace>:<name>, so no token matches this statement; put the audience under `:aud` and the subjects under `:sub`",
                        condition.key,
                        condition.values.join(", ")
                    ),
                );
            }
        }
    }
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
fn looks_like_kubernetes(issuer: &str) -> bool {
    let host = issuer.split('/').next().unwrap_or_default();
    eks_id(issuer).is_some() || host.contains(".s3.") || host.contains(".s3-") || host.starts_with("s3.")
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
    // A length further off than the edits allowed is no near miss: most values (subjects) are
    // ruled out without computing a distance.
    [(EKS_AUDIENCE, 3), (KOPS_AUDIENCE, 2)]
        .into_iter()
        .filter(|(audience, most)| normal.chars().count().abs_diff(audience.len()) <= *most)
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
            let facts = PolicyFacts::new(&policy, &[]);
            let parsed: Vec<OidcProvider> =
                facts.statements.iter().flat_map(|s| s.oidc_providers().map(|(_, p)| p.clone())).collect();
            let known: Vec<&OidcProvider> = parsed.iter().collect();
            let options = LintOptions::default();
            assert_eq!(check(&policy, Some(&options), &known), check(&policy, Some(&options), &[]), "{path:?}");
            checked += usize::from(!known.is_empty());
        }
        assert!(checked >= 10, "only {checked} fixtures with providers");
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

    const EKS: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    const ISSUER: &str = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";

    /// Lints one statement (`principal`, `action`, `condition` as JSON; `ISSUER` in the
    /// condition stands for the EKS issuer) and compares the rules that fire; each of `words`
    /// must be in some message.
    fn rules_of(principal: &str, action: &str, condition: &str, expected: &[&str], words: &[&str]) {
        let condition = condition.replace("ISSUER", ISSUER);
        let json = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {principal}, "Action": {action}, "Condition": {condition}}}]}}"#
        );
        let policy = PolicyDocument::from_json(&json).unwrap();
        let findings = check(&policy, Some(&LintOptions::default()), &[]);
        let fired: Vec<&str> = findings.iter().map(|f| f.rule.name()).collect();
        assert_eq!(fired, expected, "{json}\n{findings:#?}");
        for word in words {
            assert!(findings.iter().any(|f| f.message.contains(word)), "`{word}` in {findings:#?}");
        }
    }

    fn federated(arn: &str) -> String {
        format!(r#"{{"Federated": "{arn}"}}"#)
    }

    const WEB: &str = r#""sts:AssumeRoleWithWebIdentity""#;
    const AUD: &str = r#""ISSUER:aud": "sts.amazonaws.com""#;

    #[test]
    fn split_subjects_are_an_error_only_when_no_subject_satisfies_both() {
        // terraform-aws-modules' IRSA module with both lists set: the exact subject matches the
        // pattern too, so it can assume the role (as irsa simulate says); the pattern does not
        // widen the trust past it, so it is no broad subject either.
        let both = format!(
            r#"{{"StringEquals": {{"ISSUER:sub": "system:serviceaccount:apps:web", {AUD}}}, "StringLike": {{"ISSUER:sub": "system:serviceaccount:apps:*"}}}}"#
        );
        rules_of(&federated(EKS), WEB, &both, &[], &[]);
        let none = format!(
            r#"{{"StringEquals": {{"ISSUER:sub": "system:serviceaccount:apps:web", {AUD}}}, "StringLike": {{"ISSUER:sub": "system:serviceaccount:jobs:*"}}}}"#
        );
        // No token matches, so the pattern trusts nobody: no broad-subject beside the error.
        rules_of(&federated(EKS), WEB, &none, &["split-subject-operators"], &["no subject is in both"]);
    }

    #[test]
    fn negations_never_hide_an_open_statement() {
        // No :sub, and an audience deny-list: any service account with another audience can.
        let deny_list = r#"{"StringNotEquals": {"ISSUER:aud": ["sts.amazonaws.com", "amazonaws.com"]}}"#;
        rules_of(
            &federated(EKS),
            WEB,
            deny_list,
            &["federated-without-sub", "missing-audience"],
            &["so any service account of the cluster can assume the role"],
        );
        // A namespace pattern with one exception still trusts the rest of the namespace.
        let except = format!(
            r#"{{"StringLike": {{"ISSUER:sub": "system:serviceaccount:apps:*"}}, "StringNotEquals": {{"ISSUER:sub": "system:serviceaccount:apps:x", {AUD}}}}}"#
        );
        rules_of(&federated(EKS), WEB, &except, &["broad-subject", "missing-audience"], &["namespace `apps`"]);
    }

    #[test]
    fn an_invalid_provider_leaves_the_other_rules_running() {
        let everyone = format!(r#"{{"StringLike": {{"ISSUER:sub": "system:serviceaccount:*:*", {AUD}}}}}"#);
        for (arn, word) in [
            (
                "arn:aws:iam::ACCOUNT_B:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
                "`ACCOUNT_B` must be 12 digits",
            ),
            ("arn:aws:iam::<ACCOUNT_ID>:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", "must be 12 digits"),
            (
                "arn:aws:iam::123456789:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
                "`123456789` must be 12 digits",
            ),
            ("arn:aws-moon:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC", "`aws-moon`"),
            ("oidc.eks.eu-west-1.amazonaws.com/id/ABC", "named by its ARN"),
            ("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "named by its ARN"),
        ] {
            rules_of(
                &federated(arn),
                WEB,
                &everyone,
                &["broad-subject", "invalid-provider"],
                &[word, "every service account of every namespace"],
            );
        }
        // A valid SAML provider or Google is no invalid provider.
        rules_of(
            &federated("accounts.google.com"),
            WEB,
            r#"{"StringEquals": {"accounts.google.com:aud": "app"}}"#,
            &[],
            &[],
        );
    }

    #[test]
    fn principals_that_can_never_use_the_action() {
        let sub = format!(
            r#"{{"StringEquals": {{"ISSUER:sub": "system:serviceaccount:kube-system:cluster-autoscaler", {AUD}}}}}"#
        );
        rules_of(
            &federated(EKS),
            r#""sts:AssumeRole""#,
            &sub,
            &["wrong-action-for-principal"],
            &["make the action sts:AssumeRoleWithWebIdentity"],
        );
        rules_of(&federated(EKS), r#""sts:*""#, &sub, &[], &[]);
        let saml = federated("arn:aws:iam::123456789012:saml-provider/Okta");
        rules_of(&saml, r#""sts:AssumeRole""#, "{}", &["wrong-action-for-principal"], &["sts:AssumeRoleWithSAML"]);
        rules_of(&saml, r#""sts:AssumeRoleWithSAML""#, "{}", &[], &[]);
        let pods = r#"{"Service": "pods.eks.amazonaws.com"}"#;
        rules_of(pods, r#""sts:AssumeRole""#, "{}", &["wrong-action-for-principal"], &["do not cover sts:TagSession"]);
        rules_of(pods, r#"["sts:AssumeRole", "sts:TagSession"]"#, "{}", &[], &[]);
    }

    #[test]
    fn swapped_claims_are_unusable_not_open() {
        // Only an :aud condition, holding a subject: not "any service account can assume".
        let swapped = r#"{"StringEquals": {"ISSUER:aud": "system:serviceaccount:default:app"}}"#;
        rules_of(&federated(EKS), WEB, swapped, &["swapped-claims"], &["no token matches"]);
        let both = r#"{"StringEquals": {"ISSUER:aud": "system:serviceaccount:default:app", "ISSUER:sub": "sts.amazonaws.com"}}"#;
        rules_of(&federated(EKS), WEB, both, &["swapped-claims", "swapped-claims"], &["holds audiences"]);
    }

    #[test]
    fn broad_subjects_say_what_they_trust() {
        for (subject, words) in [
            ("system:serviceaccount:*:external-dns", "the service account name `external-dns` in every namespace"),
            ("system:serviceaccount:monitoring:*", "every service account of the namespace `monitoring`"),
            ("system:serviceaccount:*:*", "every service account of every namespace"),
            ("system:serviceaccount:*", "every service account of every namespace"),
        ] {
            let condition = format!(r#"{{"StringLike": {{"ISSUER:sub": "{subject}"}}, "StringEquals": {{{AUD}}}}}"#);
            rules_of(&federated(EKS), WEB, &condition, &["broad-subject"], &[words]);
        }
    }

    #[test]
    fn every_rule_has_one_check() {
        let rules: Vec<Rule> = RULES.iter().map(|(rule, _)| *rule).collect();
        assert_eq!(rules, Rule::ALL);
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
