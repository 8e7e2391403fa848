//! HashiCorp's own HCL implementations judge irsa's Terraform: every `.tf` snapshot must parse
//! with hclsyntax (the parser Terraform uses) and be byte-identical after hclwrite.Format (the
//! layout `terraform fmt` applies). Both come from npm, pinned in `package-lock.json`, and are
//! installed by `npm ci` (`make test` and `.ci/run` do it).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{snapshot_content, snapshots_dir, workspace_root};

/// The conformance script, or `None` (with the reason printed) when the developer chose to
/// skip it outside CI. In CI, or when not skipped, missing tools fail the test loudly.
fn node_checker() -> Option<PathBuf> {
    node_script("hcl-check.cjs", &["@cdktf/hcl2json", "@cdktf/hcl-tools"])
}

/// A node script of `tests/conformance/` that needs the npm `packages`, gated as
/// [`node_checker`] says.
pub(crate) fn node_script(name: &str, packages: &[&str]) -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance").join(name);
    let node_ok = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let packages_ok = packages.iter().all(|p| workspace_root().join("node_modules").join(p).is_dir());
    if node_ok && packages_ok {
        return Some(script);
    }
    let why = if node_ok {
        "the npm packages are not installed (run `npm ci` in the workspace root, or `make test`)"
    } else {
        "node is not on PATH"
    };
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if !in_ci && std::env::var("IRSA_SKIP_HCL_CONFORMANCE").is_ok_and(|v| v == "1") {
        // Written to the real stderr, past libtest's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "\n!!! CONFORMANCE NOT CHECKED ({name}): {why}; IRSA_SKIP_HCL_CONFORMANCE=1 skipped it !!!\n"
        );
        return None;
    }
    panic!(
        "the conformance check {name} cannot run: {why}. Install the pinned checkers, or set IRSA_SKIP_HCL_CONFORMANCE=1 \
         to skip it knowingly outside CI"
    );
}

/// Writes the `.tf` snapshots' contents into a temporary folder, as `irsa` printed them.
fn snapshot_files(dir: &Path) -> Vec<PathBuf> {
    fs::create_dir_all(dir).unwrap();
    let mut files = Vec::new();
    for entry in fs::read_dir(snapshots_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".tf.snap") {
            let file = dir.join(format!("{stem}.tf"));
            fs::write(&file, snapshot_content(&path)).unwrap();
            files.push(file);
        }
    }
    files.sort();
    files
}

#[test]
fn every_hcl_snapshot_parses_and_is_terraform_fmt_canonical() {
    let Some(script) = node_checker() else { return };
    let dir = std::env::temp_dir().join(format!("irsa-conformance-{}", std::process::id()));
    let files = snapshot_files(&dir);
    assert!(files.len() >= 15, "expected the policy snapshots, found {}", files.len());
    let output = Command::new("node").arg(&script).arg("check").args(&files).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), files.len(), "{stdout}");
    fs::remove_dir_all(&dir).unwrap();
}

/// Text that looks like Terraform syntax reaches HashiCorp's parser as the same literal text.
#[test]
fn strings_survive_hashicorps_parser() {
    let Some(script) = node_checker() else { return };
    let texts = [
        "${aws:username}",
        "$${literal}",
        "%{ if true }x%{ endif }",
        "quote \" backslash \\ tab \t newline \n return \r",
        "control \u{1} \u{1f} \u{7f} \u{85} separators \u{2028} \u{2029}",
        "unicode ünïcödé 🦀 \u{feff}",
        "}\" { # // /* = ==",
        "$ % $$ %% ${ %{",
    ];
    let mut body = hcl::Body::builder();
    for (index, text) in texts.iter().enumerate() {
        body = body.add_attribute((format!("s{index}"), *text));
    }
    let tf = irsa_core::hcl::to_terraform(&body.build()).unwrap();
    let dir = crate::support::fresh_dir("strings");
    let file = dir.join("strings.tf");
    fs::write(&file, &tf).unwrap();

    let check = Command::new("node").arg(&script).arg("check").arg(&file).output().unwrap();
    assert!(check.status.success(), "{}\n{tf}", String::from_utf8_lossy(&check.stdout));
    let json = Command::new("node").arg(&script).arg("json").arg(&file).output().unwrap();
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for (index, text) in texts.iter().enumerate() {
        // hcl2json writes strings as Terraform JSON templates, where a literal `${` or `%{` is
        // escaped by doubling, exactly as in HCL.
        let expected = text.replace("${", "$${").replace("%{", "%%{");
        assert_eq!(parsed[format!("s{index}")], serde_json::Value::String(expected), "s{index} in\n{tf}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// `irsa lint --format sarif` is valid SARIF 2.1.0 by the OASIS schema
/// (`tests/conformance/sarif-schema-2.1.0.json`), checked with Ajv; and the check itself
/// rejects a log that breaks the schema.
#[test]
fn lint_sarif_is_valid_by_the_sarif_2_1_0_schema() {
    let Some(script) = node_script("sarif-check.cjs", &["ajv", "ajv-formats"]) else { return };
    let dir = crate::support::fresh_dir("sarif");
    let examples = workspace_root().join("examples");
    let mut files = Vec::new();
    for (name, inputs) in [
        ("lint-fixtures", vec![examples.join("lint")]),
        ("clean", vec![examples.join("lint/missing-audience.near-miss.json")]),
        ("terraform", vec![examples.join("policies/policy-documents.tf")]),
    ] {
        let mut args = vec!["lint".to_owned(), "--format".into(), "sarif".into()];
        args.extend(inputs.iter().map(|p| p.to_string_lossy().into_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = crate::support::irsa(&args);
        assert!(matches!(run.code, Some(0 | 1)), "{name}: {}", run.stderr);
        let file = dir.join(format!("{name}.sarif"));
        fs::write(&file, &run.stdout).unwrap();
        files.push(file);
    }
    let output = Command::new("node").arg(&script).args(&files).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout.lines().filter(|l| l.ends_with(": valid SARIF 2.1.0")).count(), files.len(), "{stdout}");

    let mut broken: serde_json::Value = serde_json::from_str(&fs::read_to_string(&files[0]).unwrap()).unwrap();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    let file = dir.join("broken.sarif");
    fs::write(&file, broken.to_string()).unwrap();
    let output = Command::new("node").arg(&script).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    fs::remove_dir_all(&dir).unwrap();
}
