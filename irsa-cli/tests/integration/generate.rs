//! `irsa generate`: snapshots of every file of every layout for the examples, the output
//! folder's safety (no clobbering, --check, removal, interrupted runs), bad specs.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use irsa_core::policy::{PolicyDocument, Principal};

use crate::support::{Run, assert_snapshot, irsa, snapshots_dir, workspace_root};

/// A fresh folder for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        TempDir(crate::support::fresh_dir(name))
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.0.join(relative)
    }

    fn arg(&self, relative: &str) -> String {
        self.path(relative).to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn example(name: &str) -> String {
    workspace_root().join("examples").join(name).to_str().unwrap().to_owned()
}

fn generate(args: &[&str]) -> Run {
    let mut full = vec!["generate"];
    full.extend_from_slice(args);
    irsa(&full)
}

/// Every file under `dir`, by `/`-separated relative path.
fn files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).unwrap().to_str().unwrap().replace('\\', "/");
                out.insert(relative, fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

const LAYOUTS: [(&str, &str); 4] = [
    ("module", "kops-migration.yaml"),
    ("inline", "kops-migration.yaml"),
    ("json", "kops-migration.yaml"),
    ("kops", "kops-managed.yaml"),
];

fn snapshot_name(layout: &str, path: &str) -> String {
    format!("generate__{layout}__{}", path.replace('/', "."))
}

#[test]
fn every_layout_of_the_examples_matches_its_snapshots() {
    let mut expected = BTreeSet::new();
    for (layout, spec) in LAYOUTS {
        let dir = TempDir::new(&format!("snap-{layout}"));
        let out = dir.arg("out");
        let run = generate(&[&example(spec), "--out", &out, "--layout", layout]);
        assert_eq!(run.code, Some(0), "{layout}: {}", run.stderr);
        let written = files(&dir.path("out"));
        assert!(written.len() >= 2, "{layout}: {written:?}");
        for (path, contents) in &written {
            assert!(!path.contains(".irsa-") || path == ".irsa-generated.json", "a temporary file was left: {path}");
            let name = snapshot_name(layout, path);
            assert_snapshot(
                &name,
                &format!("irsa generate examples/{spec} --out out --layout {layout}: {path}"),
                contents,
            );
            expected.insert(format!("{name}.snap"));
        }
    }
    for entry in fs::read_dir(snapshots_dir()).unwrap() {
        let file = entry.unwrap().file_name().to_string_lossy().into_owned();
        if file.starts_with("generate__") && file.ends_with(".snap") {
            assert!(expected.contains(&file), "snapshots/{file} belongs to no generated file: delete it");
        }
    }
}

/// The statements of a policy, in a form where order and one-or-many do not matter.
type Normal = BTreeSet<String>;

fn normal_from_json(policy: &PolicyDocument) -> Normal {
    policy
        .statements()
        .iter()
        .map(|s| {
            let actions: BTreeSet<&String> = s.action.iter().flat_map(|a| a.iter()).collect();
            let principals: BTreeMap<&String, BTreeSet<&String>> = match &s.principal {
                Some(Principal::Typed(map)) => map.iter().map(|(k, v)| (k, v.iter().collect())).collect(),
                _ => panic!("irsa writes typed principals"),
            };
            let conditions: BTreeMap<(String, String), BTreeSet<String>> = s
                .condition
                .iter()
                .flat_map(|c| c.iter())
                .flat_map(|(test, keys)| {
                    keys.iter().map(move |(key, values)| {
                        ((test.clone(), key.clone()), values.iter().map(|v| v.to_iam_string()).collect())
                    })
                })
                .collect();
            format!("{} {actions:?} {principals:?} {conditions:?}", s.effect)
        })
        .collect()
}

fn strings(expr: &hcl::Expression) -> BTreeSet<String> {
    match expr {
        hcl::Expression::Array(items) => items.iter().flat_map(strings).collect(),
        hcl::Expression::String(s) => BTreeSet::from([s.clone()]),
        other => panic!("not a literal string: {other:?}"),
    }
}

fn attribute<'a>(body: &'a hcl::Body, key: &str) -> &'a hcl::Expression {
    body.attributes().find(|a| a.key.as_str() == key).map(|a| &a.expr).unwrap_or_else(|| panic!("no {key}"))
}

/// An `aws_iam_policy_document` read the way the AWS provider renders it: principals grouped
/// by type, one condition per test and variable, values as sets.
fn normal_from_hcl(text: &str, label: &str) -> Normal {
    let body = hcl::parse(text).unwrap();
    let document = body
        .blocks()
        .find(|b| b.identifier.as_str() == "data" && b.labels.get(1).map(|l| l.as_str()) == Some(label))
        .unwrap_or_else(|| panic!("no policy document {label}"));
    document
        .body
        .blocks()
        .filter(|b| b.identifier.as_str() == "statement")
        .map(|s| {
            let effect = strings(attribute(&s.body, "effect")).into_iter().next().unwrap();
            let actions = strings(attribute(&s.body, "actions"));
            let actions: BTreeSet<&String> = actions.iter().collect();
            let mut principals: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            let mut conditions: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
            for block in s.body.blocks() {
                match block.identifier.as_str() {
                    "principals" => {
                        let kind = strings(attribute(&block.body, "type")).into_iter().next().unwrap();
                        principals.entry(kind).or_default().extend(strings(attribute(&block.body, "identifiers")));
                    }
                    "condition" => {
                        let test = strings(attribute(&block.body, "test")).into_iter().next().unwrap();
                        let variable = strings(attribute(&block.body, "variable")).into_iter().next().unwrap();
                        conditions
                            .entry((test, variable))
                            .or_default()
                            .extend(strings(attribute(&block.body, "values")));
                    }
                    other => panic!("unexpected block {other}"),
                }
            }
            let principals: BTreeMap<&String, BTreeSet<&String>> =
                principals.iter().map(|(k, v)| (k, v.iter().collect())).collect();
            format!("{effect} {actions:?} {principals:?} {conditions:?}")
        })
        .collect()
}

/// The inline layout's policy documents, rendered by the AWS provider's rules, mean what the
/// JSON layout (and `irsa policy`) says.
#[test]
fn inline_policy_documents_equal_the_json_layout() {
    let dir = TempDir::new("inline-vs-json");
    for layout in ["inline", "json"] {
        let run = generate(&[&example("kops-migration.yaml"), "--out", &dir.arg(layout), "--layout", layout]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    let json = files(&dir.path("json"));
    let inline = files(&dir.path("inline"));
    let mut compared = 0;
    for (path, text) in json.iter().filter(|(p, _)| !p.starts_with('.')) {
        let role = path.trim_end_matches(".json");
        let label = irsa_core::hcl::label_for(role);
        let tf = &inline[&format!("role_{label}.tf")];
        let from_json = normal_from_json(&PolicyDocument::from_json(text).unwrap());
        assert_eq!(normal_from_hcl(tf, &format!("{label}_assume_role")), from_json, "{role}");
        compared += 1;
    }
    assert_eq!(compared, 4);
}

#[test]
fn a_second_run_is_byte_identical_and_writes_nothing() {
    let dir = TempDir::new("second-run");
    let out = dir.arg("out");
    let spec = example("kops-migration.yaml");
    assert_eq!(generate(&[&spec, "--out", &out]).code, Some(0));
    let first = files(&dir.path("out"));
    let run = generate(&[&spec, "--out", &out]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains(" 0 file(s) written, 9 unchanged, 0 removed"), "{}", run.stdout);
    assert_eq!(files(&dir.path("out")), first);
}

#[test]
fn check_lists_drift_and_writes_nothing() {
    let dir = TempDir::new("check");
    let out = dir.arg("out");
    let spec = example("kops-migration.yaml");
    let run = generate(&[&spec, "--out", &out, "--check"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("would create ")).count(), 9, "{}", run.stdout);
    assert!(!dir.path("out").exists(), "--check wrote something");

    assert_eq!(generate(&[&spec, "--out", &out]).code, Some(0));
    let run = generate(&[&spec, "--out", &out, "--check"]);
    assert_eq!((run.code, run.stdout.trim_end()), (Some(0), format!("irsa: {out} is up to date").as_str()));

    // A spec without one role: its files would go.
    let smaller = dir.path("smaller.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let cut = text.find("  - name: crossplane-provider-aws").unwrap();
    fs::write(&smaller, &text[..cut]).unwrap();
    let before = files(&dir.path("out"));
    let run = generate(&[smaller.to_str().unwrap(), "--out", &out, "--check"]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("would update ") && run.stdout.contains("roles.tf"), "{}", run.stdout);
    assert_eq!(files(&dir.path("out")), before, "--check changed the folder");
}

#[test]
fn files_of_removed_roles_are_removed() {
    let dir = TempDir::new("removed");
    let out = dir.arg("out");
    let spec = example("kops-migration.yaml");
    assert_eq!(generate(&[&spec, "--out", &out, "--layout", "inline"]).code, Some(0));
    assert!(dir.path("out/kubernetes/kube-system/ebs-csi-controller-sa.yaml").exists());
    let text = fs::read_to_string(&spec).unwrap();
    let start = text.find("  - name: ebs-csi-controller").unwrap();
    let end = text.find("  - name: crossplane-provider-aws").unwrap();
    let smaller = dir.path("smaller.yaml");
    fs::write(&smaller, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let run = generate(&[smaller.to_str().unwrap(), "--out", &out, "--layout", "inline"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains(", 2 removed"), "{}", run.stdout);
    assert!(!dir.path("out/role_ebs_csi_controller.tf").exists());
    assert!(!dir.path("out/kubernetes/kube-system/ebs-csi-controller-sa.yaml").exists());
    assert!(dir.path("out/kubernetes/kube-system/external-dns.yaml").exists());
    let record = fs::read_to_string(dir.path("out/.irsa-generated.json")).unwrap();
    assert!(!record.contains("ebs"), "{record}");
}

#[test]
fn a_file_irsa_did_not_write_is_never_overwritten() {
    let dir = TempDir::new("foreign");
    let out = dir.arg("out");
    fs::create_dir_all(dir.path("out")).unwrap();
    fs::write(dir.path("out/versions.tf"), "terraform {}\n").unwrap();
    let run = generate(&[&example("kops-migration.yaml"), "--out", &out]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("nothing was written") && run.stderr.contains("versions.tf: irsa did not generate it"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
    assert_eq!(files(&dir.path("out")).len(), 1, "only the user's file is there");
    assert_eq!(fs::read_to_string(dir.path("out/versions.tf")).unwrap(), "terraform {}\n");
}

#[test]
fn an_edited_file_is_not_overwritten_or_removed() {
    let dir = TempDir::new("edited");
    let out = dir.arg("out");
    let spec = example("kops-migration.yaml");
    assert_eq!(generate(&[&spec, "--out", &out, "--layout", "json"]).code, Some(0));
    fs::write(dir.path("out/external-dns.json"), "{}\n").unwrap();
    for extra in [&[][..], &["--check"][..]] {
        let mut args = vec![spec.as_str(), "--out", &out, "--layout", "json"];
        args.extend_from_slice(extra);
        let run = generate(&args);
        assert_eq!(run.code, Some(2), "{extra:?}");
        assert!(run.stderr.contains("external-dns.json: edited since irsa generated it"), "{}", run.stderr);
    }
    assert_eq!(fs::read_to_string(dir.path("out/external-dns.json")).unwrap(), "{}\n");
}

/// A run that was killed leaves files that the record lists as pending: the next run takes
/// them over.
#[test]
fn an_interrupted_run_is_completed_by_the_next() {
    let dir = TempDir::new("interrupted");
    let out = dir.arg("out");
    fs::create_dir_all(dir.path("out")).unwrap();
    fs::write(dir.path("out/external-dns.json"), "{\"half\":").unwrap();
    fs::write(
        dir.path("out/.irsa-generated.json"),
        "{\n  \"generator\": \"irsa\",\n  \"files\": {\n    \"external-dns.json\": \"pending\"\n  }\n}\n",
    )
    .unwrap();
    let run = generate(&[&example("kops-migration.yaml"), "--out", &out, "--layout", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(PolicyDocument::from_json(&fs::read_to_string(dir.path("out/external-dns.json")).unwrap()).is_ok());
    assert!(!fs::read_to_string(dir.path("out/.irsa-generated.json")).unwrap().contains("pending"));
}

/// A bad spec: exit 2, `file:line:column`, the rule, and nothing written.
fn check_bad_spec(yaml: &str, layout: &str, expected: &[&str]) {
    let dir = TempDir::new("bad-spec");
    let spec = dir.path("spec.yaml");
    fs::write(&spec, yaml).unwrap();
    let run = generate(&[spec.to_str().unwrap(), "--out", &dir.arg("out"), "--layout", layout]);
    assert_eq!(run.code, Some(2), "{yaml}\n{}", run.stderr);
    assert_eq!(run.stdout, "");
    for needle in expected {
        assert!(run.stderr.contains(needle), "{yaml}\nstderr: {}\nmissing: {needle}", run.stderr);
    }
    assert!(!dir.path("out").exists(), "something was written");
}

const PROVIDERS: &str = "providers:\n  beta:\n    arn: arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com\n";

#[test]
fn bad_specs() {
    let with_roles = |roles: &str| format!("{PROVIDERS}roles:\n{roles}");
    check_bad_spec(
        &with_roles("  - name: a\n    service_accounts: [Kube-system:a]\n"),
        "module",
        &["spec.yaml:6:24: roles[0].service_accounts[0]: invalid service account `Kube-system:a`", "lowercase"],
    );
    check_bad_spec(
        &with_roles("  - nmae: a\n"),
        "module",
        &["spec.yaml:5:5: roles[0]: unknown field `nmae`, expected one of"],
    );
    check_bad_spec(
        &with_roles("  - name: a b\n    service_accounts: [ns:a]\n"),
        "module",
        &["spec.yaml:5:11: roles[0].name: invalid role name `a b`"],
    );
    check_bad_spec(
        &with_roles("  - name: a\n    service_accounts: [ns:a]\n  - name: A\n    service_accounts: [ns:b]\n"),
        "module",
        &["spec.yaml:7:5: roles[1]: the role name `A` is used twice"],
    );
    check_bad_spec(
        &with_roles("  - name: a\n    service_accounts: [ns:a]\n    providers: [prod]\n"),
        "module",
        &["spec.yaml:5:5: roles[0]: role `a`: the provider `prod` is not defined"],
    );
    check_bad_spec(
        &with_roles("  - name: a\n    service_accounts: [ns:a]\n    max_session_duration: 100\n"),
        "module",
        &["3600 to 43200"],
    );
    check_bad_spec(
        &with_roles("  - name: a\n    service_accounts: [ns:a]\n    policy_arns: [arn:aws:iam::aws:role/x]\n"),
        "module",
        &["roles[0].policy_arns[0]: invalid policy ARN"],
    );
    check_bad_spec(
        &with_roles("  - name: a\n    service_accounts: [ns:a]\n    permissions_boundary: boundary\n"),
        "module",
        &["roles[0].permissions_boundary: invalid policy ARN `boundary`"],
    );
    let many_tags: String = (0..51).map(|i| format!("t{i}: v\n      ")).collect();
    check_bad_spec(
        &with_roles(&format!("  - name: a\n    service_accounts: [ns:a]\n    tags:\n      {many_tags}\n")),
        "module",
        &["51 tags: IAM allows at most 50"],
    );
    check_bad_spec(
        &with_roles(&format!("  - name: a\n    service_accounts: [ns:a]\n    tags: {{{}: v}}\n", "k".repeat(129))),
        "module",
        &["IAM allows 1 to 128"],
    );
    check_bad_spec(
        &with_roles(&format!("  - name: a\n    service_accounts: [ns:a]\n    tags: {{k: {}}}\n", "v".repeat(257))),
        "module",
        &["IAM allows at most 256"],
    );
    check_bad_spec(
        &with_roles(&format!("  - name: a\n    service_accounts: [ns:a]\n    description: {}\n", "d".repeat(1001))),
        "module",
        &["IAM allows at most 1000"],
    );
    let subjects: Vec<String> = (0..40).map(|i| format!("team-{i}:application-service-account")).collect();
    check_bad_spec(
        &with_roles(&format!("  - name: big\n    service_accounts: [{}]\n", subjects.join(", "))),
        "module",
        &["role `big`: invalid trust policy size", "over the quota of 2048"],
    );
    check_bad_spec("providers: {}\nroles: [\n", "module", &["spec.yaml:"]);
    check_bad_spec("- just\n- a list\n", "module", &["expected a spec"]);
    // What a layout needs.
    check_bad_spec(
        &with_roles("  - name: a\n    service_accounts: [ns:a]\n  - name: b\n    service_accounts: [ns:a]\n"),
        "module",
        &["the service account `ns:a` is trusted by the roles `a` and `b`"],
    );
    check_bad_spec(
        &format!(
            "{PROVIDERS}  other:\n    arn: arn:aws:iam::210987654321:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC\nroles:\n  - name: a\n    service_accounts: [ns:a]\n"
        ),
        "inline",
        &["set `account`"],
    );
    check_bad_spec(
        "roles:\n  - name: a\n    service_accounts: [ns:a]\n    legacy_principals: {AWS: \"123456789012\"}\n    policy_arns: [arn:aws:iam::aws:policy/x]\n",
        "kops",
        &["legacy_principals would be lost"],
    );
    check_bad_spec(
        "roles:\n  - name: a\n    service_accounts: [\"ns:a-*\"]\n    policy_arns: [arn:aws:iam::aws:policy/x]\n",
        "kops",
        &["kops refuses a wildcard in a service account name"],
    );
    check_bad_spec("roles:\n  - name: a\n    service_accounts: [ns:a]\n", "kops", &["give policy_arns"]);
}

/// Trust policies are checked on several threads after the spec is read; a role over the
/// quota is then found again by a reading that checks as it goes, so that the error has the
/// role's line and column, whether the spec was streamed (JSON file) or held (YAML, stdin).
#[test]
fn a_role_over_the_quota_is_reported_where_it_is() {
    let dir = TempDir::new("quota-location");
    let subjects: Vec<String> = (0..40).map(|i| format!("\"team-{i}:application-service-account\"")).collect();
    let mut roles: Vec<String> =
        (0..600).map(|i| format!("{{\"name\": \"r{i}\", \"service_accounts\": [\"ns:a{i}\"]}}")).collect();
    roles.insert(517, format!("{{\"name\": \"big\", \"service_accounts\": [{}]}}", subjects.join(", ")));
    let json = format!(
        "{{\"providers\": {{\"eks\": {{\"issuer\": \"https://oidc.eks.eu-west-1.amazonaws.com/id/ABC\", \"account\": \"123456789012\"}}}},\n\"roles\": [\n{}\n]}}\n",
        roles.join(",\n")
    );
    let expected = "spec.json:520:";
    let file = dir.path("spec.json");
    fs::write(&file, &json).unwrap();
    for (input, stdin, shown) in [(file.to_str().unwrap(), None, expected), ("-", Some(json.as_str()), "-:520:")] {
        let mut command =
            crate::support::irsa_command(&["generate", input, "--out", &dir.arg("out"), "--layout", "json"]);
        if stdin.is_some() {
            command.stdin(std::process::Stdio::piped());
        }
        let mut child =
            command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
        if let Some(text) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(shown), "{input}: {stderr}");
        assert!(stderr.contains("role `big`: invalid trust policy size"), "{input}: {stderr}");
        assert!(stderr.contains("over the quota of 2048"), "{input}: {stderr}");
        assert!(!dir.path("out").exists(), "something was written");
    }
}

#[test]
fn spec_files_by_extension_and_from_stdin() {
    let dir = TempDir::new("formats");
    let json = dir.path("spec.json");
    fs::write(&json, r#"{"providers": {"eks": {"issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "account": "123456789012"}}, "roles": [{"name": "app", "service_accounts": ["default:app"]}]}"#).unwrap();
    let run = generate(&[json.to_str().unwrap(), "--out", &dir.arg("json-out"), "--layout", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(dir.path("json-out/app.json").exists());

    let bad = dir.path("spec.json5");
    fs::write(&bad, "{}").unwrap();
    let run = generate(&[bad.to_str().unwrap(), "--out", &dir.arg("x")]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("a spec is YAML (.yaml, .yml) or JSON (.json)"), "{}", run.stderr);

    let run = generate(&[dir.path("missing.yaml").to_str().unwrap(), "--out", &dir.arg("x")]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("cannot read") && run.stderr.contains("missing.yaml"), "{}", run.stderr);

    let mut child =
        crate::support::irsa_command(&["generate", "-", "--out", &dir.arg("stdin-out"), "--layout", "json"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(fs::read(&json).unwrap().as_slice()).unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    assert!(dir.path("stdin-out/app.json").exists());
}

/// `--emit-cases` writes, per role, the requests it must allow and the near misses it must
/// deny; `irsa simulate --cases` agrees with every one of them on the JSON layout's policies.
#[test]
fn emitted_cases_pass_against_the_generated_policies() {
    let dir = TempDir::new("emit-cases");
    let out = dir.arg("out");
    let run = generate(&[&example("kops-migration.yaml"), "--out", &out, "--layout", "json", "--emit-cases"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let files = files(&dir.path("out"));
    let mut checked = 0;
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with("cases/")) {
        assert!(text.starts_with(irsa_core::generate::MARKER_PREFIX), "{path}");
        let role = path.trim_start_matches("cases/").trim_end_matches(".jsonl");
        let policy = dir.path("out").join(format!("{role}.json"));
        let cases = dir.path("out").join(path);
        let run = crate::support::irsa(&[
            "simulate",
            "--policy",
            policy.to_str().unwrap(),
            "--cases",
            cases.to_str().unwrap(),
        ]);
        assert_eq!(run.code, Some(0), "{role}: {}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains(" 0 failed") && text.contains("\"expect\":\"deny\""), "{role}: {}", run.stdout);
        checked += 1;
    }
    assert_eq!(checked, 4);
    // Not with kops, which writes its own trust.
    let run = generate(&[&example("kops-managed.yaml"), "--out", &dir.arg("kops"), "--layout", "kops", "--emit-cases"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("--emit-cases: ") && run.stderr.contains("kops writes them"), "{}", run.stderr);
}
