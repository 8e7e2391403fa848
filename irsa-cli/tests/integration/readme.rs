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

/// Runs the `irsa policy` command of a `sh` block and returns its output.
fn run_policy(line: &str) -> String {
    let words = shell_words(line);
    let start = words.iter().position(|w| w == "policy").expect("an irsa policy command");
    let args: Vec<&str> = words[start..].iter().map(String::as_str).collect();
    let run = irsa(&args);
    assert_eq!(run.code, Some(0), "{line}: {}", run.stderr);
    run.stdout
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let readme = fs::read_to_string(workspace_root().join("README.md")).unwrap();
    let blocks = code_blocks(&readme);
    let mut checked = 0;
    for pair in blocks.windows(2) {
        let [(language, command), (output_language, output)] = pair else { continue };
        let is_policy = language == "sh" && (command.starts_with("irsa policy") || command.contains("-- policy "));
        if is_policy && (output_language == "json" || output_language == "hcl") {
            let line = command.lines().take_while(|l| !l.starts_with("make")).collect::<Vec<_>>().join("\n");
            assert_eq!(run_policy(&line), *output, "README example:\n{line}");
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "the quick start and the Terraform example");
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
        for pair in lines.windows(2) {
            let [command, message] = pair else { continue };
            let Some(command) = command.strip_prefix("$ ") else { continue };
            if command.contains("...") {
                continue; // an abbreviated command line
            }
            let run = irsa(&shell_words(command)[1..].iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(run.code, Some(2));
            assert_eq!(run.stderr.trim_end(), *message, "README: {command}");
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}
