//! Lint and simulate never contradict each other: for generated trust policies and requests,
//! every lint finding that claims a matching outcome holds for every request `irsa simulate`
//! decides.
//!
//! - "no request can match" (`split-subject-operators`, `swapped-claims`,
//!   `wrong-action-for-principal`, a `condition-key-provider-mismatch` that "never holds"): the
//!   statement applies to no request;
//! - "any service account of the cluster can take the role" (`federated-without-sub`): whether
//!   the statement applies does not depend on a subject the statement does not name, and some
//!   request can match it;
//! - "`ns:*` trusts every service account of the namespace" (`broad-subject`): a service account
//!   of it that no value names can match the statement.
//!
//! Requests are what a Kubernetes token can carry: a legal subject and one audience.

use irsa_core::OidcProvider;
use irsa_core::lint::{LintOptions, Rule, lint};
use irsa_core::policy::PolicyDocument;
use irsa_core::simulate::{Claims, Request, Truth, simulate};
use proptest::prelude::*;

const ABC: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
const DEF: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/DEF";
const SUBJECTS: &[&str] = &[
    "system:serviceaccount:default:app",
    "system:serviceaccount:default:web",
    "system:serviceaccount:kube-system:app",
    "system:serviceaccount:apps:app-1",
    // One no value of the pool names: a deny-list of all the others still lets it in.
    "system:serviceaccount:other:svc",
];
// Every audience of the value pool that a token can carry (not a subject, not a misspelling).
const AUDIENCES: &[&str] = &["sts.amazonaws.com", "amazonaws.com", "other", "true"];

/// A value a policy may hold, right or wrong: subjects, patterns, audiences, typos.
fn value() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "system:serviceaccount:default:app",
        "system:serviceaccount:default:*",
        "system:serviceaccount:*:app",
        "system:serviceaccount:kube-system:app",
        "system:serviceaccount:apps:app-?",
        "system:serviceaccount:*",
        "sts.amazonaws.com",
        "amazonaws.com",
        "sts.amazonaws.con",
        "other",
        "system:serviceaccount:${aws:PrincipalTag/ns}:app",
        "true",
    ])
}

fn condition() -> impl Strategy<Value = String> {
    let operator = prop::sample::select(vec![
        "StringEquals",
        "StringLike",
        "StringNotEquals",
        "StringNotLike",
        "StringEqualsIgnoreCase",
        "ForAnyValue:StringEquals",
        "ForAllValues:StringLike",
        "StringEqualsIfExists",
        "ForAnyValue:StringLikeIfExists",
        "Null",
    ]);
    let issuer = prop::sample::select(vec![
        "oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        "oidc.eks.eu-west-1.amazonaws.com/id/DEF",
        "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        "OIDC.eks.eu-west-1.amazonaws.com/id/ABC",
    ]);
    let key = (issuer, prop::sample::select(vec!["sub", "aud"])).prop_map(|(i, c)| format!("{i}:{c}"));
    let keys = prop::collection::btree_map(key, prop::collection::vec(value(), 1..3), 1..3);
    prop::collection::btree_map(operator, keys, 0..3).prop_map(|operators| {
        let operators: Vec<String> = operators
            .into_iter()
            .map(|(operator, keys)| {
                let keys: Vec<String> = keys
                    .into_iter()
                    .map(|(key, values)| format!("\"{key}\": {}", serde_json::to_string(&values).unwrap()))
                    .collect();
                format!("\"{operator}\": {{{}}}", keys.join(", "))
            })
            .collect();
        format!("{{{}}}", operators.join(", "))
    })
}

fn statement() -> impl Strategy<Value = String> {
    let effect = prop::sample::select(vec!["Allow", "Allow", "Allow", "Deny"]);
    let principal = prop::sample::select(vec![
        format!(r#"{{"Federated": "{ABC}"}}"#),
        format!(r#"{{"Federated": "{ABC}"}}"#),
        format!(r#"{{"Federated": "{DEF}"}}"#),
        r#"{"Federated": "arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"}"#.to_owned(),
    ]);
    let action = prop::sample::select(vec![
        r#""sts:AssumeRoleWithWebIdentity""#,
        r#""sts:AssumeRoleWithWebIdentity""#,
        r#"["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]"#,
        r#""sts:AssumeRole""#,
        r#""sts:*""#,
    ]);
    (effect, principal, action, condition()).prop_map(|(effect, principal, action, condition)| {
        format!(r#"{{"Effect": "{effect}", "Principal": {principal}, "Action": {action}, "Condition": {condition}}}"#)
    })
}

fn policy() -> impl Strategy<Value = PolicyDocument> {
    prop::collection::vec(statement(), 1..4).prop_map(|statements| {
        PolicyDocument::from_json(&format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, statements.join(", ")))
            .unwrap()
    })
}

/// Whether each statement applies to the request, by the simulator.
fn applies(policy: &PolicyDocument, provider: &OidcProvider, sub: &str, aud: &str) -> Vec<Truth> {
    let request = Request {
        provider: provider.clone(),
        claims: Claims { sub: Some(sub.to_owned()), aud: vec![aud.to_owned()], ..Claims::default() },
        client_ids: Vec::new(),
        now: None,
        from_token: false,
    };
    simulate(policy, &request).statements.iter().map(|s| s.applies).collect()
}

/// A rule's finding claims that no request matches its statement.
fn claims_never(rule: Rule, message: &str) -> bool {
    match rule {
        Rule::SplitSubjectOperators | Rule::SwappedClaims | Rule::WrongActionForPrincipal => true,
        Rule::ConditionKeyProviderMismatch => message.contains("never holds"),
        _ => false,
    }
}

/// Whether a condition value of `statement` matches `sub` (as a pattern, ignoring case).
fn mentions(statement: &irsa_core::policy::Statement, sub: &str) -> bool {
    let sub = sub.to_ascii_lowercase();
    statement.condition.iter().flat_map(|c| c.iter()).flat_map(|(_, keys)| keys.iter()).any(|(_, values)| {
        values.iter().any(|v| irsa_core::semantics::glob_match(&v.to_iam_string().to_ascii_lowercase(), &sub))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn lint_and_simulate_agree(policy in policy()) {
        let findings = lint(&policy, &LintOptions::default());
        let providers: Vec<OidcProvider> = [ABC, DEF].iter().map(|arn| arn.parse().unwrap()).collect();
        // Every request a token can make: provider, subject, audience.
        let mut outcomes = Vec::new();
        for provider in &providers {
            for sub in SUBJECTS {
                for aud in AUDIENCES {
                    outcomes.push(((provider, *sub, *aud), applies(&policy, provider, sub, aud)));
                }
            }
        }
        for finding in &findings {
            let Some(index) = finding.statement else { continue };
            if claims_never(finding.rule, &finding.message) {
                for ((provider, sub, aud), applies) in &outcomes {
                    prop_assert_ne!(
                        applies[index], Truth::True,
                        "{} says no request matches statement {}, but {} {} {} does:\n{}",
                        finding.rule, index, provider.arn(), sub, aud, policy.to_json_pretty()
                    );
                }
            }
            if finding.rule == Rule::BroadSubject {
                // A service account of the pattern that no value names: some request matches.
                let pattern = finding.message.split('`').nth(1).unwrap_or_default();
                let member = pattern.replace('*', "zz").replace('?', "z");
                let invalid = findings.iter().any(|f| f.rule == Rule::InvalidProvider && f.statement == Some(index));
                if member.matches(':').count() == 3 && !invalid {
                    let someone = providers.iter().any(|provider| {
                        AUDIENCES.iter().any(|aud| applies(&policy, provider, &member, aud)[index] != Truth::False)
                    });
                    prop_assert!(someone, "broad-subject says `{}` trusts {}, but nothing matches statement {}:\n{}", pattern, member, index, policy.to_json_pretty());
                }
            }
            if finding.rule == Rule::FederatedWithoutSub {
                // Every subject the statement does not name (a negation may name some) is alike.
                let named = |sub: &str| mentions(&policy.statements()[index], sub);
                for ((provider, sub, aud), applies) in outcomes.iter().filter(|((_, sub, _), _)| !named(sub)) {
                    let probe = self::applies(&policy, provider, "system:serviceaccount:anyone:anything", aud);
                    prop_assert_eq!(
                        applies[index], probe[index],
                        "federated-without-sub on statement {}, but the subject {} changes the outcome:\n{}",
                        index, sub, policy.to_json_pretty()
                    );
                }
                // And some request does match it: "any service account can" is not "nobody can"
                // (behind an invalid provider, the other rules still speak of the statement as
                // it will be once the provider is mended).
                let invalid = findings.iter().any(|f| f.rule == Rule::InvalidProvider && f.statement == Some(index));
                let someone = outcomes.iter().any(|(_, applies)| applies[index] != Truth::False);
                prop_assert!(someone || invalid, "federated-without-sub on statement {} that nothing matches:\n{}", index, policy.to_json_pretty());
            }
        }
    }
}
