//! The claims of a service-account token, decoded without verifying its signature.

use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::error::{Error, ErrorKind};

/// What a token says about itself: the claims STS looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims {
    /// `iss`: the issuer URL.
    pub iss: Option<String>,
    /// `sub`: `system:serviceaccount:<namespace>:<name>` for Kubernetes.
    pub sub: Option<String>,
    /// `aud`: one audience or several.
    pub aud: Vec<String>,
    /// `exp`: expiry, seconds since the epoch.
    pub exp: Option<i64>,
    /// `amr`, when present (Kubernetes tokens have none).
    pub amr: Vec<String>,
    /// `azp`, when present (Kubernetes tokens have none).
    pub azp: Option<String>,
}

/// A token decoded without its signature checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedToken {
    /// The claims of its payload.
    pub claims: Claims,
    /// The header's `alg`, when it has one.
    pub algorithm: Option<String>,
    /// Whether the token had a signature part (it is never verified).
    pub signed: bool,
}

fn token_error(value: &str, rule: impl Into<String>) -> Error {
    let shown: String = value.chars().take(40).collect();
    let shown = if shown.len() < value.len() { format!("{shown}…") } else { shown };
    Error::new(ErrorKind::Token, shown, rule)
}

/// Decodes a JWT (`header.payload.signature`, or `header.payload`) without verifying the
/// signature: irsa only reads what the token claims. Base64url with or without padding.
///
/// ```
/// use irsa_core::simulate::decode_token;
///
/// // {"alg":"none"} . {"iss":"https://oidc.eks.eu-west-1.amazonaws.com/id/ABC","sub":"system:serviceaccount:default:app","aud":["sts.amazonaws.com"],"exp":1700000000}
/// let token = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL29pZGMuZWtzLmV1LXdlc3QtMS5hbWF6b25hd3MuY29tL2lkL0FCQyIsInN1YiI6InN5c3RlbTpzZXJ2aWNlYWNjb3VudDpkZWZhdWx0OmFwcCIsImF1ZCI6WyJzdHMuYW1hem9uYXdzLmNvbSJdLCJleHAiOjE3MDAwMDAwMDB9.";
/// let decoded = decode_token(token).unwrap();
/// assert_eq!(decoded.claims.sub.as_deref(), Some("system:serviceaccount:default:app"));
/// assert_eq!(decoded.claims.aud, ["sts.amazonaws.com"]);
/// assert_eq!(decoded.claims.exp, Some(1700000000));
/// ```
pub fn decode_token(token: &str) -> Result<DecodedToken, Error> {
    let token = token.trim();
    let token = token.strip_prefix("Bearer ").unwrap_or(token);
    if token.is_empty() {
        return Err(token_error(token, "the token is empty"));
    }
    let parts: Vec<&str> = token.split('.').collect();
    let (header, payload, signed) = match parts.as_slice() {
        [header, payload] => (*header, *payload, false),
        [header, payload, signature] => (*header, *payload, !signature.is_empty()),
        _ => {
            return Err(token_error(
                token,
                format!(
                    "a JWT has two or three parts separated by dots (header.payload.signature); this has {}",
                    parts.len()
                ),
            ));
        }
    };
    let header = base64url(header).map_err(|rule| token_error(token, format!("the header: {rule}")))?;
    let payload = base64url(payload).map_err(|rule| token_error(token, format!("the payload: {rule}")))?;
    let header: Header = serde_json::from_slice(&header)
        .map_err(|e| token_error(token, format!("the header is not a JSON object: {e}")))?;
    let payload: Payload = serde_json::from_slice(&payload)
        .map_err(|e| token_error(token, format!("the payload is not a JSON object of claims: {e}")))?;
    Ok(DecodedToken {
        claims: Claims {
            iss: payload.iss,
            sub: payload.sub,
            aud: payload.aud.map(|a| a.0).unwrap_or_default(),
            exp: payload.exp.map(|n| n.0),
            amr: payload.amr.map(|a| a.0).unwrap_or_default(),
            azp: payload.azp,
        },
        algorithm: header.alg,
        signed,
    })
}

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
}

#[derive(Deserialize)]
struct Payload {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Strings>,
    exp: Option<Seconds>,
    amr: Option<Strings>,
    azp: Option<String>,
}

/// A claim that is a string or a list of strings.
struct Strings(Vec<String>);

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrList {
            One(String),
            List(Vec<String>),
        }
        match OneOrList::deserialize(deserializer) {
            Ok(OneOrList::One(one)) => Ok(Strings(vec![one])),
            Ok(OneOrList::List(list)) => Ok(Strings(list)),
            Err(_) => Err(de::Error::custom("a string or a list of strings")),
        }
    }
}

/// A NumericDate: seconds, an integer or a number with a fraction (truncated).
struct Seconds(i64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        number
            .as_i64()
            .or_else(|| number.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15).map(|f| f as i64))
            .map(Seconds)
            .ok_or_else(|| de::Error::custom("a NumericDate (seconds since 1970)"))
    }
}

/// Decodes base64url (RFC 4648 §5), padding optional; also the standard alphabet's `+` and `/`,
/// which some tools emit.
fn base64url(text: &str) -> Result<Vec<u8>, String> {
    let trimmed = text.trim_end_matches('=');
    if text.len() - trimmed.len() > 2 {
        return Err("more than two `=` of padding".to_owned());
    }
    if trimmed.is_empty() {
        return Err("it is empty".to_owned());
    }
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for (index, c) in trimmed.chars().enumerate() {
        let value = match c {
            'A'..='Z' => u32::from(c) - u32::from('A'),
            'a'..='z' => u32::from(c) - u32::from('a') + 26,
            '0'..='9' => u32::from(c) - u32::from('0') + 52,
            '-' | '+' => 62,
            '_' | '/' => 63,
            _ => {
                return Err(format!(
                    "`{}` at character {} is not base64url (A-Z, a-z, 0-9, `-`, `_`)",
                    c.escape_debug(),
                    index + 1
                ));
            }
        };
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    if trimmed.len() % 4 == 1 {
        return Err("its length is not that of base64 (one character too many or too few)".to_owned());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(bytes: &[u8]) -> String {
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

    fn token(payload: &str) -> String {
        format!("{}.{}.c2lnbmF0dXJl", encode(br#"{"alg":"RS256","kid":"k"}"#), encode(payload.as_bytes()))
    }

    fn check(token: &str, expected: Result<Claims, &str>) {
        match (decode_token(token), expected) {
            (Ok(decoded), Ok(claims)) => assert_eq!(decoded.claims, claims, "{token}"),
            (Err(e), Err(want)) => assert!(e.to_string().contains(want), "{token}: {e}\nwant: {want}"),
            (got, want) => panic!("{token}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn tokens() {
        let full = r#"{"iss":"https://a.example.com","sub":"system:serviceaccount:ns:app","aud":["sts.amazonaws.com","x"],"exp":1700000000.5,"kubernetes.io":{"namespace":"ns"}}"#;
        let claims = Claims {
            iss: Some("https://a.example.com".into()),
            sub: Some("system:serviceaccount:ns:app".into()),
            aud: vec!["sts.amazonaws.com".into(), "x".into()],
            exp: Some(1700000000),
            amr: vec![],
            azp: None,
        };
        check(&token(full), Ok(claims.clone()));
        // Padding kept, the standard alphabet, two parts, a Bearer prefix, white space.
        let padded = format!("{}==.{}=", encode(b"{}a"), encode(full.as_bytes()));
        assert!(decode_token(&padded).is_err(), "{{}}a is not JSON");
        let two = format!("{}.{}", encode(b"{}"), encode(full.as_bytes()));
        check(&two, Ok(claims.clone()));
        assert!(!decode_token(&two).unwrap().signed);
        check(&format!("Bearer {}\n", token(full)), Ok(claims.clone()));
        let with_padding = format!("{}.{}==", encode(b"{}"), encode(br#"{"sub":"s","aud":"a"}"#));
        check(&with_padding, Ok(Claims { sub: Some("s".into()), aud: vec!["a".into()], ..Claims::default() }));
        let standard =
            format!("{}.{}", encode(b"{}"), encode(br#"{"sub":"??>>"}"#).replace('-', "+").replace('_', "/"));
        check(&standard, Ok(Claims { sub: Some("??>>".into()), ..Claims::default() }));
    }

    #[test]
    fn garbage() {
        check("", Err("the token is empty"));
        check("abc", Err("two or three parts separated by dots"));
        check("a.b.c.d", Err("this has 4"));
        check("eyJ!.e30.x", Err("the header: `!` at character 4 is not base64url"));
        check(&format!("{}.e", encode(b"{}")), Err("the payload: its length is not that of base64"));
        check(&format!("{}.{}", encode(b"{}"), encode(b"[1]")), Err("the payload is not a JSON object of claims"));
        check(&format!("{}.{}", encode(b"{}"), encode(br#"{"aud":1}"#)), Err("a string or a list of strings"));
        check(&format!("{}.{}", encode(b"{}"), encode(br#"{"exp":"soon"}"#)), Err("the payload is not a JSON object"));
        check(&format!("{}.{}", encode(b"not json"), encode(b"{}")), Err("the header is not a JSON object"));
        check(&format!("{}.{}===", encode(b"{}"), encode(b"{}")), Err("more than two `=`"));
    }
}
