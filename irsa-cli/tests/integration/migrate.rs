//! `irsa migrate`: the README's kiam role, get-role output (object and URL-encoded), merges,
//! the wildcard move, idempotence, removal of the legacy trust, the quota, bad usage.

use std::path::PathBuf;

use crate::support::{Run, assert_snapshot, irsa, workspace_root};

const KOPS: &str = "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com";
const EKS: &str =
    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

fn fixture(name: &str) -> String {
    workspace_root().join("examples/policies").join(name).to_string_lossy().into_owned()
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    crate::support::temp_file("migrate", name, content)
}

fn migrate(args: &[&str]) -> Run {
    let mut all = vec!["migrate"];
    all.extend_from_slice(args);
    irsa(&all)
}

/// Runs a migration, snapshots its output and explanation, and checks that running it again
/// on its own output changes nothing.
fn check(name: &str, file: &str, args: &[&str], format: &str) -> Run {
    let mut all = vec![file, "--explain", "--format", format];
    all.extend_from_slice(args);
    let run = migrate(&all);
    assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
    let shown: Vec<String> = all.iter().map(|a| a.replace(&fixture(""), "examples/policies/")).collect();
    let extension = if format == "hcl" { "tf" } else { "json" };
    let command = format!("irsa migrate {}", shown.join(" "));
    assert_snapshot(&format!("migrate__{name}.{extension}"), &command, &run.stdout);
    assert_snapshot(
        &format!("migrate__{name}.{extension}.explain"),
        &format!("{command} (standard error)"),
        &run.stderr,
    );
    let output = temp_file(&format!("{name}.{}", if format == "hcl" { "tf" } else { "json" }), &run.stdout);
    all[0] = output.to_str().unwrap();
    let again = migrate(&all);
    assert_eq!(again.code, Some(0), "{name}: {}", again.stderr);
    assert_eq!(again.stdout, run.stdout, "{name}: a second run changed the policy");
    assert!(
        again.stderr.starts_with("irsa: nothing changed")
            || again.stderr.contains("removed") == run.stderr.contains("removed"),
        "{name}: {}",
        again.stderr
    );
    // What the second run says it did: nothing that changes the policy.
    for change in ["irsa: added statement", "irsa: merged into", "irsa: removed statement"] {
        assert!(!again.stderr.contains(change), "{name}: a second run says `{change}`: {}", again.stderr);
    }
    run
}

#[test]
fn the_readme_kiam_role_gets_irsa_beside_the_node_role() {
    let run = check(
        "kiam_node_role",
        &fixture("kiam-node-role.json"),
        &["--provider", KOPS, "--sa", "kube-system:external-dns"],
        "json",
    );
    assert!(run.stdout.contains("\"Sid\": \"KiamNodes\""), "the legacy statement is kept as it was");
    assert!(run.stderr.contains("irsa: added statement 1: sts:AssumeRoleWithWebIdentity from"), "{}", run.stderr);
    check(
        "kiam_node_role",
        &fixture("kiam-node-role.json"),
        &["--provider", KOPS, "--sa", "kube-system:external-dns"],
        "hcl",
    );
}

#[test]
fn get_role_output_as_object_and_url_encoded() {
    check(
        "get_role",
        &fixture("get-role.json"),
        &["--provider", KOPS, "--sa", "kube-system:external-dns", "--provider", EKS],
        "json",
    );
    // The encoded role already trusts the kops cluster: the new subjects are merged, and a
    // wildcard moves them all to StringLike.
    let run = check(
        "get_role_encoded",
        &fixture("get-role-encoded.json"),
        &["--provider", KOPS, "--sa", "kube-system:cluster-autoscaler", "--sa", "kube-system:autoscaler-*"],
        "json",
    );
    assert!(run.stderr.contains("its :sub values moved to StringLike"), "{}", run.stderr);
    assert!(!run.stdout.contains("\"StringEquals\""), "{}", run.stdout);
}

#[test]
fn terraform_in_terraform_out() {
    check(
        "policy_documents",
        &fixture("policy-documents.tf"),
        &["--name", "external_dns_assume_role", "--provider", KOPS, "--sa", "kube-system:external-dns-canary"],
        "hcl",
    );
}

#[test]
fn remove_legacy_once_the_migration_is_done() {
    let run = check("remove_legacy", &fixture("eks-and-external-id.json"), &["--remove-legacy"], "json");
    assert!(run.stderr.contains("kept statement 0 (Sid \"VendorAccess\")"), "{}", run.stderr);
    let migrated = migrate(&[&fixture("get-role-encoded.json"), "--remove-legacy", "--explain"]);
    assert_eq!(migrated.code, Some(0), "{}", migrated.stderr);
    assert!(!migrated.stdout.contains("sts:AssumeRole\""), "{}", migrated.stdout);
    assert!(
        migrated
            .stderr
            .contains("removed statement 0: sts:AssumeRole from AWS=arn:aws:iam::123456789012:role/nodes.beta.hdo.ee")
    );
    // Without --explain, standard error stays quiet.
    let quiet = migrate(&[&fixture("get-role-encoded.json"), "--remove-legacy"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (Some(0), ""));
}

#[test]
fn bad_migrations_write_nothing() {
    let out = crate::support::fresh_dir("migrate-out").join("out.json");
    let subjects: Vec<String> = (0..40).map(|i| format!("team-{i}:application-service-account")).collect();
    let mut many = vec![fixture("kiam-node-role.json"), "--provider".into(), KOPS.into()];
    for subject in &subjects {
        many.push("--sa".into());
        many.push(subject.clone());
    }
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let kiam = fixture("kiam-node-role.json");
    let documents = fixture("policy-documents.tf");
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (many.clone(), vec!["over the quota of 2048 by"]),
        (vec![&kiam], vec!["nothing to do", "hint: irsa migrate FILE --provider ARN"]),
        (vec![&kiam, "--remove-legacy"], vec!["leaves no statement"]),
        (vec![&kiam, "--remove-legacy", "--legacy-principal", "AWS=123456789012"], vec!["cannot be added and removed"]),
        (vec![&kiam, "--provider", KOPS], vec!["needs at least one service account"]),
        (
            vec![&kiam, "--provider", "arn:aws:iam::123:oidc-provider/x", "--sa", "a:b"],
            vec!["--provider: invalid OIDC provider ARN"],
        ),
        (vec![&kiam, "--provider", KOPS, "--sa", "Default:app"], vec!["--sa: invalid service account `Default:app`"]),
        (vec![&documents, "--provider", KOPS, "--sa", "a:b"], vec!["several policy documents"]),
    ];
    for (mut args, needles) in cases {
        args.extend(["--out", out.to_str().unwrap()]);
        migrate(&args).assert_refused(&format!("{args:?}"), &needles);
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
    // A statement irsa keeps as it is, but that lint finds broken, stops the migration...
    let wildcard = workspace_root().join("examples/lint/wildcard-in-string-equals.json");
    let wildcard = wildcard.to_str().unwrap();
    let run = migrate(&[wildcard, "--provider", KOPS, "--sa", "kube-system:a", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("irsa lint finds an error in the result, so it is not written:\n  error wildcard-in-string-equals: statement 0"), "{}", run.stderr);
    assert!(!out.exists());
    // ...unless the migration is what fixes it: the provider's statement moves to StringLike.
    let run = migrate(&[wildcard, "--provider", EKS, "--sa", "crossplane-system:provider-aws-*", "--explain"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("moved to StringLike"), "{}", run.stderr);
    assert!(run.stdout.contains("\"StringLike\": {"), "{}", run.stdout);

    // --quota 4096 lets the same policy through.
    let mut raised = many.clone();
    raised.extend(["--quota", "4096"]);
    assert_eq!(migrate(&raised).code, Some(0));
}

/// Terraform migrated onto the file it came from: the one block is replaced, every other byte
/// of the file (comments, other resources, references irsa does not evaluate) is kept, and
/// HashiCorp's parser and formatter accept the result. Onto another file, only the block is
/// written.
#[test]
fn terraform_is_edited_in_place() {
    let original = std::fs::read_to_string(workspace_root().join("examples/terraform/kiam-role.tf")).unwrap();
    let file = temp_file("kiam-role.tf", &original);
    let path = file.to_str().unwrap();
    let args = [
        path,
        "--name",
        "external_dns_assume",
        "--provider",
        KOPS,
        "--sa",
        "kube-system:external-dns",
        "--audience",
        "amazonaws.com",
        "--format",
        "hcl",
        "--out",
        path,
    ];
    let run = migrate(&args);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("replaced data.aws_iam_policy_document.external_dns_assume in ")
            && run.stderr.contains("the rest of the file is as it was"),
        "{}",
        run.stderr
    );
    let edited = std::fs::read_to_string(&file).unwrap();
    let start = "data \"aws_iam_policy_document\" \"external_dns_assume\" {";
    let end = "\nresource \"aws_iam_role\" \"external_dns\" {";
    let (before, _) = original.split_once(start).unwrap();
    let (_, after) = original.split_once(end).unwrap();
    assert!(edited.starts_with(&format!("{before}{start}")), "{edited}");
    assert!(edited.ends_with(&format!("{end}{after}")), "{edited}");
    assert!(edited.contains("system:serviceaccount:kube-system:external-dns"), "{edited}");
    assert!(edited.contains("arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"), "the kiam trust stays: {edited}");
    if let Some(script) = crate::conformance::node_script("hcl-check.cjs", &["@cdktf/hcl2json", "@cdktf/hcl-tools"]) {
        let output = std::process::Command::new("node").arg(script).arg("check").arg(&file).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    }
    // Twice is once: the file does not change again.
    let again = migrate(&args);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
    // Through a symbolic link, onto a file without a final newline and with its own mode: the
    // link stays a link, the mode is kept, and no byte is added.
    use std::os::unix::fs::{PermissionsExt, symlink};
    let target = temp_file("linked.tf", original.trim_end_matches('\n'));
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = target.with_file_name("link.tf");
    let _ = std::fs::remove_file(&link);
    symlink(&target, &link).unwrap();
    let mut through = args.to_vec();
    let link_arg = link.to_str().unwrap();
    through[0] = link_arg;
    let last = through.len() - 1;
    through[last] = link_arg;
    let run = migrate(&through);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o600);
    let linked = std::fs::read_to_string(&target).unwrap();
    assert_eq!(linked, edited.trim_end_matches('\n'));
    // Onto another file: the block alone.
    let other = temp_file("block.tf", "");
    let mut to_other = args.to_vec();
    let last = to_other.len() - 1;
    to_other[last] = other.to_str().unwrap();
    let run = migrate(&to_other);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(std::fs::read_to_string(&other).unwrap().starts_with(start), "only the block");
    assert!(!run.stderr.contains("replaced"), "{}", run.stderr);
}
