//! Where output goes: standard output, or a file written atomically.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// Writes `bytes` to `out` (a file, written atomically) or to standard output (`None` or `-`).
///
/// A closed standard output (`irsa policy | head -1`) is not an error.
pub(crate) fn emit(bytes: &[u8], out: Option<&Path>) -> Result<(), Failure> {
    match out {
        Some(path) if path != Path::new("-") => write_atomically(path, bytes),
        _ => write_stdout(bytes),
    }
}

/// [`emit`] for a text, which is given a final newline when it has none.
pub(crate) fn emit_text(mut text: String, out: Option<&Path>) -> Result<(), Failure> {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    emit(text.as_bytes(), out)
}

fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(Failure::Write { path: None, error }),
        _ => Ok(()),
    }
}

/// Writes a temporary file beside `path`, flushes it to disk and renames it over `path`: a
/// reader (or a run that is killed) sees the old content or the new, never a part. A file
/// that was there keeps its permissions.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let fail = |error: io::Error| Failure::Write { path: Some(path.to_owned()), error };
    let temp = temp_path(path)?;
    let permissions = fs::metadata(path).ok().filter(|m| m.is_file()).map(|m| m.permissions());
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        if let Some(permissions) = permissions {
            file.set_permissions(permissions)?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(fail)
}

/// The temporary file beside `path` that is renamed over it: `.<name>.irsa-<pid>.tmp`.
pub(crate) fn temp_path(path: &Path) -> Result<PathBuf, Failure> {
    let file_name = path.file_name().ok_or_else(|| Failure::Write {
        path: Some(path.to_owned()),
        error: io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".irsa-{}.tmp", std::process::id()));
    Ok(path.with_file_name(temp_name))
}

/// Whether a file name is one of irsa's temporary files (`.<name>.irsa-<pid>.tmp`,
/// [`temp_path`]).
pub(crate) fn is_temp_name(name: &str) -> bool {
    name.starts_with('.')
        && name
            .strip_suffix(".tmp")
            .and_then(|rest| rest.rsplit_once(".irsa-"))
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}
