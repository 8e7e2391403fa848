//! `irsa generate`: every role of a spec file, written into a folder.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use irsa_core::generate::{Generator, Layout, content_hash};
use irsa_core::spec::{Spec, SpecFormat, SpecOptions};

use crate::Outcome;
use crate::cli::{GenerateArgs, LayoutArg};
use crate::failure::Failure;
use crate::input::{MAX_SPEC_BYTES, open_limited, read_text};
use crate::output::emit;
use crate::tree::{Change, Tree};

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
    let spec = if format == SpecFormat::Json && args.spec != Path::new("-") {
        // Streamed: a large JSON spec is never held as text.
        let reader = std::io::BufReader::new(open_limited(&args.spec, MAX_SPEC_BYTES)?);
        Spec::parse_json_reader(reader, &options).map_err(in_spec)?
    } else {
        let text = read_text(&args.spec, MAX_SPEC_BYTES)?;
        Spec::parse(&text, format, &options).map_err(in_spec)?
    };
    let generator = Generator::new(&spec, &options, layout(args.layout), &file_name).map_err(in_spec)?;

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
    let (mut written, mut unchanged) = (0, 0);
    for file in generator.files() {
        match tree.write(&file, &file.path(), &mut record)? {
            Change::Unchanged => unchanged += 1,
            Change::Create | Change::Update => written += 1,
        }
    }
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
