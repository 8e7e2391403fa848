//! The output folder of `irsa generate`: which files irsa generated there (the record), what
//! a run would change, and writing it safely.
//!
//! A file is irsa's when the record lists it with its current content's hash (or as pending:
//! an interrupted run), or, when it is not in the record, when it starts with irsa's marker
//! comment. Any other file in the way is never overwritten or removed.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use irsa_core::generate::{MARKER_PREFIX, content_hash};

use crate::failure::Failure;
use crate::output::write_atomically;

/// The record of generated files, in the output folder.
pub(crate) const RECORD_FILE: &str = ".irsa-generated.json";

/// A record entry of a file whose write was started but not confirmed.
const PENDING: &str = "pending";

/// An output folder and its record.
pub(crate) struct Tree {
    root: PathBuf,
    record: BTreeMap<String, String>,
}

/// What a run would do to a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Create,
    Update,
    Unchanged,
}

impl Tree {
    /// Opens the folder (it may not exist yet) and reads its record.
    pub(crate) fn open(root: &Path) -> Result<Tree, Failure> {
        let path = root.join(RECORD_FILE);
        let record = match fs::read_to_string(&path) {
            Ok(text) => parse_record(&text).ok_or_else(|| Failure::Read {
                path: path.clone(),
                error: io::Error::new(io::ErrorKind::InvalidData, "it is not irsa's record of generated files"),
            })?,
            Err(error) if error.kind() == io::ErrorKind::NotFound => BTreeMap::new(),
            Err(error) => return Err(Failure::Read { path, error }),
        };
        Ok(Tree { root: root.to_owned(), record })
    }

    /// The paths irsa generated before that the new run does not make (to be removed).
    pub(crate) fn stale<'a>(&'a self, new_paths: &'a [String]) -> impl Iterator<Item = &'a String> + 'a {
        self.record.keys().filter(move |path| new_paths.binary_search(path).is_err())
    }

    /// Every path that irsa must not touch: files in the way that it did not generate, or that
    /// were edited since. `new_paths` must be sorted.
    pub(crate) fn conflicts(&self, new_paths: &[String]) -> Result<Vec<String>, Failure> {
        let mut conflicts = Vec::new();
        for path in new_paths.iter().chain(self.stale(new_paths)) {
            check_relative(path)?;
            let full = self.root.join(path);
            match fs::symlink_metadata(&full) {
                Err(error) if error.kind() == io::ErrorKind::NotFound => continue,
                Err(error) => return Err(Failure::Read { path: full, error }),
                Ok(meta) if !meta.is_file() => {
                    conflicts.push(format!("{path}: in the way, and not a file irsa generated"));
                    continue;
                }
                Ok(_) => {}
            }
            let contents = fs::read(&full).map_err(|error| Failure::Read { path: full.clone(), error })?;
            let contents = String::from_utf8_lossy(&contents);
            match self.record.get(path) {
                Some(hash) if hash == PENDING || *hash == hex(content_hash(&contents)) => {}
                Some(_) => conflicts.push(format!(
                    "{path}: edited since irsa generated it (move the change into the spec, or delete the file)"
                )),
                None if contents.starts_with(MARKER_PREFIX) => {}
                None => conflicts.push(format!("{path}: irsa did not generate it")),
            }
        }
        Ok(conflicts)
    }

    /// What writing `contents` to `path` would change.
    pub(crate) fn change(&self, path: &str, contents: &str) -> Result<Change, Failure> {
        let full = self.root.join(path);
        match fs::read(&full) {
            Ok(existing) if existing == contents.as_bytes() => Ok(Change::Unchanged),
            Ok(_) => Ok(Change::Update),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(Change::Create),
            Err(error) => Err(Failure::Read { path: full, error }),
        }
    }

    /// Marks the new paths as pending in the record, so an interrupted run leaves files that a
    /// later run still knows as its own.
    pub(crate) fn begin(&mut self, new_paths: &[String]) -> Result<(), Failure> {
        fs::create_dir_all(&self.root).map_err(|error| Failure::Write { path: Some(self.root.clone()), error })?;
        for path in new_paths {
            self.record.insert(path.clone(), PENDING.to_owned());
        }
        self.save()
    }

    /// Writes one file atomically (a temporary file in the same folder, renamed over it).
    pub(crate) fn write(&mut self, path: &str, contents: &str) -> Result<(), Failure> {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|error| Failure::Write { path: Some(parent.to_owned()), error })?;
        }
        write_atomically(&full, contents.as_bytes(), false)?;
        self.record.insert(path.to_owned(), hex(content_hash(contents)));
        Ok(())
    }

    /// Records an unchanged file.
    pub(crate) fn keep(&mut self, path: &str, contents: &str) {
        self.record.insert(path.to_owned(), hex(content_hash(contents)));
    }

    /// Removes a file irsa generated before, and the folders it leaves empty.
    pub(crate) fn remove(&mut self, path: &str) -> Result<(), Failure> {
        let full = self.root.join(path);
        match fs::remove_file(&full) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                return Err(Failure::Write { path: Some(full), error });
            }
            _ => {}
        }
        self.record.remove(path);
        let mut parent = full.parent();
        while let Some(dir) = parent.filter(|d| *d != self.root && d.starts_with(&self.root)) {
            if fs::remove_dir(dir).is_err() {
                break; // not empty
            }
            parent = dir.parent();
        }
        Ok(())
    }

    /// Keeps only `paths` in the record and saves it.
    pub(crate) fn finish(&mut self, paths: &[String]) -> Result<(), Failure> {
        self.record.retain(|path, _| paths.binary_search(path).is_ok());
        self.save()
    }

    fn save(&self) -> Result<(), Failure> {
        let mut text = String::from("{\n  \"generator\": \"irsa\",\n  \"files\": {");
        for (index, (path, hash)) in self.record.iter().enumerate() {
            text.push_str(if index == 0 { "\n" } else { ",\n" });
            text.push_str(&format!("    {}: {}", json_string(path), json_string(hash)));
        }
        text.push_str(if self.record.is_empty() { "}\n}\n" } else { "\n  }\n}\n" });
        write_atomically(&self.root.join(RECORD_FILE), text.as_bytes(), true)
    }
}

fn hex(hash: u64) -> String {
    format!("{hash:016x}")
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn parse_record(text: &str) -> Option<BTreeMap<String, String>> {
    #[derive(serde::Deserialize)]
    struct Record {
        generator: String,
        files: BTreeMap<String, String>,
    }
    let record: Record = serde_json::from_str(text).ok()?;
    (record.generator == "irsa").then_some(record.files)
}

/// A generated path must stay inside the output folder.
fn check_relative(path: &str) -> Result<(), Failure> {
    let inside = Path::new(path).components().all(|c| matches!(c, Component::Normal(_)));
    if inside && !path.is_empty() {
        Ok(())
    } else {
        Err(Failure::Usage(format!("refusing to write `{path}`: it is not a path inside the output folder")))
    }
}
