//! Running the binary and finding the workspace's files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// What one run of `irsa` gave.
pub(crate) struct Run {
    pub(crate) code: Option<i32>,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    /// Asserts that the run refused its input: exit code 2, nothing on standard output, and
    /// each of `needles` in the message. `what` names the case in a failure.
    #[track_caller]
    pub(crate) fn assert_refused(&self, what: &str, needles: &[&str]) {
        assert_eq!(self.code, Some(2), "{what}: {}", self.stderr);
        assert_eq!(self.stdout, "", "{what}");
        for needle in needles {
            assert!(self.stderr.contains(needle), "{what}: {}\nmissing: {needle}", self.stderr);
        }
    }
}

/// The `irsa` command, with a clean environment for colours and terminals.
pub(crate) fn irsa_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_irsa"));
    command.args(args).env_remove("CLICOLOR_FORCE").env("NO_COLOR", "1").stdin(Stdio::null());
    command
}

/// Runs `irsa ARGS...` to completion.
pub(crate) fn irsa(args: &[&str]) -> Run {
    irsa_command(args).output().expect("irsa runs").into()
}

/// The workspace root (the folder of the top-level Cargo.toml).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("irsa-cli is inside the workspace").to_owned()
}

/// The folder of committed snapshots.
pub(crate) fn snapshots_dir() -> PathBuf {
    workspace_root().join("snapshots")
}

/// Asserts `content` equals the committed snapshot `name`, whose header records `command`.
pub(crate) fn assert_snapshot(name: &str, command: &str, content: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(snapshots_dir());
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(command);
    settings.bind(|| insta::assert_snapshot!(name, content));
}

/// The content of a committed snapshot file (what follows its header), with the final
/// newline that insta trims.
pub(crate) fn snapshot_content(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("snapshot is readable");
    let body = text.splitn(3, "---\n").nth(2).unwrap_or_else(|| panic!("{} has no insta header", path.display()));
    format!("{}\n", body.trim_end_matches('\n'))
}

/// A fresh, empty folder `irsa-test-<name>-<pid>` in the temporary folder.
pub(crate) fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("irsa-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    dir
}

/// Writes `content` to `name` in the folder `irsa-test-<group>-<pid>` (shared by a module's
/// tests, which may run at the same time, so never emptied) and returns the file's path.
pub(crate) fn temp_file(group: &str, name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("irsa-test-{group}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("the temporary file is writable");
    path
}
