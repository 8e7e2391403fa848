//! Properties that must hold for every input, checked with proptest.

use std::collections::{BTreeMap, BTreeSet};

use irsa_core::hcl::{align, policy_document_block, policy_to_terraform, read_policy_document, to_terraform};
use irsa_core::policy::{ConditionValue, Effect, Map, OneOrMany, PolicyDocument, Principal, Statement, Version};
use proptest::prelude::*;

fn one_or_many<T: std::fmt::Debug + Clone + 'static>(
    item: impl Strategy<Value = T> + Clone,
) -> impl Strategy<Value = OneOrMany<T>> {
    prop_oneof![item.clone().prop_map(OneOrMany::One), prop::collection::vec(item, 0..4).prop_map(OneOrMany::Many)]
}

fn unique_map<V: std::fmt::Debug + Clone + 'static>(value: impl Strategy<Value = V>) -> impl Strategy<Value = Map<V>> {
    prop::collection::vec((any::<String>(), value), 0..4).prop_map(|pairs| {
        let mut map = Map::new();
        for (key, value) in pairs {
            if !map.contains_key(&key) {
                map.insert(key, value);
            }
        }
        map
    })
}

fn condition_value() -> impl Strategy<Value = ConditionValue> + Clone {
    prop_oneof![
        any::<String>().prop_map(ConditionValue::String),
        any::<bool>().prop_map(ConditionValue::Bool),
        any::<i64>().prop_map(|n| ConditionValue::Number(n.into())),
    ]
}

fn statement() -> BoxedStrategy<Statement> {
    let principal =
        prop_oneof![Just(Principal::Everyone), unique_map(one_or_many(any::<String>())).prop_map(Principal::Typed)];
    (
        proptest::option::of(any::<String>()),
        prop_oneof![Just(Effect::Allow), Just(Effect::Deny), any::<String>().prop_map(|s| Effect::from(s.as_str()))],
        proptest::option::of(principal),
        proptest::option::of(one_or_many(any::<String>())),
        proptest::option::of(one_or_many(any::<String>())),
        proptest::option::of(unique_map(unique_map(one_or_many(condition_value())))),
    )
        .prop_map(|(sid, effect, principal, action, resource, condition)| {
            let mut statement = Statement::new(effect);
            statement.sid = sid;
            statement.principal = principal;
            statement.action = action;
            statement.resource = resource;
            statement.condition = condition;
            statement
        })
        .boxed()
}

fn policy() -> impl Strategy<Value = PolicyDocument> {
    (
        proptest::option::of(prop_oneof![Just(Version::V2012_10_17), Just(Version::V2008_10_17)]),
        proptest::option::of(any::<String>()),
        one_or_many(statement()),
    )
        .prop_map(|(version, id, statement)| PolicyDocument { version, id, statement })
}

fn trust() -> impl Strategy<Value = irsa_core::TrustPolicy> {
    const PROVIDERS: [&str; 4] = [
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com",
        "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC",
        "arn:aws:iam::210987654321:oidc-provider/auth.example.com/tenants/blue/",
    ];
    const LEGACY: [&str; 4] = [
        "AWS=arn:aws:iam::123456789012:role/nodes",
        "Service=ec2.amazonaws.com",
        "AWS=123456789012",
        "Federated=arn:aws:iam::123456789012:saml-provider/Okta",
    ];
    let audience = prop_oneof![
        Just(irsa_core::Audience::Auto),
        Just(irsa_core::Audience::None),
        prop::collection::vec("[a-z][a-z.\\\\\"]{0,10}", 1..3).prop_map(irsa_core::Audience::Values),
    ];
    (
        prop::collection::vec((0..PROVIDERS.len(), audience), 0..4),
        prop::collection::vec("[a-z*?][a-z0-9*?-]{0,6}:[a-z*?][a-z0-9.*?-]{0,8}", 0..6),
        prop::collection::vec(0..LEGACY.len(), 0..4),
        any::<bool>(),
    )
        .prop_map(|(providers, subjects, legacy, tag_session)| {
            let mut trust = irsa_core::TrustPolicy::new().tag_session(tag_session).allow_broad_subjects(true);
            for (index, audience) in providers {
                trust = trust.provider(PROVIDERS[index].parse().unwrap(), audience);
            }
            for subject in subjects.iter().filter_map(|s| s.parse().ok()) {
                trust = trust.subject(subject);
            }
            for index in legacy {
                trust = trust.legacy_principal(LEGACY[index].parse().unwrap());
            }
            trust
        })
}

/// A policy the AWS provider can express: invalid effects, sids that are not letters and digits,
/// empty principals and `&{` taken out.
fn expressible(mut policy: PolicyDocument) -> PolicyDocument {
    // Until none is left: `&&{{` would leave `&{` after one pass.
    let clean = |s: &mut String| {
        while s.contains("&{") {
            *s = s.replace("&{", "&");
        }
    };
    let mut statements = policy.statements().to_vec();
    for (index, statement) in statements.iter_mut().enumerate() {
        if !statement.effect.is_valid() {
            statement.effect = Effect::Allow;
        }
        statement.sid = statement
            .sid
            .take()
            .filter(|sid| sid.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|sid| if sid.is_empty() { sid } else { format!("{sid}{index}") });
        if matches!(&statement.principal, Some(Principal::Typed(map)) if map.is_empty()) {
            statement.principal = None;
        }
        if let Some(Principal::Typed(map)) = &mut statement.principal {
            let mut cleaned = Map::new();
            for (kind, ids) in map.iter() {
                let mut ids: Vec<String> = ids.iter().cloned().collect();
                ids.iter_mut().for_each(clean);
                cleaned.insert(kind.clone(), OneOrMany::Many(ids));
            }
            *map = cleaned;
        }
        if let Some(resources) = &mut statement.resource {
            let mut list: Vec<String> = resources.iter().cloned().collect();
            list.iter_mut().for_each(clean);
            *resources = OneOrMany::Many(list);
        }
        if let Some(condition) = &mut statement.condition {
            let mut cleaned = Map::new();
            for (operator, keys) in condition.iter() {
                let mut inner = Map::new();
                for (key, values) in keys.iter() {
                    let values: Vec<ConditionValue> =
                        values.iter().map(|v| ConditionValue::String(v.to_iam_string().replace("&{", "&"))).collect();
                    inner.insert(key.clone(), OneOrMany::Many(values));
                }
                cleaned.insert(operator.clone(), inner);
            }
            *condition = cleaned;
        }
    }
    policy.statement = OneOrMany::Many(statements);
    policy
}

/// What a policy means to IAM: sets for lists, absent Version as 2008-10-17, empty Sid and Id
/// as none, `{"*": "*"}` as `"*"`, empty lists as absent (the provider leaves them out).
type Meaning = (String, Option<String>, Vec<String>);

fn meaning(policy: &PolicyDocument) -> Meaning {
    let set = |values: &Option<OneOrMany<String>>| -> Option<BTreeSet<String>> {
        values.as_ref().map(|v| v.iter().cloned().collect::<BTreeSet<_>>()).filter(|s| !s.is_empty())
    };
    let principal = |p: &Option<Principal>| -> Option<BTreeMap<String, BTreeSet<String>>> {
        p.as_ref().map(|p| match p {
            Principal::Everyone => BTreeMap::from([("*".to_owned(), BTreeSet::from(["*".to_owned()]))]),
            Principal::Typed(map) => map.iter().map(|(k, ids)| (k.clone(), ids.iter().cloned().collect())).collect(),
        })
    };
    let statements = policy
        .statements()
        .iter()
        .map(|s| {
            let condition: Option<BTreeMap<String, BTreeMap<String, BTreeSet<String>>>> =
                s.condition.as_ref().map(|c| {
                    // An operator without keys says nothing (and has no condition block to write).
                    c.iter()
                        .filter(|(_, keys)| !keys.is_empty())
                        .map(|(op, keys)| {
                            (
                                op.clone(),
                                keys.iter()
                                    .map(|(k, v)| (k.clone(), v.iter().map(|x| x.to_iam_string()).collect()))
                                    .collect(),
                            )
                        })
                        .collect()
                });
            format!(
                "{:?}",
                (
                    s.sid.as_deref().filter(|x| !x.is_empty()),
                    s.effect.as_str(),
                    set(&s.action),
                    set(&s.not_action),
                    set(&s.resource),
                    set(&s.not_resource),
                    principal(&s.principal),
                    principal(&s.not_principal),
                    condition.filter(|c| !c.is_empty()),
                )
            )
        })
        .collect();
    let version = policy.version.as_ref().map_or("2008-10-17", |v| v.as_str()).to_owned();
    (version, policy.id.clone().filter(|id| !id.is_empty()), statements)
}

/// Whether `trust` allows `sub` with `aud` through `provider`, by the simulator.
fn allows(policy: &PolicyDocument, provider: &irsa_core::OidcProvider, sub: &str, aud: &[String]) -> bool {
    let request = irsa_core::simulate::Request {
        provider: provider.clone(),
        claims: irsa_core::simulate::Claims { sub: Some(sub.to_owned()), aud: aud.to_vec(), ..Default::default() },
        client_ids: Vec::new(),
        now: None,
        from_token: false,
    };
    irsa_core::simulate::simulate(policy, &request).decision == irsa_core::simulate::Decision::Allow
}

proptest! {
    /// Any trust policy irsa builds lets in exactly what it was asked to: each subject (made
    /// concrete) through each provider, with the audience it requires; and not a near miss of
    /// it (another namespace, a character changed), nor another provider. And lint finds no
    /// error in it.
    #[test]
    fn the_simulator_allows_exactly_the_subjects_of_any_built_policy(trust in trust()) {
        let Ok(policy) = trust.build() else { return Ok(()) };
        let errors = irsa_core::lint::lint(&policy, &irsa_core::lint::LintOptions { quota: 1 << 20, ..Default::default() })
            .into_iter()
            .filter(|f| f.severity() == irsa_core::lint::Severity::Error)
            .count();
        prop_assert_eq!(errors, 0, "{}", policy.to_json_pretty());
        let patterns: Vec<String> = trust.service_accounts().iter().map(|sa| sa.subject()).collect();
        let matched_by_any = |sub: &str| patterns.iter().any(|p| glob(p, sub));
        let other: irsa_core::OidcProvider = "arn:aws:iam::123456789012:oidc-provider/untrusted.example.com".parse().unwrap();
        for (provider, audience) in trust.providers() {
            // A token carries one audience: each the policy accepts (any, when it pins none).
            let mut auds = audience.values_for(provider);
            if auds.is_empty() {
                auds.push("anything".to_owned());
            }
            for (sa, aud) in trust.service_accounts().iter().flat_map(|sa| auds.iter().map(move |aud| (sa, aud))) {
                let aud = std::slice::from_ref(aud);
                let fill = |s: &str| s.replace(['*', '?'], "x");
                let sub = format!("system:serviceaccount:{}:{}", fill(sa.namespace()), fill(sa.name()));
                prop_assert!(allows(&policy, provider, &sub, aud), "{} must allow {}\n{}", provider.arn(), sub, policy.to_json_pretty());
                prop_assert!(!allows(&policy, &other, &sub, aud), "another provider must not be allowed {}", sub);
                let other_namespace = format!("system:serviceaccount:{}q:{}", fill(sa.namespace()), fill(sa.name()));
                if !matched_by_any(&other_namespace) {
                    prop_assert!(!allows(&policy, provider, &other_namespace, aud), "{}\n{}", other_namespace, policy.to_json_pretty());
                }
                let changed = format!("system:serviceaccount:{}:Q{}", fill(sa.namespace()), fill(sa.name()));
                if !matched_by_any(&changed) {
                    prop_assert!(!allows(&policy, provider, &changed, aud), "{}", changed);
                }
                if audience.values_for(provider).len() == 1 {
                    prop_assert!(!allows(&policy, provider, &sub, &["wrong-audience".to_owned()]), "aud is checked");
                }
            }
        }
    }

    /// JSON -> Terraform -> the provider's rendering keeps the IAM meaning of any policy the
    /// provider can express: no text is lost or turned into syntax on the way through
    /// `policy_to_terraform` (irsa's writer) and `read_policy_document` (hcl-edit's parser and
    /// the provider's rules).
    #[test]
    fn terraform_of_any_expressible_policy_reads_back_with_the_same_meaning(policy in policy()) {
        let policy = expressible(policy);
        let tf = policy_to_terraform(&policy, "p").unwrap_or_else(|e| panic!("{e}\n{policy:?}"));
        let read = read_policy_document(&tf, None).unwrap_or_else(|e| panic!("{e}\n{tf}"));
        prop_assert_eq!(meaning(&read.document), meaning(&policy), "{}", tf);
    }

    /// The trust builder's direct JSON is byte for byte the policy model's JSON (or both fail).
    #[test]
    fn direct_trust_json_equals_the_models(trust in trust()) {
        match trust.build() {
            Ok(policy) => {
                prop_assert_eq!(trust.to_json(true).unwrap(), policy.to_json_pretty());
                prop_assert_eq!(trust.to_json(false).unwrap(), policy.to_json_compact());
                prop_assert_eq!(trust.check_size(8192).ok(), irsa_core::check_trust_policy_size(&policy, 8192).ok());
                prop_assert_eq!(trust.check_size(300).is_ok(), irsa_core::check_trust_policy_size(&policy, 300).is_ok());
            }
            Err(error) => prop_assert_eq!(trust.to_json(true).unwrap_err(), error),
        }
    }

    /// Any text placed in a Terraform string (or a block label) reads back, with hcl-rs, as
    /// the same text: nothing can become an interpolation, a directive or a syntax error.
    #[test]
    fn any_string_survives_hcl(text in any::<String>(), label in any::<String>()) {
        let body = hcl::Body::builder()
            .add_attribute(("value", text.as_str()))
            .add_block(hcl::Block::builder("block").add_label(label.as_str()).add_attribute(("inner", text.as_str())).build())
            .build();
        let tf = to_terraform(&body).unwrap();
        let parsed = hcl::parse(&tf).unwrap_or_else(|e| panic!("{e}\n{tf}"));
        prop_assert_eq!(parsed, body);
    }

    /// Policy JSON read back gives the same model, and the same bytes again.
    #[test]
    fn json_round_trip_is_stable(policy in policy()) {
        for json in [policy.to_json_pretty(), policy.to_json_compact()] {
            let read = PolicyDocument::from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
            prop_assert_eq!(&read, &policy);
            prop_assert_eq!(read.to_json_pretty(), policy.to_json_pretty());
        }
    }

    /// The Terraform of any policy document parses back (hcl-rs) into the very body irsa built,
    /// and aligning it again changes nothing.
    #[test]
    fn policy_terraform_parses_back_and_alignment_is_idempotent(policy in policy()) {
        let body = hcl::Body::builder().add_block(policy_document_block(&policy, "p").unwrap()).build();
        let tf = to_terraform(&body).unwrap();
        prop_assert_eq!(hcl::parse(&tf).unwrap_or_else(|e| panic!("{e}\n{tf}")), body);
        prop_assert_eq!(align(&tf), tf);
    }

    /// The alignment pass is idempotent on any text, Terraform or not.
    #[test]
    fn alignment_is_idempotent_on_any_lines(
        lines in prop::collection::vec(
            prop_oneof![
                "[ a-z_\"=#{}\\[\\]$%]{0,12}",
                "[a-z_]{1,8} *= *[a-z0-9\"{}\\[\\]=]{0,10}",
                any::<String>(),
            ],
            0..12,
        )
    ) {
        let text = lines.join("\n");
        let once = align(&text);
        prop_assert_eq!(align(&once), once);
    }
}

/// IAM's StringLike: `*` any run of characters, `?` one (a reference written apart from irsa's).
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}
