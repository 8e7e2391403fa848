//! Any strings rendered into Terraform (as values and as a block label) read back, with
//! hcl-rs, as the same strings: nothing becomes an interpolation, a directive or a syntax error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (value, label) = text.split_at(text.char_indices().nth(text.chars().count() / 2).map_or(0, |(i, _)| i));
    let body = hcl::Body::builder()
        .add_attribute(("value", value))
        .add_block(hcl::Block::builder("block").add_label(label).add_attribute(("inner", text)).build())
        .build();
    let tf = irsa_core::hcl::to_terraform(&body).expect("any body renders");
    let parsed = hcl::parse(&tf).unwrap_or_else(|e| panic!("{e}\n{tf}"));
    assert_eq!(parsed, body, "{tf}");
});
