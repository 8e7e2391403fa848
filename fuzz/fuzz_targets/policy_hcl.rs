//! Terraform files with aws_iam_policy_document blocks: reading, the provider's rendering, lint;
//! no panic, no stack overflow, and a read document converts back to Terraform that reads the same.
#![no_main]

use irsa_core::hcl::{policy_to_terraform, provider_json, read_policy_document};
use irsa_core::lint::{LintOptions, lint_read};
use irsa_core::read::{PolicyFormat, read_policies};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(policies) = read_policies(text, PolicyFormat::Hcl) else { return };
    for read in policies.into_iter().flatten() {
        let _ = provider_json(&read.document);
        let _ = lint_read(&read, &LintOptions::default());
        if let Ok(tf) = policy_to_terraform(&read.document, "p") {
            let again =
                read_policy_document(&tf, None).unwrap_or_else(|e| panic!("irsa's Terraform reads back: {e}\n{tf}"));
            // The same meaning: lists are sets to IAM. (Not always the same order: the provider
            // sorts before it turns `&{` into `${`, so a document read from `&{` values can list
            // them in another order than the same document read from `${` values.)
            assert_eq!(as_sets(&again.document), as_sets(&read.document), "{tf}");
        }
    }
});

/// The document's JSON with every list sorted and deduplicated (one element as itself).
fn as_sets(document: &irsa_core::policy::PolicyDocument) -> serde_json::Value {
    fn sort(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Array(items) => {
                let mut items: Vec<serde_json::Value> = items.into_iter().map(sort).collect();
                items.sort_by_key(|v| v.to_string());
                items.dedup();
                if items.len() == 1 { items.remove(0) } else { serde_json::Value::Array(items) }
            }
            serde_json::Value::Object(map) => {
                serde_json::Value::Object(map.into_iter().map(|(k, v)| (k, sort(v))).collect())
            }
            other => other,
        }
    }
    sort(serde_json::from_str(&document.to_json_compact()).expect("irsa's JSON parses"))
}
