//! Spec files, YAML and JSON: reading and generating never panic (and YAML aliases or deep
//! nesting do not exhaust memory or the stack).
#![no_main]

use irsa_core::generate::{Generator, Layout};
use irsa_core::spec::{Spec, SpecFormat, SpecOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = SpecOptions::default();
    for format in [SpecFormat::Yaml, SpecFormat::Json] {
        let Ok(spec) = Spec::parse(text, format, &options) else { continue };
        for layout in [Layout::Json, Layout::Inline, Layout::Module, Layout::Kops] {
            let Ok(generator) = Generator::new(&spec, &options, layout, "fuzz.yaml") else { continue };
            for file in generator.files().take(8) {
                let _ = file.contents();
            }
        }
    }
});
