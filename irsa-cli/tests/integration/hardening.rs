//! Resource limits and output safety: oversized and deeply nested inputs are refused with a
//! message, symbolic links never lead a write out of `--out`, and a run killed with SIGKILL
//! leaves whole files only (the next run completes it).

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use crate::support::{irsa, irsa_command, workspace_root};

fn dir(name: &str) -> PathBuf {
    crate::support::fresh_dir(&format!("hardening-{name}"))
}

#[test]
fn oversized_inputs_are_refused_unread() {
    let dir = dir("size");
    // Sparse files: their size is what counts, and nothing is read.
    let policy = dir.join("huge.json");
    fs::File::create(&policy).unwrap().set_len(11 * 1024 * 1024).unwrap();
    let spec = dir.join("huge.json.spec.json");
    fs::File::create(&spec).unwrap().set_len(101 * 1024 * 1024).unwrap();
    for args in [
        vec!["convert", policy.to_str().unwrap(), "--to", "hcl"],
        vec!["lint", policy.to_str().unwrap()],
        vec!["migrate", policy.to_str().unwrap(), "--remove-legacy"],
        vec!["simulate", "--policy", policy.to_str().unwrap(), "--sub", "x"],
        vec!["generate", spec.to_str().unwrap(), "--out", dir.join("out").to_str().unwrap()],
    ] {
        irsa(&args).assert_refused(&format!("{args:?}"), &["bytes, the limit for this input"]);
    }
    assert!(!dir.join("out").exists());
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let dir = dir("deep");
    let n = 100_000;
    let cases = [
        // serde_json skips what it ignores without recursing, stops recursion at 128 levels, and
        // irsa's types stop a nest at its second level: an error, never a stack overflow.
        ("deep.json", format!("{{\"Role\": {}{}}}", "[".repeat(n), "]".repeat(n)), "invalid policy JSON"),
        (
            "deep-condition.json",
            format!(
                "{{\"Statement\": {{\"Effect\": \"Allow\", \"Condition\": {{\"StringEquals\": {{\"k\": {}{}}}}}}}}}",
                "[".repeat(n),
                "]".repeat(n)
            ),
            "invalid policy JSON",
        ),
        ("deep-id.json", format!("{{\"Id\": {}{}}}", "{\"a\":".repeat(n), "}".repeat(n)), "invalid policy JSON"),
        (
            "deep.tf",
            format!(
                "data \"aws_iam_policy_document\" \"x\" {{\n  statement {{\n    actions = {}{}\n  }}\n}}\n",
                "[".repeat(n),
                "]".repeat(n)
            ),
            "nesting depth",
        ),
        ("deep.yaml", format!("roles: {}{}\n", "[".repeat(n), "]".repeat(n)), "nests deeper than 64 levels"),
    ];
    for (name, content, needle) in cases {
        let path = dir.join(name);
        fs::write(&path, content).unwrap();
        let args: Vec<&str> = if name.ends_with(".yaml") {
            vec!["generate", path.to_str().unwrap(), "--out", "/nonexistent/never"]
        } else {
            vec!["convert", path.to_str().unwrap(), "--to", "json"]
        };
        irsa(&args).assert_refused(name, &[needle]);
    }
}

#[test]
fn symbolic_links_do_not_lead_out_of_the_output_folder() {
    let dir = dir("symlink");
    let outside = dir.join("outside");
    let out = dir.join("out");
    fs::create_dir_all(&outside).unwrap();
    fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("kubernetes")).unwrap();
    let spec = workspace_root().join("examples/kops-migration.yaml");
    let run = irsa(&["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("kubernetes` is a symbolic link, and irsa writes only inside the output folder"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0, "something was written through the link");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1, "nothing but the link");
}

/// A spec of many roles, for runs long enough to be killed half-way.
fn big_spec(roles: usize) -> String {
    let roles: Vec<String> = (0..roles)
        .map(|i| format!(r#"{{"name": "app-{i:06}", "service_accounts": ["team-{i:06}:app", "team-{i:06}:worker"]}}"#))
        .collect();
    format!(
        r#"{{"providers": {{"eks": {{"issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", "account": "123456789012"}}}}, "roles": [{}]}}"#,
        roles.join(",\n")
    )
}

/// Every file irsa leaves under `dir` whose name is not a temporary file's, with its content.
fn visible_files(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), fs::read_to_string(&p).unwrap()))
        .filter(|(name, _)| !(name.starts_with('.') && name.ends_with(".tmp")))
        .collect();
    files.sort();
    files
}

#[test]
fn a_killed_run_leaves_whole_files_and_the_next_run_completes_it() {
    let dir = dir("kill");
    let spec = dir.join("spec.json");
    fs::write(&spec, big_spec(20_000)).unwrap();
    let reference = dir.join("reference");
    let run = irsa(&["generate", spec.to_str().unwrap(), "--out", reference.to_str().unwrap(), "--layout", "json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let expected: std::collections::BTreeMap<String, String> = visible_files(&reference).into_iter().collect();

    let mut interrupted = 0;
    for (attempt, written) in [1usize, 200, 5_000].into_iter().enumerate() {
        let out = dir.join(format!("out-{attempt}"));
        let mut child =
            irsa_command(&["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--layout", "json"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
        // Kill it once it has written about `written` files (or when it is done).
        while child.try_wait().unwrap().is_none() && fs::read_dir(&out).map_or(0, |d| d.count()) < written {
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap(); // SIGKILL
        let finished = child.wait().unwrap().success();
        if !out.exists() {
            continue;
        }
        let left = visible_files(&out);
        interrupted += usize::from(!finished && left.len() < expected.len());
        // Every file under its final name is whole: exactly what a full run writes.
        for (name, content) in &left {
            if name == ".irsa-generated.json" {
                serde_json::from_str::<serde_json::Value>(content)
                    .unwrap_or_else(|e| panic!("the record is whole: {e}"));
            } else {
                assert_eq!(Some(content), expected.get(name), "{name} is partial or wrong after the kill");
            }
        }
        // The next run takes the killed run's files as its own, completes, and cleans up.
        let rerun = irsa(&["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--layout", "json"]);
        assert_eq!(rerun.code, Some(0), "{}", rerun.stderr);
        let all: Vec<String> =
            fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(
            !all.iter().any(|n| n.ends_with(".tmp")),
            "temporary files were left: {:?}",
            all.iter().filter(|n| n.ends_with(".tmp")).collect::<Vec<_>>()
        );
        assert_eq!(visible_files(&out).into_iter().collect::<std::collections::BTreeMap<_, _>>(), expected);
    }
    // At least one kill landed while files were being written (the run takes seconds).
    assert!(interrupted > 0, "no run was interrupted half-way; the spec is too small for this machine");
}

/// Generated files get the permissions of the umask, new ones (made unnamed) and updated ones
/// (renamed into place) alike: some kernels and file systems do not apply the umask to an
/// unnamed file, so irsa applies it itself.
#[cfg(unix)]
#[test]
fn generated_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;

    let dir = dir("umask");
    let out = dir.join("out");
    let generate = |spec_text: String| {
        let spec = dir.join("spec.json");
        fs::write(&spec, spec_text).unwrap();
        let status = std::process::Command::new("sh")
            .args(["-c", r#"umask 027 && exec "$0" "$@""#, env!("CARGO_BIN_EXE_irsa")])
            .args(["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--layout", "json"])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
    };
    let modes = || -> Vec<(String, u32)> {
        let mut modes: Vec<(String, u32)> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().permissions().mode() & 0o777))
            .collect();
        modes.sort();
        modes
    };
    generate(big_spec(3));
    let first = modes();
    assert_eq!(first.len(), 4, "{first:?}"); // 3 roles and the record
    assert!(first.iter().all(|(_, mode)| *mode == 0o640), "{first:?}");
    // Another cluster ID and a fourth role: three files updated, one new, the record replaced.
    let before = fs::read_to_string(out.join("app-000000.json")).unwrap();
    generate(big_spec(4).replace("/id/ABC", "/id/ABD"));
    assert_ne!(fs::read_to_string(out.join("app-000000.json")).unwrap(), before);
    let second = modes();
    assert_eq!(second.len(), 5, "{second:?}");
    assert!(second.iter().all(|(_, mode)| *mode == 0o640), "{second:?}");
}
