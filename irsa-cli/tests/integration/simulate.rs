//! `irsa simulate`: a table of cases from IAM's documented semantics and the failures users
//! report, each with its expected decision and the explanation snapshotted; tokens; batches.

use std::path::PathBuf;

use crate::support::{Run, assert_snapshot, irsa};

const EKS: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
const ISSUER: &str = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";
const KOPS: &str = "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com";
const CN: &str = "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC";
const APP: &str = "system:serviceaccount:default:app";

fn temp(name: &str, content: &str) -> PathBuf {
    crate::support::temp_file("simulate", name, content)
}

/// A statement: `effect`, `principal` and `action` as JSON, and the condition's JSON.
fn statement(effect: &str, principal: &str, action: &str, condition: &str) -> String {
    let condition = if condition.is_empty() { String::new() } else { format!(r#", "Condition": {condition}"#) };
    format!(r#"{{"Effect": "{effect}", "Principal": {principal}, {action}{condition}}}"#)
}

fn federated(arn: &str) -> String {
    format!(r#"{{"Federated": "{arn}"}}"#)
}

const WEB: &str = r#""Action": "sts:AssumeRoleWithWebIdentity""#;

/// The usual IRSA statement with one condition `{operator: {key: values}}`.
fn irsa_with(condition: &str) -> String {
    statement("Allow", &federated(EKS), WEB, condition)
}

fn sub_equals(value: &str) -> String {
    format!(r#"{{"StringEquals": {{"{ISSUER}:sub": "{value}"}}}}"#)
}

fn sub_like(value: &str) -> String {
    format!(r#"{{"StringLike": {{"{ISSUER}:sub": "{value}"}}}}"#)
}

/// The exact subject, and a second operator on one key (`sub` and `aud` are the issuer's).
fn sub_and(operator: &str, key: &str, value: &str) -> String {
    let key = if matches!(key, "sub" | "aud") { format!("{ISSUER}:{key}") } else { key.to_owned() };
    format!(r#"{{"StringEquals": {{"{ISSUER}:sub": "{APP}"}}, "{operator}": {{"{key}": "{value}"}}}}"#)
}

fn policy(statements: &[String]) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, statements.join(", "))
}

struct Case {
    name: &'static str,
    policy: String,
    args: Vec<String>,
    /// `allow`, `deny` or `undecided`.
    decision: &'static str,
}

fn case(name: &'static str, statements: &[String], args: &[&str], allow: bool) -> Case {
    decided(name, statements, args, if allow { "allow" } else { "deny" })
}

fn decided(name: &'static str, statements: &[String], args: &[&str], decision: &'static str) -> Case {
    Case { name, policy: policy(statements), args: args.iter().map(|a| (*a).to_owned()).collect(), decision }
}

fn cases() -> Vec<Case> {
    let sub = ["--sub", APP, "--aud", "sts.amazonaws.com"];
    let with_sub =
        |extra: &[&'static str]| -> Vec<&'static str> { sub.iter().copied().chain(extra.iter().copied()).collect() };
    vec![
        case("exact subject", &[irsa_with(&sub_equals(APP))], &sub, true),
        case("another namespace", &[irsa_with(&sub_equals("system:serviceaccount:prod:app"))], &sub, false),
        case("Default vs default", &[irsa_with(&sub_equals("system:serviceaccount:Default:app"))], &sub, false),
        case("wildcard under StringEquals", &[irsa_with(&sub_equals("system:serviceaccount:default:*"))], &sub, false),
        case("wildcard under StringLike", &[irsa_with(&sub_like("system:serviceaccount:default:*"))], &sub, true),
        case(
            "? matches exactly one character",
            &[irsa_with(&sub_like("system:serviceaccount:default:ap?"))],
            &sub,
            true,
        ),
        case(
            "? does not match two characters",
            &[irsa_with(&sub_like("system:serviceaccount:default:a?"))],
            &sub,
            false,
        ),
        case("? does not match none", &[irsa_with(&sub_like("system:serviceaccount:default:app?"))], &sub, false),
        case(
            "trailing slash in the key",
            &[irsa_with(&format!(r#"{{"StringEquals": {{"{ISSUER}/:sub": "{APP}"}}}}"#))],
            &sub,
            false,
        ),
        case(
            "https:// in the key",
            &[irsa_with(&format!(r#"{{"StringEquals": {{"https://{ISSUER}:sub": "{APP}"}}}}"#))],
            &sub,
            false,
        ),
        case(
            "the whole ARN as key",
            &[irsa_with(&format!(r#"{{"StringEquals": {{"{EKS}:sub": "{APP}"}}}}"#))],
            &sub,
            false,
        ),
        case(
            "another cluster's ID in the key",
            &[irsa_with(
                r#"{"StringEquals": {"oidc.eks.eu-west-1.amazonaws.com/id/DEF:sub": "system:serviceaccount:default:app"}}"#,
            )],
            &sub,
            false,
        ),
        case(
            "key names ignore case",
            &[irsa_with(&format!(r#"{{"StringEquals": {{"{}:SUB": "{APP}"}}}}"#, ISSUER.to_uppercase()))],
            &sub,
            true,
        ),
        case(
            "aws-cn provider",
            &[statement(
                "Allow",
                &federated(CN),
                WEB,
                &format!(r#"{{"StringEquals": {{"oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:sub": "{APP}"}}}}"#),
            )],
            &sub,
            true,
        ),
        case(
            "aws-cn statement, aws token",
            &[statement(
                "Allow",
                &federated(CN),
                WEB,
                &format!(r#"{{"StringEquals": {{"oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:sub": "{APP}"}}}}"#),
            )],
            &with_sub(&["--provider", EKS]),
            false,
        ),
        case(
            "Federated list",
            &[statement("Allow", &format!(r#"{{"Federated": ["{KOPS}", "{EKS}"]}}"#), WEB, &sub_equals(APP))],
            &with_sub(&["--provider", EKS]),
            true,
        ),
        case(
            "another provider",
            &[statement("Allow", &federated(KOPS), WEB, "")],
            &with_sub(&["--provider", EKS]),
            false,
        ),
        case(
            "Principal *",
            &[statement("Allow", r#""*""#, WEB, &sub_equals(APP))],
            &with_sub(&["--provider", EKS]),
            true,
        ),
        case(
            "Principal AWS *",
            &[statement("Allow", r#"{"AWS": "*"}"#, WEB, &sub_equals(APP))],
            &with_sub(&["--provider", EKS]),
            true,
        ),
        case(
            "only a node role",
            &[statement(
                "Allow",
                r#"{"AWS": "arn:aws:iam::123456789012:role/nodes"}"#,
                r#""Action": "sts:AssumeRole""#,
                "",
            )],
            &with_sub(&["--provider", EKS]),
            false,
        ),
        case(
            "explicit Deny with Principal *",
            &[irsa_with(&sub_equals(APP)), statement("Deny", r#""*""#, WEB, &sub_equals(APP))],
            &sub,
            false,
        ),
        case(
            "Deny that does not match",
            &[
                irsa_with(&sub_equals(APP)),
                statement("Deny", r#""*""#, WEB, &sub_equals("system:serviceaccount:default:other")),
            ],
            &sub,
            true,
        ),
        case(
            "NotAction sts:AssumeRole",
            &[statement("Allow", &federated(EKS), r#""NotAction": "sts:AssumeRole""#, &sub_equals(APP))],
            &sub,
            true,
        ),
        case(
            "NotAction web identity",
            &[statement(
                "Allow",
                &federated(EKS),
                r#""NotAction": ["sts:AssumeRoleWithWebIdentity"]"#,
                &sub_equals(APP),
            )],
            &sub,
            false,
        ),
        case(
            "Action sts:*",
            &[statement("Allow", &federated(EKS), r#""Action": "sts:*""#, &sub_equals(APP))],
            &sub,
            true,
        ),
        case(
            "actions ignore case",
            &[statement("Allow", &federated(EKS), r#""Action": "STS:assumerolewithwebidentity""#, &sub_equals(APP))],
            &sub,
            true,
        ),
        case(
            "Action sts:AssumeRole only",
            &[statement("Allow", &federated(EKS), r#""Action": "sts:AssumeRole""#, &sub_equals(APP))],
            &sub,
            false,
        ),
        case(
            "Action with a wildcard",
            &[statement("Allow", &federated(EKS), r#""Action": "sts:AssumeRoleWith*""#, &sub_equals(APP))],
            &sub,
            true,
        ),
        case(
            "kops audience on an EKS token",
            &[irsa_with(&format!(
                r#"{{"StringEquals": {{"{ISSUER}:sub": "{APP}", "{ISSUER}:aud": "amazonaws.com"}}}}"#
            ))],
            &sub,
            false,
        ),
        case(
            "no aud in the token",
            &[irsa_with(&format!(
                r#"{{"StringEquals": {{"{ISSUER}:sub": "{APP}", "{ISSUER}:aud": "sts.amazonaws.com"}}}}"#
            ))],
            &["--sub", APP],
            false,
        ),
        case(
            "StringNotEquals another value",
            &[irsa_with(&format!(
                r#"{{"StringNotEquals": {{"{ISSUER}:sub": "system:serviceaccount:default:other"}}}}"#
            ))],
            &sub,
            true,
        ),
        case(
            "StringNotEquals the same",
            &[irsa_with(&format!(r#"{{"StringNotEquals": {{"{ISSUER}:sub": "{APP}"}}}}"#))],
            &sub,
            false,
        ),
        case(
            "StringNotEquals, key missing",
            &[irsa_with(&sub_and("StringNotEquals", "aud", "x"))],
            &["--sub", APP],
            true,
        ),
        case(
            "StringEqualsIgnoreCase",
            &[irsa_with(&format!(
                r#"{{"StringEqualsIgnoreCase": {{"{ISSUER}:sub": "system:serviceaccount:Default:App"}}}}"#
            ))],
            &sub,
            true,
        ),
        case(
            "StringNotLike",
            &[irsa_with(&sub_and("StringNotLike", "sub", "system:serviceaccount:kube-system:*"))],
            &sub,
            true,
        ),
        case(
            "StringLikeIfExists, key missing",
            &[irsa_with(&sub_and("StringLikeIfExists", "aud", "sts.*"))],
            &["--sub", APP],
            true,
        ),
        case("Null true, key missing", &[irsa_with(&sub_and("Null", "aud", "true"))], &["--sub", APP], true),
        case("Null false, key present", &[irsa_with(&sub_and("Null", "aud", "false"))], &sub, true),
        case(
            "ForAnyValue with several audiences",
            &[irsa_with(&sub_and("ForAnyValue:StringEquals", "aud", "sts.amazonaws.com"))],
            &["--sub", APP, "--aud", "other", "--aud", "sts.amazonaws.com"],
            true,
        ),
        case(
            "ForAllValues with an extra audience",
            &[irsa_with(&sub_and("ForAllValues:StringEquals", "aud", "sts.amazonaws.com"))],
            &["--sub", APP, "--aud", "other", "--aud", "sts.amazonaws.com"],
            false,
        ),
        case(
            "ForAllValues without audiences",
            &[irsa_with(&sub_and("ForAllValues:StringEquals", "aud", "sts.amazonaws.com"))],
            &["--sub", APP],
            true,
        ),
        decided(
            "an operator irsa does not know",
            &[irsa_with(&sub_and("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"))],
            &sub,
            "undecided",
        ),
        decided(
            "a key irsa does not know",
            &[irsa_with(&format!(
                r#"{{"StringEquals": {{"{ISSUER}:sub": "{APP}", "aws:RequestedRegion": "eu-west-1"}}}}"#
            ))],
            &sub,
            "undecided",
        ),
        case(
            "an undecided Allow, but no Allow can apply",
            &[irsa_with(&format!(
                r#"{{"StringEquals": {{"{ISSUER}:sub": "system:serviceaccount:prod:app", "aws:RequestedRegion": "eu-west-1"}}}}"#
            ))],
            &sub,
            false,
        ),
        case(
            "ForAnyValue:StringEqualsIfExists, key missing (AWS denies)",
            &[irsa_with(&sub_and("ForAnyValue:StringEqualsIfExists", "aud", "sts.amazonaws.com"))],
            &["--sub", APP],
            false,
        ),
        case(
            "ForAllValues:StringEqualsIfExists, key missing",
            &[irsa_with(&sub_and("ForAllValues:StringEqualsIfExists", "aud", "sts.amazonaws.com"))],
            &["--sub", APP],
            true,
        ),
        decided(
            "a single-valued operator on several audiences, one matching",
            &[irsa_with(&format!(
                r#"{{"StringEquals": {{"{ISSUER}:sub": "{APP}", "{ISSUER}:aud": "sts.amazonaws.com"}}}}"#
            ))],
            &["--sub", APP, "--aud", "other", "--aud", "sts.amazonaws.com"],
            "undecided",
        ),
        decided(
            "a single-valued operator on several audiences, every one matching",
            &[irsa_with(&format!(
                r#"{{"StringEquals": {{"{ISSUER}:sub": "{APP}", "{ISSUER}:aud": ["sts.amazonaws.com", "other"]}}}}"#
            ))],
            &["--sub", APP, "--aud", "other", "--aud", "sts.amazonaws.com"],
            "undecided",
        ),
        case(
            "split subject operators",
            &[irsa_with(&sub_and("StringLike", "sub", "system:serviceaccount:default:web-*"))],
            &sub,
            false,
        ),
        case(
            "values are ORed",
            &[irsa_with(&format!(
                r#"{{"StringEquals": {{"{ISSUER}:sub": ["system:serviceaccount:default:web", "{APP}"]}}}}"#
            ))],
            &sub,
            true,
        ),
        case("no :sub condition at all", &[irsa_with("")], &sub, true),
        case(
            "a near miss of one character",
            &[irsa_with(&sub_equals("system:serviceaccount:default:apps"))],
            &sub,
            false,
        ),
        case(
            "the provider from --iss",
            &[irsa_with(&sub_equals(APP))],
            &with_sub(&["--iss", "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC"]),
            true,
        ),
        case(
            "an iss of another cluster (STS rejects the token)",
            &[irsa_with(&sub_equals(APP))],
            &with_sub(&["--iss", "https://oidc.eks.eu-west-1.amazonaws.com/id/DEF", "--provider", EKS]),
            false,
        ),
        case(
            "an audience that is no client ID (STS rejects the token)",
            &[irsa_with(&sub_equals(APP))],
            &with_sub(&["--client-id", "amazonaws.com"]),
            false,
        ),
    ]
}

/// Every case gives its expected decision (exit 0 allow, 1 deny or undecided); the
/// explanations are snapshotted together, to be read line by line.
#[test]
fn the_table_of_cases() {
    let cases = cases();
    assert!(cases.len() >= 40, "{}", cases.len());
    let mut transcript = String::new();
    for (index, case) in cases.iter().enumerate() {
        let file = temp(&format!("case-{index}.json"), &case.policy);
        let mut args = vec!["simulate".to_owned(), "--policy".into(), file.to_string_lossy().into_owned()];
        args.extend(case.args.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = irsa(&args);
        assert_eq!(
            run.code,
            Some(if case.decision == "allow" { 0 } else { 1 }),
            "{}:\n{}\n{}{}",
            case.name,
            case.policy,
            run.stdout,
            run.stderr
        );
        assert!(run.stdout.starts_with(&format!("{}: ", case.decision)), "{}: {}", case.name, run.stdout);
        transcript.push_str(&format!(
            "=== {}\n$ irsa simulate {}\n{}\n{}\n",
            case.name,
            case.args.join(" "),
            case.policy,
            run.stdout
        ));
    }
    assert_snapshot("simulate__cases.txt", "irsa simulate: the table of cases", &transcript);
}

/// base64url without padding.
fn b64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn jwt(payload: &str) -> String {
    format!("{}.{}.{}", b64(br#"{"alg":"RS256","kid":"abc"}"#), b64(payload.as_bytes()), b64(b"not a real signature"))
}

fn simulate(args: &[&str]) -> Run {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    irsa(&all)
}

#[test]
fn tokens_are_read_not_verified() {
    let policy = temp("token-policy.json", &policy(&[irsa_with(&sub_equals(APP))]));
    let policy = policy.to_str().unwrap();
    let payload = format!(
        r#"{{"iss":"https://{ISSUER}","sub":"{APP}","aud":["sts.amazonaws.com"],"exp":2000000000,"kubernetes.io":{{"namespace":"default"}}}}"#
    );
    let token = jwt(&payload);
    let run = simulate(&["--policy", policy, "--token", &token, "--now", "1900000000"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("The token's signature was not verified"), "{}", run.stdout);
    // From a file, and expired.
    let file = temp("token.jwt", &format!("{token}\n"));
    let run = simulate(&["--policy", policy, "--token-file", file.to_str().unwrap(), "--now", "2000000100"]);
    // STS rejects an expired token before it reads the policy: a deny, with that reason first.
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.starts_with("deny: the token expired 100 seconds before the time checked"), "{}", run.stdout);
    assert!(run.stdout.contains("STS: the token expired 100 seconds before the time checked"), "{}", run.stdout);
    // So does a token without aud, and one of another issuer than the provider given.
    let no_aud = jwt(&format!(r#"{{"iss":"https://{ISSUER}","sub":"{APP}"}}"#));
    let run = simulate(&["--policy", policy, "--token", &no_aud, "--format", "json"]);
    assert_eq!(run.code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["decision"], "deny");
    assert!(json["reason"].as_str().unwrap().contains("Missing a required claim: aud"), "{json}");
    let provider = format!("arn:aws:iam::123456789012:oidc-provider/{ISSUER}");
    let elsewhere =
        jwt(&format!(r#"{{"iss":"https://elsewhere.example.com","sub":"{APP}","aud":"sts.amazonaws.com"}}"#));
    let run = simulate(&["--policy", policy, "--token", &elsewhere, "--provider", &provider]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert!(run.stdout.starts_with("deny: the token's iss `https://elsewhere.example.com` is not"), "{}", run.stdout);
    // JSON output.
    let run = simulate(&["--policy", policy, "--token", &token, "--now", "0", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["decision"], "allow");
    assert_eq!(json["signature_verified"], false);
    assert_eq!(json["statements"][0]["conditions"][0]["holds"], "true");
    // A token of another cluster against a one-cluster role: a deny, for its iss.
    let other = jwt(r#"{"iss":"https://other.example.com","sub":"x","aud":"y"}"#);
    let run = simulate(&["--policy", policy, "--token", &other]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("deny: the token's iss `https://other.example.com` is not"), "{}", run.stdout);
    // With two providers, an iss of neither is a usage error that names them.
    let two = temp(
        "two-providers.json",
        &crate::simulate::policy(&[irsa_with(&sub_equals(APP)), statement("Allow", &federated(KOPS), WEB, "")]),
    );
    let run = simulate(&["--policy", two.to_str().unwrap(), "--token", &other]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no Federated provider of the policy has this issuer"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: --provider ARN names it"), "{}", run.stderr);
}

#[test]
fn garbage_tokens_are_exit_2() {
    let policy = temp("garbage-policy.json", &policy(&[irsa_with(&sub_equals(APP))]));
    let policy = policy.to_str().unwrap();
    for (token, needle) in [
        ("", "the token is empty"),
        ("only-one-part", "two or three parts"),
        ("a.b.c.d", "this has 4"),
        ("e30.!!!.sig", "the payload: `!` at character 1 is not base64url"),
        (&format!("{}.{}", b64(b"{}"), b64(b"[]")), "the payload is not a JSON object of claims"),
        (&format!("{}.{}", b64(b"nope"), b64(b"{}")), "the header is not a JSON object"),
    ] {
        simulate(&["--policy", policy, "--token", token]).assert_refused(token, &["--token: invalid token", needle]);
    }
    let run = simulate(&["--policy", policy]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("give the token"), "{}", run.stderr);
}

#[test]
fn batches_for_ci() {
    let policy = temp("cases-policy.json", &policy(&[irsa_with(&sub_equals(APP))]));
    let cases = temp(
        "cases.jsonl",
        &format!(
            "# who may assume the role\n{{\"sub\": \"{APP}\", \"aud\": \"sts.amazonaws.com\", \"expect\": \"allow\"}}\n{{\"name\": \"other namespace\", \"sub\": \"system:serviceaccount:prod:app\", \"expect\": \"deny\"}}\n"
        ),
    );
    let run = simulate(&["--policy", policy.to_str().unwrap(), "--cases", cases.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "result  expect  got    case\nok      allow   allow  {APP}\nok      deny    deny   other namespace\n2 cases: 2 passed, 0 failed\n"
        )
    );
    let failing = temp("failing.jsonl", &format!("{{\"sub\": \"{APP}\", \"expect\": \"deny\"}}\n"));
    let run = simulate(&["--policy", policy.to_str().unwrap(), "--cases", failing.to_str().unwrap()]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("FAIL    deny    allow") && run.stdout.contains("1 failed"), "{}", run.stdout);
    // An undecided case is neither allow nor deny, and can be expected as such.
    let two_audiences = temp(
        "undecided.jsonl",
        &format!(
            "{{\"name\": \"two audiences\", \"sub\": \"{APP}\", \"aud\": [\"sts.amazonaws.com\", \"other\"], \"expect\": \"undecided\"}}\n{{\"name\": \"expects allow\", \"sub\": \"{APP}\", \"aud\": [\"sts.amazonaws.com\", \"other\"], \"expect\": \"allow\"}}\n"
        ),
    );
    let audience_policy = temp(
        "undecided-policy.json",
        &crate::simulate::policy(&[irsa_with(&format!(
            r#"{{"StringEquals": {{"{ISSUER}:sub": "{APP}", "{ISSUER}:aud": "sts.amazonaws.com"}}}}"#
        ))]),
    );
    let run = simulate(&["--policy", audience_policy.to_str().unwrap(), "--cases", two_audiences.to_str().unwrap()]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok      undecided  undecided  two audiences"), "{}", run.stdout);
    assert!(run.stdout.contains("FAIL    allow   undecided  expects allow"), "{}", run.stdout);
    let broken = temp("broken.jsonl", "{\"sub\": \"x\", \"expect\": \"maybe\"}\n");
    let run = simulate(&["--policy", policy.to_str().unwrap(), "--cases", broken.to_str().unwrap()]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("broken.jsonl:1:1: ") && run.stderr.contains("not a case"), "{}", run.stderr);
}
