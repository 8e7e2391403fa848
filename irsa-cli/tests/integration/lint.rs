//! `irsa lint`: the fixtures of every rule through the CLI in text, JSON and SARIF; exit codes;
//! folders; Terraform; every `irsa policy` snapshot lints without errors or warnings.

use std::fs;
use std::path::PathBuf;

use serde_json::Value;

use crate::support::{Run, assert_snapshot, irsa, irsa_command, snapshots_dir, workspace_root};

fn examples(path: &str) -> String {
    workspace_root().join("examples").join(path).to_string_lossy().into_owned()
}

/// Runs `irsa lint` from the workspace root, so that file names in the output are relative.
fn lint(args: &[&str]) -> Run {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    irsa_command(&all).current_dir(workspace_root()).output().expect("irsa runs").into()
}

fn temp_dir(name: &str) -> PathBuf {
    crate::support::fresh_dir(&format!("lint-{name}"))
}

#[test]
fn the_fixtures_in_every_format() {
    for format in ["text", "json", "sarif"] {
        let run = lint(&["--format", format, "examples/lint"]);
        assert_eq!(run.code, Some(1), "{format}: {}", run.stderr);
        assert_eq!(run.stderr, "", "{format}");
        let extension = if format == "text" { "txt" } else { format };
        assert_snapshot(
            &format!("lint__fixtures.{extension}"),
            &format!("irsa lint --format {format} examples/lint"),
            &run.stdout,
        );
    }
    // The JSON names each finding's rule and severity, and the summary counts them.
    let json: Value = serde_json::from_str(&lint(&["--format", "json", "examples/lint"]).stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["rule"].is_string() && f["severity"].is_string()));
    assert_eq!(json["summary"]["errors"], findings.iter().filter(|f| f["severity"] == "error").count());
    // A fixture and a near miss for every rule but unreadable-policy (a document not read).
    assert_eq!(json["summary"]["policies"], 2 * (irsa_core::lint::Rule::ALL.len() - 1));
}

#[test]
fn exit_codes_follow_the_worst_finding() {
    // 0: clean; 0: only warnings and infos; 1: an error; 1: a warning with --deny warnings.
    let cases: &[(&[&str], i32)] = &[
        (&["examples/lint/missing-audience.near-miss.json"], 0),
        (&["examples/lint/missing-audience.json"], 0),
        (&["examples/lint/broad-subject.json"], 0),
        (&["--deny", "warnings", "examples/lint/broad-subject.json"], 1),
        (&["--deny", "warnings", "examples/lint/missing-audience.json"], 0),
        (&["examples/lint/wildcard-in-string-equals.json"], 1),
        (&["examples/lint/missing-audience.json", "examples/lint/federated-without-sub.json"], 1),
        // A raised quota makes the large policy fit.
        (&["--quota", "4096", "examples/lint/trust-policy-too-large.json"], 0),
        // A rule turned off does not run; the others still do.
        (&["--skip", "wildcard-in-string-equals", "examples/lint/wildcard-in-string-equals.json"], 0),
        (&["--skip", "missing-audience", "examples/lint/federated-without-sub.json"], 1),
    ];
    for (args, code) in cases {
        let run = lint(args);
        assert_eq!(run.code, Some(*code), "{args:?}\n{}{}", run.stdout, run.stderr);
    }
    let clean = lint(&["examples/lint/missing-audience.near-miss.json"]);
    assert_eq!(clean.stdout, "no findings in 1 policy\n");
    let skipped = lint(&["--skip", "missing-audience", "--format", "json", "examples/lint/missing-audience.json"]);
    assert!(!skipped.stdout.contains("missing-audience"), "{}", skipped.stdout);
    let unknown = lint(&["--skip", "missing_audience", "examples/lint/missing-audience.json"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("no lint rule `missing_audience` (rules: federated-without-sub"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn bad_input_is_exit_2() {
    let dir = temp_dir("bad");
    fs::write(dir.join("broken.json"), "{\"Statement\": [}").unwrap();
    fs::write(dir.join("dynamic.tf"), "data \"aws_iam_policy_document\" \"x\" {\n  dynamic \"statement\" {\n    for_each = var.statements\n    content {}\n  }\n}\n").unwrap();
    fs::write(dir.join("empty.tf"), "variable \"x\" {}\n").unwrap();
    for (file, needle) in [
        ("broken.json", "broken.json:1:16: invalid policy JSON"),
        (
            "dynamic.tf",
            "dynamic.tf:1:1: invalid policy document `data.aws_iam_policy_document.x`: `for_each` cannot be evaluated offline",
        ),
        (
            "empty.tf",
            "no data \"aws_iam_policy_document\" block, nor an aws_iam_role with its trust policy as JSON, to lint",
        ),
        ("missing.json", "cannot read"),
    ] {
        lint(&[dir.join(file).to_str().unwrap()]).assert_refused(file, &[needle]);
    }
    let run = lint(&["--quota", "3000", "examples/lint"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("2048 (the default), 4096 or 8192"), "{}", run.stderr);
}

/// A folder: `*.json` policies and `*.tf` documents are linted, other JSON is ignored, and
/// what cannot be read is skipped with a note (a named file would be exit 2).
#[test]
fn folders_are_searched() {
    let dir = temp_dir("walk");
    fs::create_dir_all(dir.join("iam/nested")).unwrap();
    fs::create_dir_all(dir.join("node_modules/x")).unwrap();
    fs::create_dir_all(dir.join(".terraform")).unwrap();
    fs::copy(examples("lint/wildcard-in-string-equals.json"), dir.join("iam/nested/app.json")).unwrap();
    fs::copy(examples("policies/policy-documents.tf"), dir.join("iam/main.tf")).unwrap();
    fs::copy(examples("lint/federated-without-sub.json"), dir.join("node_modules/x/policy.json")).unwrap();
    fs::copy(examples("lint/federated-without-sub.json"), dir.join(".terraform/policy.json")).unwrap();
    fs::write(dir.join("package.json"), "{\"name\": \"x\"}").unwrap();
    fs::write(
        dir.join("iam/broken.tf"),
        "data \"aws_iam_policy_document\" \"y\" {\n  statement {\n    actions = var.a\n  }\n}\n",
    )
    .unwrap();
    fs::write(dir.join("notes.txt"), "not a policy").unwrap();
    let run = lint(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let files: std::collections::BTreeSet<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().trim_start_matches(dir.to_str().unwrap()).to_owned())
        .collect();
    assert_eq!(files.into_iter().collect::<Vec<_>>(), ["/iam/broken.tf", "/iam/main.tf", "/iam/nested/app.json"]);
    assert_eq!(json["summary"]["policies"], 4, "two documents of main.tf, app.json, and broken.tf's, unread");
    // The document irsa cannot read is a finding where it stands; the others are linted.
    let unread: Vec<&Value> =
        json["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "unreadable-policy").collect();
    assert_eq!(unread.len(), 1, "{}", run.stdout);
    // Evaluated in its module, it needs a variable nobody gave: named, at its block.
    assert_eq!((unread[0]["line"].as_u64(), unread[0]["column"].as_u64()), (Some(1), Some(1)));
    let message = unread[0]["message"].as_str().unwrap();
    assert!(message.contains("irsa could not read this policy") && message.contains("var.a"), "{}", run.stdout);
}

/// What cannot be read is said, not passed over: a broken policy in a folder, a missing file
/// beside a good one; an empty folder is exit 2; a permission policy named alone gets a note.
#[test]
fn nothing_unread_goes_unsaid() {
    let dir = temp_dir("unsaid");
    fs::write(dir.join("trust.json"), "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": ").unwrap();
    fs::write(dir.join("tsconfig.json"), "{ // comments make it no JSON\n}").unwrap();
    let run = lint(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "only a broken policy: nothing could be read\n{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("trust.json:1:"), "{}", run.stderr);
    fs::copy(examples("lint/federated-without-sub.near-miss.json"), dir.join("good.json")).unwrap();
    let run = lint(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    let rules: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap().rsplit('/').next().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("trust.json", "unreadable-policy")], "tsconfig.json is no policy: {}", run.stdout);
    // A missing file beside a good one: a finding, and the good one is linted.
    let missing = dir.join("missing.json");
    let run = lint(&["--format", "json", missing.to_str().unwrap(), dir.join("good.json").to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["findings"][0]["rule"], "unreadable-policy");
    assert!(json["findings"][0]["message"].as_str().unwrap().contains("cannot read"), "{}", run.stdout);
    assert_eq!(json["summary"]["policies"], 2);
    // An empty folder: nothing to lint.
    let empty = temp_dir("empty");
    let run = lint(&[empty.to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no policy to lint in"), "{}", run.stderr);
    // A permission policy named alone: counted, and said.
    let permissions = dir.join("permissions.json");
    fs::write(&permissions, r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}"#)
        .unwrap();
    let run = lint(&[permissions.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("a permission policy (no Principal in any statement), not a trust policy"),
        "{}",
        run.stderr
    );
}

/// Permission policies beside trust policies are skipped and counted, and kops' generated
/// trust policies (files without an extension) are found by their content.
#[test]
fn permission_policies_are_skipped_and_kops_files_found() {
    let dir = temp_dir("permissions");
    fs::create_dir_all(dir.join("data")).unwrap();
    // AWS's install docs of the load balancer controller: its permission policy beside its trust.
    fs::write(
        dir.join("iam_policy.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole"], "Resource": "*"}, {"Effect": "Allow", "NotResource": "*", "Action": "ec2:Describe*"}]}"#,
    )
    .unwrap();
    fs::copy(examples("lint/federated-without-sub.near-miss.json"), dir.join("trust.json")).unwrap();
    fs::copy(
        examples("lint/wildcard-in-string-equals.json"),
        dir.join("data/aws_iam_role_dns-controller.kube-system.sa.beta.hdo.ee_policy"),
    )
    .unwrap();
    fs::write(dir.join("data/LICENSE"), "MIT").unwrap();
    let run = lint(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["summary"]["policies"], 2, "{}", run.stdout);
    assert_eq!(json["summary"]["skipped"], 1, "{}", run.stdout);
    let rules: Vec<&str> = json["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"prohibited-element"), "{rules:?}");
    assert!(rules.contains(&"wildcard-in-string-equals"), "{rules:?}");
    let text = lint(&[dir.to_str().unwrap()]);
    assert!(
        text.stdout.contains("in 2 policies (1 permission policy skipped: no Principal, so not a trust policy)"),
        "{}",
        text.stdout
    );
    // A file of several documents, one unreadable: the others are linted, and the next file too.
    let tf = dir.join("two.tf");
    fs::write(
        &tf,
        "data \"aws_iam_policy_document\" \"bad\" {\n  statement {\n    actions = var.a\n  }\n}\n\ndata \"aws_iam_policy_document\" \"ok\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"Service\"\n      identifiers = [\"ec2.amazonaws.com\"]\n    }\n  }\n}\n",
    )
    .unwrap();
    let run = lint(&["--format", "json", tf.to_str().unwrap(), dir.join("trust.json").to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["summary"]["policies"], 3, "{}", run.stdout);
    assert_eq!(json["findings"][0]["rule"], "unreadable-policy", "{}", run.stdout);
    assert_eq!(json["findings"][0]["policy"], Value::Null, "{}", run.stdout);
}

/// Findings in Terraform point at the statement block's line.
#[test]
fn terraform_findings_have_lines() {
    let dir = temp_dir("tf");
    let tf = "data \"aws_iam_policy_document\" \"app\" {\n  statement {\n    actions = [\"sts:AssumeRoleWithWebIdentity\"]\n\n    principals {\n      type        = \"Federated\"\n      identifiers = [\"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC\"]\n    }\n\n    condition {\n      test     = \"StringEquals\"\n      variable = \"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub\"\n      values   = [\"system:serviceaccount:default:app-*\"]\n    }\n  }\n}\n";
    fs::write(dir.join("main.tf"), tf).unwrap();
    let run = lint(&[dir.join("main.tf").to_str().unwrap()]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout.contains("main.tf (data.aws_iam_policy_document.app)\n  2:3  error  wildcard-in-string-equals"),
        "{}",
        run.stdout
    );
}

/// Every policy `irsa policy` printed in the snapshots lints without an error, and without a
/// warning but where a broad subject was asked for.
#[test]
fn every_policy_snapshot_lints_clean() {
    let mut checked = 0;
    for entry in fs::read_dir(snapshots_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("policy__") && name.ends_with(".json.snap")) {
            continue;
        }
        let content = crate::support::snapshot_content(&path);
        let dir = temp_dir("snapshots");
        let file = dir.join(name.trim_end_matches(".snap"));
        fs::write(&file, content).unwrap();
        let run = lint(&["--format", "json", file.to_str().unwrap()]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stdout);
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        let warnings: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "warning")
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        // Only the scenario that asked for a broad subject (--allow-broad-subjects) warns of it.
        let expected: &[&str] = if name.contains("broad_subject_allowed") { &["broad-subject"] } else { &[] };
        assert_eq!(warnings, expected, "{name}: {}", run.stdout);
        checked += 1;
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn standard_input() {
    let mut child = irsa_command(&["lint", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&fs::read(examples("lint/split-subject-operators.json")).unwrap()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("-\n  4:5  error  split-subject-operators"));
}

/// Terraform with variables, count and dynamic blocks (terraform-aws-modules' IRSA role idiom)
/// is evaluated in its module: its tfvars and the caller's --var give the values, lint finds
/// the mistakes in what it evaluates to, and a value it needs and lacks is named with how to
/// give it.
#[test]
fn terraform_modules_are_evaluated() {
    let module = workspace_root().join("examples/terraform/irsa-role");
    let run = lint(&[module.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "no findings in 1 policy\n");
    // The crossplane mistake of the issue, given as a value: found, at the block.
    let wildcard = r#"oidc_providers={main={provider_arn="arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",namespace_service_accounts=["crossplane-system:provider-aws-*"]}}"#;
    let run = lint(&["--format", "json", module.to_str().unwrap(), "--var", wildcard]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["findings"][0]["rule"], "wildcard-in-string-equals", "{}", run.stdout);
    assert_eq!(json["findings"][0]["policy"], "this[0]", "{}", run.stdout);
    assert_eq!(json["findings"][0]["line"], 6, "{}", run.stdout);
    // count = 0: no document.
    let run = lint(&[module.to_str().unwrap(), "--var", "create_role=false"]);
    assert_eq!(run.stdout, "no findings in 0 policies\n", "{}", run.stderr);
    // A value nobody gave: named, with the flags that give it.
    let dir = temp_dir("tf-missing");
    fs::write(
        dir.join("main.tf"),
        "variable \"provider_arn\" {}\n\ndata \"aws_iam_policy_document\" \"assume\" {\n  statement {\n    actions = [\"sts:AssumeRoleWithWebIdentity\"]\n\n    principals {\n      type        = \"Federated\"\n      identifiers = [var.provider_arn]\n    }\n  }\n}\n",
    )
    .unwrap();
    let run = lint(&[dir.join("main.tf").to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("main.tf:3:1: ") && run.stderr.contains("--var NAME=VALUE or --var-file FILE"),
        "{}",
        run.stderr
    );
    let run = lint(&[dir.join("main.tf").to_str().unwrap(), "--var", "provider_arn"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--var `provider_arn`: a variable's value is given as NAME=VALUE"), "{}", run.stderr);
}

/// convert of an evaluated module is what `irsa policy` writes for the same inputs; migrate
/// never writes evaluated values over the expressions of the file they came from.
#[test]
fn evaluated_terraform_converts_and_is_never_overwritten() {
    let main = workspace_root().join("examples/terraform/irsa-role/main.tf");
    let converted = irsa(&["convert", main.to_str().unwrap(), "--to", "json"]);
    assert_eq!(converted.code, Some(0), "{}", converted.stderr);
    let provider =
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    let built = irsa(&["policy", "--provider", provider, "--sa", "kube-system:external-dns"]);
    let (a, b): (Value, Value) =
        (serde_json::from_str(&converted.stdout).unwrap(), serde_json::from_str(&built.stdout).unwrap());
    assert_eq!(a, b, "{}\n{}", converted.stdout, built.stdout);
    let dir = temp_dir("tf-migrate");
    for name in ["main.tf", "variables.tf", "terraform.tfvars"] {
        fs::copy(workspace_root().join("examples/terraform/irsa-role").join(name), dir.join(name)).unwrap();
    }
    let file = dir.join("main.tf");
    let before = fs::read_to_string(&file).unwrap();
    let path = file.to_str().unwrap();
    let run = irsa(&["migrate", path, "--provider", provider, "--sa", "apps:web", "--format", "hcl", "--out", path]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("never writes evaluated values over what you wrote"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
}

/// A role whose trust policy is `jsonencode(...)` (or a heredoc) is linted as that policy, named
/// by its address: the issue's trust with `:aud` and no `:sub`.
#[test]
fn roles_with_json_trust_are_linted() {
    let dir = temp_dir("tf-role");
    fs::write(
        dir.join("main.tf"),
        r#"variable "provider_arn" {
  default = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = var.provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "${replace(var.provider_arn, "/^(.*provider/)/", "")}:aud" = "sts.amazonaws.com" } }
    }]
  })
}
"#,
    )
    .unwrap();
    let run = lint(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["findings"][0]["rule"], "federated-without-sub", "{}", run.stdout);
    assert_eq!(json["findings"][0]["policy"], "aws_iam_role.app", "{}", run.stdout);
    let text = lint(&[dir.join("main.tf").to_str().unwrap()]);
    assert!(
        text.stdout.starts_with(&format!("{} (aws_iam_role.app)\n", dir.join("main.tf").display())),
        "{}",
        text.stdout
    );
}

/// Closure: what `irsa generate` writes in the module and inline layouts is read back whole:
/// lint reads every role (the module layout through its module calls) and finds nothing, and
/// each role's trust, by its address, is the json layout's file for it.
#[test]
fn generated_terraform_reads_back() {
    let spec = workspace_root().join("examples/kops-migration.yaml");
    let out = |layout: &str| {
        let dir = temp_dir(&format!("closure-{layout}"));
        let _ = fs::remove_dir_all(&dir);
        let run = irsa(&["generate", spec.to_str().unwrap(), "--out", dir.to_str().unwrap(), "--layout", layout]);
        assert_eq!(run.code, Some(0), "{layout}: {}", run.stderr);
        dir
    };
    let (module, inline, json) = (out("module"), out("inline"), out("json"));
    let roles: Vec<String> = fs::read_dir(&json)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_owned))
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(roles.len(), 4, "{roles:?}");
    for (dir, needle) in
        [(&inline, "no findings in 4 policies\n"), (&module, "no findings in 4 policies (1 permission policy")]
    {
        let run = lint(&[dir.to_str().unwrap()]);
        assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.starts_with(needle), "{}", run.stdout);
    }
    let roles_tf = module.join("roles.tf");
    for role in &roles {
        let address = format!("module.{}.aws_iam_role.this", role.replace('-', "_"));
        let run = irsa(&["convert", roles_tf.to_str().unwrap(), "--address", &address, "--to", "json"]);
        assert_eq!(run.code, Some(0), "{address}: {}", run.stderr);
        // By IAM meaning: the provider renders `actions`, a set, in its own order.
        let meaning = |text: &str| {
            let mut value: Value = serde_json::from_str(text).unwrap();
            for statement in value["Statement"].as_array_mut().unwrap() {
                if let Some(actions) = statement["Action"].as_array_mut() {
                    actions.sort_by_key(|a| a.as_str().unwrap_or_default().to_owned());
                }
            }
            value
        };
        let written = fs::read_to_string(json.join(format!("{role}.json"))).unwrap();
        assert_eq!(meaning(&run.stdout), meaning(&written), "{address}");
    }
    let run =
        irsa(&["convert", roles_tf.to_str().unwrap(), "--address", "module.nobody.aws_iam_role.this", "--to", "json"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no document or role at `module.nobody.aws_iam_role.this` (found: "), "{}", run.stderr);
}

/// A registry module that `terraform init` downloaded (terraform-aws-modules' IRSA role, as
/// its README calls it) is read from `.terraform/modules`, by the key modules.json records;
/// without the download, the message says to run `terraform init`.
#[test]
fn downloaded_modules_are_read() {
    let root = workspace_root().join("examples/terraform/registry-call");
    let run = lint(&[root.to_str().unwrap()]);
    assert_eq!((run.code, run.stdout.as_str()), (Some(0), "no findings in 1 policy\n"), "{}", run.stderr);
    let main = root.join("main.tf");
    let converted =
        irsa(&["convert", main.to_str().unwrap(), "--address", "module.irsa.aws_iam_role.this[0]", "--to", "json"]);
    assert_eq!(converted.code, Some(0), "{}", converted.stderr);
    let provider =
        "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
    let built = irsa(&["policy", "--provider", provider, "--sa", "kube-system:external-dns"]);
    let (a, b): (Value, Value) =
        (serde_json::from_str(&converted.stdout).unwrap(), serde_json::from_str(&built.stdout).unwrap());
    assert_eq!(a, b);
    // Not initialised: said, with what to do.
    let dir = temp_dir("not-initialised");
    fs::copy(&main, dir.join("main.tf")).unwrap();
    let run = lint(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("run `terraform init`"), "{}", run.stderr);
}

/// A module call's argument that cannot be known offline makes the call an error (never the
/// module's default in its place), and a module's findings are reported in the module's file.
#[test]
fn module_arguments_and_findings_where_they_are() {
    let dir = temp_dir("module-args");
    fs::create_dir_all(dir.join("modules/irsa")).unwrap();
    fs::write(
        dir.join("modules/irsa/main.tf"),
        "variable \"namespace\" {\n  default = \"*\"\n}\n\ndata \"aws_iam_policy_document\" \"assume\" {\n  statement {\n    actions = [\"sts:AssumeRoleWithWebIdentity\"]\n\n    principals {\n      type        = \"Federated\"\n      identifiers = [\"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC\"]\n    }\n\n    condition {\n      test     = \"StringEquals\"\n      variable = \"oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub\"\n      values   = [\"system:serviceaccount:${var.namespace}:web\"]\n    }\n  }\n}\n",
    )
    .unwrap();
    let main = dir.join("main.tf");
    fs::write(&main, "module \"web\" {\n  source    = \"./modules/irsa\"\n  namespace = aws_x.y.ns\n}\n").unwrap();
    let run = lint(&[main.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("`namespace` cannot be evaluated offline"), "{}", run.stderr);
    fs::write(&main, "module \"web\" {\n  source    = \"./modules/irsa\"\n  namespace = \"apps\"\n}\n").unwrap();
    let run = lint(&["--format", "json", main.to_str().unwrap()]);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["findings"][0]["policy"], "module.web.data.aws_iam_policy_document.assume", "{}", run.stdout);
    assert!(json["findings"][0]["file"].as_str().unwrap().ends_with("modules/irsa/main.tf"), "{}", run.stdout);
    assert_eq!(json["findings"][0]["line"], 5, "{}", run.stdout);
}
