//! Service accounts: no panic, and a parsed one reads back from its own text and subject.
#![no_main]

use irsa_core::ServiceAccount;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(sa) = ServiceAccount::parse(text) {
        assert_eq!(ServiceAccount::parse(sa.as_str()).expect("its own text parses"), sa);
        assert_eq!(ServiceAccount::parse(&sa.subject()).expect("its own subject parses"), sa);
    }
});
