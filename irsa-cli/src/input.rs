//! Reading input files (or standard input for `-`), refusing files too large to be inputs.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::failure::Failure;

/// The largest spec file irsa reads.
pub(crate) const MAX_SPEC_BYTES: u64 = 100 * 1024 * 1024;

/// The largest policy file (JSON, get-role output, Terraform) irsa reads: IAM's largest policy
/// is 10,240 characters, so this leaves room for any Terraform file that holds one.
pub(crate) const MAX_POLICY_BYTES: u64 = 10 * 1024 * 1024;

/// Reads a UTF-8 text file (`-`: standard input) of at most `limit` bytes.
pub(crate) fn read_text(path: &Path, limit: u64) -> Result<String, Failure> {
    let fail = |error: io::Error| Failure::Read { path: path.to_owned(), error };
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        io::stdin().lock().take(limit + 1).read_to_end(&mut bytes)
    } else {
        let file = File::open(path).map_err(fail)?;
        let meta = file.metadata().map_err(fail)?;
        if meta.is_dir() {
            return Err(fail(io::Error::new(io::ErrorKind::InvalidInput, "it is a directory")));
        }
        // Refused before a byte is read; `take` still bounds a file that grows, or a pipe.
        if meta.len() > limit {
            return Err(fail(too_large(limit)));
        }
        // Read into an allocation of the file's size: no copies as it grows.
        bytes.reserve_exact(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
        file.take(limit + 1).read_to_end(&mut bytes)
    };
    read.map_err(fail)?;
    if bytes.len() as u64 > limit {
        return Err(fail(too_large(limit)));
    }
    String::from_utf8(bytes)
        .map_err(|e| fail(io::Error::new(io::ErrorKind::InvalidData, format!("it is not UTF-8 text ({e})"))))
}

fn too_large(limit: u64) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("it is larger than {limit} bytes, the limit for this input"))
}
