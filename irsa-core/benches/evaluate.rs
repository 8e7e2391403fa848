//! The evaluator alone: one `sts:AssumeRoleWithWebIdentity` request against a three-statement
//! trust policy (the kiam node role, a kops cluster, an EKS cluster with a wildcard subject),
//! decided by [`PolicyFacts::decide`] with the facts computed once, as `irsa simulate --cases`
//! and the audit do for many requests. The goal: at least 1,000,000 decisions a second.

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use irsa_core::OidcProvider;
use irsa_core::policy::PolicyDocument;
use irsa_core::semantics::{Decision, PolicyFacts, WebIdentityRequest};
use irsa_core::simulate::Claims;

const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"}, "Action": "sts:AssumeRole"},
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringEquals": {"hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:aud": "amazonaws.com",
     "hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:sub": ["system:serviceaccount:kube-system:external-dns", "system:serviceaccount:kube-system:cluster-autoscaler"]}}},
  {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
   "Action": "sts:AssumeRoleWithWebIdentity",
   "Condition": {"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"},
     "StringLike": {"oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": ["system:serviceaccount:monitoring:prometheus-*", "system:serviceaccount:kube-system:external-dns"]}}}
]}"#;

fn evaluate(c: &mut Criterion) {
    let policy = PolicyDocument::from_json(POLICY).unwrap();
    let facts = PolicyFacts::new(&policy, &[]);
    let eks: OidcProvider =
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
            .parse()
            .unwrap();
    let claims = |sub: &str| Claims {
        sub: Some(sub.to_owned()),
        aud: vec!["sts.amazonaws.com".to_owned()],
        ..Claims::default()
    };
    // Allowed by the last statement (after the other two are ruled out), and denied by all.
    let allowed = claims("system:serviceaccount:monitoring:prometheus-server");
    let denied = claims("system:serviceaccount:monitoring:grafana");
    assert_eq!(facts.decide(&WebIdentityRequest { provider: &eks, claims: &allowed }), Decision::Allow);
    assert_eq!(facts.decide(&WebIdentityRequest { provider: &eks, claims: &denied }), Decision::Deny);

    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    group.bench_function("decide_allow", |b| {
        b.iter(|| {
            black_box(&facts).decide(&WebIdentityRequest { provider: black_box(&eks), claims: black_box(&allowed) })
        })
    });
    group.bench_function("decide_deny", |b| {
        b.iter(|| {
            black_box(&facts).decide(&WebIdentityRequest { provider: black_box(&eks), claims: black_box(&denied) })
        })
    });
    // With the facts computed for each request, as a one-off `irsa simulate` does.
    group.bench_function("facts_and_decide", |b| {
        b.iter(|| {
            PolicyFacts::new(black_box(&policy), &[])
                .decide(&WebIdentityRequest { provider: black_box(&eks), claims: black_box(&allowed) })
        })
    });
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
