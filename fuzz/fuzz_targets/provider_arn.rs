//! OIDC provider ARNs and issuer URLs: no panic, and a parsed provider's own ARN and issuer URL
//! parse back to the same provider.
#![no_main]

use irsa_core::{AccountId, OidcProvider, Partition};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(provider) = OidcProvider::from_arn(text) {
        let again = OidcProvider::from_arn(&provider.arn()).expect("a provider's own ARN parses");
        assert_eq!(again, provider);
        let from_url = OidcProvider::from_issuer_url(&provider.issuer_url(), provider.account(), provider.partition())
            .expect("a provider's own issuer URL parses");
        assert_eq!(from_url, provider);
    }
    let account: AccountId = "123456789012".parse().expect("a valid account");
    for partition in Partition::ALL {
        let _ = OidcProvider::from_issuer_url(text, &account, partition);
    }
});
