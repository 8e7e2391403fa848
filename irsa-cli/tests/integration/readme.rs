//! The README's examples are run, and their printed output compared with what irsa prints.

use std::fs;

use crate::support::{irsa, workspace_root};

/// The fenced code blocks of the README, as (language, content).
fn code_blocks(readme: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in readme.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(language)) => current = Some((language.to_owned(), String::new())),
            (Some(_), Some("")) => blocks.extend(current.take()),
            (Some((_, content)), _) => {
                content.push_str(line);
                content.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

/// The arguments of a shell command line of the README (continuations joined, single quotes
/// removed; the examples need nothing more).
fn shell_words(command: &str) -> Vec<String> {
    command.replace("\\\n", " ").split_whitespace().map(|word| word.trim_matches('\'').to_owned()).collect()
}

/// Runs the `irsa policy|convert|migrate|lint|simulate|kops` command of a `sh` block from the workspace root (the
/// README's paths are relative to it) and returns its output and standard error.
fn run_example(line: &str) -> (String, String) {
    let words = shell_words(line);
    let start = words
        .iter()
        .position(|w| ["policy", "convert", "migrate", "lint", "simulate", "kops"].contains(&w.as_str()))
        .expect("an irsa policy, convert, migrate, lint, simulate or kops command");
    let args: Vec<&str> = words[start..].iter().map(String::as_str).collect();
    let run: crate::support::Run =
        crate::support::irsa_command(&args).current_dir(workspace_root()).output().expect("irsa runs").into();
    // lint's example finds an error, simulate's is denied: exit 1.
    let negative = args.first() == Some(&"lint") || run.stdout.starts_with("deny");
    assert_eq!(run.code, Some(if negative { 1 } else { 0 }), "{line}: {}", run.stderr);
    (run.stdout, run.stderr)
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let blocks = code_blocks(&readme);
    let mut checked = Vec::new();
    for pair in blocks.windows(2) {
        let [(language, command), (output_language, output)] = pair else { continue };
        let command_name = ["policy", "convert", "migrate", "lint", "simulate", "kops"]
            .into_iter()
            .find(|c| command.starts_with(&format!("irsa {c}")) || command.contains(&format!("-- {c} ")));
        if let (true, Some(name)) = (language == "sh", command_name) {
            if output_language == "json"
                || output_language == "hcl"
                || (["lint", "simulate", "kops"].contains(&name) && output_language == "text")
            {
                let line = command.lines().take_while(|l| !l.starts_with("make")).collect::<Vec<_>>().join("\n");
                let (stdout, stderr) = run_example(&line);
                assert_eq!(stdout, *output, "README example:\n{line}");
                for explained in stderr.lines() {
                    assert!(
                        readme.contains(explained),
                        "README example:\n{line}\nstandard error not shown: {explained}"
                    );
                }
                checked.push(name);
            }
        }
    }
    assert_eq!(
        checked,
        ["policy", "policy", "convert", "migrate", "lint", "simulate", "kops"],
        "the quick start, the Terraform example, convert, migrate, lint, simulate, kops"
    );
}

/// The quick start's first command runs, and prints what the README says it prints.
#[test]
fn readme_quick_start_generates_the_example() {
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let blocks = code_blocks(&readme);
    let (_, quick_start) =
        blocks.iter().find(|(language, block)| language == "sh" && block.contains("-- generate ")).unwrap();
    let mut commands = quick_start.lines();
    let words = shell_words(commands.next().unwrap());
    assert_eq!(commands.next(), Some("make test"), "the quick start is exactly two commands");
    assert_eq!(commands.next(), None);
    let start = words.iter().position(|w| w == "generate").unwrap();
    let out = std::env::temp_dir().join(format!("irsa-quick-start-{}", std::process::id()));
    let mut args: Vec<&str> = words[start..].iter().map(String::as_str).collect();
    let out_arg = out.to_str().unwrap();
    let position = args.iter().position(|a| *a == "--out").unwrap() + 1;
    let shown_out = args[position];
    args[position] = out_arg;
    let run: crate::support::Run =
        crate::support::irsa_command(&args).current_dir(workspace_root()).output().unwrap().into();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let said = readme.split("The first prints `").nth(1).unwrap().split('`').next().unwrap().replace('\n', " ");
    assert_eq!(run.stdout.trim_end(), said.replace(shown_out, out_arg));
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn readme_error_examples_are_what_irsa_says() {
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let mut checked = 0;
    for (language, block) in code_blocks(&readme) {
        if language != "text" || !block.starts_with("$ irsa policy") {
            continue;
        }
        let lines: Vec<&str> = block.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            let Some(command) = line.strip_prefix("$ ") else { continue };
            if command.contains("...") {
                continue; // an abbreviated command line
            }
            // The message: the lines after the command, up to a blank line or the next command.
            let message: Vec<&str> = lines
                .get(index + 1..)
                .unwrap_or_default()
                .iter()
                .copied()
                .take_while(|l| !l.is_empty() && !l.starts_with("$ "))
                .collect();
            let run = irsa(&shell_words(command)[1..].iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(run.code, Some(2));
            assert_eq!(run.stderr.trim_end(), message.join("\n"), "README: {command}");
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}
