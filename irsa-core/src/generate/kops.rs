//! Layout `kops`: the `spec.iam.serviceAccountExternalPermissions` list, for kops to create
//! one role per service account itself.

use std::collections::HashMap;
use std::fmt;

use super::content_hash;
use crate::error::{Error, ErrorKind};
use crate::kubernetes::write_yaml_string;
use crate::spec::Spec;

/// The file the layout writes.
pub(super) const FILE_NAME: &str = "kops-service-account-permissions.yaml";

/// What kops cannot express is refused rather than dropped.
pub(super) fn check(spec: &Spec) -> Result<(), Error> {
    let fail = |rule: String| Err(Error::new(ErrorKind::Spec, "", rule));
    // Service accounts by the hash of their text: where each was first seen.
    let accounts = spec.roles.iter().map(|role| role.service_accounts.len()).sum();
    let mut seen: HashMap<u64, (usize, usize)> = HashMap::with_capacity(accounts);
    for (role_index, role) in spec.roles.iter().enumerate() {
        let name = &role.name;
        if role.service_accounts.is_empty() {
            return fail(format!("role `{name}`: kops makes a role per service account, and this role has none"));
        }
        if !role.legacy_principals.is_empty() {
            return fail(format!(
                "role `{name}`: kops-managed roles trust only their cluster, so its legacy_principals would be lost; use --layout module or inline"
            ));
        }
        if role.policy_arns.is_empty() {
            return fail(format!("role `{name}`: kops needs policyARNs for each service account; give policy_arns"));
        }
        for (sa_index, sa) in role.service_accounts.iter().enumerate() {
            if sa.name().contains(['*', '?']) {
                return fail(format!("role `{name}`: kops refuses a wildcard in a service account name (`{sa}`)"));
            }
            if let Some((first_role, first_sa)) = seen.insert(content_hash(sa.as_str()), (role_index, sa_index)) {
                let first = spec.roles.get(first_role).and_then(|r| r.service_accounts.get(first_sa));
                if first == Some(sa) {
                    return fail(format!(
                        "the service account `{sa}` is in more than one role; kops gives it one role"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The YAML, to merge into the kops cluster spec, written entry by entry.
pub(super) fn render(spec: &Spec, marker: &str, out: &mut dyn fmt::Write) -> fmt::Result {
    write!(
        out,
        "{marker}\n# Merge into the cluster spec (kops edit cluster). kops creates one role per service account and\n# trusts its own cluster's issuer; role names, paths, tags and providers of the spec do not apply.\nspec:\n  iam:\n    useServiceAccountExternalPermissions: true\n    serviceAccountExternalPermissions:"
    )?;
    if spec.roles.is_empty() {
        return out.write_str(" []\n");
    }
    out.write_str("\n")?;
    for role in &spec.roles {
        for sa in &role.service_accounts {
            out.write_str("      - name: ")?;
            write_yaml_string(out, sa.name())?;
            out.write_str("\n        namespace: ")?;
            write_yaml_string(out, sa.namespace())?;
            out.write_str("\n        aws:\n          policyARNs:\n")?;
            for arn in &role.policy_arns {
                out.write_str("            - ")?;
                write_yaml_string(out, arn.as_str())?;
                out.write_str("\n")?;
            }
        }
    }
    Ok(())
}
