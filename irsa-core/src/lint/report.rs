//! Findings as text for people, as JSON, and as SARIF 2.1.0 for code-scanning uploads.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Finding, Rule, Severity};

/// The findings of one policy of one file.
#[derive(Debug, Clone, Copy)]
pub struct FileFindings<'a> {
    /// The file, as the user named it (`-` for standard input).
    pub file: &'a str,
    /// The policy's name in the file: a Terraform document's, when the file has documents.
    pub policy: Option<&'a str>,
    /// What was found, in order.
    pub findings: &'a [Finding],
    /// Whether the policy was skipped, not linted: a permission policy (no `Principal`) is
    /// no trust policy.
    pub skipped: bool,
}

impl FileFindings<'_> {
    fn title(&self) -> String {
        match self.policy {
            // A role's trust policy is named by its address; a document by its block's name.
            // (Terraform names have no dot: one with a dot is an address.)
            Some(name) if name.contains('.') => format!("{} ({name})", self.file),
            Some(name) => format!("{} (data.aws_iam_policy_document.{name})", self.file),
            None => self.file.to_owned(),
        }
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Findings for people: grouped per file and policy, each with its line and column, severity,
/// rule and message; a summary last. `colour` adds ANSI colours (the CLI asks for them only on
/// a terminal, and never under `NO_COLOR`).
///
/// ```
/// use irsa_core::lint::{FileFindings, Finding, Rule, to_text};
///
/// let finding = Finding {
///     rule: Rule::MissingAudience,
///     statement: Some(1),
///     sid: None,
///     location: Some(irsa_core::Location { line: 9, column: 5 }),
///     message: "no :aud condition".into(),
/// };
/// let text = to_text(&[FileFindings { file: "trust.json", policy: None, findings: &[finding], skipped: false }], false);
/// assert_eq!(text, "trust.json\n  9:5  info  missing-audience  statement 1: no :aud condition\n\n1 finding in 1 policy: 0 errors, 0 warnings, 1 info\n");
/// ```
pub fn to_text(files: &[FileFindings<'_>], colour: bool) -> String {
    let paint = |code: &str, text: &str| if colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() };
    let mut out = String::new();
    for file in files.iter().filter(|f| !f.findings.is_empty()) {
        let _ = writeln!(out, "{}", paint("1", &file.title()));
        let places: Vec<String> = file
            .findings
            .iter()
            .map(|f| f.location.map_or("-".to_owned(), |l| format!("{}:{}", l.line, l.column)))
            .collect();
        let place_width = places.iter().map(String::len).max().unwrap_or(1);
        let severity_width = file.findings.iter().map(|f| f.severity().as_str().len()).max().unwrap_or(4);
        let rule_width = file.findings.iter().map(|f| f.rule.name().len()).max().unwrap_or(4);
        for (finding, place) in file.findings.iter().zip(&places) {
            let severity = finding.severity();
            let code = match severity {
                Severity::Error => "1;31",
                Severity::Warning => "1;33",
                Severity::Info => "1;34",
            };
            let _ = writeln!(
                out,
                "  {place:<place_width$}  {}  {}  {}: {}",
                paint(code, &format!("{:<severity_width$}", severity.as_str())),
                paint("2", &format!("{:<rule_width$}", finding.rule.name())),
                finding.subject(),
                finding.message
            );
        }
        out.push('\n');
    }
    let summary = Summary::of(files);
    let mut policies = plural(summary.policies, "policy", "policies");
    if summary.skipped > 0 {
        policies.push_str(&format!(
            " ({} skipped: no Principal, so not a trust policy)",
            plural(summary.skipped, "permission policy", "permission policies")
        ));
    }
    let total = summary.errors + summary.warnings + summary.infos;
    if total == 0 {
        let _ = writeln!(out, "no findings in {policies}");
    } else {
        let _ = writeln!(
            out,
            "{} in {policies}: {}, {}, {}",
            plural(total, "finding", "findings"),
            plural(summary.errors, "error", "errors"),
            plural(summary.warnings, "warning", "warnings"),
            plural(summary.infos, "info", "infos"),
        );
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a str>,
    rule: &'static str,
    severity: &'static str,
    statement: Option<usize>,
    sid: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    /// The policies linted.
    policies: usize,
    /// The policies skipped (permission policies).
    skipped: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

impl Summary {
    /// How many policies, and how many findings of each severity (the text and JSON reports'
    /// last words).
    fn of(files: &[FileFindings<'_>]) -> Summary {
        let count = |severity: Severity| {
            files.iter().flat_map(|f| f.findings.iter()).filter(|f| f.severity() == severity).count()
        };
        Summary {
            policies: files.iter().filter(|f| !f.skipped).count(),
            skipped: files.iter().filter(|f| f.skipped).count(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        }
    }
}

/// Findings as JSON: `{"findings": [{"file", "policy", "rule", "severity", "statement", "sid",
/// "line", "column", "message"}], "summary": {"policies", "skipped", "errors", "warnings",
/// "infos"}}`; `skipped` counts the permission policies that were not linted.
pub fn to_json(files: &[FileFindings<'_>]) -> String {
    let findings: Vec<JsonFinding<'_>> = files
        .iter()
        .flat_map(|file| {
            file.findings.iter().map(move |f| JsonFinding {
                file: file.file,
                policy: file.policy,
                rule: f.rule.name(),
                severity: f.severity().as_str(),
                statement: f.statement,
                sid: f.sid.as_deref(),
                line: f.location.map(|l| l.line),
                column: f.location.map(|l| l.column),
                message: &f.message,
            })
        })
        .collect();
    let summary = Summary::of(files);
    #[allow(clippy::expect_used)]
    serde_json::to_string_pretty(&JsonReport { findings, summary }).expect("findings always serialize")
}

#[derive(Serialize)]
struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<SarifRun<'a>>,
}

#[derive(Serialize)]
struct SarifRun<'a> {
    tool: SarifTool<'a>,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct SarifTool<'a> {
    driver: SarifDriver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver<'a> {
    name: &'static str,
    version: &'a str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    short_description: SarifText,
    full_description: SarifText,
    default_configuration: SarifConfiguration,
    properties: SarifRuleProperties,
}

#[derive(Serialize)]
struct SarifText {
    text: String,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct SarifRuleProperties {
    tags: [&'static str; 2],
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: SarifText,
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysicalLocation {
    artifact_location: SarifArtifact,
    region: SarifRegion,
}

#[derive(Serialize)]
struct SarifArtifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a SARIF artifact URI: a relative reference with `/` separators, each segment
/// percent-encoded where URIs need it.
fn artifact_uri(file: &str) -> String {
    let file = file.replace('\\', "/");
    let file = file.strip_prefix("./").unwrap_or(&file);
    let mut out = String::with_capacity(file.len());
    for byte in file.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// Findings as a SARIF 2.1.0 log (one run of `irsa`, every rule described), ready for GitHub
/// code scanning: every result has a file and a line (line 1 when the policy's text does not
/// tell one).
pub fn to_sarif(files: &[FileFindings<'_>], irsa_version: &str) -> String {
    let rules = Rule::ALL
        .iter()
        .map(|rule| SarifRule {
            id: rule.name(),
            short_description: SarifText { text: rule.description().to_owned() },
            full_description: SarifText { text: rule.description().to_owned() },
            default_configuration: SarifConfiguration { level: sarif_level(rule.severity()) },
            properties: SarifRuleProperties {
                tags: ["security", "iam"],
                precision: "very-high",
                problem_severity: match rule.severity() {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "recommendation",
                },
            },
        })
        .collect();
    let results = files
        .iter()
        .flat_map(|file| {
            file.findings.iter().map(move |f| {
                let policy = file.policy.map(|p| format!("data.aws_iam_policy_document.{p}: ")).unwrap_or_default();
                SarifResult {
                    rule_id: f.rule.name(),
                    rule_index: Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0),
                    level: sarif_level(f.severity()),
                    message: SarifText { text: format!("{policy}{}: {}", f.subject(), f.message) },
                    locations: vec![SarifLocation {
                        physical_location: SarifPhysicalLocation {
                            artifact_location: SarifArtifact { uri: artifact_uri(file.file) },
                            region: SarifRegion {
                                start_line: f.location.map_or(1, |l| l.line),
                                start_column: f.location.map_or(1, |l| l.column),
                            },
                        },
                    }],
                }
            })
        })
        .collect();
    let log = Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![SarifRun {
            tool: SarifTool { driver: SarifDriver { name: "irsa", version: irsa_version, rules } },
            results,
        }],
    };
    #[allow(clippy::expect_used)]
    serde_json::to_string_pretty(&log).expect("a SARIF log always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_is_added_only_when_asked() {
        let finding = Finding {
            rule: Rule::SplitSubjectOperators,
            statement: Some(0),
            sid: None,
            location: None,
            message: "m".into(),
        };
        let files = [FileFindings {
            file: "f.json",
            policy: Some("doc"),
            findings: std::slice::from_ref(&finding),
            skipped: false,
        }];
        let plain = to_text(&files, false);
        assert_eq!(
            plain,
            "f.json (data.aws_iam_policy_document.doc)\n  -  error  split-subject-operators  statement 0: m\n\n1 finding in 1 policy: 1 error, 0 warnings, 0 infos\n"
        );
        let coloured = to_text(&files, true);
        assert!(coloured.contains("\x1b[1;31merror\x1b[0m") && coloured.contains("\x1b[1mf.json"), "{coloured:?}");
        assert!(!plain.contains('\x1b'));
        // SARIF: no location known means line 1 of the file.
        let sarif: serde_json::Value = serde_json::from_str(&to_sarif(&files, "9.9.9")).unwrap();
        assert_eq!(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
        assert_eq!(sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), Rule::ALL.len());
        assert_eq!(artifact_uri("./dir with space/ü.json"), "dir%20with%20space/%C3%BC.json");
    }
}
