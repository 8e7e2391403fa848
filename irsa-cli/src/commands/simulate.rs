//! `irsa simulate`: would STS allow `sts:AssumeRoleWithWebIdentity` for this token, and why.

use std::fmt::Write as _;
use std::path::Path;

use irsa_core::policy::PolicyDocument;
use irsa_core::simulate::{Claims, Decision, Request, decode_token, provider_for, simulate};
use irsa_core::{Error, ErrorKind, Location, OidcProvider};
use serde::Deserialize;

use super::read_policy_input;
use crate::Outcome;
use crate::cli::{PolicyInput, SimulateArgs, SimulateFormat};
use crate::failure::Failure;
use crate::input::{MAX_POLICY_BYTES, read_text};
use crate::output::{emit, emit_text};

/// The largest token file irsa reads (service-account tokens are about a kilobyte).
const MAX_TOKEN_BYTES: u64 = 64 * 1024;

pub(crate) fn run(args: &SimulateArgs) -> Result<Outcome, Failure> {
    let input = read_policy_input(&PolicyInput {
        file: args.policy.clone(),
        name: args.name.clone(),
        address: args.address.clone(),
        terraform: args.terraform.clone(),
    })?;
    let policy = &input.read.document;
    let flag_provider: Option<OidcProvider> =
        args.provider.as_deref().map(str::parse).transpose().map_err(|e| Failure::input("--provider", e))?;
    let now = args.now.or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
    });
    if let Some(cases) = &args.cases {
        return run_cases(policy, cases, flag_provider.as_ref(), args, now);
    }
    let (claims, from_token) = if let Some(token) = &args.token {
        (decode_token(token).map_err(|e| Failure::input("--token", e))?.claims, true)
    } else if let Some(path) = &args.token_file {
        let text = read_text(path, MAX_TOKEN_BYTES)?;
        let file = path.display().to_string();
        (decode_token(&text).map_err(|error| Failure::InFile { file, error })?.claims, true)
    } else if let Some(sub) = &args.sub {
        (Claims { iss: args.iss.clone(), sub: Some(sub.clone()), aud: args.aud.clone(), ..Claims::default() }, false)
    } else {
        return Err(Failure::Usage(
            "give the token (--token JWT or --token-file PATH), its claims (--sub SUB [--aud AUD]...), or --cases FILE"
                .into(),
        ));
    };
    let provider = match flag_provider {
        Some(provider) => provider,
        // The hint (--provider) comes with the error's remedy.
        None => provider_for(policy, claims.iss.as_deref()).map_err(|error| Failure::Input {
            flag: None,
            error,
            hint: None,
        })?,
    };
    let request = Request { provider, claims, client_ids: args.client_ids.clone(), now, from_token };
    let simulation = simulate(policy, &request);
    let text = match args.format {
        SimulateFormat::Text => {
            let mut text = simulation.to_text();
            if from_token {
                text.push_str("\nThe token's signature was not verified: irsa reads its claims only.\n");
            }
            text
        }
        SimulateFormat::Json => simulation.to_json(),
    };
    emit_text(text, None)?;
    Ok(if simulation.decision == Decision::Allow { Outcome::Success } else { Outcome::Negative })
}

/// One line of a `--cases` file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: Option<String>,
    sub: String,
    #[serde(default)]
    aud: Audiences,
    iss: Option<String>,
    provider: Option<String>,
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Audiences {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Expect {
    Allow,
    Deny,
    Undecided,
}

impl Expect {
    fn of(decision: Decision) -> Expect {
        match decision {
            Decision::Allow => Expect::Allow,
            Decision::Deny => Expect::Deny,
            Decision::Undecided => Expect::Undecided,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Expect::Allow => "allow",
            Expect::Deny => "deny",
            Expect::Undecided => "undecided",
        }
    }
}

fn run_cases(
    policy: &PolicyDocument,
    path: &Path,
    flag_provider: Option<&OidcProvider>,
    args: &SimulateArgs,
    now: Option<i64>,
) -> Result<Outcome, Failure> {
    let text = read_text(path, MAX_POLICY_BYTES)?;
    let file = path.display().to_string();
    let at = |line: usize, rule: String| Failure::InFile {
        file: file.clone(),
        error: Error::new(ErrorKind::Simulation, "", rule).at(Location { line, column: 1 }),
    };
    let mut rows = Vec::new();
    let mut failed = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let case: Case = serde_json::from_str(line).map_err(|e| at(number, format!("not a case: {e}")))?;
        let provider = match (&case.provider, flag_provider) {
            (Some(arn), _) => arn.parse::<OidcProvider>().map_err(|e| at(number, e.message()))?,
            (None, Some(provider)) => provider.clone(),
            (None, None) => provider_for(policy, case.iss.as_deref()).map_err(|e| at(number, e.message()))?,
        };
        let aud = match case.aud {
            Audiences::None => Vec::new(),
            Audiences::One(one) => vec![one],
            Audiences::Many(many) => many,
        };
        let claims = Claims { iss: case.iss.clone(), sub: Some(case.sub.clone()), aud, ..Claims::default() };
        let request = Request { provider, claims, client_ids: args.client_ids.clone(), now, from_token: false };
        let simulation = simulate(policy, &request);
        let got = Expect::of(simulation.decision);
        let ok = got == case.expect;
        failed += usize::from(!ok);
        let word = Expect::word;
        let label = case.name.unwrap_or(case.sub);
        let why = if ok { String::new() } else { format!("  ({})", simulation.reason) };
        rows.push((if ok { "ok" } else { "FAIL" }, word(case.expect), word(got), format!("{label}{why}")));
    }
    if rows.is_empty() {
        return Err(Failure::Usage(format!("{file}: no cases (one JSON object a line)")));
    }
    let mut out = String::from("result  expect  got    case\n");
    for (result, expect, got, label) in &rows {
        let _ = writeln!(out, "{result:<6}  {expect:<6}  {got:<5}  {label}");
    }
    let _ = writeln!(out, "{} cases: {} passed, {failed} failed", rows.len(), rows.len() - failed);
    emit(out.as_bytes(), None)?;
    Ok(if failed > 0 { Outcome::Negative } else { Outcome::Success })
}
