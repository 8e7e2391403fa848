//! The spec file: named OIDC providers and the roles that trust them, in YAML or JSON.
//!
//! Reading checks everything before anything can be generated: unknown keys, wrong types and
//! bad values (reported with line and column), references to providers, role names unique
//! ignoring case, and each role's trust policy against the quota.

use std::collections::HashSet;
use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, ErrorKind, Location};
use crate::policy::{Map, OneOrMany, PolicyDocument};
use crate::principal::LegacyPrincipal;
use crate::{
    AccountId, Audience, OidcProvider, Partition, PolicyArn, RoleName, RolePath, ServiceAccount, TrustPolicy, role_arn,
};

/// The syntax of a spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecFormat {
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// JSON (`.json`).
    Json,
}

impl SpecFormat {
    /// The format of a file by its extension, or `None` when the extension is neither.
    ///
    /// ```
    /// use irsa_core::spec::SpecFormat;
    ///
    /// assert_eq!(SpecFormat::from_file_name("roles.yml"), Some(SpecFormat::Yaml));
    /// assert_eq!(SpecFormat::from_file_name("roles.toml"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<SpecFormat> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "yaml" | "yml" => Some(SpecFormat::Yaml),
            "json" => Some(SpecFormat::Json),
            _ => None,
        }
    }
}

/// How a spec is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecOptions {
    /// The role trust policy quota (IAM's count, white space excluded).
    pub quota: usize,
    /// Whether subjects that trust a whole namespace or every namespace are accepted.
    pub allow_broad_subjects: bool,
    /// Whether each role's trust policy is built and checked (off when kops makes the roles
    /// and their trust itself).
    pub check_trust: bool,
}

impl Default for SpecOptions {
    fn default() -> SpecOptions {
        SpecOptions { quota: crate::DEFAULT_TRUST_POLICY_QUOTA, allow_broad_subjects: false, check_trust: true }
    }
}

/// A named OIDC provider of a spec, with the audience its statements require.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSpec {
    /// The provider.
    pub provider: OidcProvider,
    /// The `:aud` its statements require.
    pub audience: Audience,
}

/// One role of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSpec {
    /// The role's name.
    pub name: RoleName,
    /// The trusted service accounts.
    pub service_accounts: Vec<ServiceAccount>,
    /// The names of the providers to trust them through (`None`: every provider).
    pub providers: Option<Vec<String>>,
    /// The principals that keep `sts:AssumeRole`.
    pub legacy_principals: Vec<LegacyPrincipal>,
    /// Whether the web-identity statements also allow `sts:TagSession`.
    pub tag_session: bool,
    /// The role's IAM path.
    pub path: RolePath,
    /// The role's description.
    pub description: Option<String>,
    /// The maximum session duration in seconds (3600 to 43200).
    pub max_session_duration: Option<u32>,
    /// The permissions boundary.
    pub permissions_boundary: Option<PolicyArn>,
    /// The managed policies to attach.
    pub policy_arns: Vec<PolicyArn>,
    /// The role's tags, in the order written.
    pub tags: Vec<(String, String)>,
}

/// A whole spec: where the roles live, the providers, the roles.
///
/// ```
/// use irsa_core::spec::{Spec, SpecFormat, SpecOptions};
///
/// let yaml = r#"
/// providers:
///   beta:
///     arn: arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com
///     audience: amazonaws.com
/// roles:
///   - name: external-dns
///     service_accounts: [kube-system:external-dns]
/// "#;
/// let spec = Spec::parse(yaml, SpecFormat::Yaml, &SpecOptions::default()).unwrap();
/// assert_eq!(spec.roles[0].name.as_str(), "external-dns");
/// assert_eq!(spec.role_arn(&spec.roles[0]).as_deref(), Some("arn:aws:iam::123456789012:role/external-dns"));
///
/// let err = Spec::parse("roles:\n  - nmae: x\n", SpecFormat::Yaml, &SpecOptions::default()).unwrap_err();
/// assert_eq!(err.location().map(|l| l.line), Some(2));
/// assert!(err.rule().contains("unknown field `nmae`"), "{err}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// The account the roles live in, when set.
    pub account: Option<AccountId>,
    /// The partition the roles live in, when set.
    pub partition: Option<Partition>,
    /// The named providers, in the order written.
    pub providers: IndexMap<String, ProviderSpec>,
    /// The roles, in the order written.
    pub roles: Vec<RoleSpec>,
}

impl Spec {
    /// Reads and checks a spec. The error has the line and column of the offending value
    /// (for checks across roles, of the role), and says which key it was under.
    pub fn parse(text: &str, format: SpecFormat, options: &SpecOptions) -> Result<Spec, Error> {
        let seed = SpecSeed { options: *options };
        let parsed = match format {
            SpecFormat::Yaml => {
                check_yaml_nesting(text)?;
                if text.len() >= ROLE_BY_ROLE_YAML_BYTES {
                    if let Some(spec) = parse_yaml_role_by_role(text, options) {
                        return Ok(spec);
                    }
                }
                let deserializer = serde_norway::Deserializer::from_str(text);
                seed.deserialize(deserializer).map_err(|e| {
                    let location = e.location().map(|l| Location { line: l.line(), column: l.column() });
                    spec_error(&e.to_string(), location)
                })?
            }
            SpecFormat::Json => {
                let mut deserializer = serde_json::Deserializer::from_str(text);
                let parsed = seed.deserialize(&mut deserializer).and_then(|spec| deserializer.end().map(|()| spec));
                parsed.map_err(|e| json_error(&e))?
            }
        };
        parsed.finish(options)
    }

    /// Reads and checks a JSON spec from a reader, without holding its text: the way to read
    /// a spec of hundreds of thousands of roles. (A YAML spec is read whole; see
    /// [`Spec::parse`].)
    pub fn parse_json_reader(reader: impl std::io::Read, options: &SpecOptions) -> Result<Spec, Error> {
        let mut deserializer = serde_json::Deserializer::from_reader(reader);
        let parsed = SpecSeed { options: *options }
            .deserialize(&mut deserializer)
            .and_then(|spec| deserializer.end().map(|()| spec));
        parsed.map_err(|e| json_error(&e))?.finish(options)
    }

    /// The providers a role trusts through, in the spec's order of providers.
    pub fn role_providers<'a>(
        &'a self,
        role: &'a RoleSpec,
    ) -> impl Iterator<Item = (&'a String, &'a ProviderSpec)> + 'a {
        self.providers.iter().filter(move |(name, _)| role.providers.as_ref().is_none_or(|names| names.contains(name)))
    }

    /// What the role trusts, ready to build or render.
    pub fn trust(&self, role: &RoleSpec, options: &SpecOptions) -> TrustPolicy {
        let mut trust = TrustPolicy::new()
            .subjects(role.service_accounts.iter().cloned())
            .tag_session(role.tag_session)
            .allow_broad_subjects(options.allow_broad_subjects);
        for (_, provider) in self.role_providers(role) {
            trust = trust.provider(provider.provider.clone(), provider.audience.clone());
        }
        for principal in &role.legacy_principals {
            trust = trust.legacy_principal(principal.clone());
        }
        trust
    }

    /// The role's trust policy.
    pub fn trust_policy(&self, role: &RoleSpec, options: &SpecOptions) -> Result<PolicyDocument, Error> {
        self.trust(role, options).build()
    }

    /// The audience the role's service-account tokens must carry, when its providers agree
    /// on one: the first `:aud` value each of them requires. When they differ (a kops cluster
    /// and an EKS cluster), `None`: one manifest cannot name both, and each cluster's pod
    /// identity webhook then projects its own default audience (`amazonaws.com` on kops,
    /// `sts.amazonaws.com` on EKS).
    pub fn role_audience(&self, role: &RoleSpec) -> Option<String> {
        let mut firsts = self.role_providers(role).map(|(_, p)| p.audience.values_for(&p.provider).into_iter().next());
        let first = firsts.next()??;
        firsts.all(|other| other.as_deref() == Some(first.as_str())).then_some(first)
    }

    /// The role's ARN: in the spec's account and partition, or else in the account and
    /// partition its providers share. `None` when neither tells.
    pub fn role_arn(&self, role: &RoleSpec) -> Option<String> {
        let mut providers = self.role_providers(role).map(|(_, p)| &p.provider);
        let first = providers.next();
        let shared = first.filter(|first| {
            self.role_providers(role)
                .all(|(_, p)| p.provider.account() == first.account() && p.provider.partition() == first.partition())
        });
        let account = self.account.as_ref().or(shared.map(|p| p.account()))?;
        let partition = self.partition.or(shared.map(|p| p.partition())).unwrap_or_default();
        Some(role_arn(partition, account, &role.path, &role.name))
    }

    /// The checks of one role against the rest of the spec.
    fn check_role(&self, role: &RoleSpec, options: &SpecOptions) -> Result<(), String> {
        if let Some(names) = &role.providers {
            for name in names {
                if !self.providers.contains_key(name) {
                    let defined: Vec<&str> = self.providers.keys().map(String::as_str).collect();
                    return Err(format!(
                        "the provider `{name}` is not defined under `providers` (defined: {})",
                        if defined.is_empty() { "none".to_owned() } else { defined.join(", ") }
                    ));
                }
            }
        }
        if options.check_trust {
            self.check_trust(role, options).map_err(|e| e.message())?;
        }
        Ok(())
    }

    /// Builds the role's trust policy and checks it against `options.quota`; returns its size
    /// as IAM counts it. [`Spec::parse`] runs this for every role when
    /// [`SpecOptions::check_trust`] is on; a caller that reads with it off can run it for the
    /// roles on several threads (and read again with it on for the error's location).
    ///
    /// ```
    /// use irsa_core::spec::{Spec, SpecFormat, SpecOptions};
    ///
    /// let yaml = "providers:\n  eks:\n    issuer: https://oidc.eks.eu-west-1.amazonaws.com/id/ABC\n    account: \"123456789012\"\n\
    ///             roles:\n  - name: app\n    service_accounts: [default:app]\n";
    /// let unchecked = SpecOptions { check_trust: false, ..SpecOptions::default() };
    /// let spec = Spec::parse(yaml, SpecFormat::Yaml, &unchecked).unwrap();
    /// let options = SpecOptions { quota: 100, ..SpecOptions::default() };
    /// let error = spec.check_trust(&spec.roles[0], &options).unwrap_err();
    /// assert!(error.message().contains("over the quota of 100"));
    /// ```
    pub fn check_trust(&self, role: &RoleSpec, options: &SpecOptions) -> Result<usize, Error> {
        let trust = self.trust(role, options);
        let size = trust.check_size(options.quota)?;
        // The lint rules irsa runs on every policy it writes (the size was checked above).
        let known: Vec<&OidcProvider> = trust.providers().iter().map(|(provider, _)| provider).collect();
        if let Some(finding) = crate::lint::first_error_but_size(&trust.build()?, &known) {
            return Err(Error::new(
                ErrorKind::Trust,
                "",
                format!("irsa lint finds an error in its trust policy: {finding}"),
            ));
        }
        Ok(size)
    }
}

/// How deep a YAML spec may nest: a spec needs 6 levels; the YAML parser takes time growing
/// with the square of the depth, so a deep text is refused before it is parsed.
const MAX_YAML_DEPTH: usize = 64;

/// Refuses YAML nested deeper than [`MAX_YAML_DEPTH`]: flow collections (`[`, `{`) outside
/// quotes and comments, or block nesting (indentation and `- ` entries) of more than
/// `4 * MAX_YAML_DEPTH` columns.
fn check_yaml_nesting(text: &str) -> Result<(), Error> {
    let too_deep = |line: usize, column: usize| {
        spec_error(
            &format!("the spec nests deeper than {MAX_YAML_DEPTH} levels; a spec needs a handful"),
            Some(Location { line, column }),
        )
    };
    let mut depth = 0usize;
    for (index, line) in text.lines().enumerate() {
        let indent = line.chars().take_while(|c| matches!(c, ' ' | '-' | '\t')).count();
        if indent > 4 * MAX_YAML_DEPTH {
            return Err(too_deep(index + 1, indent));
        }
        let mut quote: Option<char> = None;
        for (column, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_YAML_DEPTH {
                        return Err(too_deep(index + 1, column + 1));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        // A quoted scalar may span lines; flow depth carries over, quotes are closed per line
        // (a conservative count: a stray quote only ends the scan of its line).
    }
    Ok(())
}

/// From this size on, a YAML spec is read role by role: serde_norway holds a whole document's
/// events in memory (about 3 KB a role), a role's are few.
const ROLE_BY_ROLE_YAML_BYTES: usize = 1 << 20;

/// Reads a block-style YAML spec one role at a time: the document without its `roles` items
/// first (account, partition, providers), then each item of `roles` on its own, with the same
/// checks as a whole read. `None` when the text is not shaped for it (document markers, flow
/// style, more than one `roles` key) or when anything fails, including an alias to an anchor in
/// another role: the caller then reads the document whole, which also gives the exact error.
fn parse_yaml_role_by_role(text: &str, options: &SpecOptions) -> Option<Spec> {
    let lines = || {
        let mut offset = 0;
        text.split_inclusive('\n').map(move |line| {
            let start = offset;
            offset += line.len();
            (start, line)
        })
    };
    let is_quiet = |line: &str| {
        let trimmed = line.trim();
        trimmed.is_empty() || trimmed.starts_with('#')
    };
    if lines().any(|(_, line)| line.starts_with("---") || line.starts_with("...")) {
        return None;
    }
    // One `roles:` key, alone on its line (every such line starts with `roles:`).
    if lines().filter(|(_, line)| line.starts_with("roles:")).count() != 1 {
        return None;
    }
    let (roles_line, roles_text) =
        lines().find(|(_, line)| line.trim_end() == "roles:" || line.starts_with("roles: #"))?;
    let block_start = roles_line + roles_text.len();
    // The items' indentation, from the first line that says something.
    let (_, first) = lines().find(|(start, line)| *start >= block_start && !is_quiet(line))?;
    let indent = first.len() - first.trim_start_matches(' ').len();
    if !first.get(indent..).is_some_and(|rest| rest.starts_with("- ") || rest.trim_end() == "-") {
        return None;
    }
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut block_end = text.len();
    for (start, line) in lines().filter(|(start, _)| *start >= block_start) {
        let line_indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line.get(line_indent..).unwrap_or_default();
        if is_quiet(line) {
            continue;
        }
        if line_indent == indent && (rest.starts_with("- ") || rest.trim_end() == "-") {
            if let Some(last) = items.last_mut() {
                last.1 = start;
            }
            items.push((start, text.len()));
        } else if line_indent < indent || (line_indent == 0 && !rest.starts_with('-')) {
            block_end = start;
            break;
        }
    }
    if let Some(last) = items.last_mut() {
        last.1 = last.1.min(block_end);
    }
    let header = format!("{}roles: []\n{}", text.get(..roles_line)?, text.get(block_end..)?);
    let parsed = SpecSeed { options: *options }.deserialize(serde_norway::Deserializer::from_str(&header)).ok()?;
    let mut spec = parsed.spec;
    let mut roles = Vec::with_capacity(items.len());
    let mut names = RoleNames::default();
    for (start, end) in items {
        let chunk = text.get(start..end)?;
        let seed = RolesSeed { spec: &spec, options: *options, check: true, names: &mut names };
        roles.extend(seed.deserialize(serde_norway::Deserializer::from_str(chunk)).ok()?);
    }
    spec.roles = roles;
    Some(spec)
}

/// A spec error: serde's message without its trailing position, and the location.
fn spec_error(message: &str, location: Option<Location>) -> Error {
    let message = match message.rfind(" at line ") {
        Some(index) => message.get(..index).unwrap_or(message),
        None => message,
    };
    let error = Error::new(ErrorKind::Spec, "", message);
    match location {
        Some(location) => error.at(location),
        None => error,
    }
}

/// The spec as read, and whether its roles came before its providers.
struct ParsedSpec {
    spec: Spec,
    roles_before_providers: bool,
}

impl ParsedSpec {
    /// Roles written before the providers could not be checked against them while read.
    fn finish(self, options: &SpecOptions) -> Result<Spec, Error> {
        if self.roles_before_providers {
            for (index, role) in self.spec.roles.iter().enumerate() {
                self.spec.check_role(role, options).map_err(|rule| {
                    Error::new(ErrorKind::Spec, "", format!("roles[{index}]: role `{}`: {rule}", role.name))
                })?;
            }
        }
        Ok(self.spec)
    }
}

fn json_error(e: &serde_json::Error) -> Error {
    spec_error(&e.to_string(), Some(Location { line: e.line(), column: e.column() }))
}

struct SpecSeed {
    options: SpecOptions,
}

impl<'de> DeserializeSeed<'de> for SpecSeed {
    type Value = ParsedSpec;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ParsedSpec, D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// The keys of a spec; an unknown key fails as it is read, so its location is exact.
#[derive(Deserialize, PartialEq, Eq, Hash, Clone, Copy, Debug)]
#[serde(field_identifier, rename_all = "snake_case")]
enum SpecField {
    Account,
    Partition,
    Providers,
    Roles,
}

impl<'de> Visitor<'de> for SpecSeed {
    type Value = ParsedSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a spec: a mapping with `providers` and `roles`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ParsedSpec, A::Error> {
        let mut spec = Spec { account: None, partition: None, providers: IndexMap::new(), roles: Vec::new() };
        let mut seen: HashSet<SpecField> = HashSet::new();
        let mut roles_before_providers = false;
        while let Some(key) = map.next_key::<SpecField>()? {
            if !seen.insert(key) {
                return Err(de::Error::custom(format!("duplicate key `{}`", format!("{key:?}").to_ascii_lowercase())));
            }
            match key {
                SpecField::Account => spec.account = Some(map.next_value()?),
                SpecField::Partition => spec.partition = Some(map.next_value()?),
                SpecField::Providers => spec.providers = map.next_value::<Providers>()?.0,
                SpecField::Roles => {
                    roles_before_providers = !seen.contains(&SpecField::Providers);
                    let mut names = RoleNames::default();
                    let seed = RolesSeed {
                        spec: &spec,
                        options: self.options,
                        check: !roles_before_providers,
                        names: &mut names,
                    };
                    spec.roles = map.next_value_seed(seed)?;
                }
            }
        }
        Ok(ParsedSpec { spec, roles_before_providers })
    }
}

/// The `providers` mapping: names checked as read, each provider resolved where it stands.
struct Providers(IndexMap<String, ProviderSpec>);

impl<'de> Deserialize<'de> for Providers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProvidersVisitor;

        impl<'de> Visitor<'de> for ProvidersVisitor {
            type Value = Providers;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of provider names to providers")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Providers, A::Error> {
                let mut providers = IndexMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    check_provider_name(&name).map_err(de::Error::custom)?;
                    if providers.contains_key(&name) {
                        return Err(de::Error::custom(format!("the provider `{name}` is defined twice")));
                    }
                    let provider = map.next_value_seed(ProviderSeed)?;
                    providers.insert(name, provider);
                }
                Ok(Providers(providers))
            }
        }

        deserializer.deserialize_map(ProvidersVisitor)
    }
}

fn check_provider_name(name: &str) -> Result<(), String> {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        Ok(())
    } else {
        Err(format!("the provider name `{name}` must be letters, digits, `-` and `_`"))
    }
}

/// One provider, resolved inside its own mapping (so errors point at it).
struct ProviderSeed;

impl<'de> DeserializeSeed<'de> for ProviderSeed {
    type Value = ProviderSpec;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ProviderSpec, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ProviderSeed {
    type Value = ProviderSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a provider: a mapping with `arn`, or `issuer` and `account`")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ProviderSpec, A::Error> {
        RawProvider::deserialize(de::value::MapAccessDeserializer::new(map))?.resolve().map_err(de::Error::custom)
    }
}

/// A provider as written: an ARN, or an issuer with its account (and partition).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    arn: Option<String>,
    issuer: Option<String>,
    account: Option<AccountId>,
    partition: Option<Partition>,
    #[serde(default)]
    audience: Audience,
}

impl RawProvider {
    fn resolve(&self) -> Result<ProviderSpec, String> {
        let provider = match (&self.arn, &self.issuer) {
            (Some(arn), None) => {
                if self.account.is_some() || self.partition.is_some() {
                    return Err("`account` and `partition` go with `issuer`; an `arn` carries its own".into());
                }
                arn.parse::<OidcProvider>().map_err(|e| e.message())?
            }
            (None, Some(issuer)) => {
                let account = self
                    .account
                    .as_ref()
                    .ok_or("`issuer` needs `account`: the 12-digit account that holds the IAM OIDC provider")?;
                OidcProvider::from_issuer_url(issuer, account, self.partition.unwrap_or_default())
                    .map_err(|e| e.message())?
            }
            (Some(_), Some(_)) => return Err("give `arn` or `issuer`, not both".into()),
            (None, None) => return Err("a provider needs `arn`, or `issuer` and `account`".into()),
        };
        Ok(ProviderSpec { provider, audience: self.audience.clone() })
    }
}

/// The `roles` list (or a part of it): each role is checked as it is read (names unique
/// ignoring case, and, when the providers are known, references and the trust policy).
struct RolesSeed<'a> {
    spec: &'a Spec,
    options: SpecOptions,
    check: bool,
    /// The role names seen so far, lowercased.
    names: &'a mut RoleNames,
}

impl<'de> DeserializeSeed<'de> for RolesSeed<'_> {
    type Value = Vec<RoleSpec>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<RoleSpec>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RolesSeed<'_> {
    type Value = Vec<RoleSpec>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of roles")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<RoleSpec>, A::Error> {
        let mut roles: Vec<RoleSpec> = Vec::new();
        loop {
            let seed = RoleSeed { spec: self.spec, options: self.options, check: self.check, names: &mut *self.names };
            match seq.next_element_seed(seed)? {
                Some(role) => roles.push(role),
                None => return Ok(roles),
            }
        }
    }
}

/// The role names seen so far, lowercased.
type RoleNames = HashSet<String>;

/// One role: read, then checked where it stands (so errors point at the role).
struct RoleSeed<'a> {
    spec: &'a Spec,
    options: SpecOptions,
    check: bool,
    names: &'a mut RoleNames,
}

impl<'de> DeserializeSeed<'de> for RoleSeed<'_> {
    type Value = RoleSpec;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RoleSpec, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RoleSeed<'_> {
    type Value = RoleSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a role: a mapping with `name` and `service_accounts`")
    }

    /// The checks run inside the role's mapping, so their errors point at the role.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RoleSpec, A::Error> {
        let raw = RawRole::deserialize(de::value::MapAccessDeserializer::new(map))?;
        let role = raw.into_role().map_err(de::Error::custom)?;
        if !self.names.insert(role.name.as_str().to_ascii_lowercase()) {
            return Err(de::Error::custom(format!(
                "the role name `{}` is used twice (IAM role names are unique ignoring case)",
                role.name
            )));
        }
        if self.check {
            self.spec
                .check_role(&role, &self.options)
                .map_err(|rule| de::Error::custom(format!("role `{}`: {rule}", role.name)))?;
        }
        Ok(role)
    }
}

/// A role as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    name: RoleName,
    #[serde(default)]
    service_accounts: Vec<ServiceAccount>,
    providers: Option<Vec<String>>,
    #[serde(default)]
    legacy_principals: Map<OneOrMany<String>>,
    #[serde(default)]
    tag_session: bool,
    #[serde(default)]
    path: RolePath,
    description: Option<String>,
    #[serde(default, deserialize_with = "session_duration")]
    max_session_duration: Option<u32>,
    permissions_boundary: Option<PolicyArn>,
    #[serde(default)]
    policy_arns: Vec<PolicyArn>,
    #[serde(default, deserialize_with = "tags")]
    tags: Vec<(String, String)>,
}

impl RawRole {
    fn into_role(self) -> Result<RoleSpec, String> {
        let mut legacy_principals = Vec::new();
        for (kind, ids) in self.legacy_principals.iter() {
            for id in ids {
                let principal: LegacyPrincipal = format!("{kind}={id}")
                    .parse()
                    .map_err(|e: Error| format!("legacy_principals.{kind}: {}", e.message()))?;
                legacy_principals.push(principal);
            }
        }
        if self.service_accounts.is_empty() && legacy_principals.is_empty() {
            return Err(format!(
                "the role `{}` trusts nothing: give `service_accounts` or `legacy_principals`",
                self.name
            ));
        }
        if let Some(description) = &self.description {
            let length = description.chars().count();
            if length > 1000 {
                return Err(format!("the description is {length} characters long; IAM allows at most 1000"));
            }
        }
        Ok(RoleSpec {
            name: self.name,
            service_accounts: self.service_accounts,
            providers: self.providers,
            legacy_principals,
            tag_session: self.tag_session,
            path: self.path,
            description: self.description,
            max_session_duration: self.max_session_duration,
            permissions_boundary: self.permissions_boundary,
            policy_arns: self.policy_arns,
            tags: self.tags,
        })
    }
}

fn session_duration<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    let seconds = u64::deserialize(deserializer)?;
    if (3600..=43200).contains(&seconds) {
        Ok(u32::try_from(seconds).ok())
    } else {
        Err(de::Error::custom(format!(
            "invalid max_session_duration `{seconds}`: IAM allows 3600 to 43200 seconds (1 to 12 hours)"
        )))
    }
}

fn tags<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<(String, String)>, D::Error> {
    let tags: Map<String> = Map::deserialize(deserializer)?;
    if tags.len() > 50 {
        return Err(de::Error::custom(format!("{} tags: IAM allows at most 50 per role", tags.len())));
    }
    for (key, value) in tags.iter() {
        let key_length = key.chars().count();
        if !(1..=128).contains(&key_length) {
            return Err(de::Error::custom(format!(
                "the tag key `{key}` has {key_length} characters; IAM allows 1 to 128"
            )));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(de::Error::custom(format!("the tag key `{key}` starts with `aws:`, which AWS reserves")));
        }
        let value_length = value.chars().count();
        if value_length > 256 {
            return Err(de::Error::custom(format!(
                "the value of tag `{key}` has {value_length} characters; IAM allows at most 256"
            )));
        }
    }
    Ok(tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "providers:\n  beta:\n    arn: arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com\n";

    fn check(yaml: &str, expected: Result<usize, (usize, &str)>) {
        match (Spec::parse(yaml, SpecFormat::Yaml, &SpecOptions::default()), expected) {
            (Ok(spec), Ok(roles)) => assert_eq!(spec.roles.len(), roles),
            (Err(e), Err((line, rule))) => {
                assert_eq!(e.location().map(|l| l.line), Some(line), "{e}\n{yaml}");
                assert!(e.rule().contains(rule), "`{}` does not contain `{rule}`", e.rule());
            }
            (got, want) => panic!("{yaml}\ngot {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn specs() {
        check(&format!("{HEAD}roles:\n  - name: a\n    service_accounts: [ns:a]\n"), Ok(1));
        check(&format!("{HEAD}roles: []\n"), Ok(0));
        check(
            &format!("{HEAD}roles:\n  - name: a\n    service_accounts: [Ns:a]\n"),
            Err((
                6,
                "roles[0].service_accounts[0]: invalid service account `Ns:a`: the namespace `Ns` has the uppercase letter `N`; Kubernetes names are lowercase",
            )),
        );
        check(
            &format!("{HEAD}roles:\n  - name: a\n    service_acounts: [ns:a]\n"),
            Err((6, "roles[0]: unknown field `service_acounts`")),
        );
        check(
            &format!("{HEAD}roles:\n  - name: a\n    service_accounts: ns:a\n"),
            Err((6, "roles[0].service_accounts: invalid type: string \"ns:a\", expected a sequence")),
        );
        check(
            &format!("{HEAD}roles:\n  - name: a\n    service_accounts: [ns:a]\n    providers: [prod]\n"),
            Err((5, "roles[0]: role `a`: the provider `prod` is not defined under `providers` (defined: beta)")),
        );
        check(
            &format!(
                "{HEAD}roles:\n  - name: a\n    service_accounts: [ns:a]\n  - name: A\n    service_accounts: [ns:a]\n"
            ),
            Err((7, "roles[1]: the role name `A` is used twice")),
        );
        check(&format!("{HEAD}roles:\n  - name: a\n"), Err((5, "trusts nothing")));
        check(
            &format!("{HEAD}roles:\n  - name: a\n    service_accounts: [ns:a]\n    max_session_duration: 60\n"),
            Err((5, "invalid max_session_duration `60`: IAM allows 3600 to 43200")),
        );
        check(
            &format!("{HEAD}roles:\n  - name: a\n    service_accounts: [ns:a]\n    path: irsa\n"),
            Err((7, "roles[0].path: invalid IAM path `irsa`")),
        );
        check(
            &format!("{HEAD}roles:\n  - name: a\n    service_accounts: [ns:a]\n    tags: {{aws:x: y}}\n"),
            Err((5, "the tag key `aws:x` starts with `aws:`, which AWS reserves")),
        );
        check(
            &format!("{HEAD}roles:\n  - name: a\n    service_accounts: [ns:*]\n"),
            Err((5, "accepted only when broad subjects are allowed")),
        );
        check(
            &format!("{HEAD}roles:\n  - name: a\n    legacy_principals: {{AWS: '*'}}\n"),
            Err((5, "legacy_principals.AWS: invalid legacy principal `AWS=*`")),
        );
        check(
            "providers:\n  beta:\n    issuer: https://x.example.com\nroles: []\n",
            Err((3, "providers.beta: `issuer` needs `account`")),
        );
        check(
            "providers:\n  beta:\n    arn: arn:aws:iam::1:oidc-provider/x.com\nroles: []\n",
            Err((
                3,
                "providers.beta: invalid OIDC provider ARN `arn:aws:iam::1:oidc-provider/x.com`: the account `1` must be 12 digits",
            )),
        );
        check("account: 12345\nroles: []\n", Err((1, "quote it")));
        check("roles: []\nroles: []\n", Err((1, "duplicate key `roles`")));
        check("role: []\n", Err((1, "unknown field `role`")));
        // Roles before providers are checked once the providers are known.
        let late = format!("roles:\n  - name: a\n    service_accounts: [ns:a]\n    providers: [prod]\n{HEAD}");
        let err = Spec::parse(&late, SpecFormat::Yaml, &SpecOptions::default()).unwrap_err();
        assert!(err.rule().contains("roles[0]: role `a`: the provider `prod` is not defined"), "{err}");
    }

    /// Large YAML specs are read role by role, with the very result of a whole read.
    #[test]
    fn role_by_role_reading_equals_whole_reading() {
        let options = SpecOptions::default();
        let roles: String = (0..30)
            .map(|i| format!("  # role {i}\n  - name: r{i}\n    service_accounts:\n      - ns-{i}:a\n    tags: {{k: \"v\\n- x\"}}\n\n"))
            .collect();
        for text in [
            format!("{HEAD}roles:\n{roles}"),
            format!("account: \"123456789012\"\nroles:\n{roles}{HEAD}"),
            format!("{HEAD}roles:\n{}", roles.replace("\n  ", "\n")),
        ] {
            let whole = Spec::parse(&text, SpecFormat::Yaml, &options).unwrap();
            let by_role = parse_yaml_role_by_role(&text, &options).expect("shaped for it");
            assert_eq!(by_role, whole);
            assert_eq!(by_role.roles.len(), 30);
        }
        // Not shaped for it, or failing: the caller reads the whole document.
        assert!(parse_yaml_role_by_role(&format!("{HEAD}roles: []\n"), &options).is_none());
        assert!(
            parse_yaml_role_by_role(
                &format!("---\n{HEAD}roles:\n  - name: a\n    service_accounts: [ns:a]\n"),
                &options
            )
            .is_none()
        );
        assert!(
            parse_yaml_role_by_role(&format!("{HEAD}roles:\n  - name: a\n    service_accounts: [Ns:a]\n"), &options)
                .is_none()
        );
        assert!(parse_yaml_role_by_role(
            &format!("{HEAD}roles:\n  - name: a\n    service_accounts: &sa [ns:a]\n  - name: b\n    service_accounts: *sa\n"),
            &options
        )
        .is_none());
    }

    #[test]
    fn deep_yaml_is_refused_before_it_is_parsed() {
        let deep = format!("roles: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let error = Spec::parse(&deep, SpecFormat::Yaml, &SpecOptions::default()).unwrap_err();
        assert!(error.to_string().starts_with("1:72: the spec nests deeper than 64 levels"), "{error}");
        let indented = format!("roles:\n{}- a\n", " ".repeat(300));
        assert!(
            Spec::parse(&indented, SpecFormat::Yaml, &SpecOptions::default())
                .unwrap_err()
                .to_string()
                .contains("nests deeper")
        );
        // Brackets in quotes and comments do not count.
        let fine = format!("providers: {{}}\nroles: [] # {}\naccount: \"{}\"\n", "[".repeat(100), "{".repeat(100));
        let error = Spec::parse(&fine, SpecFormat::Yaml, &SpecOptions::default()).unwrap_err().to_string();
        assert!(!error.contains("nests deeper"), "{error}");
    }

    /// Aliases that multiply (\"billion laughs\") are refused by the YAML reader, quickly.
    #[test]
    fn yaml_alias_bombs_are_refused() {
        let mut yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n".to_owned();
        let mut previous = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
            yaml.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(", ")));
            previous = name;
        }
        yaml.push_str("providers: {}\nroles: *i\n");
        let error = Spec::parse(&yaml, SpecFormat::Yaml, &SpecOptions::default()).unwrap_err().to_string();
        assert!(error.contains("unknown field `a`") || error.contains("repetition limit"), "{error}");
    }

    #[test]
    fn quota_is_checked_per_role() {
        let subjects: Vec<String> = (0..40).map(|i| format!("team-{i}:application-service-account")).collect();
        let yaml = format!("{HEAD}roles:\n  - name: big\n    service_accounts: [{}]\n", subjects.join(", "));
        let err = Spec::parse(&yaml, SpecFormat::Yaml, &SpecOptions::default()).unwrap_err();
        assert!(err.rule().contains("roles[0]: role `big`: invalid trust policy size"), "{err}");
        let options = SpecOptions { quota: 4096, ..SpecOptions::default() };
        assert!(Spec::parse(&yaml, SpecFormat::Yaml, &options).is_ok());
    }

    #[test]
    fn json_specs_have_locations_too() {
        let json = "{\"roles\": [{\"name\": \"a\",\n \"service_accounts\": [\"Ns:a\"]}]}";
        let err = Spec::parse(json, SpecFormat::Json, &SpecOptions::default()).unwrap_err();
        assert_eq!(err.location().map(|l| l.line), Some(2));
        assert!(err.rule().contains("lowercase"), "{err}");
    }

    #[test]
    fn role_arns_come_from_the_spec_or_the_providers() {
        let yaml = format!(
            "{HEAD}  cn:\n    arn: arn:aws-cn:iam::210987654321:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC\nroles:\n  - name: a\n    service_accounts: [ns:a]\n    providers: [beta]\n    path: /irsa/\n  - name: b\n    service_accounts: [ns:b]\n"
        );
        let spec = Spec::parse(&yaml, SpecFormat::Yaml, &SpecOptions::default()).unwrap();
        assert_eq!(spec.role_arn(&spec.roles[0]).as_deref(), Some("arn:aws:iam::123456789012:role/irsa/a"));
        assert_eq!(spec.role_arn(&spec.roles[1]), None, "the providers disagree");
        let with_account = format!("account: \"111122223333\"\npartition: aws-cn\n{yaml}");
        let spec = Spec::parse(&with_account, SpecFormat::Yaml, &SpecOptions::default()).unwrap();
        assert_eq!(spec.role_arn(&spec.roles[1]).as_deref(), Some("arn:aws-cn:iam::111122223333:role/b"));
    }
}
