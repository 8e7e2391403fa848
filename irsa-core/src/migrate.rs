//! Adding IRSA trust to an existing trust policy, keeping everything else (`irsa migrate`).
//!
//! - A statement that is not an IRSA web-identity statement irsa can merge into is kept
//!   untouched: order, Sid, conditions.
//! - A provider that already has a web-identity statement (Allow, `Federated` = the provider,
//!   `sts:AssumeRoleWithWebIdentity`, conditions only on the issuer's `:sub` and `:aud` under
//!   `StringEquals`/`StringLike`) gets the new subjects merged into its `:sub` values, without
//!   duplicates; when any subject has a wildcard, all of them go under `StringLike` (two
//!   operators would be ANDed). Its audiences and `sts:TagSession` are added the same way.
//! - Any other provider gets a new statement, the one `irsa policy` writes.
//! - Legacy principals are merged into the first `sts:AssumeRole` statement, or get one; SAML
//!   providers likewise into an `sts:AssumeRoleWithSAML` statement.
//! - With `remove_legacy`, the kiam/kube2iam trust goes: the `AWS` principals (node roles,
//!   accounts) of unconditional `sts:AssumeRole` statements. Everything else stays: `Service`
//!   principals (`ec2.amazonaws.com`, EKS Pod Identity's `pods.eks.amazonaws.com`), which keep
//!   their statement; statements with conditions (a vendor's ExternalId is a deliberate
//!   trust); every other statement.
//!
//! Running a migration twice changes nothing the second time.

use std::fmt;

use crate::OidcProvider;
use crate::error::{Error, ErrorKind};
use crate::policy::{Condition, ConditionValue, Effect, Map, OneOrMany, PolicyDocument, Principal, Statement};
use crate::semantics::{Comparison, Operator, SetQualifier};
use crate::trust::{ASSUME_ROLE, ASSUME_ROLE_WITH_SAML, ASSUME_ROLE_WITH_WEB_IDENTITY, TAG_SESSION, TrustPolicy};

/// What a migration did to one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new web-identity statement for a provider, at this index of the result.
    Added {
        /// Index in the migrated document.
        statement: usize,
        /// The provider's ARN.
        provider: String,
        /// The subjects it trusts (`system:serviceaccount:...`).
        subjects: Vec<String>,
    },
    /// New values merged into an existing statement.
    Merged {
        /// Index in the migrated document.
        statement: usize,
        /// The statement's Sid.
        sid: Option<String>,
        /// What it trusts (a provider ARN, or the legacy principals).
        trusts: String,
        /// What was added (`:sub` values, `:aud` values, actions, principals).
        added: Vec<String>,
        /// Whether the `:sub` values moved from `StringEquals` to `StringLike`.
        moved_to_string_like: bool,
    },
    /// An existing statement that already trusted everything asked of it.
    AlreadyThere {
        /// Index in the migrated document.
        statement: usize,
        /// What it trusts.
        trusts: String,
    },
    /// A new `sts:AssumeRole` statement for the legacy principals (`sts:AssumeRoleWithSAML`
    /// for SAML providers).
    AddedLegacy {
        /// Index in the migrated document.
        statement: usize,
        /// Its action.
        action: String,
        /// `TYPE=ID` of each principal.
        principals: Vec<String>,
    },
    /// An `sts:AssumeRole` statement `remove_legacy` keeps: it has conditions (an ExternalId,
    /// say), so it is a deliberate trust, not a node role's.
    KeptConditional {
        /// Index in the original document.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
    },
    /// The `AWS` principals of an unconditional `sts:AssumeRole` statement dropped
    /// (`remove_legacy`); the statement goes too when nothing else is left in it.
    Removed {
        /// Index in the original document.
        statement: usize,
        /// Its Sid.
        sid: Option<String>,
        /// `TYPE=ID` of each principal removed.
        principals: Vec<String>,
        /// The `TYPE=ID` of the principals kept in the statement (none: the statement went).
        kept: Vec<String>,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sid = |sid: &Option<String>| sid.as_ref().map(|s| format!(" (Sid {s:?})")).unwrap_or_default();
        match self {
            Change::Added { statement, provider, subjects } => write!(
                f,
                "added statement {statement}: sts:AssumeRoleWithWebIdentity from {provider} for {}",
                subjects.join(", ")
            ),
            Change::Merged { statement, sid: s, trusts, added, moved_to_string_like } => {
                write!(f, "merged into statement {statement}{} ({trusts}): {}", sid(s), added.join(", "))?;
                if *moved_to_string_like {
                    f.write_str("; its :sub values moved to StringLike, as a wildcard subject needs")?;
                }
                Ok(())
            }
            Change::AlreadyThere { statement, trusts } => {
                write!(f, "unchanged statement {statement} ({trusts}): it already trusts what was asked")
            }
            Change::AddedLegacy { statement, action, principals } => {
                write!(f, "added statement {statement}: {action} from {}", principals.join(", "))
            }
            Change::KeptConditional { statement, sid: s } => write!(
                f,
                "kept statement {statement}{}: its sts:AssumeRole has conditions (a deliberate trust, such as an ExternalId), not a node role's; edit it by hand if it must go",
                sid(s)
            ),
            Change::Removed { statement, sid: s, principals, kept } if kept.is_empty() => write!(
                f,
                "removed statement {statement}{}: sts:AssumeRole from {}",
                sid(s),
                if principals.is_empty() { "any principal".to_owned() } else { principals.join(", ") }
            ),
            Change::Removed { statement, sid: s, principals, kept } => write!(
                f,
                "removed from statement {statement}{}: sts:AssumeRole from {} (kept: {})",
                sid(s),
                principals.join(", "),
                kept.join(", ")
            ),
        }
    }
}

/// A migrated policy and what changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Migrated {
    /// The policy after the migration.
    pub document: PolicyDocument,
    /// What was added, merged and removed, in the order of the statements.
    pub changes: Vec<Change>,
}

/// Adds what `request` trusts to `document`, keeping the rest, and with `remove_legacy` drops
/// the `sts:AssumeRole` statements. See the module documentation for the rules.
///
/// ```
/// use irsa_core::migrate::migrate;
/// use irsa_core::policy::PolicyDocument;
/// use irsa_core::{Audience, TrustPolicy};
///
/// let kiam = PolicyDocument::from_json(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///     "Principal": {"AWS": "arn:aws:iam::123456789012:role/nodes"}, "Action": "sts:AssumeRole"}]}"#).unwrap();
/// let request = TrustPolicy::new()
///     .provider("arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC".parse().unwrap(), Audience::Auto)
///     .subject("default:app".parse().unwrap());
/// let migrated = migrate(&kiam, &request, false).unwrap();
/// assert_eq!(migrated.document.statements().len(), 2);
/// assert_eq!(migrated.changes[0].to_string(),
///     "added statement 1: sts:AssumeRoleWithWebIdentity from arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC for system:serviceaccount:default:app");
/// // Twice is once.
/// let again = migrate(&migrated.document, &request, false).unwrap();
/// assert_eq!(again.document, migrated.document);
/// // Once the pods use IRSA, the node role goes.
/// let done = migrate(&migrated.document, &TrustPolicy::new(), true).unwrap();
/// assert_eq!(done.document.statements().len(), 1);
/// ```
pub fn migrate(document: &PolicyDocument, request: &TrustPolicy, remove_legacy: bool) -> Result<Migrated, Error> {
    let asks_something = !request.providers().is_empty() || !request.legacy_principals().is_empty();
    if !asks_something && !remove_legacy {
        return Err(Error::new(
            ErrorKind::Migration,
            "",
            "nothing to do: give providers and service accounts to add, legacy principals, or remove_legacy",
        ));
    }
    if remove_legacy && !request.legacy_principals().is_empty() {
        return Err(Error::new(
            ErrorKind::Migration,
            "",
            "legacy principals cannot be added and removed in one migration",
        ));
    }
    // The statements irsa would write for the request, checked as `irsa policy` checks them.
    let wanted = if asks_something { request.build()?.statement.as_slice().to_vec() } else { Vec::new() };

    let mut statements: Vec<Statement> = document.statements().to_vec();
    let mut changes = Vec::new();
    if remove_legacy {
        let mut kept = Vec::with_capacity(statements.len());
        for (index, mut statement) in statements.into_iter().enumerate() {
            let aws = principal_ids(&statement, "AWS");
            if !is_legacy(&statement) || aws.is_empty() {
                kept.push(statement);
                continue;
            }
            if statement.condition.is_some() {
                changes.push(Change::KeptConditional { statement: index, sid: statement.sid.clone() });
                kept.push(statement);
                continue;
            }
            if let Some(Principal::Typed(map)) = &mut statement.principal {
                map.remove("AWS");
            }
            let rest = principal_list(statement.principal.as_ref());
            let principals = aws.iter().map(|id| format!("AWS={id}")).collect();
            changes.push(Change::Removed {
                statement: index,
                sid: statement.sid.clone(),
                principals,
                kept: rest.clone(),
            });
            if !rest.is_empty() {
                kept.push(statement);
            }
        }
        statements = kept;
        if statements.is_empty() {
            return Err(Error::new(
                ErrorKind::Migration,
                "",
                "removing the sts:AssumeRole statements leaves no statement: the role would trust nothing (add the IRSA trust first)",
            ));
        }
    }

    for (provider, _) in request.providers() {
        let Some(new) = wanted.iter().find(|s| federated_provider(s).is_some_and(|arn| provider.has_arn(arn))) else {
            continue;
        };
        let mergeable = statements.iter_mut().enumerate().find(|(_, s)| is_mergeable(s, provider));
        if let Some((index, existing)) = mergeable {
            changes.push(merge_web_identity(existing, new, provider, index));
        } else {
            let subjects = request.service_accounts().iter().map(|sa| sa.subject()).collect();
            statements.push(new.clone());
            changes.push(Change::Added { statement: statements.len() - 1, provider: provider.arn(), subjects });
        }
    }
    for kind in [is_legacy as fn(&Statement) -> bool, is_saml] {
        let new = wanted.iter().find(|s| kind(s));
        let unconditional = statements.iter_mut().enumerate().find(|(_, s)| kind(s) && s.condition.is_none());
        match (unconditional, new) {
            (Some((index, existing)), Some(new)) => changes.push(merge_legacy(existing, new, index)),
            (None, Some(new)) => {
                statements.push(new.clone());
                changes.push(Change::AddedLegacy {
                    statement: statements.len() - 1,
                    action: new.action.iter().flat_map(|a| a.iter()).cloned().collect::<Vec<_>>().join(", "),
                    principals: principal_list(new.principal.as_ref()),
                });
            }
            (_, None) => {}
        }
    }

    let statement = match (&document.statement, statements.len()) {
        (OneOrMany::One(_), 1) => OneOrMany::One(statements.remove(0)),
        _ => OneOrMany::Many(statements),
    };
    Ok(Migrated {
        document: PolicyDocument { version: document.version.clone(), id: document.id.clone(), statement },
        changes,
    })
}

/// An `sts:AssumeRole` statement of the kiam/kube2iam period: Allow, and actions that are
/// `sts:AssumeRole` (with `sts:TagSession` or `sts:SetSourceIdentity` at most).
fn is_legacy(statement: &Statement) -> bool {
    let Some(actions) = &statement.action else { return false };
    statement.effect == Effect::Allow
        && statement.not_action.is_none()
        && actions.iter().any(|a| a.eq_ignore_ascii_case(ASSUME_ROLE))
        && actions.iter().all(|a| {
            a.eq_ignore_ascii_case(ASSUME_ROLE)
                || a.eq_ignore_ascii_case(TAG_SESSION)
                || a.eq_ignore_ascii_case("sts:SetSourceIdentity")
        })
        && matches!(&statement.principal, Some(Principal::Typed(map)) if !map.contains_key("Federated"))
}

/// An `sts:AssumeRoleWithSAML` statement: Allow, that action alone, from `Federated`
/// principals only.
fn is_saml(statement: &Statement) -> bool {
    statement.effect == Effect::Allow
        && statement.not_action.is_none()
        && statement.action.as_ref().is_some_and(|a| a.iter().all(|a| a.eq_ignore_ascii_case(ASSUME_ROLE_WITH_SAML)))
        && matches!(&statement.principal, Some(Principal::Typed(map)) if map.keys().all(|k| k == "Federated"))
}

/// The IDs of one principal type of a statement, owned.
fn principal_ids(statement: &Statement, principal_type: &str) -> Vec<String> {
    crate::semantics::principal_ids(statement, principal_type).map(str::to_owned).collect()
}

/// The provider ARN of a statement whose principal is exactly one `Federated` ARN.
fn federated_provider(statement: &Statement) -> Option<&str> {
    match &statement.principal {
        Some(Principal::Typed(map)) if map.len() == 1 => match map.get("Federated")?.as_slice() {
            [arn] => Some(arn.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `statement` is an IRSA web-identity statement for `provider` that irsa can merge
/// into without changing what else it says.
fn is_mergeable(statement: &Statement, provider: &OidcProvider) -> bool {
    let Some(actions) = &statement.action else { return false };
    // Exactly the issuer's keys: a key with another case or an `https://` prefix is what the
    // lint rule condition-key-provider-mismatch reports, and irsa does not build on it.
    let (sub, aud) = (provider.condition_key("sub"), provider.condition_key("aud"));
    let own_key = |key: &str| key == sub || key == aud;
    statement.effect == Effect::Allow
        && federated_provider(statement).is_some_and(|arn| provider.has_arn(arn))
        && statement.not_action.is_none()
        && statement.not_principal.is_none()
        && statement.resource.is_none()
        && statement.not_resource.is_none()
        && actions.iter().any(|a| a.eq_ignore_ascii_case(ASSUME_ROLE_WITH_WEB_IDENTITY))
        && actions
            .iter()
            .all(|a| a.eq_ignore_ascii_case(ASSUME_ROLE_WITH_WEB_IDENTITY) || a.eq_ignore_ascii_case(TAG_SESSION))
        && statement.condition.as_ref().is_none_or(|condition| {
            condition.iter().all(|(operator, keys)| is_plain_match(operator) && keys.keys().all(|k| own_key(k)))
                // `:sub` under both operators: a token must match both lists (terraform-aws-modules
                // writes this when both are set); joining them would widen the trust to every
                // subject of either list, so such a statement is left as it is.
                && !(condition.get("StringEquals").is_some_and(|keys| keys.contains_key(&sub))
                    && condition.get("StringLike").is_some_and(|keys| keys.contains_key(&sub)))
        })
}

/// `StringEquals` or `StringLike` as irsa writes them: no set qualifier, no `IfExists`, no
/// negation (the operators whose values a merge can add to).
fn is_plain_match(operator: &str) -> bool {
    let operator = Operator::parse(operator);
    operator.set == SetQualifier::Single
        && !operator.if_exists
        && operator.requires_match()
        && matches!(operator.comparison(), Some(Comparison::Equals | Comparison::Like))
}

fn values_of(condition: &Condition, operator: &str, key: &str) -> Vec<String> {
    condition
        .get(operator)
        .and_then(|keys| keys.get(key))
        .map(|values| values.iter().map(ConditionValue::to_iam_string).collect())
        .unwrap_or_default()
}

fn remove_key(condition: &mut Condition, operator: &str, key: &str) {
    let now_empty = match condition.get_mut(operator) {
        Some(keys) => {
            keys.remove(key);
            keys.is_empty()
        }
        None => false,
    };
    if now_empty {
        condition.remove(operator);
    }
}

fn set_values(condition: &mut Condition, operator: &str, key: &str, values: Vec<String>) {
    if condition.get(operator).is_none() {
        condition.insert(operator, Map::new());
    }
    if let Some(keys) = condition.get_mut(operator) {
        let values: Vec<ConditionValue> = values.into_iter().map(ConditionValue::String).collect();
        keys.insert(key, OneOrMany::from(values));
    }
}

fn union(existing: &[String], new: impl IntoIterator<Item = String>) -> (Vec<String>, Vec<String>) {
    let mut all = existing.to_vec();
    let mut added = Vec::new();
    for value in new {
        if !all.contains(&value) {
            all.push(value.clone());
            added.push(value);
        }
    }
    (all, added)
}

fn merge_web_identity(existing: &mut Statement, new: &Statement, provider: &OidcProvider, index: usize) -> Change {
    let sub_key = provider.condition_key("sub");
    let aud_key = provider.condition_key("aud");
    let empty = Condition::new();
    let new_condition = new.condition.as_ref().unwrap_or(&empty);
    let new_subs: Vec<String> =
        ["StringEquals", "StringLike"].iter().flat_map(|op| values_of(new_condition, op, &sub_key)).collect();
    let new_auds = values_of(new_condition, "StringEquals", &aud_key);

    let condition = existing.condition.get_or_insert_with(Condition::new);
    let equals = values_of(condition, "StringEquals", &sub_key);
    let like = values_of(condition, "StringLike", &sub_key);
    let existing_subs: Vec<String> = equals.iter().chain(&like).cloned().collect();
    let (subs, added_subs) = union(&existing_subs, new_subs);
    let mut added: Vec<String> = added_subs.iter().map(|s| format!(":sub {s}")).collect();
    let wildcard = subs.iter().any(|s| s.contains(['*', '?']));
    // Only what changes is rewritten: exact subjects already under StringLike stay there.
    let operator = if wildcard || equals.is_empty() && !like.is_empty() { "StringLike" } else { "StringEquals" };
    let moved_to_string_like = operator == "StringLike" && !equals.is_empty();
    if !added_subs.is_empty() || moved_to_string_like {
        remove_key(condition, "StringEquals", &sub_key);
        remove_key(condition, "StringLike", &sub_key);
        set_values(condition, operator, &sub_key, subs);
    }

    let existing_auds = values_of(condition, "StringEquals", &aud_key);
    let (auds, added_auds) = union(&existing_auds, new_auds);
    if !added_auds.is_empty() {
        set_values(condition, "StringEquals", &aud_key, auds);
        added.extend(added_auds.iter().map(|a| format!(":aud {a}")));
    }
    if condition.is_empty() {
        existing.condition = None;
    }

    let wants_tag_session = new.action.as_ref().is_some_and(|a| a.iter().any(|x| x == TAG_SESSION));
    if let Some(actions) = &mut existing.action {
        if wants_tag_session && !actions.iter().any(|a| a.eq_ignore_ascii_case(TAG_SESSION)) {
            let mut list = actions.as_slice().to_vec();
            list.push(TAG_SESSION.to_owned());
            *actions = OneOrMany::Many(list);
            added.push(TAG_SESSION.to_owned());
        }
    }
    let trusts = provider.arn();
    if added.is_empty() && !moved_to_string_like {
        Change::AlreadyThere { statement: index, trusts }
    } else {
        Change::Merged { statement: index, sid: existing.sid.clone(), trusts, added, moved_to_string_like }
    }
}

fn merge_legacy(existing: &mut Statement, new: &Statement, index: usize) -> Change {
    let mut added = Vec::new();
    if let (Some(Principal::Typed(map)), Some(Principal::Typed(new_map))) = (&mut existing.principal, &new.principal) {
        for (kind, ids) in new_map.iter() {
            let current: Vec<String> = map.get(kind).map(|v| v.as_slice().to_vec()).unwrap_or_default();
            let (all, new_ids) = union(&current, ids.iter().cloned());
            if !new_ids.is_empty() {
                added.extend(new_ids.iter().map(|id| format!("{kind}={id}")));
                map.insert(kind.clone(), OneOrMany::from(all));
            }
        }
    }
    let trusts = "sts:AssumeRole".to_owned();
    if added.is_empty() {
        Change::AlreadyThere { statement: index, trusts }
    } else {
        Change::Merged { statement: index, sid: existing.sid.clone(), trusts, added, moved_to_string_like: false }
    }
}

fn principal_list(principal: Option<&Principal>) -> Vec<String> {
    match principal {
        Some(Principal::Typed(map)) => {
            map.iter().flat_map(|(kind, ids)| ids.iter().map(move |id| format!("{kind}={id}"))).collect()
        }
        Some(Principal::Everyone) => vec!["*".to_owned()],
        None => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Audience;

    const KOPS: &str = "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com";
    const ISSUER: &str = "hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com";
    const NODES: &str =
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/nodes"},"Action":"sts:AssumeRole"}"#;

    fn request(subjects: &[&str]) -> TrustPolicy {
        TrustPolicy::new()
            .provider(KOPS.parse().unwrap(), Audience::Auto)
            .subjects(subjects.iter().map(|s| s.parse().unwrap()))
            .allow_broad_subjects(true)
    }

    fn web_identity(condition: &str) -> String {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"{KOPS}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}"#
        )
    }

    /// Migrates `statements` (JSON, comma-separated) and compares the compact result's
    /// statements and the changes' text, or the error.
    fn check(statements: &str, request: &TrustPolicy, remove_legacy: bool, expected: Result<(&str, &[&str]), &str>) {
        let document =
            PolicyDocument::from_json(&format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)).unwrap();
        match (migrate(&document, request, remove_legacy), expected) {
            (Ok(migrated), Ok((json, changes))) => {
                let got = migrated.document.to_json_compact();
                let got = got.trim_start_matches(r#"{"Version":"2012-10-17","Statement":["#).trim_end_matches("]}");
                assert_eq!(got, json.replace("ISSUER", ISSUER).replace("KOPS", KOPS), "{statements}");
                let texts: Vec<String> = migrated.changes.iter().map(ToString::to_string).collect();
                let text = texts.join("\n");
                for want in changes {
                    assert!(text.contains(want), "{text}\nwant: {want}");
                }
                // Twice is once.
                let again = migrate(&migrated.document, request, remove_legacy).unwrap();
                assert_eq!(again.document, migrated.document, "not idempotent: {statements}");
            }
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{e}\nwant: {want}"),
            (got, want) => panic!("{statements}\ngot {got:?}\nwant {want:?}"),
        }
    }

    #[test]
    fn adds_merges_and_moves() {
        // A new provider gets irsa policy's statement after the kept ones.
        check(
            NODES,
            &request(&["kube-system:a"]),
            false,
            Ok((
                &format!(
                    r#"{NODES},{{"Effect":"Allow","Principal":{{"Federated":"KOPS"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}}}}}"#
                ),
                &["added statement 1"],
            )),
        );
        // Merged without duplicates.
        let existing = web_identity(r#"{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}"#.replace("ISSUER", ISSUER).as_str());
        check(
            &existing,
            &request(&["kube-system:a", "kube-system:b"]),
            false,
            Ok((
                r#"{"Effect":"Allow","Principal":{"Federated":"KOPS"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"ISSUER:sub":["system:serviceaccount:kube-system:a","system:serviceaccount:kube-system:b"]}}}"#,
                &["merged into statement 0", ":sub system:serviceaccount:kube-system:b"],
            )),
        );
        // A key in another case (or with https://) never matches: irsa does not build on it,
        // and adds a statement that works beside it.
        for key in [
            "HDO-beta-irsa-providers.s3.eu-west-1.amazonaws.com:sub",
            "https://hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:sub",
        ] {
            let broken =
                web_identity(&format!(r#"{{"StringEquals":{{"{key}":"system:serviceaccount:kube-system:a"}}}}"#));
            check(
                &broken,
                &request(&["kube-system:a"]),
                false,
                Ok((
                    &format!(
                        r#"{},{{"Effect":"Allow","Principal":{{"Federated":"KOPS"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}}}}}"#,
                        broken.replace(KOPS, "KOPS")
                    ),
                    &["added statement 1"],
                )),
            );
        }
        // A wildcard subject moves every subject to StringLike.
        let existing = web_identity(
            r#"{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a","ISSUER:aud":"amazonaws.com"}}"#
                .replace("ISSUER", ISSUER)
                .as_str(),
        );
        check(
            &existing,
            &request(&["kube-system:b-*"]),
            false,
            Ok((
                r#"{"Effect":"Allow","Principal":{"Federated":"KOPS"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"ISSUER:aud":"amazonaws.com"},"StringLike":{"ISSUER:sub":["system:serviceaccount:kube-system:a","system:serviceaccount:kube-system:b-*"]}}}"#,
                &["its :sub values moved to StringLike"],
            )),
        );
        // :sub under both operators must match both (terraform-aws-modules' shape with both
        // lists): joining them would trust every `c-*` too, so the statement stays as it is and
        // the request gets its own statement.
        let split = r#"{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a"},"StringLike":{"ISSUER:sub":"system:serviceaccount:kube-system:c-*"}}"#;
        let existing = web_identity(split.replace("ISSUER", ISSUER).as_str());
        check(
            &existing,
            &request(&["kube-system:a"]),
            false,
            Ok((
                &format!(
                    r#"{},{{"Effect":"Allow","Principal":{{"Federated":"KOPS"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}}}}}"#,
                    web_identity(split).replace(KOPS, "KOPS")
                ),
                &["added statement 1"],
            )),
        );
        // Exact subjects already under StringLike stay there.
        let existing = web_identity(
            r#"{"StringLike":{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}"#.replace("ISSUER", ISSUER).as_str(),
        );
        check(
            &existing,
            &request(&["kube-system:b"]),
            false,
            Ok((
                r#"{"Effect":"Allow","Principal":{"Federated":"KOPS"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"ISSUER:sub":["system:serviceaccount:kube-system:a","system:serviceaccount:kube-system:b"]}}}"#,
                &["merged into statement 0"],
            )),
        );
        // A statement with other conditions is not irsa's to merge into: a new one is added.
        let existing = web_identity(r#"{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a","aws:RequestedRegion":"eu-west-1"}}"#.replace("ISSUER", ISSUER).as_str());
        check(
            &existing,
            &request(&["kube-system:a"]),
            false,
            Ok((
                &format!(
                    "{existing},{}",
                    r#"{"Effect":"Allow","Principal":{"Federated":"KOPS"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}}"#
                ),
                &["added statement 1"],
            )),
        );
        // Already there: nothing changes.
        let existing = web_identity(r#"{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}"#.replace("ISSUER", ISSUER).as_str());
        check(
            &existing,
            &request(&["kube-system:a"]),
            false,
            Ok((&existing.replace(KOPS, "KOPS").replace(ISSUER, "ISSUER"), &["unchanged statement 0"])),
        );
        // Audiences and sts:TagSession are merged too.
        check(
            &existing,
            &request(&["kube-system:a"]).tag_session(true).provider(
                "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC".parse().unwrap(),
                Audience::Auto,
            ),
            false,
            Ok((
                r#"{"Effect":"Allow","Principal":{"Federated":"KOPS"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}},{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringEquals":{"oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com","oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:kube-system:a"}}}"#,
                &["merged into statement 0", "added statement 1"],
            )),
        );
        let pinned = TrustPolicy::new()
            .provider(KOPS.parse().unwrap(), Audience::parse_flags(&["amazonaws.com"]).unwrap())
            .subject("kube-system:a".parse().unwrap());
        check(
            &existing,
            &pinned,
            false,
            Ok((
                r#"{"Effect":"Allow","Principal":{"Federated":"KOPS"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a","ISSUER:aud":"amazonaws.com"}}}"#,
                &[":aud amazonaws.com"],
            )),
        );
    }

    #[test]
    fn legacy_principals() {
        let legacy = TrustPolicy::new().legacy_principal("AWS=arn:aws:iam::123456789012:role/other".parse().unwrap());
        check(
            NODES,
            &legacy,
            false,
            Ok((
                r#"{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/nodes","arn:aws:iam::123456789012:role/other"]},"Action":"sts:AssumeRole"}"#,
                &["AWS=arn:aws:iam::123456789012:role/other"],
            )),
        );
        let vendor = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::210987654321:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}"#;
        let existing = web_identity(r#"{"StringEquals":{"ISSUER:sub":"system:serviceaccount:kube-system:a"}}"#.replace("ISSUER", ISSUER).as_str());
        check(
            &format!("{NODES},{vendor},{existing}"),
            &TrustPolicy::new(),
            true,
            Ok((
                &format!("{vendor},{}", existing.replace(KOPS, "KOPS").replace(ISSUER, "ISSUER")),
                &["removed statement 0", "kept statement 1"],
            )),
        );
        // Legacy is the kiam/kube2iam trust only: EKS Pod Identity and ec2 stay, and a statement
        // that mixes a node role with a service keeps the service.
        let pods = r#"{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}"#;
        let ec2 = r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#;
        let mixed = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/nodes","Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#;
        check(
            &format!("{NODES},{pods},{ec2},{mixed},{existing}"),
            &TrustPolicy::new(),
            true,
            Ok((
                &format!("{pods},{ec2},{ec2},{}", existing.replace(KOPS, "KOPS").replace(ISSUER, "ISSUER")),
                &[
                    "removed statement 0: sts:AssumeRole from AWS=arn:aws:iam::123456789012:role/nodes",
                    "removed from statement 3: sts:AssumeRole from AWS=arn:aws:iam::123456789012:role/nodes (kept: Service=ec2.amazonaws.com)",
                ],
            )),
        );
        // A SAML provider asked for gets its own sts:AssumeRoleWithSAML statement, once.
        let saml = TrustPolicy::new()
            .legacy_principal("Federated=arn:aws:iam::123456789012:saml-provider/Okta".parse().unwrap());
        check(
            NODES,
            &saml,
            false,
            Ok((
                &format!(
                    r#"{NODES},{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:saml-provider/Okta"}},"Action":"sts:AssumeRoleWithSAML"}}"#
                ),
                &[
                    "added statement 1: sts:AssumeRoleWithSAML from Federated=arn:aws:iam::123456789012:saml-provider/Okta",
                ],
            )),
        );
        check(NODES, &TrustPolicy::new(), true, Err("leaves no statement"));
        check(NODES, &TrustPolicy::new(), false, Err("nothing to do"));
        check(NODES, &legacy, true, Err("cannot be added and removed"));
        check(
            NODES,
            &TrustPolicy::new().provider(KOPS.parse().unwrap(), Audience::Auto),
            false,
            Err("needs at least one service account"),
        );
        check(NODES, &request(&["*:*"]).allow_broad_subjects(false), false, Err("`*:*`"));
    }
}
