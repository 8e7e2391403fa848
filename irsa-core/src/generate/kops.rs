//! Layout `kops`: the `spec.iam.serviceAccountExternalPermissions` list, for kops to create
//! one role per service account itself.

use std::collections::HashSet;
use std::fmt;

use crate::error::{Error, ErrorKind};
use crate::kubernetes::write_yaml_string;
use crate::spec::Spec;

/// The file the layout writes.
pub(super) const FILE_NAME: &str = "kops-service-account-permissions.yaml";

/// What kops cannot express is refused rather than dropped.
pub(super) fn check(spec: &Spec) -> Result<(), Error> {
    let fail = |rule: String| Err(Error::new(ErrorKind::Spec, "", rule));
    let accounts = spec.roles.iter().map(|role| role.service_accounts.len()).sum();
    let mut seen: HashSet<&str> = HashSet::with_capacity(accounts);
    for role in &spec.roles {
        let name = &role.name;
        if role.service_accounts.is_empty() {
            return fail(format!("role `{name}`: kops makes a role per service account, and this role has none"));
        }
        if !role.legacy_principals.is_empty() {
            return Err(Error::new(
                ErrorKind::Spec,
                "",
                format!(
                    "role `{name}`: kops-managed roles trust only their cluster, so its legacy_principals would be lost; use the module or inline layout"
                ),
            )
            .with_remedy(crate::Remedy::OtherLayout));
        }
        if role.policy_arns.is_empty() {
            return fail(format!("role `{name}`: kops needs policyARNs for each service account; give policy_arns"));
        }
        for sa in &role.service_accounts {
            if sa.name().contains(['*', '?']) {
                return fail(format!("role `{name}`: kops refuses a wildcard in a service account name (`{sa}`)"));
            }
            if !seen.insert(sa.as_str()) {
                return fail(format!("the service account `{sa}` is in more than one role; kops gives it one role"));
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
