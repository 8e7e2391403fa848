//! `irsa convert`: every input shape of `examples/policies/` converted both ways and
//! snapshotted, round trips that keep the IAM meaning, and broken inputs.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use serde_json::{Map, Value, json};

use crate::support::{assert_snapshot, irsa, workspace_root};

fn fixture(name: &str) -> String {
    workspace_root().join("examples/policies").join(name).to_string_lossy().into_owned()
}

/// The JSON fixtures (plain documents and get-role output).
const JSON_FIXTURES: &[&str] = &[
    "kiam-node-role.json",
    "get-role.json",
    "get-role-encoded.json",
    "everything.json",
    "statement-object.json",
    "eks-and-external-id.json",
];

/// IAM meaning, as a comparable value: every list a sorted set of strings (a string is a
/// one-element list), an absent Version the `2008-10-17` IAM assumes, an empty Sid none,
/// statements in order, condition values as strings.
pub(crate) fn iam_meaning(document: &Value) -> Value {
    let set = |value: &Value| -> Value {
        let items: BTreeSet<String> = match value {
            Value::Array(items) => items.iter().map(scalar).collect(),
            other => std::iter::once(scalar(other)).collect(),
        };
        json!(items)
    };
    let principal = |value: &Value| -> Value {
        match value {
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), set(v))).collect()),
            other => other.clone(),
        }
    };
    let statements: Vec<Value> = match &document["Statement"] {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let statements: Vec<Value> = statements
        .iter()
        .map(|statement| {
            let mut out = Map::new();
            for (key, value) in statement.as_object().expect("a statement is an object") {
                let normal = match key.as_str() {
                    "Sid" if value == "" => continue,
                    "Action" | "NotAction" | "Resource" | "NotResource" => set(value),
                    "Principal" | "NotPrincipal" => principal(value),
                    "Condition" => Value::Object(
                        value
                            .as_object()
                            .expect("a condition is an object")
                            .iter()
                            .map(|(operator, keys)| {
                                let keys = keys.as_object().expect("condition keys are an object");
                                (
                                    operator.clone(),
                                    Value::Object(keys.iter().map(|(k, v)| (k.clone(), set(v))).collect()),
                                )
                            })
                            .collect(),
                    ),
                    _ => value.clone(),
                };
                out.insert(key.clone(), normal);
            }
            Value::Object(out)
        })
        .collect();
    json!({
        "Version": document.get("Version").cloned().unwrap_or_else(|| json!("2008-10-17")),
        "Id": document.get("Id").cloned().unwrap_or(Value::Null),
        "Statement": statements,
    })
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    crate::support::temp_file("convert", name, content)
}

#[test]
fn json_fixtures_become_terraform_and_back_with_the_same_meaning() {
    for name in JSON_FIXTURES {
        let stem = name.trim_end_matches(".json");
        let to_hcl = irsa(&["convert", &fixture(name), "--to", "hcl"]);
        assert_eq!((to_hcl.code, to_hcl.stderr.as_str()), (Some(0), ""), "{name}");
        assert_snapshot(
            &format!("convert__{stem}.tf"),
            &format!("irsa convert examples/policies/{name} --to hcl"),
            &to_hcl.stdout,
        );

        let as_json = irsa(&["convert", &fixture(name), "--to", "json"]);
        assert_eq!(as_json.code, Some(0), "{name}: {}", as_json.stderr);
        let tf = temp_file(&format!("{stem}.tf"), &to_hcl.stdout);
        let back = irsa(&["convert", tf.to_str().unwrap(), "--to", "json"]);
        assert_eq!(back.code, Some(0), "{name}: {}", back.stderr);
        let original: Value = serde_json::from_str(&as_json.stdout).unwrap();
        let round_trip: Value = serde_json::from_str(&back.stdout).unwrap();
        assert_eq!(iam_meaning(&round_trip), iam_meaning(&original), "{name}: JSON -> HCL -> JSON changed the meaning");
        // And HCL -> JSON -> HCL is a fixed point.
        let json_file = temp_file(&format!("{stem}.round.json"), &back.stdout);
        let again = irsa(&["convert", json_file.to_str().unwrap(), "--to", "hcl", "--name", &label(stem)]);
        let tf_again = irsa(&["convert", tf.to_str().unwrap(), "--to", "hcl"]);
        assert_eq!((again.code, tf_again.code), (Some(0), Some(0)), "{name}: {} {}", again.stderr, tf_again.stderr);
        assert_eq!(again.stdout, tf_again.stdout, "{name}");
    }
}

fn label(stem: &str) -> String {
    match stem {
        "get-role" => "external_dns".into(),
        "get-role-encoded" => "cluster_autoscaler".into(),
        other => other.replace('-', "_"),
    }
}

#[test]
fn get_role_output_is_decoded() {
    let run = irsa(&["convert", &fixture("get-role-encoded.json"), "--to", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_snapshot(
        "convert__get-role-encoded.json",
        "irsa convert examples/policies/get-role-encoded.json --to json",
        &run.stdout,
    );
    // The object form and the encoded form of the same role read the same.
    let object = irsa(&["convert", &fixture("get-role.json"), "--to", "json"]);
    assert!(
        object.stdout.contains("\"AWS\": \"arn:aws:iam::123456789012:role/nodes.beta.hdo.ee\""),
        "{}",
        object.stdout
    );
}

#[test]
fn terraform_documents_render_as_the_aws_provider_renders_them() {
    for name in ["external_dns_assume_role", "home_folders"] {
        let run = irsa(&["convert", &fixture("policy-documents.tf"), "--name", name, "--to", "json"]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert_snapshot(
            &format!("convert__policy-documents-{name}.json"),
            &format!("irsa convert examples/policies/policy-documents.tf --name {name} --to json"),
            &run.stdout,
        );
        let run = irsa(&["convert", &fixture("policy-documents.tf"), "--name", name, "--to", "hcl"]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert_snapshot(
            &format!("convert__policy-documents-{name}.tf"),
            &format!("irsa convert examples/policies/policy-documents.tf --name {name} --to hcl"),
            &run.stdout,
        );
    }
}

#[test]
fn standard_input_and_labels() {
    let mut child = crate::support::irsa_command(&["convert", "-", "--to", "hcl"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&fs::read(fixture("kiam-node-role.json")).unwrap()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("data \"aws_iam_policy_document\" \"policy\" {\n"));

    let run = irsa(&["convert", &fixture("kiam-node-role.json"), "--to", "hcl", "--name", "nodes_trust"]);
    assert!(run.stdout.starts_with("data \"aws_iam_policy_document\" \"nodes_trust\" {\n"), "{}", run.stdout);
    // kops' policy files: the name up to a policy extension only, so that two service accounts
    // of different namespaces get different blocks; an empty Sid is no Sid.
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#;
    for (name, label) in [
        ("aws_iam_role_app.default.sa.beta.hdo.ee_policy", "aws_iam_role_app_default_sa_beta_hdo_ee_policy"),
        ("aws_iam_role_app.prod.sa.beta.hdo.ee_policy", "aws_iam_role_app_prod_sa_beta_hdo_ee_policy"),
        ("trust.v2.json", "trust_v2"),
    ] {
        let run = irsa(&["convert", temp_file(name, policy).to_str().unwrap(), "--to", "hcl"]);
        assert!(
            run.stdout.starts_with(&format!("data \"aws_iam_policy_document\" \"{label}\" {{\n")),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains("sid"), "{}", run.stdout);
    }
    let run = irsa(&["convert", &fixture("kiam-node-role.json"), "--to", "hcl", "--name", "1 bad"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--name: invalid Terraform label `1 bad`"), "{}", run.stderr);
}

/// Broken inputs: exit 2, nothing on standard output, and the message names the file, the
/// line and column, the value and the rule.
#[test]
fn broken_inputs() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "json",
            "bad.json",
            "{\"Version\": \"2012-10-17\",\n \"Statement\": [}",
            &["bad.json:2:16: invalid policy JSON"],
        ),
        (
            "hcl",
            "dup.json",
            "{\"Statement\": [], \"Statement\": []}",
            &["dup.json:1:29: invalid policy JSON: duplicate field `Statement`"],
        ),
        (
            "hcl",
            "dupkey.json",
            "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"a\", \"AWS\": \"b\"}}}",
            &["dupkey.json:1:", "duplicate key `AWS`"],
        ),
        (
            "hcl",
            "unknown.json",
            "{\"Statement\": {\"Effect\": \"Allow\", \"Principals\": \"*\"}}",
            &["unknown.json:1:", "unknown field `Principals`"],
        ),
        (
            "json",
            "encoded.json",
            "{\"Role\": {\"AssumeRolePolicyDocument\": \"%7B%zz\"}}",
            &["encoded.json: invalid policy JSON `%zz`", "not followed by two hex digits"],
        ),
        (
            "json",
            "main.tf",
            "data \"aws_iam_policy_document\" \"x\" {\n  statement {\n    actions = var.actions\n  }\n}\n",
            // Evaluated in its module: the value it needs is named, with how to give it.
            &[
                "main.tf:1:1: invalid policy document `data.aws_iam_policy_document.x`: `actions` cannot be evaluated offline",
                "var.actions",
                "--var NAME=VALUE",
            ],
        ),
        (
            "json",
            "dyn.tf",
            "data \"aws_iam_policy_document\" \"x\" {\n  dynamic \"statement\" {\n    for_each = var.s\n    content {}\n  }\n}\n",
            &["dyn.tf:1:1:", "`for_each` cannot be evaluated offline", "var.s"],
        ),
        (
            "json",
            "two.tf",
            "data \"aws_iam_policy_document\" \"a\" {}\ndata \"aws_iam_policy_document\" \"b\" {}\n",
            &["two.tf: ", "several policy documents (a, b); pick one by its name\n  hint: --name NAME picks one"],
        ),
        (
            "json",
            "none.tf",
            "resource \"aws_iam_role\" \"r\" {}\n",
            &["none.tf: ", "no data \"aws_iam_policy_document\" block"],
        ),
        (
            "json",
            "syntax.tf",
            "data \"aws_iam_policy_document\" \"x\" {\n  statement {\n    resources = [\"arn:aws:s3:::b/${aws:username}\"]\n  }\n}\n",
            &["syntax.tf:3:", "is written `$${aws:username}`"],
        ),
        (
            "hcl",
            "sid.json",
            "{\"Statement\": {\"Sid\": \"my-sid\", \"Effect\": \"Allow\", \"Principal\": \"*\"}}",
            &["sid.json: invalid conversion `my-sid`", "only letters and digits"],
        ),
        (
            "hcl",
            "array.json",
            "[]",
            &["array.json:1:1: invalid policy JSON: a policy is a JSON object", "and this is an array"],
        ),
        (
            "hcl",
            "quoted.json",
            "{\"Statement\": {\"Sid\": \"a\\\"b\", \"Effect\": \"Allow\", \"Principal\": \"*\"}}",
            // The value as written: a quote is not shown as \".
            &["quoted.json: invalid conversion `a\"b`"],
        ),
        (
            "hcl",
            "amp.json",
            "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Resource\": \"a/&{x}\"}}",
            &["literal `&{` cannot be written"],
        ),
    ];
    for (to, file, content, needles) in cases {
        let path = temp_file(file, content);
        irsa(&["convert", path.to_str().unwrap(), "--to", to]).assert_refused(file, needles);
    }
    let run = irsa(&["convert", "/nonexistent/policy.json", "--to", "hcl"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("cannot read `/nonexistent/policy.json`"), "{}", run.stderr);
}
