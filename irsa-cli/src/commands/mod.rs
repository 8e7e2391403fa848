//! One module per command.

pub(crate) mod generate;
pub(crate) mod policy;
pub(crate) mod service_account;
mod trust;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::failure::Failure;
use crate::output::emit;

/// `irsa completions SHELL`.
pub(crate) fn completions(shell: Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "irsa", &mut script);
    emit(&script, None)
}

/// `irsa man`.
pub(crate) fn man() -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page).map_err(|error| Failure::Write { path: None, error })?;
    emit(&page, None)
}
