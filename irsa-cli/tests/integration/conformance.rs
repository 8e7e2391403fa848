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
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/hcl-check.cjs");
    let node_ok = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let packages_ok = workspace_root().join("node_modules/@cdktf/hcl2json").is_dir()
        && workspace_root().join("node_modules/@cdktf/hcl-tools").is_dir();
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
            "\n!!! HCL CONFORMANCE NOT CHECKED: {why}; IRSA_SKIP_HCL_CONFORMANCE=1 skipped it !!!\n"
        );
        return None;
    }
    panic!(
        "the HCL conformance check cannot run: {why}. Install the pinned checkers, or set IRSA_SKIP_HCL_CONFORMANCE=1 \
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
    let dir = std::env::temp_dir().join(format!("irsa-strings-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
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
