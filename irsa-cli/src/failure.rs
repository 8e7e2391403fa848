//! Why a command failed, and how that reads on standard error.

use std::fmt;
use std::io;
use std::path::PathBuf;

use irsa_core::Remedy;

/// A failed command. Every failure exits with code 2: bad input, bad usage, or an output that
/// could not be written.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A value irsa-core rejected; `flag` says where it came from.
    Input { flag: Option<&'static str>, error: irsa_core::Error, hint: Option<&'static str> },
    /// Flags that do not go together.
    Usage(String),
    /// Writing the output failed.
    Write { path: Option<PathBuf>, error: io::Error },
    /// An input file could not be read.
    Read { path: PathBuf, error: io::Error },
    /// A value of an input file irsa-core rejected, with the file's name.
    InFile { file: String, error: irsa_core::Error },
}

impl Failure {
    /// A rejected value from `flag`.
    pub(crate) fn input(flag: &'static str, error: irsa_core::Error) -> Failure {
        Failure::Input { flag: Some(flag), error, hint: None }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input { flag, error, hint } => {
                if let Some(flag) = flag {
                    write!(f, "{flag}: ")?;
                }
                write!(f, "{error}")?;
                if let Some(hint) = hint.or_else(|| remedy_hint(error)) {
                    write!(f, "\n  hint: {hint}")?;
                }
                Ok(())
            }
            Failure::Usage(message) => f.write_str(message),
            Failure::Write { path: Some(path), error } => write!(f, "cannot write `{}`: {error}", path.display()),
            Failure::Write { path: None, error } => write!(f, "cannot write to standard output: {error}"),
            Failure::Read { path, error } => write!(f, "cannot read `{}`: {error}", path.display()),
            Failure::InFile { file, error } => {
                match error.location() {
                    Some(location) => write!(f, "{file}:{location}: {}", error.message())?,
                    None => write!(f, "{file}: {}", error.message())?,
                }
                if let Some(hint) = remedy_hint(error) {
                    write!(f, "\n  hint: {hint}")?;
                }
                Ok(())
            }
        }
    }
}

/// The flag that makes the choice a core error names ([`irsa_core::Remedy`]).
fn remedy_hint(error: &irsa_core::Error) -> Option<&'static str> {
    Some(match error.remedy()? {
        Remedy::AllowBroadSubjects => "--allow-broad-subjects accepts it",
        Remedy::PickDocument => "--name NAME picks one",
        Remedy::NameProvider => "--provider ARN names it",
        Remedy::OtherLayout => "--layout module or --layout inline",
        _ => return None,
    })
}
