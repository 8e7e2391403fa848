//! `irsa kops`: every format and the checklist snapshotted, the YAML read back, bad inputs.

use crate::support::{Run, assert_snapshot, irsa};

fn kops(args: &[&str]) -> Run {
    let mut all = vec!["kops"];
    all.extend_from_slice(args);
    irsa(&all)
}

const STORE: &[&str] = &["--discovery-store", "s3://hdo-beta-irsa-providers/beta", "--region", "eu-west-1"];

#[test]
fn every_format_and_the_checklist() {
    for (name, extra) in [
        ("text", vec!["--account", "123456789012"]),
        ("yaml", vec!["--account", "123456789012", "--format", "yaml"]),
        ("json", vec!["--account", "123456789012", "--format", "json", "--cert-manager", "unmanaged"]),
        ("checklist", vec!["--account", "123456789012", "--explain", "--cluster-name", "beta.hdo.ee"]),
    ] {
        let mut args = STORE.to_vec();
        args.extend(extra.iter().copied());
        let run = kops(&args);
        assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{name}");
        let extension = match name {
            "yaml" => "yaml",
            "json" => "json",
            _ => "txt",
        };
        assert_snapshot(&format!("kops__{name}.{extension}"), &format!("irsa kops {}", args.join(" ")), &run.stdout);
    }
}

/// The YAML is valid YAML, with the cluster spec kops needs; JSON has the same values.
#[test]
fn the_yaml_reads_back() {
    let mut args = STORE.to_vec();
    args.extend(["--format", "yaml", "--cert-manager", "unmanaged", "--dual-stack"]);
    let run = kops(&args);
    let yaml: serde_json::Value = serde_norway::from_str(&run.stdout).unwrap();
    let spec = &yaml["spec"];
    assert_eq!(spec["serviceAccountIssuerDiscovery"]["discoveryStore"], "s3://hdo-beta-irsa-providers/beta");
    assert_eq!(spec["serviceAccountIssuerDiscovery"]["enableAWSOIDCProvider"], true);
    assert_eq!(spec["certManager"], serde_json::json!({"enabled": true, "managed": false}));
    assert_eq!(spec["podIdentityWebhook"]["enabled"], true);
    assert_eq!(spec["iam"]["useServiceAccountExternalPermissions"], true);
    assert!(
        run.stdout.contains("#   issuer: https://hdo-beta-irsa-providers.s3.dualstack.eu-west-1.amazonaws.com/beta\n"),
        "{}",
        run.stdout
    );

    let args = ["--discovery-store", "s3://hdo-beta-irsa-providers/beta", "--region", "cn-north-1"];
    let run = kops(&[&args[..], &["--format", "json", "--account", "123456789012"]].concat());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr));
    assert_eq!(json["issuer"], "https://hdo-beta-irsa-providers.s3.cn-north-1.amazonaws.com.cn/beta");
    assert_eq!(json["jwks_uri"], "https://hdo-beta-irsa-providers.s3.cn-north-1.amazonaws.com.cn/beta/openid/v1/jwks");
    assert_eq!(
        json["provider_arn"],
        "arn:aws-cn:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.cn-north-1.amazonaws.com.cn/beta"
    );
    assert_eq!(json["audience"], "amazonaws.com");
    assert_eq!(json["cluster_spec"]["spec"]["certManager"]["managed"], true);
}

#[test]
fn bad_inputs_are_exit_2() {
    for (args, needle) in [
        (
            vec!["--discovery-store", "s3://ee.hdo.beta.irsa.providers", "--region", "eu-west-1"],
            "--discovery-store: invalid discovery store `s3://ee.hdo.beta.irsa.providers`: a discovery store's bucket cannot contain dots",
        ),
        (
            vec!["--discovery-store", "s3://ee.hdo.beta.irsa.providers", "--region", "eu-west-1"],
            "use a name such as `ee-hdo-beta-irsa-providers`",
        ),
        (vec!["--discovery-store", "gs://bucket", "--region", "eu-west-1"], "the scheme `gs://`"),
        (vec!["--discovery-store", "s3://ab", "--region", "eu-west-1"], "3 to 63 characters"),
        (vec!["--discovery-store", "s3://Bucket", "--region", "eu-west-1"], "(`bucket`?)"),
        (vec!["--discovery-store", "s3://10.0.0.1", "--region", "eu-west-1"], "IP address"),
        (vec!["--discovery-store", "s3://bucket", "--region", "eu-west"], "--region: invalid region `eu-west`"),
        (
            vec!["--discovery-store", "s3://bucket", "--region", "cn-north-1", "--partition", "aws"],
            "in the partition `aws-cn`, not `aws`",
        ),
        (
            vec!["--discovery-store", "s3://bucket", "--region", "us-gov-west-1", "--partition", "aws"],
            "in the partition `aws-us-gov`, not `aws`",
        ),
        (
            vec!["--discovery-store", "s3://bucket", "--region", "eu-west-1", "--partition", "aws-moon"],
            "--partition: invalid partition",
        ),
        (
            vec!["--discovery-store", "s3://bucket", "--region", "eu-west-1", "--account", "12345"],
            "--account: invalid account ID",
        ),
    ] {
        kops(&args).assert_refused(&format!("{args:?}"), &[needle]);
    }
}
