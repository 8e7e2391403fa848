//! The output folder of `irsa generate`: which files irsa generated there (the record), what
//! a run would change, and writing it safely.
//!
//! A file is irsa's when the record lists it with its current content's hash (or as pending:
//! a run that was interrupted), or, when it is not in the record, when it starts with irsa's
//! marker comment. Any other file in the way is never overwritten or removed.
//!
//! Memory stays flat in the number of files: the record is held as hashes of paths, files
//! are streamed to disk as they are made, and the record is written as it goes.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use irsa_core::generate::{ContentHasher, GeneratedFile, MARKER_PREFIX, content_hash};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};

use crate::failure::Failure;
use crate::output::{is_temp_name, temp_path};

/// The record of generated files, in the output folder.
pub(crate) const RECORD_FILE: &str = ".irsa-generated.json";

/// A record entry of a file whose write was started but not confirmed.
const PENDING: &str = "pending";

/// What the record says irsa wrote at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Hash(u64),
    Pending,
}

/// What a run would do to a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    Create,
    Update,
    Unchanged,
}

/// An output folder and its record.
pub(crate) struct Tree {
    root: PathBuf,
    /// The record as read: the hash of each path, and what irsa wrote there.
    old: HashMap<u64, Entry>,
    /// The hashes of the paths [`Tree::conflict`] found a file at (the others need no look).
    existing: HashSet<u64>,
    /// The hashes of the folders [`Tree::conflict`] listed, and of the paths in them: one
    /// listing per folder instead of a look at each path, most of which do not exist yet. (Two
    /// paths with the same hash only cost a look at the path.)
    listed_folders: HashSet<u64>,
    listed_paths: HashSet<u64>,
    /// The hashes of the folders checked not to be symbolic links.
    checked_folders: HashSet<u64>,
    /// Temporary files of an earlier run that was killed, found in the folders listed.
    leftovers: Vec<PathBuf>,
    /// The folders this run made sure exist (shared by the threads that write).
    folders: Mutex<HashSet<PathBuf>>,
    /// Whether new files are made unnamed and linked when whole ([`crate::unnamed`]); cleared
    /// when the system does not allow it.
    unnamed: AtomicBool,
    /// Their permissions ([`crate::unnamed::file_mode`]).
    unnamed_mode: u32,
}

impl Tree {
    /// Opens the folder (it may not exist yet) and reads its record.
    pub(crate) fn open(root: &Path) -> Result<Tree, Failure> {
        let unnamed_mode = crate::unnamed::file_mode();
        let mut old = HashMap::new();
        read_record(root, |path, entry| {
            let slot = old.entry(content_hash(path)).or_insert(entry);
            if entry == Entry::Pending {
                *slot = Entry::Pending;
            }
        })?;
        Ok(Tree {
            root: root.to_owned(),
            old,
            existing: HashSet::new(),
            listed_folders: HashSet::new(),
            listed_paths: HashSet::new(),
            checked_folders: HashSet::new(),
            leftovers: Vec::new(),
            folders: Mutex::default(),
            unnamed: AtomicBool::new(unnamed_mode.is_some()),
            unnamed_mode: unnamed_mode.unwrap_or(0o644),
        })
    }

    /// The paths irsa generated before that this run does not make (to be removed).
    pub(crate) fn stale(&self, new_paths: &HashSet<u64>) -> Result<Vec<String>, Failure> {
        let mut stale = std::collections::BTreeSet::new();
        read_record(&self.root, |path, _| {
            if !new_paths.contains(&content_hash(path)) {
                stale.insert(path.to_owned());
            }
        })?;
        Ok(stale.into_iter().collect())
    }

    /// Why irsa must not touch `path`, if it must not: a file in the way that it did not
    /// generate, or that was edited since.
    pub(crate) fn conflict(&mut self, path: &str) -> Result<Option<String>, Failure> {
        check_relative(path)?;
        let full = self.root.join(path);
        self.check_no_symlink(&full)?;
        if !self.listed(&full)? {
            return Ok(None);
        }
        match fs::symlink_metadata(&full) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(Failure::Read { path: full, error }),
            Ok(meta) if !meta.is_file() => {
                return Ok(Some(format!("{path}: in the way, and not a file irsa generated")));
            }
            Ok(_) => {
                self.existing.insert(content_hash(path));
            }
        }
        let (hash, marked) = hash_file(&full)?.unwrap_or((0, false));
        Ok(match self.old.get(&content_hash(path)) {
            Some(Entry::Pending) => None,
            Some(Entry::Hash(recorded)) if *recorded == hash => None,
            Some(_) => Some(format!(
                "{path}: edited since irsa generated it (move the change into the spec, or delete the file)"
            )),
            None if marked => None,
            None => Some(format!("{path}: irsa did not generate it")),
        })
    }

    /// Whether the listing of `full`'s folder has its name.
    fn listed(&mut self, full: &Path) -> Result<bool, Failure> {
        let Some(folder) = full.parent() else { return Ok(true) };
        if self.listed_folders.insert(path_hash(folder)) {
            match fs::read_dir(folder) {
                Ok(entries) => {
                    for entry in entries {
                        let entry = entry.map_err(|error| Failure::Read { path: folder.to_owned(), error })?;
                        let path = entry.path();
                        if is_temp_name(&entry.file_name().to_string_lossy()) {
                            self.leftovers.push(path.clone());
                        }
                        self.listed_paths.insert(path_hash(&path));
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                // Not a folder, say: the look at the path itself says what is in the way.
                Err(_) => {
                    self.listed_folders.remove(&path_hash(folder));
                    return Ok(true);
                }
            }
        }
        Ok(self.listed_paths.contains(&path_hash(full)))
    }

    /// What writing `file` would change, without writing it.
    pub(crate) fn change(&self, file: &GeneratedFile<'_>, path: &str) -> Result<Change, Failure> {
        let mut hasher = ContentHasher::new();
        file.write_to(&mut hasher).map_err(|error| Failure::InFile { file: path.to_owned(), error })?;
        let new = hasher.finish();
        Ok(match hash_file(&self.root.join(path))? {
            None => Change::Create,
            Some((existing, _)) if existing == new => Change::Unchanged,
            Some(_) => Change::Update,
        })
    }

    /// Starts a run: the record lists every path this run makes as pending (besides what it
    /// listed before), so that a run killed half-way leaves files the next run knows as its own.
    pub(crate) fn begin(&self, new_paths: impl Iterator<Item = String>) -> Result<(), Failure> {
        fs::create_dir_all(&self.root).map_err(|error| Failure::Write { path: Some(self.root.clone()), error })?;
        // irsa's own temporary files, left by a run that was killed before it renamed them.
        for leftover in &self.leftovers {
            let _ = fs::remove_file(leftover);
        }
        let mut record = RecordWriter::create(&self.root)?;
        let mut failed = None;
        read_record(&self.root, |path, entry| {
            if failed.is_none() {
                failed = record.entry(path, entry).err();
            }
        })?;
        if let Some(failure) = failed {
            return Err(failure);
        }
        for path in new_paths {
            record.entry(&path, Entry::Pending)?;
        }
        record.finish()
    }

    /// Writes one file atomically: a new file is made unnamed and linked to its name when whole
    /// ([`crate::unnamed`]), where that is possible; otherwise, and for a file that exists, a
    /// temporary file in the same folder is renamed over the old one (or dropped when the
    /// content is the same). Returns what changed and the hash of the content, for the record
    /// ([`RecordWriter::file`]). Several threads may write at once.
    ///
    /// `buffer` is the writer's own, reused from file to file.
    pub(crate) fn write(
        &self,
        file: &GeneratedFile<'_>,
        path: &str,
        buffer: &mut Vec<u8>,
    ) -> Result<(Change, u64), Failure> {
        check_relative(path)?;
        let full = self.root.join(path);
        let folder = full.parent().unwrap_or(&self.root);
        self.make_folder(folder)?;
        let fail = |error: io::Error| Failure::Write { path: Some(full.clone()), error };
        let existed = self.existing.contains(&content_hash(path));
        if !existed && self.unnamed.load(Ordering::Relaxed) {
            match self.write_unnamed(file, folder, &full, buffer) {
                Ok(Some(hash)) => return Ok((Change::Create, hash)),
                Ok(None) => self.unnamed.store(false, Ordering::Relaxed),
                Err(error) => return Err(fail(error)),
            }
        }
        let temp = temp_path(&full)?;
        let new = match File::create(&temp).and_then(|mut target| write_content(&mut target, file, buffer)) {
            Ok(hash) => hash,
            Err(error) => {
                let _ = fs::remove_file(&temp);
                return Err(fail(error));
            }
        };
        let change = match if existed { hash_file(&full)? } else { None } {
            Some((existing, _)) if existing == new => Change::Unchanged,
            Some(_) => Change::Update,
            None => Change::Create,
        };
        if change == Change::Unchanged {
            let _ = fs::remove_file(&temp);
        } else if let Err(error) = fs::rename(&temp, &full) {
            let _ = fs::remove_file(&temp);
            return Err(fail(error));
        }
        Ok((change, new))
    }

    /// Writes a new file unnamed and links it to `full`; `None` when unnamed files are not
    /// available in `folder` (nothing was written).
    fn write_unnamed(
        &self,
        file: &GeneratedFile<'_>,
        folder: &Path,
        full: &Path,
        buffer: &mut Vec<u8>,
    ) -> io::Result<Option<u64>> {
        let Some(mut unnamed) = crate::unnamed::create(folder, self.unnamed_mode)? else { return Ok(None) };
        let hash = write_content(&mut unnamed, file, buffer)?;
        Ok(crate::unnamed::link(&unnamed, full)?.then_some(hash))
    }

    /// Makes `folder` (inside the output folder) level by level, refusing to go through a
    /// symbolic link: every file irsa writes stays inside `--out`.
    fn make_folder(&self, folder: &Path) -> Result<(), Failure> {
        // A poisoned lock only means another writer failed; the set is still right.
        let mut folders = self.folders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if folders.contains(folder) {
            return Ok(());
        }
        let fail = |path: &Path, error: io::Error| Failure::Write { path: Some(path.to_owned()), error };
        fs::create_dir_all(&self.root).map_err(|error| fail(&self.root, error))?;
        let relative = folder
            .strip_prefix(&self.root)
            .map_err(|_| fail(folder, io::Error::new(io::ErrorKind::InvalidInput, "outside the output folder")))?;
        let mut current = self.root.clone();
        for component in relative.components() {
            current.push(component);
            match fs::symlink_metadata(&current) {
                Ok(meta) if meta.file_type().is_symlink() => return Err(symlink_in_the_way(&current)),
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    return Err(fail(
                        &current,
                        io::Error::new(io::ErrorKind::AlreadyExists, "a file is in the way of a folder"),
                    ));
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => match fs::create_dir(&current) {
                    Err(error) if error.kind() != io::ErrorKind::AlreadyExists => return Err(fail(&current, error)),
                    _ => {}
                },
                Err(error) => return Err(fail(&current, error)),
            }
        }
        folders.insert(folder.to_owned());
        Ok(())
    }

    /// Refuses a path whose folders inside the output folder include a symbolic link (found
    /// before anything is written).
    fn check_no_symlink(&mut self, full: &Path) -> Result<(), Failure> {
        let Some(folder) = full.parent() else { return Ok(()) };
        let Ok(relative) = folder.strip_prefix(&self.root) else { return Ok(()) };
        let mut current = self.root.clone();
        for component in relative.components() {
            current.push(component);
            if !self.checked_folders.insert(path_hash(&current)) {
                continue;
            }
            if fs::symlink_metadata(&current).is_ok_and(|meta| meta.file_type().is_symlink()) {
                return Err(symlink_in_the_way(&current));
            }
        }
        Ok(())
    }

    /// Removes a file irsa generated before, and the folders it leaves empty.
    pub(crate) fn remove(&self, path: &str) -> Result<(), Failure> {
        check_relative(path)?;
        let full = self.root.join(path);
        match fs::remove_file(&full) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                return Err(Failure::Write { path: Some(full), error });
            }
            _ => {}
        }
        let mut parent = full.parent();
        while let Some(dir) = parent.filter(|d| *d != self.root && d.starts_with(&self.root)) {
            if fs::remove_dir(dir).is_err() {
                break; // not empty
            }
            parent = dir.parent();
        }
        Ok(())
    }

    /// A writer of the final record.
    pub(crate) fn record(&self) -> Result<RecordWriter, Failure> {
        RecordWriter::create(&self.root)
    }
}

/// Writes the record as a JSON object, entry by entry, into a temporary file that replaces
/// the record when finished.
pub(crate) struct RecordWriter {
    writer: BufWriter<File>,
    temp: PathBuf,
    target: PathBuf,
    entries: usize,
}

impl RecordWriter {
    fn create(root: &Path) -> Result<RecordWriter, Failure> {
        let target = root.join(RECORD_FILE);
        let temp = temp_path(&target)?;
        let file = File::create(&temp).map_err(|error| Failure::Write { path: Some(target.clone()), error })?;
        let mut record = RecordWriter { writer: BufWriter::new(file), temp, target, entries: 0 };
        record.put("{\n  \"generator\": \"irsa\",\n  \"files\": {")?;
        Ok(record)
    }

    fn put(&mut self, text: &str) -> Result<(), Failure> {
        self.writer
            .write_all(text.as_bytes())
            .map_err(|error| Failure::Write { path: Some(self.target.clone()), error })
    }

    /// Records that the file at `path` has the content hash `hash`.
    pub(crate) fn file(&mut self, path: &str, hash: u64) -> Result<(), Failure> {
        self.entry(path, Entry::Hash(hash))
    }

    fn entry(&mut self, path: &str, entry: Entry) -> Result<(), Failure> {
        let separator = if self.entries == 0 { "\n    " } else { ",\n    " };
        self.entries += 1;
        let fail = |error: io::Error| Failure::Write { path: Some(self.target.clone()), error };
        self.writer.write_all(separator.as_bytes()).map_err(fail)?;
        serde_json::to_writer(&mut self.writer, path).map_err(|e| fail(e.into()))?;
        match entry {
            Entry::Hash(hash) => write!(self.writer, ": \"{hash:016x}\""),
            Entry::Pending => write!(self.writer, ": \"{PENDING}\""),
        }
        .map_err(fail)
    }

    /// Completes the record and puts it in place. Like the generated files it is replaced
    /// atomically but not flushed to disk: a flush would wait for every file of the run.
    pub(crate) fn finish(mut self) -> Result<(), Failure> {
        self.put(if self.entries == 0 { "}\n}\n" } else { "\n  }\n}\n" })?;
        let fail = |error: io::Error| Failure::Write { path: Some(self.target.clone()), error };
        drop(self.writer.into_inner().map_err(|e| fail(e.into_error()))?);
        fs::rename(&self.temp, &self.target).map_err(fail)
    }
}

fn symlink_in_the_way(path: &Path) -> Failure {
    Failure::Usage(format!(
        "nothing was written: `{}` is a symbolic link, and irsa writes only inside the output folder (it does not follow links out of it)",
        path.display()
    ))
}

fn path_hash(path: &Path) -> u64 {
    let mut hasher = ContentHasher::new();
    hasher.update(path.as_os_str().as_encoded_bytes());
    hasher.finish()
}

/// Bytes a writer holds before it hands them to the file.
pub(crate) const WRITE_BUFFER: usize = 64 * 1024;

/// Writes `file` through `buffer` into `target` (just created), returning its content hash.
fn write_content(target: &mut File, file: &GeneratedFile<'_>, buffer: &mut Vec<u8>) -> io::Result<u64> {
    buffer.clear();
    let mut sink = Buffered { file: target, buffer, hasher: ContentHasher::new(), error: None };
    let rendered = file.write_to(&mut sink);
    if let Some(error) = sink.error.take() {
        return Err(error);
    }
    rendered.map_err(io::Error::other)?;
    sink.flush()?;
    Ok(sink.hasher.finish())
}

/// A `fmt::Write` that hashes what passes and writes it to a file through a borrowed buffer
/// (a `BufWriter` per file would allocate its buffer for each of many small files).
struct Buffered<'b> {
    file: &'b mut File,
    buffer: &'b mut Vec<u8>,
    hasher: ContentHasher,
    error: Option<io::Error>,
}

impl Buffered<'_> {
    fn flush(&mut self) -> io::Result<()> {
        self.hasher.update(self.buffer);
        let result = self.file.write_all(self.buffer);
        self.buffer.clear();
        result
    }
}

impl fmt::Write for Buffered<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.buffer.len() + s.len() > WRITE_BUFFER.max(self.buffer.capacity()) {
            if let Err(error) = self.flush() {
                self.error = Some(error);
                return Err(fmt::Error);
            }
        }
        self.buffer.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// The content hash of a file, and whether it starts with irsa's marker; `None` when there is
/// no such file.
fn hash_file(path: &Path) -> Result<Option<(u64, bool)>, Failure> {
    let fail = |error: io::Error| Failure::Read { path: path.to_owned(), error };
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(fail(error)),
    };
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut hasher = ContentHasher::new();
    let mut head: Vec<u8> = Vec::with_capacity(MARKER_PREFIX.len());
    let mut buffer = [0u8; 64 * 1024];
    loop {
        let read = reader.read(&mut buffer).map_err(fail)?;
        let Some(chunk) = buffer.get(..read).filter(|c| !c.is_empty()) else { break };
        if head.len() < MARKER_PREFIX.len() {
            head.extend(chunk.iter().take(MARKER_PREFIX.len() - head.len()));
        }
        hasher.update(chunk);
    }
    Ok(Some((hasher.finish(), head == MARKER_PREFIX.as_bytes())))
}

/// Calls `visit` for each entry of the folder's record, streaming it (no record: no calls).
fn read_record(root: &Path, mut visit: impl FnMut(&str, Entry)) -> Result<(), Failure> {
    let path = root.join(RECORD_FILE);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(Failure::Read { path, error }),
    };
    let mut deserializer = serde_json::Deserializer::from_reader(BufReader::new(file));
    RecordSeed { visit: &mut visit }.deserialize(&mut deserializer).and_then(|()| deserializer.end()).map_err(|e| {
        Failure::Read {
            path,
            error: io::Error::new(
                io::ErrorKind::InvalidData,
                format!("it is not irsa's record of generated files ({e})"),
            ),
        }
    })
}

/// `{"generator": "irsa", "files": {path: hash | "pending"}}`, read without building it.
struct RecordSeed<'a, F: FnMut(&str, Entry)> {
    visit: &'a mut F,
}

impl<'de, F: FnMut(&str, Entry)> DeserializeSeed<'de> for RecordSeed<'_, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, F: FnMut(&str, Entry)> Visitor<'de> for RecordSeed<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("irsa's record of generated files")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut generator_ok = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "generator" => generator_ok = map.next_value::<String>()? == "irsa",
                "files" => map.next_value_seed(FilesSeed { visit: &mut *self.visit })?,
                other => return Err(de::Error::unknown_field(other, &["generator", "files"])),
            }
        }
        if generator_ok { Ok(()) } else { Err(de::Error::custom("the generator is not irsa")) }
    }
}

struct FilesSeed<'a, F: FnMut(&str, Entry)> {
    visit: &'a mut F,
}

impl<'de, F: FnMut(&str, Entry)> DeserializeSeed<'de> for FilesSeed<'_, F> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, F: FnMut(&str, Entry)> Visitor<'de> for FilesSeed<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of paths to hashes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(path) = map.next_key::<String>()? {
            let value = map.next_value::<String>()?;
            let entry = if value == PENDING {
                Entry::Pending
            } else {
                Entry::Hash(
                    u64::from_str_radix(&value, 16)
                        .map_err(|_| de::Error::custom(format!("`{value}` is not a hash")))?,
                )
            };
            (self.visit)(&path, entry);
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use irsa_core::generate::{Generator, Layout};
    use irsa_core::spec::{Spec, SpecFormat, SpecOptions};

    use super::*;

    /// A new file is whole under its name, with no temporary file beside it, whether it was
    /// made unnamed or (where the system has no unnamed files) renamed into place.
    #[test]
    fn new_files_are_written_whole_either_way() {
        let yaml = "providers:\n  eks:\n    issuer: https://oidc.eks.eu-west-1.amazonaws.com/id/ABC\n    account: \"123456789012\"\nroles:\n  - name: app\n    service_accounts: [default:app]\n";
        let options = SpecOptions::default();
        let spec = Spec::parse(yaml, SpecFormat::Yaml, &options).unwrap();
        let generator = Generator::new(&spec, &options, Layout::Json, "roles.yaml").unwrap();
        let file = generator.file(0).unwrap();
        let expected = file.contents().unwrap();
        for unnamed in [true, false] {
            let root = std::env::temp_dir().join(format!("irsa-tree-{unnamed}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&root);
            let tree = Tree::open(&root).unwrap();
            tree.unnamed.store(unnamed && tree.unnamed.load(Ordering::Relaxed), Ordering::Relaxed);
            let (change, hash) = tree.write(&file, &file.path(), &mut Vec::new()).unwrap();
            assert_eq!(change, Change::Create);
            assert_eq!(hash, content_hash(&expected));
            assert_eq!(fs::read_to_string(root.join(file.path())).unwrap(), expected);
            let names: Vec<_> = fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert_eq!(names, [std::ffi::OsString::from(file.path())], "unnamed: {unnamed}");
            fs::remove_dir_all(&root).unwrap();
        }
    }
}
