//! The JWS of a signed statement (Data 2.6): its compact form, its header, and its RSA signature
//! checked against the X.509 certificate the header carries in `x5c` (RFC 7515 4.1.6).
//!
//! Only the signature is checked, not the certificate: the specification asks the LRS to validate
//! the signature "against that certificate", not to trust it, so there is no chain, expiry or
//! revocation check. Without `x5c` there is no key to check against and the signature is taken as
//! sent (Data 2.6.s5.b3.b3 makes the check conditional).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs1::ALGORITHM_OID as RSA_ENCRYPTION;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::der::asn1::{AnyRef, ContextSpecific};
use rsa::pkcs8::der::{self, Decode, Reader, SliceReader, Tag, TagNumber, Tagged};
use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use serde_json::Value;
use sha2::{Sha256, Sha384, Sha512};

/// Why a statement's signature is refused; each message names the signature, as the client sees it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the signature is not a JWS in compact form (three base64url parts separated by dots)")]
    NotCompact,
    #[error("the signature's JWS header is not base64url-encoded JSON")]
    Header,
    #[error("the signature must use RS256, RS384 or RS512 (its JWS header's alg is {0})")]
    Algorithm(String),
    #[error("the signature's JWS header marks extensions as critical (crit), which this LRS does not understand")]
    Critical,
    #[error("the signature's JWS has no signature value (its third part is empty or not base64url)")]
    NoSignature,
    #[error("the signature's payload is not base64url-encoded JSON")]
    Payload,
    #[error("the signature's x5c is not a list of base64-encoded DER certificates")]
    Certificates,
    #[error("the key of the first certificate in the signature's x5c is not an RSA key")]
    NotRsa,
    #[error("the RSA key of the first certificate in the signature's x5c cannot be used ({0})")]
    Key(String),
    #[error("the signature does not verify against the certificate in x5c")]
    Mismatch,
}

/// The algorithms Data 2.6.s4.b4 allows, with the SHA-2 each hashes with.
#[derive(Clone, Copy)]
enum Algorithm {
    Rs256,
    Rs384,
    Rs512,
}

/// Checks a JWS in compact serialisation as a statement signature and returns its payload: the
/// form and header always, the signature itself when the header carries a certificate in `x5c`.
/// Comparing the payload with the statement is the caller's part.
pub fn verify_jws(jws: &[u8]) -> Result<Value, SignatureError> {
    let text = std::str::from_utf8(jws).map_err(|_| SignatureError::NotCompact)?.trim();
    let [header_b64, payload_b64, signature_b64] =
        text.split('.').collect::<Vec<_>>()[..].try_into().map_err(|_| SignatureError::NotCompact)?;
    let header: Value = base64url(header_b64)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(Value::is_object)
        .ok_or(SignatureError::Header)?;
    let algorithm = match header.get("alg") {
        Some(Value::String(alg)) if alg == "RS256" => Algorithm::Rs256,
        Some(Value::String(alg)) if alg == "RS384" => Algorithm::Rs384,
        Some(Value::String(alg)) if alg == "RS512" => Algorithm::Rs512,
        Some(other) => return Err(SignatureError::Algorithm(other.to_string())),
        None => return Err(SignatureError::Algorithm("missing".to_owned())),
    };
    // RFC 7515 4.1.11: a recipient MUST refuse a JWS whose critical extensions it does not
    // understand, and this LRS understands none.
    if header.get("crit").is_some() {
        return Err(SignatureError::Critical);
    }
    let signature = base64url(signature_b64).filter(|s| !s.is_empty()).ok_or(SignatureError::NoSignature)?;
    let payload: Value =
        base64url(payload_b64).and_then(|b| serde_json::from_slice(&b).ok()).ok_or(SignatureError::Payload)?;
    if let Some(x5c) = header.get("x5c") {
        let key = public_key(&first_certificate(x5c)?)?;
        // RFC 7515 5.2: the signing input is the first two parts exactly as sent.
        let signing_input = &text[..header_b64.len() + 1 + payload_b64.len()];
        verify(algorithm, key, signing_input.as_bytes(), &signature)?;
    }
    Ok(payload)
}

/// base64url without padding, as JWS writes it (RFC 7515 2); padding is forgiven.
fn base64url(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

/// The DER of the first certificate of `x5c`: a non-empty array of standard base64 (not base64url)
/// strings (RFC 7515 4.1.6), all of which must decode even though only the first holds the key.
fn first_certificate(x5c: &Value) -> Result<Vec<u8>, SignatureError> {
    let list = x5c.as_array().filter(|l| !l.is_empty()).ok_or(SignatureError::Certificates)?;
    let mut ders = list.iter().map(|c| c.as_str().and_then(|c| STANDARD.decode(c).ok()));
    let first = ders.next().flatten().ok_or(SignatureError::Certificates)?;
    if ders.any(|d| d.is_none()) {
        return Err(SignatureError::Certificates);
    }
    Ok(first)
}

/// The RSA public key of an X.509 certificate (RFC 5280 4.1).
fn public_key(certificate: &[u8]) -> Result<RsaPublicKey, SignatureError> {
    let spki = subject_public_key_info(certificate).map_err(|_| SignatureError::Certificates)?;
    if spki.algorithm.oid != RSA_ENCRYPTION {
        return Err(SignatureError::NotRsa);
    }
    RsaPublicKey::try_from(spki).map_err(|e| SignatureError::Key(e.to_string()))
}

/// Walks a certificate's DER as far as `subjectPublicKeyInfo`. The fields before it are checked for
/// their ASN.1 type only: nothing else in the certificate is used, so it is not decoded further.
fn subject_public_key_info(certificate: &[u8]) -> der::Result<SubjectPublicKeyInfoRef<'_>> {
    let mut reader = SliceReader::new(certificate)?;
    let spki = reader.sequence(|cert| {
        let spki = cert.sequence(|tbs| {
            ContextSpecific::<AnyRef<'_>>::decode_explicit(tbs, TagNumber::N0)?; // version
            skip(tbs, Tag::Integer)?; // serialNumber
            skip(tbs, Tag::Sequence)?; // signature
            skip(tbs, Tag::Sequence)?; // issuer
            skip(tbs, Tag::Sequence)?; // validity
            skip(tbs, Tag::Sequence)?; // subject
            let spki = SubjectPublicKeyInfoRef::decode(tbs)?;
            skip_rest(tbs)?; // issuerUniqueID, subjectUniqueID, extensions
            Ok(spki)
        })?;
        skip(cert, Tag::Sequence)?; // signatureAlgorithm
        skip(cert, Tag::BitString)?; // signatureValue
        Ok(spki)
    })?;
    reader.finish(spki)
}

fn skip<'a>(reader: &mut impl Reader<'a>, tag: Tag) -> der::Result<()> {
    AnyRef::decode(reader)?.tag().assert_eq(tag).map(drop)
}

fn skip_rest<'a>(reader: &mut impl Reader<'a>) -> der::Result<()> {
    while !reader.is_finished() {
        AnyRef::decode(reader)?;
    }
    Ok(())
}

/// RSASSA-PKCS1-v1_5 (RFC 7518 3.3) with the SHA-2 the algorithm names.
fn verify(algorithm: Algorithm, key: RsaPublicKey, input: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
    let signature = Signature::try_from(signature).map_err(|_| SignatureError::Mismatch)?;
    let verified = match algorithm {
        Algorithm::Rs256 => VerifyingKey::<Sha256>::new(key).verify(input, &signature),
        Algorithm::Rs384 => VerifyingKey::<Sha384>::new(key).verify(input, &signature),
        Algorithm::Rs512 => VerifyingKey::<Sha512>::new(key).verify(input, &signature),
    };
    verified.map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    use rsa::RsaPrivateKey;
    use serde_json::json;

    use super::*;

    const KEY: &str = include_str!("../../tests/fixtures/jws-key.pem");
    const CERT: &[u8] = include_bytes!("../../tests/fixtures/jws-cert.der");
    const OTHER_CERT: &[u8] = include_bytes!("../../tests/fixtures/jws-other-cert.der");
    const EC_CERT: &[u8] = include_bytes!("../../tests/fixtures/jws-ec-cert.der");

    fn b64url(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn payload() -> Value {
        json!({"actor": {"mbox": "mailto:a@example.com"}, "verb": {"id": "http://example.com/v"},
               "object": {"id": "http://example.com/o"}})
    }

    /// A JWS over `payload` with `header`, signed by the fixture key with the header's alg.
    fn signed(header: &Value, payload: &[u8]) -> String {
        let key = RsaPrivateKey::from_pkcs8_pem(KEY).unwrap();
        let input = format!("{}.{}", b64url(header.to_string().as_bytes()), b64url(payload));
        let signature = match header["alg"].as_str().unwrap() {
            "RS384" => SigningKey::<Sha384>::new(key).sign(input.as_bytes()).to_vec(),
            "RS512" => SigningKey::<Sha512>::new(key).sign(input.as_bytes()).to_vec(),
            _ => SigningKey::<Sha256>::new(key).sign(input.as_bytes()).to_vec(),
        };
        format!("{input}.{}", b64url(&signature))
    }

    fn with_cert(alg: &str, cert: &[u8]) -> Value {
        json!({"alg": alg, "x5c": [STANDARD.encode(cert)]})
    }

    #[test]
    fn a_signature_by_the_key_of_the_certificate_in_x5c_verifies() {
        for alg in ["RS256", "RS384", "RS512"] {
            let jws = signed(&with_cert(alg, CERT), payload().to_string().as_bytes());
            assert_eq!(verify_jws(jws.as_bytes()), Ok(payload()), "{alg}");
        }
    }

    #[test]
    fn a_jws_signed_by_openssl_verifies() {
        // Signed with `openssl dgst -sha384 -sign`, so the check does not only agree with itself.
        let jws = include_bytes!("../../tests/fixtures/jws-openssl-rs384.txt");
        let payload = verify_jws(jws).unwrap();
        assert_eq!(payload["actor"]["mbox"], "mailto:openssl@example.com");
        let mut tampered = jws.to_vec();
        let i = tampered.len() - 10; // inside the signature part
        tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
        assert_eq!(verify_jws(&tampered), Err(SignatureError::Mismatch));
    }

    #[test]
    fn later_certificates_of_the_chain_are_not_used_for_the_key() {
        let header = json!({"alg": "RS256", "x5c": [STANDARD.encode(CERT), STANDARD.encode(OTHER_CERT)]});
        let jws = signed(&header, payload().to_string().as_bytes());
        assert_eq!(verify_jws(jws.as_bytes()), Ok(payload()));
    }

    #[test]
    fn a_tampered_payload_does_not_verify() {
        let jws = signed(&with_cert("RS256", CERT), payload().to_string().as_bytes());
        let parts: Vec<&str> = jws.split('.').collect();
        let mut other = payload();
        other["verb"]["id"] = json!("http://example.com/other");
        let tampered = format!("{}.{}.{}", parts[0], b64url(other.to_string().as_bytes()), parts[2]);
        assert_eq!(verify_jws(tampered.as_bytes()), Err(SignatureError::Mismatch));
    }

    #[test]
    fn a_tampered_signature_does_not_verify() {
        let jws = signed(&with_cert("RS512", CERT), payload().to_string().as_bytes());
        let (input, signature) = jws.rsplit_once('.').unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
        bytes[10] ^= 1;
        let tampered = format!("{input}.{}", b64url(&bytes));
        assert_eq!(verify_jws(tampered.as_bytes()), Err(SignatureError::Mismatch));
        let truncated = format!("{input}.{}", b64url(&bytes[1..]));
        assert_eq!(verify_jws(truncated.as_bytes()), Err(SignatureError::Mismatch));
    }

    #[test]
    fn a_signature_checked_against_the_certificate_of_another_key_does_not_verify() {
        let jws = signed(&with_cert("RS256", OTHER_CERT), payload().to_string().as_bytes());
        assert_eq!(verify_jws(jws.as_bytes()), Err(SignatureError::Mismatch));
    }

    #[test]
    fn a_signature_by_another_algorithm_than_its_header_names_does_not_verify() {
        let jws = signed(&with_cert("RS256", CERT), payload().to_string().as_bytes());
        let (_, rest) = jws.split_once('.').unwrap();
        let relabelled = format!("{}.{rest}", b64url(with_cert("RS384", CERT).to_string().as_bytes()));
        assert_eq!(verify_jws(relabelled.as_bytes()), Err(SignatureError::Mismatch));
    }

    #[test]
    fn algorithms_other_than_rs256_rs384_rs512_are_refused() {
        for alg in [json!("HS256"), json!("none"), json!("PS256"), json!("rs256"), json!(256)] {
            let header = json!({"alg": alg});
            let jws = format!("{}.{}.c2ln", b64url(header.to_string().as_bytes()), b64url(b"{}"));
            assert_eq!(verify_jws(jws.as_bytes()), Err(SignatureError::Algorithm(alg.to_string())), "{alg}");
        }
        let jws = format!("{}.{}.c2ln", b64url(b"{}"), b64url(b"{}"));
        assert!(matches!(verify_jws(jws.as_bytes()), Err(SignatureError::Algorithm(_))));
    }

    #[test]
    fn x5c_that_is_not_a_list_of_base64_der_certificates_is_refused() {
        let garbage = [
            json!("MIIB"),
            json!([]),
            json!([42]),
            json!(["not base64!"]),
            json!([b64url(CERT)]), // base64url where standard base64 is due
            json!([STANDARD.encode(b"not a certificate")]),
            json!([STANDARD.encode(&CERT[..CERT.len() - 1])]),
            json!([STANDARD.encode(CERT), "not base64!"]),
        ];
        for x5c in garbage {
            let jws = signed(&json!({"alg": "RS256", "x5c": x5c}), payload().to_string().as_bytes());
            assert_eq!(verify_jws(jws.as_bytes()), Err(SignatureError::Certificates), "{x5c}");
        }
    }

    #[test]
    fn a_certificate_whose_key_is_not_rsa_is_refused() {
        let jws = signed(&with_cert("RS256", EC_CERT), payload().to_string().as_bytes());
        assert_eq!(verify_jws(jws.as_bytes()), Err(SignatureError::NotRsa));
    }

    #[test]
    fn without_x5c_the_form_is_checked_but_there_is_no_key_to_verify_with() {
        let jws = format!("{}.{}.c2ln", b64url(br#"{"alg":"RS256"}"#), b64url(payload().to_string().as_bytes()));
        assert_eq!(verify_jws(jws.as_bytes()), Ok(payload()));
    }

    #[test]
    fn malformed_signatures_are_refused_with_what_is_wrong() {
        let header = b64url(br#"{"alg":"RS256"}"#);
        let body = b64url(b"{}");
        let cases = [
            ("not a signature".to_owned(), SignatureError::NotCompact),
            (format!("{header}.{body}"), SignatureError::NotCompact),
            (format!("{header}.{body}.c2ln.c2ln"), SignatureError::NotCompact),
            (format!("!!!!.{body}.c2ln"), SignatureError::Header),
            (format!("{}.{body}.c2ln", b64url(b"[1]")), SignatureError::Header),
            (format!("{}.{body}.c2ln", b64url(br#"{"alg":"RS256","crit":["exp"]}"#)), SignatureError::Critical),
            (format!("{header}.{body}."), SignatureError::NoSignature),
            (format!("{header}.{}.c2ln", b64url(b"{'a': 1}")), SignatureError::Payload),
        ];
        for (jws, error) in cases {
            assert_eq!(verify_jws(jws.as_bytes()), Err(error), "{jws}");
        }
        assert_eq!(verify_jws(&[0xff, 0xfe]), Err(SignatureError::NotCompact));
    }
}
