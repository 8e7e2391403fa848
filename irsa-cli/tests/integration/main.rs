//! The `irsa` binary, tested from the outside: arguments in; exit code, stdout and stderr out.
//! Snapshots live in the workspace's `snapshots/` folder.

mod commands;
mod conformance;
mod convert;
mod generate;
mod hardening;
mod kops;
mod lint;
mod migrate;
mod policy;
mod readme;
mod service_account;
mod simulate;
mod support;
