//! Rendering one trust policy in-process: the benchmark's role has 2 providers (kops and EKS),
//! 5 service accounts and a legacy node-role principal, as in `benches/make-spec.py`.
//! `benches/run` compares `trust_policy_json` with awacs building the same policy.

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use irsa_core::{Audience, OidcProvider, ServiceAccount, TrustPolicy};

fn trust_policy() -> TrustPolicy {
    let kops: OidcProvider =
        "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com".parse().unwrap();
    let eks: OidcProvider =
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
            .parse()
            .unwrap();
    let subjects = (0..5).map(|j| format!("team-000042:service-{j}").parse::<ServiceAccount>().unwrap());
    TrustPolicy::new()
        .provider(kops, Audience::Values(vec!["amazonaws.com".into()]))
        .provider(eks, Audience::Auto)
        .subjects(subjects)
        .legacy_principal("AWS=arn:aws:iam::123456789012:role/nodes.beta.hdo.ee".parse().unwrap())
}

fn render(c: &mut Criterion) {
    let trust = trust_policy();
    // The same work awacs does: from the role's inputs to the policy's JSON text.
    c.bench_function("trust_policy_json", |b| b.iter(|| black_box(&trust).to_json(false).unwrap()));
    c.bench_function("trust_policy_json_pretty", |b| b.iter(|| black_box(&trust).to_json(true).unwrap()));
    // The same through the policy model (what `irsa policy` does, to check the quota).
    c.bench_function("trust_policy_model_json", |b| b.iter(|| black_box(&trust).build().unwrap().to_json_compact()));
    let policy = trust.build().unwrap();
    c.bench_function("policy_document_to_json", |b| b.iter(|| black_box(&policy).to_json_compact()));
    c.bench_function("trust_policy_build", |b| b.iter(|| black_box(&trust).build().unwrap()));
    let options = irsa_core::lint::LintOptions::default();
    c.bench_function("lint_trust_policy", |b| b.iter(|| irsa_core::lint::lint(black_box(&policy), &options)));
    c.bench_function("trust_policy_terraform", |b| {
        b.iter(|| irsa_core::hcl::trust_policy_terraform(black_box(&policy), None).unwrap())
    });
}

criterion_group!(benches, render);
criterion_main!(benches);
