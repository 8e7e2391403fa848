//! `--emit-cases`: per role, the requests that must be allowed (each of its subjects through
//! each of its providers) and near misses that must be denied, as `irsa simulate --cases` lines.

use std::fmt;

use serde::Serialize;

use crate::semantics::glob_match;
use crate::spec::{RoleSpec, Spec};
use crate::{EKS_AUDIENCE, KOPS_AUDIENCE, ServiceAccount};

/// The folder of the case files.
pub(super) const CASES_DIR: &str = "cases";

#[derive(Serialize)]
struct Case<'a> {
    name: String,
    sub: String,
    aud: &'a str,
    iss: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<String>,
    expect: &'static str,
}

/// Whether the role has cases (legacy-only roles have no web-identity trust to test).
pub(super) fn has_cases(role: &RoleSpec) -> bool {
    !role.service_accounts.is_empty()
}

/// The case file of a role.
pub(super) fn render(spec: &Spec, role: &RoleSpec, marker: &str, out: &mut dyn fmt::Write) -> fmt::Result {
    writeln!(out, "{marker}")?;
    writeln!(
        out,
        "# Who may assume the role `{}`: irsa simulate --policy <its trust policy> --cases <this file>",
        role.name
    )?;
    let subjects: Vec<String> = role.service_accounts.iter().map(ServiceAccount::subject).collect();
    let trusted = |sub: &str| subjects.iter().any(|pattern| glob_match(pattern, sub));
    // Per service account, the same through every provider: a subject it allows, and the
    // near misses that no subject of the role trusts.
    let asked: Vec<_> = role
        .service_accounts
        .iter()
        .map(|sa| {
            let misses: Vec<(String, String)> = near_misses(sa).into_iter().filter(|(_, sub)| !trusted(sub)).collect();
            (sa, concrete(sa.namespace(), sa.name()), misses)
        })
        .collect();
    for (name, provider) in spec.role_providers(role) {
        let values = provider.audience.values_for(&provider.provider);
        // The audience its tokens carry: the one required, else the cluster kind's default.
        let aud = values.first().map(String::as_str).unwrap_or(if provider.provider.is_eks() {
            EKS_AUDIENCE
        } else {
            KOPS_AUDIENCE
        });
        let iss = provider.provider.issuer_url();
        let mut line = |case: Case<'_>| -> fmt::Result {
            #[allow(clippy::expect_used)]
            let json = serde_json::to_string(&case).expect("a case always serializes");
            writeln!(out, "{json}")
        };
        for (sa, allowed, misses) in &asked {
            line(Case {
                name: format!("{sa} through {name}"),
                sub: allowed.clone(),
                aud,
                iss: iss.clone(),
                provider: None,
                expect: "allow",
            })?;
            for (what, sub) in misses {
                line(Case {
                    name: format!("{what} through {name}"),
                    sub: sub.clone(),
                    aud,
                    iss: iss.clone(),
                    provider: None,
                    expect: "deny",
                })?;
            }
            let untrusted = format!(
                "arn:{}:iam::{}:oidc-provider/untrusted.example.com",
                provider.provider.partition(),
                provider.provider.account()
            );
            line(Case {
                name: format!("{sa} through an untrusted provider, not {name}"),
                sub: allowed.clone(),
                aud,
                iss: "https://untrusted.example.com".to_owned(),
                provider: Some(untrusted),
                expect: "deny",
            })?;
        }
    }
    Ok(())
}

/// A subject the service account (a pattern, maybe) matches: wildcards made `x`.
fn concrete(namespace: &str, name: &str) -> String {
    let fill = |part: &str| part.replace(['*', '?'], "x");
    format!("system:serviceaccount:{}:{}", fill(namespace), fill(name))
}

/// Subjects one step away from the service account's: another namespace, a name with a
/// character changed (only where the pattern is literal).
fn near_misses(sa: &ServiceAccount) -> Vec<(String, String)> {
    let mut misses = Vec::new();
    let (namespace, name) = (sa.namespace(), sa.name());
    if !namespace.contains(['*', '?']) {
        misses.push((format!("{name} in the namespace {namespace}x"), concrete(&format!("{namespace}x"), name)));
    }
    if let Some(first) = name.chars().next().filter(|c| *c != '*' && *c != '?') {
        let changed = if first == 'z' { 'y' } else { 'z' };
        let renamed = format!("{changed}{}", name.get(first.len_utf8()..).unwrap_or_default());
        misses.push((format!("{namespace}:{renamed} (one character changed)"), concrete(namespace, &renamed)));
    }
    misses
}
