//! The cluster side of IRSA on kops: the service-account issuer discovery store, what it
//! implies (issuer, JWKS URI, provider ARN, audience), the cluster spec that enables IRSA, and
//! the order of the rollout that does not lock a running cluster out.

use std::fmt::Write as _;

use serde::Serialize;

use crate::error::{Error, ErrorKind};
use crate::{AccountId, KOPS_AUDIENCE, OidcProvider, Partition};

/// An S3 discovery store, `s3://BUCKET[/PATH]`, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryStore {
    bucket: String,
    path: String,
}

impl DiscoveryStore {
    /// Parses `s3://BUCKET[/PATH]`. The bucket must follow S3's naming rules and have no dots
    /// (the error says why, and suggests a name without them).
    ///
    /// ```
    /// use irsa_core::kops::DiscoveryStore;
    ///
    /// let store = DiscoveryStore::parse("s3://hdo-beta-irsa-providers/beta").unwrap();
    /// assert_eq!((store.bucket(), store.path()), ("hdo-beta-irsa-providers", "beta"));
    /// let error = DiscoveryStore::parse("s3://ee.hdo.beta.irsa.providers").unwrap_err();
    /// assert!(error.rule().contains("ee-hdo-beta-irsa-providers"));
    /// ```
    pub fn parse(url: &str) -> Result<DiscoveryStore, Error> {
        let fail = |rule: String| Error::new(ErrorKind::DiscoveryStore, url, rule);
        let Some(rest) = url.strip_prefix("s3://") else {
            let scheme = url.split_once("://").map_or("", |(scheme, _)| scheme);
            return Err(fail(if scheme.is_empty() {
                "a discovery store is an S3 URL, s3://BUCKET[/PATH]".to_owned()
            } else {
                format!(
                    "the scheme `{scheme}://` is not one irsa derives an AWS issuer from: IAM's provider for a kops cluster reads an S3 discovery store (s3://BUCKET[/PATH])"
                )
            }));
        };
        let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
        check_bucket_name(bucket).map_err(|e| fail(e.rule().to_owned()))?;
        let path = path.trim_end_matches('/');
        if path.split('/').any(str::is_empty) && !path.is_empty() {
            return Err(fail(format!("the path `{path}` has an empty segment (`//`)")));
        }
        if let Some(c) = path.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(*c))) {
            return Err(fail(format!(
                "the path `{path}` has the character `{}`, which an issuer URL cannot hold unescaped",
                c.escape_debug()
            )));
        }
        Ok(DiscoveryStore { bucket: bucket.to_owned(), path: path.to_owned() })
    }

    /// The bucket.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The path inside the bucket, without slashes around it (empty for the bucket's root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `s3://BUCKET[/PATH]`.
    pub fn url(&self) -> String {
        if self.path.is_empty() {
            format!("s3://{}", self.bucket)
        } else {
            format!("s3://{}/{}", self.bucket, self.path)
        }
    }
}

/// Checks a bucket name by S3's naming rules, and refuses dots: the certificate of
/// `*.s3.<region>.<dns suffix>` covers one label, so a dotted bucket cannot be read over HTTPS in
/// the virtual-hosted style IAM's OIDC provider uses (kops refuses it too: "Bucket name cannot
/// contain dots").
///
/// ```
/// use irsa_core::kops::check_bucket_name;
///
/// assert!(check_bucket_name("hdo-beta-irsa-providers").is_ok());
/// assert!(check_bucket_name("192.168.5.4").unwrap_err().rule().contains("IP address"));
/// assert!(check_bucket_name("my-bucket-s3alias").unwrap_err().rule().contains("-s3alias"));
/// ```
pub fn check_bucket_name(bucket: &str) -> Result<(), Error> {
    let fail = |rule: String| Err(Error::new(ErrorKind::DiscoveryStore, bucket, rule));
    let length = bucket.chars().count();
    if !(3..=63).contains(&length) {
        return fail(format!("a bucket name is 3 to 63 characters long; this one is {length}"));
    }
    if let Some(c) = bucket.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
    {
        let hint =
            if c.is_ascii_uppercase() { format!(" (`{}`?)", bucket.to_ascii_lowercase()) } else { String::new() };
        return fail(format!(
            "a bucket name has lowercase letters, digits, dots and hyphens only, not `{}`{hint}",
            c.escape_debug()
        ));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !edge_ok(bucket.chars().next()) || !edge_ok(bucket.chars().last()) {
        return fail("a bucket name starts and ends with a letter or a digit".to_owned());
    }
    if bucket.contains("..") {
        return fail("a bucket name has no two adjacent dots".to_owned());
    }
    let octets: Vec<&str> = bucket.split('.').collect();
    if octets.len() == 4
        && octets.iter().all(|o| !o.is_empty() && o.len() <= 3 && o.chars().all(|c| c.is_ascii_digit()))
    {
        return fail("a bucket name must not be shaped like an IP address".to_owned());
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if bucket.starts_with(prefix) {
            return fail(format!("a bucket name must not start with `{prefix}` (reserved by S3)"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3"] {
        if bucket.ends_with(suffix) {
            return fail(format!("a bucket name must not end with `{suffix}` (reserved by S3)"));
        }
    }
    if bucket.contains('.') {
        let suggestion = suggest_bucket_name(bucket);
        return fail(format!(
            "a discovery store's bucket cannot contain dots: IAM reads the issuer over HTTPS at https://BUCKET.s3.REGION.amazonaws.com, and the wildcard certificate of *.s3.REGION.amazonaws.com covers one label, so the dotted name fails TLS (kops refuses it: \"Bucket name cannot contain dots\"); use a name such as `{suggestion}`"
        ));
    }
    Ok(())
}

/// A dot-free bucket name close to `bucket`: dots become hyphens.
///
/// ```
/// assert_eq!(irsa_core::kops::suggest_bucket_name("ee.hdo.beta.irsa.providers"), "ee-hdo-beta-irsa-providers");
/// ```
pub fn suggest_bucket_name(bucket: &str) -> String {
    let mut name: String = bucket.to_ascii_lowercase().chars().map(|c| if c == '.' { '-' } else { c }).collect();
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    let name: String = name.chars().take(63).collect();
    name.trim_matches('-').to_owned()
}

/// Whether cert-manager is run by kops or by the cluster's operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CertManager {
    /// kops installs and upgrades it.
    #[default]
    Managed,
    /// kops only configures it; it is installed otherwise.
    Unmanaged,
}

/// A kops cluster's IRSA setup, derived from its discovery store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KopsIrsa {
    store: DiscoveryStore,
    region: String,
    partition: Partition,
    dual_stack: bool,
    account: Option<AccountId>,
    cert_manager: CertManager,
}

impl KopsIrsa {
    /// Checks the region against the partition's region naming (`cn-*` for aws-cn,
    /// `us-gov-*` for aws-us-gov, ...). The partition defaults to the region's.
    ///
    /// ```
    /// use irsa_core::kops::{CertManager, DiscoveryStore, KopsIrsa};
    ///
    /// let store = DiscoveryStore::parse("s3://hdo-beta-irsa-providers").unwrap();
    /// let irsa = KopsIrsa::new(store, "eu-west-1", None, false, Some("123456789012".parse().unwrap()), CertManager::Managed).unwrap();
    /// assert_eq!(irsa.issuer_url(), "https://hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com");
    /// assert_eq!(irsa.jwks_uri(), "https://hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com/openid/v1/jwks");
    /// assert_eq!(irsa.provider().unwrap().unwrap().arn(),
    ///     "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com");
    /// ```
    pub fn new(
        store: DiscoveryStore,
        region: &str,
        partition: Option<Partition>,
        dual_stack: bool,
        account: Option<AccountId>,
        cert_manager: CertManager,
    ) -> Result<KopsIrsa, Error> {
        let fail = |rule: String| Error::new(ErrorKind::Region, region, rule);
        // `for_region` knows regions by their shape: `<area>-<words>-<digits>`, in lowercase.
        let Some(of_region) = Partition::for_region(region) else {
            return Err(fail("not an AWS region name (such as eu-west-1, cn-north-1, us-gov-west-1)".to_owned()));
        };
        let partition = partition.unwrap_or(of_region);
        if partition != of_region {
            return Err(fail(format!(
                "the region is in the partition `{of_region}`, not `{partition}` (aws-cn regions are cn-*, aws-us-gov regions us-gov-*)"
            )));
        }
        Ok(KopsIrsa { store, region: region.to_owned(), partition, dual_stack, account, cert_manager })
    }

    /// The issuer URL: the store's virtual-hosted HTTPS URL (dual-stack when asked), path kept.
    pub fn issuer_url(&self) -> String {
        let dual = if self.dual_stack { "dualstack." } else { "" };
        let path = if self.store.path.is_empty() { String::new() } else { format!("/{}", self.store.path) };
        format!("https://{}.s3.{dual}{}.{}{path}", self.store.bucket, self.region, self.partition.dns_suffix())
    }

    /// The JWKS URI: the issuer and `/openid/v1/jwks`.
    pub fn jwks_uri(&self) -> String {
        format!("{}/openid/v1/jwks", self.issuer_url())
    }

    /// The IAM OIDC provider of the issuer, when the account is known.
    pub fn provider(&self) -> Result<Option<OidcProvider>, Error> {
        self.account
            .as_ref()
            .map(|account| OidcProvider::from_issuer_url(&self.issuer_url(), account, self.partition))
            .transpose()
    }

    /// The cluster spec that enables IRSA, as YAML to merge into `kops edit cluster`.
    pub fn cluster_spec_yaml(&self) -> String {
        format!(
            "spec:\n  serviceAccountIssuerDiscovery:\n    discoveryStore: {}\n    enableAWSOIDCProvider: true\n  certManager:\n    enabled: true\n    managed: {}\n  podIdentityWebhook:\n    enabled: true\n  iam:\n    useServiceAccountExternalPermissions: true\n",
            crate::kubernetes::yaml_string(&self.store.url()),
            self.cert_manager == CertManager::Managed
        )
    }

    /// What to know besides the values.
    pub fn notes(&self) -> Vec<String> {
        vec![
            format!(
                "the bucket must allow public reads of the discovery documents ({}/.well-known/openid-configuration and {}): IAM fetches them anonymously",
                self.issuer_url(),
                self.jwks_uri()
            ),
            format!("kops tokens carry the audience `{KOPS_AUDIENCE}` (not sts.amazonaws.com): say --audience {KOPS_AUDIENCE} to pin it in trust policies"),
            "kops create cluster --discovery-store s3://BUCKET/PATH stores under PATH/<cluster name>: give the store exactly as the cluster spec has it".to_owned(),
        ]
    }

    /// The derived values and the cluster spec, as YAML: comments with the values, then the
    /// spec (valid YAML, ready to merge).
    pub fn to_yaml(&self) -> Result<String, Error> {
        let mut out = String::new();
        let _ = writeln!(out, "# irsa kops: IRSA for the cluster whose discovery store is {}", self.store.url());
        for (name, value) in self.values()? {
            let _ = writeln!(out, "#   {name}: {value}");
        }
        for note in self.notes() {
            let _ = writeln!(out, "# note: {note}");
        }
        out.push_str("# Merge into the cluster spec (kops edit cluster):\n");
        out.push_str(&self.cluster_spec_yaml());
        Ok(out)
    }

    fn values(&self) -> Result<Vec<(&'static str, String)>, Error> {
        let mut values = vec![("issuer", self.issuer_url()), ("jwks_uri", self.jwks_uri())];
        values.push(("provider_arn", self.provider()?.map_or("(give --account to derive it)".to_owned(), |p| p.arn())));
        values.push(("audience", KOPS_AUDIENCE.to_owned()));
        Ok(values)
    }

    /// The derived values, the cluster spec (as an object) and the notes, as JSON.
    pub fn to_json(&self) -> Result<String, Error> {
        #[derive(Serialize)]
        struct Json {
            discovery_store: String,
            issuer: String,
            jwks_uri: String,
            provider_arn: Option<String>,
            audience: &'static str,
            cluster_spec: serde_json::Value,
            notes: Vec<String>,
        }
        let cluster_spec: serde_json::Value = serde_norway::from_str(&self.cluster_spec_yaml()).map_err(|e| {
            Error::new(ErrorKind::DiscoveryStore, "", format!("internal: the cluster spec is not YAML: {e}"))
        })?;
        let json = Json {
            discovery_store: self.store.url(),
            issuer: self.issuer_url(),
            jwks_uri: self.jwks_uri(),
            provider_arn: self.provider()?.map(|p| p.arn()),
            audience: KOPS_AUDIENCE,
            cluster_spec,
            notes: self.notes(),
        };
        #[allow(clippy::expect_used)]
        Ok(serde_json::to_string_pretty(&json).expect("always serializes"))
    }

    /// For people: the values, the notes, the cluster spec.
    pub fn to_text(&self) -> Result<String, Error> {
        let mut out = String::new();
        for (name, value) in self.values()? {
            let _ = writeln!(out, "{:<13} {value}", format!("{}:", name.replace('_', " ")));
        }
        out.push('\n');
        for note in self.notes() {
            let _ = writeln!(out, "note: {note}");
        }
        out.push_str("\nMerge into the cluster spec (kops edit cluster):\n\n");
        out.push_str(&self.cluster_spec_yaml());
        Ok(out)
    }

    /// The rollout, in order, each step with the command a person runs. Enabling discovery on
    /// a running cluster changes its issuer: every existing service-account token stops
    /// authenticating, which is the outage this order avoids.
    pub fn checklist(&self, cluster: &str) -> Result<String, Error> {
        let issuer = self.issuer_url();
        let provider =
            self.provider()?.map_or("arn:PARTITION:iam::ACCOUNT:oidc-provider/ISSUER".to_owned(), |p| p.arn());
        let steps: Vec<(String, Vec<String>)> = vec![
            (
                "Know what changes: enabling service-account issuer discovery changes the cluster's issuer to the store's URL, so every service-account token issued before stops authenticating (to the API server too) until the pods get new ones.".to_owned(),
                vec![],
            ),
            (
                "Export a static admin kubeconfig first, so that you are not locked out while the control plane rolls.".to_owned(),
                vec![format!("kops export kubeconfig --name {cluster} --admin")],
            ),
            (
                format!("Create the bucket (no dots), and allow public reads of the discovery documents under {}.", self.store.url()),
                vec![format!("aws s3api create-bucket --bucket {} --region {} --create-bucket-configuration LocationConstraint={}", self.store.bucket, self.region, self.region)],
            ),
            (
                "Merge the cluster spec below (irsa kops prints it) into the cluster.".to_owned(),
                vec![format!("kops edit cluster --name {cluster}")],
            ),
            (
                "Apply it (with Terraform as the target when the cluster uses it), then roll the control plane first.".to_owned(),
                vec![
                    format!("kops update cluster --name {cluster} --yes   # or: --target=terraform, then terraform apply"),
                    format!("kops rolling-update cluster --name {cluster} --instance-group-roles=control-plane --cloudonly --yes"),
                ],
            ),
            (
                "Delete the old service-account token secrets, so that nothing keeps a token of the old issuer.".to_owned(),
                vec![
                    "kubectl get secrets -A --field-selector type=kubernetes.io/service-account-token  # review them".to_owned(),
                    "kubectl delete secrets -A --field-selector type=kubernetes.io/service-account-token".to_owned(),
                ],
            ),
            (
                "Restart the pods, so that they mount tokens of the new issuer (and the pod identity webhook injects AWS_ROLE_ARN).".to_owned(),
                vec![format!("kops rolling-update cluster --name {cluster} --yes"), "kubectl rollout restart deployment -n NAMESPACE NAME".to_owned()],
            ),
            (
                format!("Trust the new provider in IAM: the roles irsa generates (audience {KOPS_AUDIENCE}); kops creates the provider {provider} itself with enableAWSOIDCProvider."),
                vec!["irsa generate roles.yaml --out iam/ && terraform -chdir=iam apply".to_owned()],
            ),
            (
                "Verify from a debug pod with the role's service account: the caller is the role, not the node.".to_owned(),
                vec![
                    "kubectl run irsa-check -it --rm --image=amazon/aws-cli --overrides='{\"spec\":{\"serviceAccountName\":\"NAME\"}}' -n NAMESPACE -- sts get-caller-identity".to_owned(),
                    format!("irsa simulate --policy role.json --sub system:serviceaccount:NAMESPACE:NAME --aud {KOPS_AUDIENCE} --iss {issuer}"),
                ],
            ),
            (
                "Finally, enforce IMDSv2 with a hop limit of 1 on the nodes, so that pods cannot fall back to the node's credentials.".to_owned(),
                vec![
                    format!("kops edit instancegroup --name {cluster} NODES  # spec.instanceMetadata: {{httpTokens: required, httpPutResponseHopLimit: 1}}"),
                    format!("kops update cluster --name {cluster} --yes && kops rolling-update cluster --name {cluster} --yes"),
                ],
            ),
        ];
        let mut out = format!("Enabling IRSA on the running kops cluster {cluster}, in this order:\n");
        for (index, (step, commands)) in steps.iter().enumerate() {
            let _ = writeln!(out, "\n{}. {step}", index + 1);
            for command in commands {
                let _ = writeln!(out, "   $ {command}");
            }
        }
        out.push_str("\nThe cluster spec to merge:\n\n");
        out.push_str(&self.cluster_spec_yaml());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bucket: &str, expected: Result<(), &str>) {
        match (check_bucket_name(bucket), expected) {
            (Ok(()), Ok(())) => {}
            (Err(e), Err(want)) => {
                assert_eq!(e.value(), bucket);
                assert!(e.rule().contains(want), "{bucket}: {}\nwant: {want}", e.rule());
            }
            (got, want) => panic!("{bucket}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn bucket_names() {
        check("hdo-beta-irsa-providers", Ok(()));
        check("abc", Ok(()));
        check(&"a".repeat(63), Ok(()));
        check("123-bucket", Ok(()));
        check("ab", Err("3 to 63 characters long; this one is 2"));
        check(&"a".repeat(64), Err("this one is 64"));
        check("Hdo-Beta", Err("not `H` (`hdo-beta`?)"));
        check("hdo_beta", Err("not `_`"));
        check("-bucket", Err("starts and ends with a letter or a digit"));
        check("bucket-", Err("starts and ends with a letter or a digit"));
        check("a..b", Err("no two adjacent dots"));
        check("192.168.5.4", Err("shaped like an IP address"));
        check("xn--bucket", Err("must not start with `xn--`"));
        check("sthree-bucket", Err("`sthree-`"));
        check("amzn-s3-demo-bucket", Err("`amzn-s3-demo-`"));
        check("bucket-s3alias", Err("`-s3alias`"));
        check("bucket--ol-s3", Err("`--ol-s3`"));
        check("bucket.mrap", Err("`.mrap`"));
        check("bucket--x-s3", Err("`--x-s3`"));
        check("ee.hdo.beta.irsa.providers", Err("cannot contain dots"));
        check("ee.hdo.beta.irsa.providers", Err("use a name such as `ee-hdo-beta-irsa-providers`"));
        check("my.bucket", Err("*.s3.REGION.amazonaws.com covers one label"));
    }

    #[test]
    fn stores() {
        for (url, expected) in [
            ("s3://bucket", Ok(("bucket", ""))),
            ("s3://bucket/", Ok(("bucket", ""))),
            ("s3://bucket/a/b/", Ok(("bucket", "a/b"))),
            ("gs://bucket", Err("the scheme `gs://`")),
            ("https://bucket.s3.amazonaws.com", Err("the scheme `https://`")),
            ("bucket", Err("s3://BUCKET[/PATH]")),
            ("s3://bucket/a//b", Err("empty segment")),
            ("s3://bucket/a b", Err("the character ` `")),
            ("s3://My.Bucket/x", Err("not `M`")),
        ] {
            match (DiscoveryStore::parse(url), expected) {
                (Ok(store), Ok((bucket, path))) => assert_eq!((store.bucket(), store.path()), (bucket, path), "{url}"),
                (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{url}: {e}"),
                (got, want) => panic!("{url}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn partitions_and_regions() {
        let irsa = |region: &str, partition: Option<Partition>, dual: bool| {
            KopsIrsa::new(
                DiscoveryStore::parse("s3://bucket/path").unwrap(),
                region,
                partition,
                dual,
                Some("123456789012".parse().unwrap()),
                CertManager::Unmanaged,
            )
        };
        for (region, partition, dual, expected) in [
            ("eu-west-1", None, false, Ok("https://bucket.s3.eu-west-1.amazonaws.com/path")),
            ("eu-west-1", None, true, Ok("https://bucket.s3.dualstack.eu-west-1.amazonaws.com/path")),
            ("cn-north-1", None, false, Ok("https://bucket.s3.cn-north-1.amazonaws.com.cn/path")),
            (
                "cn-north-1",
                Some(Partition::AwsCn),
                true,
                Ok("https://bucket.s3.dualstack.cn-north-1.amazonaws.com.cn/path"),
            ),
            ("us-gov-west-1", None, false, Ok("https://bucket.s3.us-gov-west-1.amazonaws.com/path")),
            ("us-gov-west-1", Some(Partition::Aws), false, Err("in the partition `aws-us-gov`, not `aws`")),
            ("eu-west-1", Some(Partition::AwsCn), false, Err("in the partition `aws`, not `aws-cn`")),
            ("moon-base-1", None, false, Err("not an AWS region name")),
            ("eu-west", None, false, Err("not an AWS region name")),
            ("EU-WEST-1", None, false, Err("not an AWS region name")),
        ] {
            match (irsa(region, partition, dual), expected) {
                (Ok(irsa), Ok(issuer)) => {
                    assert_eq!(irsa.issuer_url(), issuer, "{region}");
                    let arn = irsa.provider().unwrap().unwrap().arn();
                    assert!(
                        arn.ends_with(&format!(":oidc-provider/{}", issuer.trim_start_matches("https://"))),
                        "{arn}"
                    );
                    assert!(arn.starts_with(&format!("arn:{}:", Partition::for_region(region).unwrap())), "{arn}");
                }
                (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{region}: {e}"),
                (got, want) => panic!("{region}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn the_spec_is_yaml_that_reads_back() {
        let irsa = KopsIrsa::new(
            DiscoveryStore::parse("s3://b-1/p").unwrap(),
            "eu-west-1",
            None,
            false,
            None,
            CertManager::Unmanaged,
        )
        .unwrap();
        let value: serde_json::Value = serde_norway::from_str(&irsa.to_yaml().unwrap()).unwrap();
        assert_eq!(value["spec"]["serviceAccountIssuerDiscovery"]["discoveryStore"], "s3://b-1/p");
        assert_eq!(value["spec"]["serviceAccountIssuerDiscovery"]["enableAWSOIDCProvider"], true);
        assert_eq!(value["spec"]["certManager"]["managed"], false);
        assert_eq!(value["spec"]["podIdentityWebhook"]["enabled"], true);
        assert_eq!(value["spec"]["iam"]["useServiceAccountExternalPermissions"], true);
        assert!(irsa.to_text().unwrap().contains("provider arn: (give --account to derive it)"));
    }
}
