//! `irsa lint`: findings in trust policies, from files and folders.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use irsa_core::lint::{
    FileFindings, Finding, LintOptions, Severity, count_at_least, is_trust_policy, lint_read, to_json, to_sarif,
    to_text, unreadable,
};
use irsa_core::read::{PolicyFormat, PolicySource, looks_like_policy, read_policies};
use irsa_core::terraform::Inputs;

use super::terraform;

use crate::Outcome;
use crate::cli::{DenyLevel, LintArgs, LintFormat};
use crate::failure::Failure;
use crate::input::{MAX_POLICY_BYTES, read_text};
use crate::output::emit;

/// One policy of one file, linted (or skipped, or not read).
struct Linted {
    file: String,
    policy: Option<String>,
    findings: Vec<Finding>,
    /// A permission policy, not linted.
    skipped: bool,
    /// Why it could not be read: then its one finding is `unreadable-policy`.
    unread: Option<Failure>,
}

impl Linted {
    /// A document or file that could not be read: an `unreadable-policy` finding, where the
    /// error says it was.
    fn unread(file: &str, failure: Failure) -> Linted {
        let finding = match &failure {
            Failure::InFile { error, .. } => unreadable(error),
            other => unreadable(&irsa_core::Error::new(irsa_core::ErrorKind::PolicyJson, "", other.to_string())),
        };
        Linted { file: file.to_owned(), policy: None, findings: vec![finding], skipped: false, unread: Some(failure) }
    }
}

pub(crate) fn run(args: &LintArgs) -> Result<Outcome, Failure> {
    let options = LintOptions { quota: args.quota, skip: args.skip.clone() };
    let inputs = terraform::inputs(&args.terraform)?;
    let mut linted = Vec::new();
    let mut notes = Vec::new();
    // A module whose documents all have `count = 0` was read, and has nothing to lint.
    let mut read_something = false;
    for path in &args.files {
        if path != Path::new("-") && path.is_dir() {
            for file in walk(path, &mut notes) {
                lint_file(&file, false, &options, &inputs, &mut linted, &mut notes, &mut read_something);
            }
        } else {
            lint_file(path, true, &options, &inputs, &mut linted, &mut notes, &mut read_something);
        }
    }
    // Exit 2 only when nothing at all could be read (or there was nothing to read).
    if linted.iter().all(|l| l.unread.is_some()) && !read_something {
        return Err(match linted.into_iter().find_map(|l| l.unread) {
            Some(failure) => failure,
            None => Failure::Usage(format!(
                "no policy to lint in {} (policy JSON, get-role output, Terraform with data \"aws_iam_policy_document\")",
                args.files.iter().map(|f| format!("`{}`", f.display())).collect::<Vec<_>>().join(", ")
            )),
        });
    }
    let files: Vec<FileFindings<'_>> = linted
        .iter()
        .map(|l| FileFindings { file: &l.file, policy: l.policy.as_deref(), findings: &l.findings, skipped: l.skipped })
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

/// Lints every policy of a file. A file or document irsa cannot read is an `unreadable-policy`
/// finding, and the others are still linted. A file found in a folder that is not a policy
/// (JSON without `Statement`, Terraform without a policy document) is passed over, with a note
/// when it could not be read. Permission policies (no `Principal`) are skipped and counted.
fn lint_file(
    path: &Path,
    named: bool,
    options: &LintOptions,
    inputs: &Inputs,
    linted: &mut Vec<Linted>,
    notes: &mut Vec<String>,
    read_something: &mut bool,
) {
    let shown = path.display().to_string();
    let text = match read_text(path, MAX_POLICY_BYTES) {
        Ok(text) => text,
        Err(failure) if !named => return notes.push(format!("skipped: {failure}")),
        Err(failure) => return linted.push(Linted::unread(&shown, failure)),
    };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let format = PolicyFormat::detect(file_name.as_deref(), &text);
    let by_content = file_name.as_deref().is_some_and(is_kops_policy_name);
    // In a folder, JSON that is not a policy is passed over, but a broken one that holds a
    // Statement is reported.
    if !named
        && (format == PolicyFormat::Json || by_content)
        && !looks_like_policy(&text)
        && !text.contains("\"Statement\"")
    {
        return;
    }
    let in_file = |error| Failure::InFile { file: shown.clone(), error };
    let policies = match read_policies(&text, format) {
        Ok(policies) => policies,
        Err(error) if named || text.contains("aws_iam_policy_document") || format == PolicyFormat::Json => {
            return linted.push(Linted::unread(&shown, in_file(error)));
        }
        Err(error) => return notes.push(format!("skipped: {}", in_file(error))),
    };
    // Documents the literal reader refuses (references, count, dynamic blocks), and the trust
    // policies roles give as JSON, are evaluated in their module, with the caller's values.
    let wants_evaluation = format == PolicyFormat::Hcl
        && (policies.iter().any(Result::is_err) || text.contains("assume_role_policy") || text.contains("module \""));
    let evaluated = if wants_evaluation {
        match terraform::evaluated_documents(path, &shown, &text, inputs) {
            Ok(documents) => Some(documents),
            Err(failure) => {
                notes.push(format!("not evaluated: {failure}"));
                None
            }
        }
    } else {
        None
    };
    // Roles' own trust policies, and what the modules this file calls evaluate to.
    let roles: Vec<&irsa_core::terraform::EvaluatedDocument> = evaluated
        .iter()
        .flatten()
        .filter(|d| {
            d.refers_to.is_none() && (d.address.starts_with("aws_iam_role.") || d.address.starts_with("module."))
        })
        .collect();
    if policies.is_empty() && roles.is_empty() && named {
        let error = irsa_core::Error::new(
            irsa_core::ErrorKind::PolicyHcl,
            "",
            "no data \"aws_iam_policy_document\" block, nor an aws_iam_role with its trust policy as JSON, to lint",
        );
        return linted.push(Linted::unread(&shown, in_file(error)));
    }
    let names =
        if evaluated.is_some() { irsa_core::hcl::policy_document_names(&text).unwrap_or_default() } else { Vec::new() };
    let mut reads = Vec::new();
    for (index, policy) in policies.into_iter().enumerate() {
        match (policy, names.get(index), &evaluated) {
            (Ok(read), _, _) => reads.push((shown.clone(), Ok(read))),
            // Evaluated: the block's instances (none, with `count = 0`).
            (Err(_), Some(name), Some(evaluated)) => {
                if !evaluated.iter().any(|d| terraform::is_document_of_block(&d.address, name)) {
                    *read_something = true;
                }
                reads.extend(
                    evaluated
                        .iter()
                        .filter(|d| terraform::is_document_of_block(&d.address, name))
                        .map(|d| (d.file.clone(), terraform::read_policy(d))),
                );
            }
            (Err(error), _, _) => reads.push((shown.clone(), Err(error))),
        }
    }
    // Each finding is reported in the file its document is written in (a module's, for a call).
    reads.extend(roles.into_iter().map(|d| (d.file.clone(), terraform::read_policy(d))));
    for (file, read) in reads {
        let read = match read {
            Ok(read) => read,
            Err(error) => {
                linted.push(Linted::unread(&file, Failure::InFile { file: file.clone(), error }));
                continue;
            }
        };
        let policy = match &read.source {
            PolicySource::Hcl { name } => Some(name.clone()),
            _ => None,
        };
        if !is_trust_policy(&read.document) {
            if named {
                notes.push(format!(
                    "{shown}{}: a permission policy (no Principal in any statement), not a trust policy: not linted",
                    policy.as_deref().map(|n| format!(" (data.aws_iam_policy_document.{n})")).unwrap_or_default()
                ));
            }
            linted.push(Linted { file, policy, findings: Vec::new(), skipped: true, unread: None });
            continue;
        }
        let findings = lint_read(&read, options);
        linted.push(Linted { file, policy, findings, skipped: false, unread: None });
    }
}

/// Whether a file may be one of the policies kops writes, `data/aws_iam_role_<name>_policy`
/// (the name holds the cluster's, dots and all), or a file without an extension: which of
/// them are policies is decided by their content.
fn is_kops_policy_name(name: &str) -> bool {
    name.ends_with("_policy") || !name.contains('.')
}

/// The `*.json` and `*.tf` files under `folder`, and the files kops writes its policies to
/// (see [`is_kops_policy_name`]), sorted; hidden folders, `node_modules` and `.terraform` are
/// not searched, and symbolic links to folders are not followed.
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
                && (name.ends_with(".json") || name.ends_with(".tf") || is_kops_policy_name(&name))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
