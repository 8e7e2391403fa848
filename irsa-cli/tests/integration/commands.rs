//! `irsa completions`, `irsa man`, help and version.

use crate::support::irsa;

#[test]
fn completions_know_the_commands_and_flags() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = irsa(&["completions", shell]);
        assert_eq!(run.code, Some(0), "{shell}: {}", run.stderr);
        for word in ["policy", "provider", "legacy-principal"] {
            assert!(run.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    let run = irsa(&["completions", "tcsh"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("invalid value 'tcsh'"), "{}", run.stderr);
}

#[test]
fn man_page_is_roff() {
    let run = irsa(&["man"]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.starts_with(".ie \\n(.g .ds Aq \\(aq") || run.stdout.contains(".TH irsa"),
        "{}",
        &run.stdout[..200]
    );
    assert!(run.stdout.contains("policy"));
}

/// The contract's flag names are public words: the help must offer every one of them.
#[test]
fn policy_help_has_every_contract_flag() {
    let run = irsa(&["policy", "--help"]);
    assert_eq!(run.code, Some(0));
    for flag in [
        "--provider <ARN>",
        "--issuer <URL>",
        "--account <ID>",
        "--partition <P>",
        "--sa <NAMESPACE:NAME>",
        "--audience <VALUE>",
        "--legacy-principal <TYPE=ID>",
        "--tag-session",
        "--format <FORMAT>",
        "--allow-broad-subjects",
        "--compact",
        "--role-name <NAME>",
        "--quota <CHARS>",
        "--out <FILE>",
    ] {
        assert!(run.stdout.contains(flag), "policy --help lacks {flag}");
    }
}

#[test]
fn version_and_help_exit_zero() {
    let run = irsa(&["--version"]);
    assert_eq!((run.code, run.stdout.trim()), (Some(0), concat!("irsa ", env!("CARGO_PKG_VERSION"))));
    let run = irsa(&[]);
    assert_eq!(run.code, Some(2), "no command is a usage error");
    assert!(run.stderr.contains("Usage: irsa"), "{}", run.stderr);
}

/// The contract's words for `generate` and `service-account`.
#[test]
fn generate_and_service_account_help_have_the_contract_flags() {
    let cases: [(&str, &[&str]); 2] = [
        (
            "generate",
            &[
                "<SPEC>",
                "--out <DIR>",
                "--check",
                "--layout <LAYOUT>",
                "module",
                "inline",
                "json",
                "kops",
                "--quota <CHARS>",
            ],
        ),
        (
            "service-account",
            &[
                "--sa <NAMESPACE:NAME>",
                "--role-arn <ARN>",
                "--audience <A>",
                "--token-expiration <SECONDS>",
                "--regional-sts",
            ],
        ),
    ];
    for (command, words) in cases {
        let run = irsa(&[command, "--help"]);
        assert_eq!(run.code, Some(0));
        for word in words {
            assert!(run.stdout.contains(word), "{command} --help lacks {word}");
        }
    }
}

/// The contract's words for `convert`, `migrate`, `lint`, `simulate` and `kops`.
#[test]
fn the_other_commands_help_has_the_contract_flags() {
    let cases: [(&str, &[&str]); 5] = [
        ("convert", &["<FILE>", "--to <TO>", "hcl", "json", "--name <NAME>"]),
        (
            "migrate",
            &[
                "<FILE>",
                "--provider <ARN>",
                "--issuer <URL>",
                "--account <ID>",
                "--partition <P>",
                "--sa <NAMESPACE:NAME>",
                "--audience <VALUE>",
                "--legacy-principal <TYPE=ID>",
                "--tag-session",
                "--format <FORMAT>",
                "--remove-legacy",
                "--explain",
                "--quota <CHARS>",
            ],
        ),
        (
            "lint",
            &[
                "<FILE>...",
                "--format <FORMAT>",
                "text",
                "json",
                "sarif",
                "--quota <CHARS>",
                "--deny <LEVEL>",
                "warnings",
            ],
        ),
        (
            "simulate",
            &[
                "--policy <FILE>",
                "--token <JWT>",
                "--token-file <PATH>",
                "--sub <SUB>",
                "--aud <AUD>",
                "--provider <ARN>",
                "--format <FORMAT>",
                "--cases <FILE>",
                "--now <SECONDS>",
            ],
        ),
        (
            "kops",
            &[
                "--discovery-store <URL>",
                "--region <REGION>",
                "--account <ID>",
                "--partition <P>",
                "--dual-stack",
                "--format <FORMAT>",
                "yaml",
                "--explain",
            ],
        ),
    ];
    for (command, words) in cases {
        let run = irsa(&[command, "--help"]);
        assert_eq!(run.code, Some(0), "{command}");
        for word in words {
            assert!(run.stdout.contains(word), "`irsa {command} --help` lacks `{word}`:\n{}", run.stdout);
        }
    }
}
