//! The JWT of the JWT-assertion auth mode: LINE's claims, signed RS256
//! (PKCS#1 v1.5 over SHA-256, RustCrypto's `rsa`) with the channel's
//! assertion signing key, given as an RSA JWK (RFC 7517).

use crate::error::invalid;
use crate::types::ErrorCode;
use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use rsa::BoxedUint;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde::Deserialize;
use serde_json::json;

/// The config field that holds the key.
pub const FIELD: &str = "config.assertionPrivateKey";

/// The JWT's audience, as LINE requires.
pub const AUDIENCE: &str = "https://api.line.me/";

/// How long a JWT is valid (LINE takes at most 30 minutes; five are left
/// for clocks that disagree).
pub const LIFETIME_SECONDS: u64 = 25 * 60;

/// `client_assertion_type` for a JWT assertion.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The shortest modulus taken, in bits (LINE's keys are 2048 bits).
const MIN_BITS: usize = 2048;

/// The longest modulus taken, in bits (signing with more is slow for no gain).
const MAX_BITS: usize = 8192;

/// Base64url, with or without padding (JWKs and JWTs leave it out).
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The members of an RSA private JWK this mode reads; others (`kid`, `use`,
/// `dp`, `dq`, `qi`) are allowed and left alone.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    alg: Option<String>,
    n: String,
    e: String,
    d: String,
    p: Option<String>,
    q: Option<String>,
}

/// The key's numbers, decoded.
struct Numbers {
    n: Vec<u8>,
    e: Vec<u8>,
    d: Vec<u8>,
    primes: Vec<Vec<u8>>,
}

/// Checks that `text` is an RSA private JWK this mode can sign with: an
/// `invalid-input` error on `config.assertionPrivateKey` says what is
/// wrong (never quoting the key).
pub fn check(text: &str) -> Result<(), ErrorCode> {
    numbers(text).map(drop)
}

/// The key's private members, as they stand in the JWK (so a server that
/// echoes one of them is caught by [`crate::redact`]).
pub fn private_parts(text: &str) -> Vec<String> {
    let Ok(serde_json::Value::Object(jwk)) = serde_json::from_str(text) else {
        return Vec::new();
    };
    ["d", "p", "q", "dp", "dq", "qi"]
        .iter()
        .filter_map(|name| jwk.get(*name)?.as_str().map(str::to_owned))
        .filter(|part| part.len() >= 16)
        .collect()
}

fn numbers(text: &str) -> Result<Numbers, ErrorCode> {
    let jwk: Jwk = serde_json::from_str(text).map_err(|e| {
        // serde's message names the member, never the value.
        invalid(
            FIELD,
            format!(
                "must be an RSA private key as a JWK (JSON with kty, n, e, d): {}",
                e.to_string().split(" at line").next().unwrap_or_default()
            ),
        )
    })?;
    if jwk.kty != "RSA" {
        return Err(invalid(FIELD, "must be an RSA key (kty \"RSA\")"));
    }
    if jwk.alg.as_deref().is_some_and(|alg| alg != "RS256") {
        return Err(invalid(
            FIELD,
            "must be a key for RS256 (its alg is another)",
        ));
    }
    let decode = |name: &str, value: &str| {
        BASE64URL
            .decode(value.trim())
            .ok()
            .filter(|bytes| !bytes.is_empty())
            .ok_or_else(|| invalid(FIELD, format!("its member {name} is not base64url")))
    };
    let numbers = Numbers {
        n: decode("n", &jwk.n)?,
        e: decode("e", &jwk.e)?,
        d: decode("d", &jwk.d)?,
        primes: match (&jwk.p, &jwk.q) {
            (Some(p), Some(q)) => vec![decode("p", p)?, decode("q", q)?],
            _ => Vec::new(),
        },
    };
    let bits = significant_bits(&numbers.n);
    if !(MIN_BITS..=MAX_BITS).contains(&bits) {
        return Err(invalid(
            FIELD,
            format!("must have a modulus of {MIN_BITS} to {MAX_BITS} bits, not {bits}"),
        ));
    }
    Ok(numbers)
}

fn significant_bits(bytes: &[u8]) -> usize {
    let bytes = match bytes.iter().position(|b| *b != 0) {
        Some(start) => &bytes[start..],
        None => return 0,
    };
    bytes.len() * 8 - bytes[0].leading_zeros() as usize
}

/// The claims LINE asks of an assertion.
pub struct Claims<'a> {
    /// The channel id (`iss` and `sub`).
    pub channel_id: &'a str,
    /// The key id LINE gave for the public key (`kid` in the header).
    pub key_id: &'a str,
    /// The lifetime asked for a token v2.1, in seconds (`token_exp`).
    pub token_exp: u32,
    /// Now, in seconds since the Unix epoch.
    pub now: u64,
}

/// The signed JWT (`header.payload.signature`, base64url).
pub fn sign(key: &str, claims: &Claims) -> Result<String, ErrorCode> {
    let numbers = numbers(key)?;
    let number = BoxedUint::from_be_slice_vartime;
    let private = rsa::PrivateKey::from_components(
        number(&numbers.n),
        number(&numbers.e),
        number(&numbers.d),
        numbers.primes.iter().map(|p| number(p)).collect(),
    )
    .map_err(|e| invalid(FIELD, format!("is not a consistent RSA private key ({e})")))?;
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": claims.key_id});
    let payload = json!({
        "iss": claims.channel_id,
        "sub": claims.channel_id,
        "aud": AUDIENCE,
        "exp": claims.now + LIFETIME_SECONDS,
        "token_exp": claims.token_exp,
    });
    let input = format!(
        "{}.{}",
        BASE64URL.encode(header.to_string()),
        BASE64URL.encode(payload.to_string())
    );
    let signature = SigningKey::<sha2::Sha256>::new(private)
        .try_sign(input.as_bytes())
        .map_err(|e| invalid(FIELD, format!("could not sign with this key ({e})")))?;
    Ok(format!(
        "{input}.{}",
        BASE64URL.encode(signature.to_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::signature::Verifier as _;
    use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};

    /// A fresh key's public half, and its private half as a JWK with only
    /// `n`, `e` and `d` (the primes are optional).
    fn key() -> (rsa::PublicKey, String) {
        use rsa::Generate as _;
        let key = rsa::PrivateKey::generate();
        let b64 = |bytes: &[u8]| BASE64URL.encode(bytes);
        let jwk = json!({"kty": "RSA", "n": b64(&key.n_bytes()), "e": b64(&key.e_bytes()),
            "d": b64(&key.d().to_be_bytes_trimmed_vartime())});
        (key.to_public_key(), jwk.to_string())
    }

    #[test]
    fn a_signed_jwt_verifies_and_carries_lines_claims() {
        let (public, jwk) = key();
        let claims = Claims {
            channel_id: "1234567890",
            key_id: "kid-1",
            token_exp: 900,
            now: 1_800_000_000,
        };
        let jwt = sign(&jwk, &claims).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        let part = |i: usize| -> serde_json::Value {
            serde_json::from_slice(&BASE64URL.decode(parts[i]).unwrap()).unwrap()
        };
        assert_eq!(
            part(0),
            json!({"alg": "RS256", "typ": "JWT", "kid": "kid-1"})
        );
        assert_eq!(part(1)["aud"], AUDIENCE);
        assert_eq!(part(1)["iss"], "1234567890");
        assert_eq!(part(1)["exp"], 1_800_000_000 + LIFETIME_SECONDS);
        let signature =
            rsa::pkcs1v15::Signature::try_from(&BASE64URL.decode(parts[2]).unwrap()[..]).unwrap();
        let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(public);
        let signed = format!("{}.{}", parts[0], parts[1]);
        assert!(verifier.verify(signed.as_bytes(), &signature).is_ok());
        assert!(verifier.verify(b"other", &signature).is_err());
    }

    #[test]
    fn malformed_keys_are_refused_by_name_never_quoted() {
        for (jwk, says) in [
            ("not json", "JWK"),
            (r#"{"kty":"EC","n":"AQ","e":"AQ","d":"AQ"}"#, "kty"),
            (
                r#"{"kty":"RSA","alg":"RS512","n":"AQ","e":"AQ","d":"AQ"}"#,
                "RS256",
            ),
            (r#"{"kty":"RSA","n":"!!","e":"AQ","d":"AQ"}"#, "member n"),
            (r#"{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQ"}"#, "modulus"),
        ] {
            let ErrorCode::InvalidInput(e) = check(jwk).unwrap_err() else {
                panic!("{jwk}: not invalid input");
            };
            assert_eq!(e.field, FIELD);
            assert!(e.message.contains(says), "{jwk}: {}", e.message);
            assert!(!e.message.contains("AQAB"), "{}", e.message);
        }
    }
}
