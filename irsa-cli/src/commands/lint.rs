//! `irsa lint`: findings in trust policies, from files and folders.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use irsa_core::lint::{
    FileFindings, Finding, LintOptions, Severity, count_at_least, lint_read, to_json, to_sarif, to_text,
};
use irsa_core::read::{PolicyFormat, PolicySource, looks_like_policy, read_policies};

use crate::Outcome;
use crate::cli::{DenyLevel, LintArgs, LintFormat};
use crate::failure::Failure;
use crate::input::{MAX_POLICY_BYTES, read_text};
use crate::output::emit;

/// One policy of one file, linted.
struct Linted {
    file: String,
    policy: Option<String>,
    findings: Vec<Finding>,
}

pub(crate) fn run(args: &LintArgs) -> Result<Outcome, Failure> {
    let options = LintOptions { quota: args.quota, skip: args.skip.clone() };
    let mut linted = Vec::new();
    let mut notes = Vec::new();
    for path in &args.files {
        if path != Path::new("-") && path.is_dir() {
            for file in walk(path, &mut notes) {
                lint_file(&file, false, &options, &mut linted, &mut notes)?;
            }
        } else {
            lint_file(path, true, &options, &mut linted, &mut notes)?;
        }
    }
    let files: Vec<FileFindings<'_>> = linted
        .iter()
        .map(|l| FileFindings { file: &l.file, policy: l.policy.as_deref(), findings: &l.findings })
        .collect();
    let report = match args.format {
        LintFormat::Text => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            to_text(&files, colour)
        }
        LintFormat::Json => format!("{}\n", to_json(&files)),
        LintFormat::Sarif => format!("{}\n", to_sarif(&files, env!("CARGO_PKG_VERSION"))),
    };
    {
        let mut stderr = std::io::stderr().lock();
        for note in &notes {
            let _ = writeln!(stderr, "irsa: note: {note}");
        }
    }
    emit(report.as_bytes(), None)?;
    let all: Vec<Finding> = linted.into_iter().flat_map(|l| l.findings).collect();
    let worst = if args.deny == Some(DenyLevel::Warnings) { Severity::Warning } else { Severity::Error };
    Ok(if count_at_least(&all, worst) > 0 { Outcome::Negative } else { Outcome::Success })
}

/// Lints every policy of a file. A file named on the command line must hold policies that
/// irsa can read (else exit 2); a file found in a folder is skipped, with a note, when it
/// cannot be read as one.
fn lint_file(
    path: &Path,
    named: bool,
    options: &LintOptions,
    linted: &mut Vec<Linted>,
    notes: &mut Vec<String>,
) -> Result<(), Failure> {
    let shown = path.display().to_string();
    let text = match read_text(path, MAX_POLICY_BYTES) {
        Ok(text) => text,
        Err(failure) if !named => {
            notes.push(format!("skipped: {failure}"));
            return Ok(());
        }
        Err(failure) => return Err(failure),
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let format = PolicyFormat::detect(file_name.as_deref(), &text);
    if !named && format == PolicyFormat::Json && !looks_like_policy(&text) {
        return Ok(());
    }
    let in_file = |error| Failure::InFile { file: shown.clone(), error };
    let policies = match read_policies(&text, format) {
        Ok(policies) => policies,
        Err(error) if !named => {
            notes.push(format!("{shown}: skipped: {}", in_file(error)));
            return Ok(());
        }
        Err(error) => return Err(in_file(error)),
    };
    if policies.is_empty() && named {
        return Err(Failure::Usage(format!("{shown}: no data \"aws_iam_policy_document\" block to lint")));
    }
    for policy in policies {
        let read = match policy {
            Ok(read) => read,
            Err(error) if !named => {
                notes.push(format!("skipped a document: {}", in_file(error)));
                continue;
            }
            Err(error) => return Err(in_file(error)),
        };
        let policy = match &read.source {
            PolicySource::Hcl { name } => Some(name.clone()),
            _ => None,
        };
        let findings = lint_read(&read, options);
        linted.push(Linted { file: shown.clone(), policy, findings });
    }
    Ok(())
}

/// The `*.json` and `*.tf` files under `folder`, sorted; hidden folders, `node_modules` and
/// `.terraform` are not searched, and symbolic links to folders are not followed.
fn walk(folder: &Path, notes: &mut Vec<String>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                notes.push(format!("skipped `{}`: {error}", dir.display()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                if !name.starts_with('.') && name != "node_modules" {
                    pending.push(path);
                }
            } else if (kind.is_file() || kind.is_symlink() && path.is_file())
                && (name.ends_with(".json") || name.ends_with(".tf"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
