//! Attachments in multipart/mixed (Communication 1.5.2, Data 2.4.11) and signed statements
//! (Data 2.6).

use reqwest::Method;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::sha2::Sha256;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};

use crate::app_test;
use crate::*;

/// The specification's own example boundary, with every character class it allows (1.5.2.s6.b1).
const BOUNDARY: &str = "abcABC0123'()+_,-./:=?";
const CONTENT: &[u8] = b"here is a simple attachment";

fn described(content: &[u8], content_type: &str) -> Value {
    json!({
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "description": {"en-US": "A test attachment (description)"},
        "contentType": content_type,
        "length": content.len(),
        "sha2": sha256_hex(content)
    })
}

/// The statement of Communication 1.5.2.s6, with its attachment described.
fn with_attachment() -> Value {
    json!({
        "id": new_id(),
        "actor": {"mbox": "mailto:sample.agent@example.com", "name": "Sample Agent", "objectType": "Agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"id": "http://www.example.com/tincan/activities/multipart", "objectType": "Activity",
            "definition": {"name": {"en-US": "Multi Part Activity"}, "description": {"en-US": "Multi Part Activity Description"}}},
        "attachments": [described(CONTENT, "text/plain; charset=ascii")]
    })
}

fn statement_part(statements: &Value) -> (Vec<String>, Vec<u8>) {
    (vec!["Content-Type:application/json".to_owned()], statements.to_string().into_bytes())
}

fn attachment_part(content: &[u8], content_type: &str) -> (Vec<String>, Vec<u8>) {
    (
        vec![
            format!("Content-Type:{content_type}"),
            "Content-Transfer-Encoding:binary".to_owned(),
            format!("X-Experience-API-Hash:{}", sha256_hex(content)),
        ],
        content.to_vec(),
    )
}

async fn post_multipart(lrs: &Lrs<'_>, path: &str, method: Method, parts: &[(Vec<String>, Vec<u8>)]) -> Reply {
    let body = multipart(BOUNDARY, parts);
    let r = lrs
        .request(method, path)
        .header("Content-Type", format!("multipart/mixed; boundary=\"{BOUNDARY}\""))
        .body(body);
    Lrs::send(r).await
}

app_test!(a_statement_and_its_attachment_travel_in_multipart_mixed, |app| {
    let lrs = Lrs::new(app).await;
    let s = with_attachment();
    let id = s["id"].as_str().unwrap().to_owned();
    // Communication 1.5.2.s3.b4: accept statements with attachments in the transmission format.
    let r = post_multipart(
        &lrs,
        "/xapi/statements",
        Method::POST,
        &[statement_part(&s), attachment_part(CONTENT, "text/plain")],
    )
    .await;
    r.expect(200);
    assert_eq!(r.json(), json!([id]));

    // Communication 2.1.3.s2.b7: attachments=false (the default) answers application/json only.
    let r = lrs.get(&format!("/xapi/statements?statementId={id}")).await;
    r.expect(200);
    assert_eq!(r.media_type(), "application/json");
    assert_eq!(r.json()["attachments"], s["attachments"]);
    let r = lrs.get(&format!("/xapi/statements?statementId={id}&attachments=false")).await;
    assert_eq!(r.media_type(), "application/json");

    // Communication 2.1.3.s2.b6 and 1.5.2.s3.b1: attachments=true answers multipart/mixed, the
    // statement first as application/json, then each attachment's raw data with its hash.
    let r = lrs.get(&format!("/xapi/statements?statementId={id}&attachments=true")).await;
    r.expect(200);
    let parts = read_multipart(&r);
    assert_eq!(parts.len(), 2, "{parts:?}");
    assert!(parts[0].header("content-type").unwrap().starts_with("application/json"));
    let got: Value = serde_json::from_slice(&parts[0].content).unwrap();
    assert_eq!(got["id"], json!(id));
    assert_eq!(parts[1].header("x-experience-api-hash"), Some(sha256_hex(CONTENT).as_str()));
    assert_eq!(parts[1].header("content-transfer-encoding"), Some("binary"));
    assert!(parts[1].header("content-type").unwrap().starts_with("text/plain"));
    assert_eq!(parts[1].content, CONTENT);

    // A query with attachments=true: the StatementResult first, then the attachments.
    let r = lrs.get("/xapi/statements?attachments=true").await;
    r.expect(200);
    let parts = read_multipart(&r);
    let result: Value = serde_json::from_slice(&parts[0].content).unwrap();
    assert_eq!(statement_ids(&result), vec![id.clone()]);
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[1].content, CONTENT);

    // PUT takes the same format (Communication 1.5.2.s2.b2.b2).
    let s2 = with_attachment();
    let id2 = s2["id"].as_str().unwrap();
    let binary: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
    let mut s2 = s2.clone();
    s2["attachments"] = json!([described(&binary, "application/octet-stream")]);
    let r = post_multipart(
        &lrs,
        &format!("/xapi/statements?statementId={id2}"),
        Method::PUT,
        &[statement_part(&s2), attachment_part(&binary, "application/octet-stream")],
    )
    .await;
    r.expect(204);
    let r = lrs.get(&format!("/xapi/statements?statementId={id2}&attachments=true")).await;
    let parts = read_multipart(&r);
    assert_eq!(parts[1].content, binary, "raw octets, no encoding (1.5.2.s6.b3)");

    // Two statements sharing one attachment send it once (1.5.2.s2.b2.b5).
    let (a, b) = (with_attachment(), with_attachment());
    let r = post_multipart(
        &lrs,
        "/xapi/statements",
        Method::POST,
        &[statement_part(&json!([a, b])), attachment_part(CONTENT, "text/plain")],
    )
    .await;
    r.expect(200);
    assert_eq!(r.json().as_array().unwrap().len(), 2);

    // 1.5.2.s3.b8 and b9 (SHOULD*): multipart without attachments, or with fileUrl ones only.
    let r = post_multipart(&lrs, "/xapi/statements", Method::POST, &[statement_part(&statement())]).await;
    r.expect(200);
    let mut by_url = with_attachment();
    by_url["attachments"][0]["fileUrl"] = json!("http://www.example.com/files/simple.txt");
    let r = post_multipart(&lrs, "/xapi/statements", Method::POST, &[statement_part(&by_url)]).await;
    r.expect(200);
    // 1.5.1.s1.b2: application/json with fileUrl attachments.
    let mut by_url = with_attachment();
    by_url["attachments"][0]["fileUrl"] = json!("http://www.example.com/files/simple.txt");
    lrs.post_json("/xapi/statements", &by_url).await.expect(200);
});

app_test!(attachments_without_their_data_or_with_the_wrong_hash_are_refused, |app| {
    let lrs = Lrs::new(app).await;
    let mut ids = Vec::new();
    let mut check = |r: Reply, s: &Value, why: &str| {
        assert_eq!(r.status, 400, "{why}: {} {}", r.status, r.text());
        r.refused(400, "");
        ids.push(s["id"].as_str().unwrap().to_owned());
    };
    // Communication 1.5.2.s2.b1: as application/json, every attachment needs a fileUrl.
    let s = with_attachment();
    check(lrs.post_json("/xapi/statements", &s).await, &s, "application/json without fileUrl");
    // 1.5.2.s3.b5: an attachment with neither a fileUrl nor a part matching its hash.
    let s = with_attachment();
    check(post_multipart(&lrs, "/xapi/statements", Method::POST, &[statement_part(&s)]).await, &s, "no part");
    let s = with_attachment();
    let other = attachment_part(b"some other content", "text/plain");
    check(post_multipart(&lrs, "/xapi/statements", Method::POST, &[statement_part(&s), other]).await, &s, "other part");
    // The part says the right hash but its data hashes otherwise (1.5.2.s1.b4).
    let s = with_attachment();
    let (headers, _) = attachment_part(CONTENT, "text/plain");
    let lie = (headers, b"here is a different attachment".to_vec());
    check(post_multipart(&lrs, "/xapi/statements", Method::POST, &[statement_part(&s), lie]).await, &s, "wrong data");
    // 1.5.2.s2.b2.b3: each part after the first carries X-Experience-API-Hash.
    let s = with_attachment();
    let no_hash =
        (vec!["Content-Type:text/plain".to_owned(), "Content-Transfer-Encoding:binary".to_owned()], CONTENT.to_vec());
    check(post_multipart(&lrs, "/xapi/statements", Method::POST, &[statement_part(&s), no_hash]).await, &s, "no hash");
    // 1.5.2.s2.b2.b4: parts after the first are sent as binary, not in another encoding.
    let s = with_attachment();
    let base64_part = (
        vec![
            "Content-Type:text/plain".to_owned(),
            "Content-Transfer-Encoding:base64".to_owned(),
            format!("X-Experience-API-Hash:{}", sha256_hex(CONTENT)),
        ],
        CONTENT.to_vec(),
    );
    check(
        post_multipart(&lrs, "/xapi/statements", Method::POST, &[statement_part(&s), base64_part]).await,
        &s,
        "base64",
    );
    // 1.5.2.s2.b2.b1 and b6: the first part is the statements, as application/json.
    let s = with_attachment();
    let first = (vec!["Content-Type:text/plain".to_owned()], s.to_string().into_bytes());
    let r =
        post_multipart(&lrs, "/xapi/statements", Method::POST, &[first, attachment_part(CONTENT, "text/plain")]).await;
    check(r, &s, "first part not application/json");
    // A multipart body without its boundary, or broken, is not a valid request.
    let s = with_attachment();
    let body = multipart(BOUNDARY, &[statement_part(&s), attachment_part(CONTENT, "text/plain")]);
    let r = lrs.request(Method::POST, "/xapi/statements").header("Content-Type", "multipart/mixed").body(body.clone());
    check(Lrs::send(r).await, &s, "no boundary");
    let r = lrs
        .request(Method::POST, "/xapi/statements")
        .header("Content-Type", "multipart/mixed; boundary=elsewhere")
        .body(body);
    check(Lrs::send(r).await, &s, "wrong boundary");
    // Nothing of it was stored.
    for id in ids {
        lrs.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    }
    assert!(lrs.ids("").await.is_empty());
});

/// A JWS in compact serialisation with an arbitrary RSA-sized signature: the LRS can check its
/// form and payload, but cannot verify the signature without an X.509 certificate (Data 2.6.s5.b3.b3).
fn jws(header: &Value, payload: &[u8]) -> Vec<u8> {
    let signature: Vec<u8> = (0..256u32).map(|i| (i * 7 % 256) as u8).collect();
    format!("{}.{}.{}", base64(header.to_string().as_bytes(), true), base64(payload, true), base64(&signature, true))
        .into_bytes()
}

/// A statement signed with `signature`, sent as the conformance suite sends it.
async fn post_signed(lrs: &Lrs<'_>, statement: &Value, signature: &[u8], content_type: &str) -> Reply {
    let mut s = statement.clone();
    let mut attachment = described(signature, content_type);
    attachment["usageType"] = json!(SIGNATURE);
    s["attachments"] = json!([attachment]);
    post_multipart(
        lrs,
        "/xapi/statements",
        Method::POST,
        &[statement_part(&s), attachment_part(signature, content_type)],
    )
    .await
}

app_test!(signed_statements_are_checked_against_their_signature, |app| {
    let lrs = Lrs::new(app).await;
    let octets = "application/octet-stream";
    // Data 2.6.s4: a JWS with the statement as payload, RS256, as an octet-stream attachment.
    let s = statement_with(|s| s["id"] = json!(new_id()));
    let signature = jws(&json!({"alg": "RS256"}), s.to_string().as_bytes());
    let r = post_signed(&lrs, &s, &signature, octets).await;
    r.expect(200);
    let id = s["id"].as_str().unwrap();
    let r = lrs.get(&format!("/xapi/statements?statementId={id}&attachments=true")).await;
    let parts = read_multipart(&r);
    assert_eq!(parts[1].content, signature, "the signature is kept as an attachment");
    for alg in ["RS384", "RS512"] {
        let s = statement_with(|s| s["id"] = json!(new_id()));
        let signature = jws(&json!({"alg": alg, "typ": "JWT"}), s.to_string().as_bytes());
        post_signed(&lrs, &s, &signature, octets).await.expect(200);
    }
    // The payload is compared as a statement, not as text (Data 2.6.s5.b3.b2, 2.3.1.s9).
    let s = statement_with(|s| s["id"] = json!(new_id()));
    let pretty = serde_json::to_vec_pretty(&s).unwrap();
    post_signed(&lrs, &s, &jws(&json!({"alg": "RS256"}), &pretty), octets).await.expect(200);

    // Data 2.6.s5.b1: malformed signatures are refused with 400.
    let cases: Vec<(&str, Value, Vec<u8>, &str)> = {
        let s = || statement_with(|s| s["id"] = json!(new_id()));
        let (a, b, c, d, e, f, g) = (s(), s(), s(), s(), s(), s(), s());
        let other = statement_with(|x| {
            x["id"] = b["id"].clone();
            x["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/completed");
        });
        vec![
            ("Data 2.6.s4.b4: HS256", a.clone(), jws(&json!({"alg": "HS256"}), a.to_string().as_bytes()), octets),
            (
                "Data 2.6.s5.b3.b2: another statement",
                b.clone(),
                jws(&json!({"alg": "RS256"}), other.to_string().as_bytes()),
                octets,
            ),
            (
                "Data 2.6.s4.b1: text/plain",
                c.clone(),
                jws(&json!({"alg": "RS256"}), c.to_string().as_bytes()),
                "text/plain; charset=ascii",
            ),
            (
                "Data 2.6.s4.b3: payload not JSON",
                d.clone(),
                jws(&json!({"alg": "RS256"}), d.to_string().replacen('"', "'", 1).as_bytes()),
                octets,
            ),
            ("Data 2.6.s4.b1: not a JWS", e.clone(), b"this is not a signature".to_vec(), octets),
            ("Data 2.6.s4.b4: alg none", f.clone(), jws(&json!({"alg": "none"}), f.to_string().as_bytes()), octets),
            (
                "Data 2.6.s4.b1: header not JSON",
                g.clone(),
                {
                    let mut j = jws(&json!({"alg": "RS256"}), g.to_string().as_bytes());
                    j.splice(0..4, b"!!!!".iter().copied());
                    j
                },
                octets,
            ),
        ]
    };
    for (rule, s, signature, content_type) in cases {
        let r = post_signed(&lrs, &s, &signature, content_type).await;
        assert_eq!(r.status, 400, "{rule}: {} {}", r.status, r.text());
        r.refused(400, "");
        lrs.get(&format!("/xapi/statements?statementId={}", s["id"].as_str().unwrap())).await.expect(404);
    }
});

/// A test key and its self-signed certificate, and the certificate of another key (made with the
/// openssl command line; see `tests/fixtures/README.md`).
const SIGNING_KEY: &str = include_str!("../fixtures/jws-key.pem");
const CERTIFICATE: &[u8] = include_bytes!("../fixtures/jws-cert.der");
const OTHER_CERTIFICATE: &[u8] = include_bytes!("../fixtures/jws-other-cert.der");

/// A JWS of `statement`, really signed with RS256 by the test key, with `certificate` in x5c.
fn signed_jws(statement: &Value, certificate: &[u8]) -> Vec<u8> {
    let header = json!({"alg": "RS256", "x5c": [base64(certificate, false)]});
    let input =
        format!("{}.{}", base64(header.to_string().as_bytes(), true), base64(statement.to_string().as_bytes(), true));
    let key = RsaPrivateKey::from_pkcs8_pem(SIGNING_KEY).unwrap();
    let signature = SigningKey::<Sha256>::new(key).sign(input.as_bytes()).to_vec();
    format!("{input}.{}", base64(&signature, true)).into_bytes()
}

app_test!(signatures_are_verified_against_the_certificate_in_x5c, |app| {
    let lrs = Lrs::new(app).await;
    let octets = "application/octet-stream";
    // Data 2.6.s5.b3.b3: with a certificate in the JWS header, the signature is validated against it.
    let s = statement_with(|s| s["id"] = json!(new_id()));
    post_signed(&lrs, &s, &signed_jws(&s, CERTIFICATE), octets).await.expect(200);
    lrs.get(&format!("/xapi/statements?statementId={}", s["id"].as_str().unwrap())).await.expect(200);

    let s = || statement_with(|s| s["id"] = json!(new_id()));
    let (a, b) = (s(), s());
    let mut tampered = signed_jws(&a, CERTIFICATE);
    let i = tampered.len() - 10; // inside the signature part
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let cases = [
        ("a tampered signature", a, tampered),
        ("the certificate of another key", b.clone(), signed_jws(&b, OTHER_CERTIFICATE)),
    ];
    for (case, s, signature) in cases {
        let r = post_signed(&lrs, &s, &signature, octets).await;
        assert_eq!(r.status, 400, "{case}: {} {}", r.status, r.text());
        r.refused(400, "signature does not verify against the certificate");
        lrs.get(&format!("/xapi/statements?statementId={}", s["id"].as_str().unwrap())).await.expect(404);
    }
});
