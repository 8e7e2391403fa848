//! Layout `module`: the reusable role module (rendered from `templates/module/` with
//! minijinja) and one `module` block per role.

use hcl::{Attribute, Block, Expression};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, context};

use crate::error::{Error, ErrorKind};
use crate::hcl::{align, object_key, string_map, strings};
use crate::spec::{RoleSpec, Spec};

/// Where the module is written, relative to the output folder.
pub(super) const MODULE_DIR: &str = "modules/irsa-role";

/// The files of the module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ModuleFile {
    Main,
    Variables,
    Outputs,
    Versions,
}

impl ModuleFile {
    pub(super) const ALL: [ModuleFile; 4] =
        [ModuleFile::Main, ModuleFile::Variables, ModuleFile::Outputs, ModuleFile::Versions];

    pub(super) fn name(self) -> &'static str {
        match self {
            ModuleFile::Main => "main.tf",
            ModuleFile::Variables => "variables.tf",
            ModuleFile::Outputs => "outputs.tf",
            ModuleFile::Versions => "versions.tf",
        }
    }

    fn template(self) -> &'static str {
        match self {
            ModuleFile::Main => include_str!("../../../templates/module/main.tf.j2"),
            ModuleFile::Variables => include_str!("../../../templates/module/variables.tf.j2"),
            ModuleFile::Outputs => include_str!("../../../templates/module/outputs.tf.j2"),
            ModuleFile::Versions => include_str!("../../../templates/module/versions.tf.j2"),
        }
    }
}

/// Renders one module file (strict about undefined values), aligned as `terraform fmt` would.
pub(super) fn render(file: ModuleFile, marker: &str) -> Result<String, Error> {
    let fail = |e: minijinja::Error| Error::new(ErrorKind::Spec, file.name(), format!("template error: {e}"));
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(SyntaxConfig::builder().keep_trailing_newline(true).build().map_err(fail)?);
    let template = env.template_from_named_str(file.name(), file.template()).map_err(fail)?;
    let text = template.render(context! { marker => marker }).map_err(fail)?;
    Ok(align(&text))
}

/// The `module "<label>"` block of a role, with literal arguments (only those that differ
/// from the module's defaults).
pub(super) fn module_block(spec: &Spec, role: &RoleSpec, label: &str) -> Result<Block, Error> {
    let mut block = Block::builder("module")
        .add_label(label)
        .add_attribute(("source", format!("./{MODULE_DIR}")))
        .add_attribute(("name", role.name.as_str()));
    if role.path.as_str() != "/" {
        block = block.add_attribute(("path", role.path.as_str()));
    }
    if let Some(description) = &role.description {
        block = block.add_attribute(("description", description.as_str()));
    }
    if let Some(seconds) = role.max_session_duration {
        block = block.add_attribute(("max_session_duration", u64::from(seconds)));
    }
    if let Some(boundary) = &role.permissions_boundary {
        block = block.add_attribute(("permissions_boundary", boundary.as_str()));
    }
    let providers: Vec<Expression> = spec
        .role_providers(role)
        .map(|(_, p)| {
            let mut object = hcl::Object::new();
            object.insert(object_key("arn"), Expression::String(p.provider.arn()));
            let audiences = p.audience.values_for(&p.provider);
            object.insert(object_key("audiences"), strings(audiences.iter().map(String::as_str)));
            Expression::Object(object)
        })
        .collect();
    if !providers.is_empty() && !role.service_accounts.is_empty() {
        block = block.add_attribute(Attribute::new("oidc_providers", Expression::Array(providers)));
        let subjects: Vec<String> = role.service_accounts.iter().map(ToString::to_string).collect();
        block = block.add_attribute(Attribute::new("service_accounts", strings(subjects.iter().map(String::as_str))));
    }
    if !role.legacy_principals.is_empty() {
        let mut by_type: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
        for principal in &role.legacy_principals {
            by_type.entry(principal.principal_type().as_str()).or_default().push(principal.id());
        }
        let mut object = hcl::Object::new();
        for (kind, ids) in by_type {
            object.insert(object_key(kind), strings(ids.into_iter()));
        }
        block = block.add_attribute(Attribute::new("legacy_principals", Expression::Object(object)));
    }
    if role.tag_session {
        block = block.add_attribute(("tag_session", true));
    }
    if !role.policy_arns.is_empty() {
        block =
            block.add_attribute(Attribute::new("policy_arns", strings(role.policy_arns.iter().map(|p| p.as_str()))));
    }
    if !role.tags.is_empty() {
        block = block
            .add_attribute(Attribute::new("tags", string_map(role.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))));
    }
    Ok(block.build())
}
