//! `irsa generate`: every role of a spec file, written into a folder.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use irsa_core::generate::{Generator, Layout, content_hash};
use irsa_core::spec::{Spec, SpecFormat, SpecOptions};
use irsa_core::{Error, ErrorKind};

use crate::Outcome;
use crate::cli::{GenerateArgs, LayoutArg};
use crate::failure::Failure;
use crate::input::{MAX_SPEC_BYTES, read_text};
use crate::output::emit;
use crate::parallel;
use crate::tree::{Change, RecordWriter, Tree, WRITE_BUFFER};

pub(crate) fn run(args: &GenerateArgs) -> Result<Outcome, Failure> {
    let file_name = args.spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "-".into());
    let shown = args.spec.display().to_string();
    let format = if args.spec == Path::new("-") {
        SpecFormat::Yaml
    } else {
        SpecFormat::from_file_name(&file_name).ok_or_else(|| {
            Failure::Usage(format!("{shown}: a spec is YAML (.yaml, .yml) or JSON (.json), by its extension"))
        })?
    };
    let options = SpecOptions {
        quota: args.quota,
        allow_broad_subjects: args.allow_broad_subjects,
        check_trust: args.layout != LayoutArg::Kops,
    };
    let in_spec = |error| Failure::InFile { file: shown.clone(), error };
    // Read first, then check each role's trust policy on every core; a role that fails is
    // found again by a reading that checks as it goes, whose error has the role's location.
    // Read whole (at most 100 MB): serde_json parses text in memory faster than from a reader
    // (0.2 s less for 100,000 roles, for 45 MB more at the peak, which stays under 200 MB).
    let text = read_text(&args.spec, MAX_SPEC_BYTES)?;
    let unchecked = SpecOptions { check_trust: false, ..options };
    let spec = Spec::parse(&text, format, &unchecked).map_err(in_spec)?;
    if options.check_trust {
        let failure = parallel::first_failure(spec.roles.len(), 256, |index| match spec.roles.get(index) {
            Some(role) => spec.check_trust(role, &options).map(drop),
            None => Ok(()),
        });
        if let Some((index, error)) = failure {
            let located = Spec::parse(&text, format, &options).err().map(in_spec);
            let role = spec.roles.get(index).map(|r| r.name.to_string()).unwrap_or_default();
            return Err(located.unwrap_or_else(|| {
                in_spec(Error::new(ErrorKind::Spec, "", format!("roles[{index}]: role `{role}`: {}", error.message())))
            }));
        }
    }
    drop(text);
    let mut generator = Generator::new(&spec, &options, layout(args.layout), &file_name).map_err(in_spec)?;
    if args.emit_cases {
        generator =
            generator.with_cases().map_err(|error| Failure::Input { flag: Some("--emit-cases"), error, hint: None })?;
    }

    // Before anything is written: every path is irsa's to write, every stale file irsa's to remove.
    let mut tree = Tree::open(&args.out)?;
    let mut new_paths: HashSet<u64> = HashSet::new();
    let mut conflicts = Vec::new();
    for file in generator.files() {
        let path = file.path();
        new_paths.insert(content_hash(&path));
        conflicts.extend(tree.conflict(&path)?);
    }
    let stale = tree.stale(&new_paths)?;
    for path in &stale {
        conflicts.extend(tree.conflict(path)?);
    }
    if !conflicts.is_empty() {
        let mut message = format!(
            "nothing was written: {} file(s) in {} are not irsa's to change:",
            conflicts.len(),
            args.out.display()
        );
        for conflict in &conflicts {
            let _ = write!(message, "\n  {}", args.out.join(conflict).display());
        }
        return Err(Failure::Usage(message));
    }
    drop(new_paths);

    if args.check {
        return check(&generator, &tree, &stale, &args.out);
    }
    tree.begin(generator.files().map(|f| f.path()))?;
    let mut record = tree.record()?;
    let (written, unchanged) = write_files(&generator, &tree, &mut record)?;
    for path in &stale {
        tree.remove(path)?;
    }
    record.finish()?;
    let summary = format!(
        "irsa: {} roles, layout {}: {written} file(s) written, {unchanged} unchanged, {} removed in {}\n",
        spec.roles.len(),
        generator.layout(),
        stale.len(),
        args.out.display()
    );
    emit(summary.as_bytes(), None)?;
    Ok(Outcome::Success)
}

/// Files per unit of work of a writer thread.
const CHUNK: usize = 128;

/// Writes every file of `generator` with one writer thread per core ([`parallel::threads`]), and notes
/// each in `record` in the generator's order, so that the record is the same bytes whatever
/// the threads' timing. Returns how many files were written and how many were unchanged.
fn write_files(generator: &Generator<'_>, tree: &Tree, record: &mut RecordWriter) -> Result<(usize, usize), Failure> {
    let count = generator.file_count();
    let chunks = count.div_ceil(CHUNK);
    let threads = parallel::threads(chunks);
    let next_chunk = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (sender, receiver) = mpsc::channel::<(usize, Result<Vec<(Change, u64)>, Failure>)>();
    let write_chunk = |chunk: usize| -> Result<Vec<(Change, u64)>, Failure> {
        let start = chunk * CHUNK;
        let mut buffer = Vec::with_capacity(WRITE_BUFFER);
        (start..count.min(start + CHUNK))
            .filter_map(|index| generator.file(index))
            .map(|file| tree.write(&file, &file.path(), &mut buffer))
            .collect()
    };
    thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let (next_chunk, stop, write_chunk) = (&next_chunk, &stop, &write_chunk);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let chunk = next_chunk.fetch_add(1, Ordering::Relaxed);
                    if chunk >= chunks || sender.send((chunk, write_chunk(chunk))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);

        // Chunks arrive in any order; the record takes them in order.
        let (mut written, mut unchanged) = (0, 0);
        let mut arrived = BTreeMap::new();
        let mut recorded = 0;
        let mut failure: Option<(usize, Failure)> = None;
        for (chunk, result) in receiver {
            match result {
                Ok(changes) => {
                    arrived.insert(chunk, changes);
                }
                Err(error) => {
                    stop.store(true, Ordering::Relaxed);
                    if failure.as_ref().is_none_or(|(first, _)| chunk < *first) {
                        failure = Some((chunk, error));
                    }
                }
            }
            while failure.is_none() {
                let Some(changes) = arrived.remove(&recorded) else { break };
                for (offset, (change, hash)) in changes.into_iter().enumerate() {
                    let Some(file) = generator.file(recorded * CHUNK + offset) else { break };
                    if let Err(error) = record.file(&file.path(), hash) {
                        stop.store(true, Ordering::Relaxed);
                        failure = Some((recorded, error));
                        break;
                    }
                    match change {
                        Change::Unchanged => unchanged += 1,
                        Change::Create | Change::Update => written += 1,
                    }
                }
                recorded += 1;
            }
        }
        match failure {
            Some((_, error)) => Err(error),
            None => Ok((written, unchanged)),
        }
    })
}

/// `--check`: lists what a run would change; exit 1 when anything would.
fn check(generator: &Generator<'_>, tree: &Tree, stale: &[String], out: &Path) -> Result<Outcome, Failure> {
    let mut report = String::new();
    for file in generator.files() {
        let path = file.path();
        let verb = match tree.change(&file, &path)? {
            Change::Create => "create",
            Change::Update => "update",
            Change::Unchanged => continue,
        };
        let _ = writeln!(report, "would {verb} {}", out.join(&path).display());
    }
    for path in stale {
        let _ = writeln!(report, "would remove {}", out.join(path).display());
    }
    if report.is_empty() {
        emit(format!("irsa: {} is up to date\n", out.display()).as_bytes(), None)?;
        Ok(Outcome::Success)
    } else {
        emit(report.as_bytes(), None)?;
        Ok(Outcome::Negative)
    }
}

fn layout(arg: LayoutArg) -> Layout {
    match arg {
        LayoutArg::Module => Layout::Module,
        LayoutArg::Inline => Layout::Inline,
        LayoutArg::Json => Layout::Json,
        LayoutArg::Kops => Layout::Kops,
    }
}
