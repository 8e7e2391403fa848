//! Terraform evaluated offline: any module text, with a variable value, evaluates to documents
//! or errors, never a panic, and every evaluated document reads back from irsa's Terraform.
#![no_main]

use irsa_core::hcl::{policy_to_terraform, read_policy_document};
use irsa_core::terraform::{Inputs, SourceFile, policy_documents};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The first line, when it looks like one, is a variable file; the rest the module.
    let (tfvars, main) = match text.split_once('\n') {
        Some((first, rest)) if first.contains('=') => (first, rest),
        _ => ("", text),
    };
    let files = [SourceFile::new("main.tf", main), SourceFile::new("terraform.tfvars", tfvars)];
    let inputs = Inputs::default().var("provider_arn", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC");
    let Ok(documents) = policy_documents(&files, &inputs) else { return };
    for document in documents {
        if let Ok(policy) = document.document {
            if let Ok(tf) = policy_to_terraform(&policy, "p") {
                read_policy_document(&tf, None).unwrap_or_else(|e| panic!("irsa's Terraform reads back: {e}\n{tf}"));
            }
        }
    }
});
