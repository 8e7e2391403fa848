//! Policy JSON and get-role output: reading, lint, simulate, conversion to Terraform and back;
//! no panic, and what irsa writes it reads back.
#![no_main]

use irsa_core::hcl::{policy_to_terraform, read_policy_document};
use irsa_core::lint::{FileFindings, LintOptions, lint_read, to_json, to_sarif, to_text};
use irsa_core::policy::PolicyDocument;
use irsa_core::read::{PolicyFormat, read_policy};
use irsa_core::simulate::{Claims, Request, simulate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(read) = read_policy(text, PolicyFormat::Json, None) else { return };
    let document = &read.document;
    // The JSON irsa writes reads back to the same model.
    let again = PolicyDocument::from_json(&document.to_json_pretty()).expect("irsa's JSON reads back");
    assert_eq!(&again, document);
    let findings = lint_read(&read, &LintOptions::default());
    let files = [FileFindings { file: "f.json", policy: None, findings: &findings, skipped: false }];
    let _ = (to_text(&files, true), to_json(&files), to_sarif(&files, "0"));
    let request = Request {
        provider: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
            .parse()
            .expect("valid"),
        claims: Claims {
            sub: Some("system:serviceaccount:default:app".into()),
            aud: vec!["sts.amazonaws.com".into()],
            ..Claims::default()
        },
        client_ids: vec![],
        now: Some(0),
        from_token: false,
    };
    let simulation = simulate(document, &request);
    let _ = (simulation.to_text(), simulation.to_json());
    // Terraform that irsa writes is read back by its own reader.
    if let Ok(tf) = policy_to_terraform(document, "p") {
        read_policy_document(&tf, None).unwrap_or_else(|e| panic!("irsa's Terraform reads back: {e}\n{tf}"));
    }
});
