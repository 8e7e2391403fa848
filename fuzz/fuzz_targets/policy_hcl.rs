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
            assert_eq!(again.document, read.document, "{tf}");
        }
    }
});
