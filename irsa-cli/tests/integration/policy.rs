//! `irsa policy`: snapshots of every scenario in JSON and HCL, and a table of bad inputs.

use std::fs;

use crate::support::{assert_snapshot, irsa, irsa_command, snapshots_dir};

const KOPS: &str = "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com";
const EKS: &str =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const NODE_ROLE: &str = "AWS=arn:aws:iam::123456789012:role/nodes.beta.hdo.ee";

/// The scenarios: a name, and the arguments after `irsa policy`. Each is snapshotted as
/// `policy__<name>.json` and `policy__<name>.tf`.
fn cases() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        // The README's kops migration: S3 issuer, the legacy node role, two service accounts, no :aud.
        (
            "kops_migration",
            vec![
                "--provider",
                KOPS,
                "--sa",
                "kube-system:external-dns",
                "--sa",
                "kube-system:cluster-autoscaler",
                "--legacy-principal",
                NODE_ROLE,
            ],
        ),
        (
            "kops_pinned_audience",
            vec!["--provider", KOPS, "--sa", "kube-system:external-dns", "--audience", "amazonaws.com"],
        ),
        ("eks_auto_audience", vec!["--provider", EKS, "--sa", "default:app"]),
        ("eks_no_audience", vec!["--provider", EKS, "--sa", "default:app", "--audience", "none"]),
        (
            "wildcard_subjects",
            vec![
                "--provider",
                EKS,
                "--sa",
                "crossplane-system:provider-aws-*",
                "--sa",
                "crossplane-system:crossplane",
                "--sa",
                "team-?:app",
            ],
        ),
        ("broad_subject_allowed", vec!["--provider", EKS, "--sa", "monitoring:*", "--allow-broad-subjects"]),
        (
            "two_providers",
            vec![
                "--provider",
                KOPS,
                "--provider",
                EKS,
                "--sa",
                "kube-system:external-dns",
                "--legacy-principal",
                NODE_ROLE,
            ],
        ),
        (
            "aws_cn_provider",
            vec![
                "--provider",
                "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                "--sa",
                "default:app",
            ],
        ),
        (
            "aws_us_gov_provider",
            vec![
                "--provider",
                "arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                "--sa",
                "default:app",
            ],
        ),
        ("tag_session", vec!["--provider", EKS, "--sa", "default:app", "--tag-session"]),
        (
            "issuer_and_account",
            vec![
                "--issuer",
                "https://oidc.eks.us-gov-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                "--account",
                "123456789012",
                "--partition",
                "aws-us-gov",
                "--sa",
                "default:app",
            ],
        ),
        (
            "issuer_with_path_and_slash",
            vec![
                "--issuer",
                "https://auth.example.com/tenants/blue/",
                "--account",
                "123456789012",
                "--sa",
                "default:app",
            ],
        ),
        (
            "legacy_principals_grouped",
            vec![
                "--provider",
                KOPS,
                "--sa",
                "default:app",
                "--legacy-principal",
                "service=ec2.amazonaws.com",
                "--legacy-principal",
                NODE_ROLE,
                "--legacy-principal",
                "AWS=arn:aws:iam::123456789012:role/kiam-server",
                "--legacy-principal",
                "Federated=arn:aws:iam::123456789012:saml-provider/Okta",
            ],
        ),
        (
            "duplicates_kept_once",
            vec![
                "--provider",
                EKS,
                "--sa",
                "default:app",
                "--sa",
                "system:serviceaccount:default:app",
                "--audience",
                "a",
                "--audience",
                "a",
            ],
        ),
    ]
}

/// Runs one scenario in one output format and compares it with its snapshot.
fn check(name: &str, args: &[&str], format: &str, extension: &str, extra: &[&str]) {
    let mut full = vec!["policy"];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", format]);
    full.extend_from_slice(extra);
    let run = irsa(&full);
    assert_eq!(run.code, Some(0), "irsa {}\n{}", full.join(" "), run.stderr);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.ends_with('\n') && !run.stdout.ends_with("\n\n"), "one final newline");
    assert_snapshot(&format!("policy__{name}.{extension}"), &format!("irsa {}", full.join(" ")), &run.stdout);
}

#[test]
fn scenarios_in_json_and_hcl() {
    for (name, args) in cases() {
        check(name, &args, "json", "json", &[]);
        check(name, &args, "hcl", "tf", &[]);
    }
}

#[test]
fn role_resource_and_compact_json() {
    let (_, args) = &cases()[0];
    check("kops_migration_with_role", args, "hcl", "tf", &["--role-name", "external-dns"]);
    check("kops_migration_compact", args, "json", "json", &["--compact"]);
}

#[test]
fn output_is_deterministic() {
    for (_, args) in cases() {
        let mut full = vec!["policy"];
        full.extend_from_slice(&args);
        assert_eq!(irsa(&full).stdout, irsa(&full).stdout);
    }
}

/// Every committed `policy__*` snapshot belongs to a scenario (no stale files).
#[test]
fn no_stale_snapshots() {
    let mut expected: Vec<String> = cases()
        .iter()
        .flat_map(|(name, _)| [format!("policy__{name}.json.snap"), format!("policy__{name}.tf.snap")])
        .collect();
    expected
        .extend(["policy__kops_migration_with_role.tf.snap".into(), "policy__kops_migration_compact.json.snap".into()]);
    for entry in fs::read_dir(snapshots_dir()).expect("snapshots/ exists") {
        let file = entry.expect("readable entry").file_name().to_string_lossy().into_owned();
        if file.starts_with("policy__") && file.ends_with(".snap") {
            assert!(expected.contains(&file), "snapshots/{file} belongs to no test case: delete it");
        }
    }
}

/// Bad input: exit 2, nothing on stdout, and stderr names the value, where it was and the rule.
fn check_bad(args: &[&str], expected: &[&str]) {
    let mut full = vec!["policy"];
    full.extend_from_slice(args);
    irsa(&full).assert_refused(&format!("irsa {}", full.join(" ")), expected);
}

#[test]
fn bad_provider_arns() {
    let sa = ["--sa", "default:app"];
    let check = |arn: &str, rule: &str| {
        check_bad(&["--provider", arn, sa[0], sa[1]], &["--provider: invalid OIDC provider ARN", arn, rule])
    };
    check(
        "arn:aws-bogus:iam::123456789012:oidc-provider/example.com",
        "the partition `aws-bogus` is not an AWS partition",
    );
    check("arn:aws:iam::12345:oidc-provider/example.com", "the account `12345` must be 12 digits");
    check("arn:aws:sts::123456789012:oidc-provider/example.com", "the service `sts` must be `iam`");
    check("arn:aws:iam:us-east-1:123456789012:oidc-provider/example.com", "the region field must be empty");
    check("arn:aws:iam::123456789012:role/app", "is not an OIDC provider");
    check("arn:aws:iam::123456789012:oidc-provider/https://example.com", "must not include a scheme");
    check("arn:aws:iam::123456789012:oidc-provider/example.com:443", "must not have a port");
    check("arn:aws:iam::123456789012:oidc-provider/example.com?x=1", "must not have a query");
    check("arn:aws:iam::123456789012:oidc-provider/exa mple.com", "whitespace");
    check(
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC",
        "partition `aws-us-gov`",
    );
    check("oidc.eks.eu-west-1.amazonaws.com/id/ABC", "has the shape");
}

#[test]
fn bad_issuers_accounts_and_partitions() {
    let sa = ["--sa", "default:app"];
    check_bad(
        &["--issuer", "http://example.com", "--account", "123456789012", sa[0], sa[1]],
        &["--issuer: invalid issuer URL `http://example.com`", "only https"],
    );
    check_bad(
        &["--issuer", "https://example.com:8443", "--account", "123456789012", sa[0], sa[1]],
        &["`https://example.com:8443`", "port"],
    );
    check_bad(&["--issuer", "https://example.com/?a=b", "--account", "123456789012", sa[0], sa[1]], &["query"]);
    check_bad(&["--issuer", "https://example.com", sa[0], sa[1]], &["--issuer needs --account"]);
    check_bad(&["--provider", KOPS, "--account", "123456789012", sa[0], sa[1]], &["give --issuer too"]);
    check_bad(
        &["--issuer", "https://example.com", "--account", "1234567890", sa[0], sa[1]],
        &["--account: invalid account ID `1234567890`", "12 digits"],
    );
    check_bad(
        &["--issuer", "https://example.com", "--account", "123456789012", "--partition", "aws-mars", sa[0], sa[1]],
        &["--partition: invalid partition `aws-mars`", "aws-us-gov"],
    );
    check_bad(
        &["--issuer", "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC", "--account", "123456789012", sa[0], sa[1]],
        &["partition `aws-cn`, but the provider's partition is `aws`"],
    );
}

#[test]
fn bad_subjects() {
    let check = |sa: &str, rule: &str| {
        check_bad(&["--provider", EKS, "--sa", sa], &["--sa: invalid service account", sa, rule])
    };
    check("Default:app", "Kubernetes names are lowercase (`default`?)");
    check("default", "expected NAMESPACE:NAME");
    check("my_ns:app", "the character `_`");
    check("ns:-app", "must start and end with a letter or digit");
    check("ns:*", "--allow-broad-subjects");
    check("*:app", "--allow-broad-subjects");
    check("*", "--allow-broad-subjects");
}

#[test]
fn bad_principals_audiences_and_combinations() {
    let base = ["--provider", EKS, "--sa", "default:app"];
    let with = |extra: &[&'static str]| [&base[..], extra].concat();
    check_bad(
        &with(&["--legacy-principal", "AWS=*"]),
        &["--legacy-principal: invalid legacy principal `AWS=*`", "wildcard"],
    );
    check_bad(&with(&["--legacy-principal", "Role=x"]), &["the type `Role` is not one of AWS, Service, Federated"]);
    check_bad(&with(&["--legacy-principal", "Service=ec2"]), &["`Service=ec2`", "not a domain name"]);
    check_bad(
        &with(&["--audience", "none", "--audience", "sts.amazonaws.com"]),
        &["--audience: invalid audience `none`", "stand alone"],
    );
    check_bad(&with(&["--audience", "sts.*"]), &["`sts.*`", "never match"]);
    check_bad(&with(&["--role-name", "app"]), &["--role-name names the aws_iam_role written with --format hcl"]);
    check_bad(&with(&["--format", "hcl", "--compact"]), &["--compact is for JSON"]);
    check_bad(
        &with(&["--format", "hcl", "--role-name", "my role"]),
        &["--role-name: invalid role name `my role`", "letters, digits and `+=,.@_-`"],
    );
    check_bad(&["--provider", EKS, "--provider", EKS, "--sa", "a:b"], &["--provider/--issuer", "given twice"]);
    check_bad(&["--provider", EKS], &["needs at least one service account", "hint:"]);
    check_bad(&["--sa", "default:app"], &["no OIDC provider"]);
    check_bad(&[], &["nothing to trust"]);
    check_bad(&with(&["--format", "yaml"]), &["invalid value 'yaml' for '--format <FORMAT>'"]);
    check_bad(
        &with(&["--quota", "3000"]),
        &["invalid value '3000' for '--quota <CHARS>'", "2048 (the default), 4096 or 8192"],
    );
    check_bad(&with(&["--bogus"]), &["unexpected argument '--bogus'"]);
}

#[test]
fn quota_is_enforced_as_iam_counts() {
    let subjects: Vec<String> = (0..40).map(|i| format!("--sa=team-{i:02}:application-service-account")).collect();
    let mut args = vec!["--provider", EKS];
    args.extend(subjects.iter().map(String::as_str));
    check_bad(
        &args,
        &[
            "irsa: error: invalid trust policy size: the policy is ",
            "over the quota of 2048 by",
            "split the service accounts",
        ],
    );
    args.extend(["--quota", "4096"]);
    let mut full = vec!["policy"];
    full.extend(&args);
    assert_eq!(irsa(&full).code, Some(0));
}

#[test]
fn out_writes_the_file_and_nothing_else() {
    let dir = crate::support::fresh_dir("policy-out");
    let path = dir.join("trust.json");
    let path_arg = path.to_str().unwrap();
    let run = irsa(&["policy", "--provider", EKS, "--sa", "default:app", "--out", path_arg]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), ""));
    let written = fs::read_to_string(&path).unwrap();
    assert_eq!(written, irsa(&["policy", "--provider", EKS, "--sa", "default:app"]).stdout);
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1, "no temporary file is left behind");

    // Bad input writes nothing, and leaves an existing file as it was.
    let run = irsa(&["policy", "--provider", EKS, "--sa", "Default:app", "--out", path_arg]);
    assert_eq!(run.code, Some(2));
    assert_eq!(fs::read_to_string(&path).unwrap(), written);
    let missing = dir.join("never.json");
    irsa(&["policy", "--sa", "default:app", "--out", missing.to_str().unwrap()]);
    assert!(!missing.exists());

    // An output that cannot be written is an error that names it.
    let run = irsa(&[
        "policy",
        "--provider",
        EKS,
        "--sa",
        "default:app",
        "--out",
        dir.join("no/such/dir.json").to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("cannot write") && run.stderr.contains("no/such/dir.json"), "{}", run.stderr);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_closed_pipe_is_a_clean_exit() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = irsa_command(&["policy", "--provider", EKS, "--sa", "default:app"]).stdout(writer).status().unwrap();
    assert_eq!(status.code(), Some(0));
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = irsa_command(&["man"]).stdout(writer).stderr(std::process::Stdio::null()).status().unwrap();
    assert_eq!(status.code(), Some(0));
}
