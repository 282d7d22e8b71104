//! The xAPI 1.0.3 conformance suite over HTTP, written requirement by requirement from the
//! specification in `shared/reference/xapi-1.0.3/` (cited as "Communication 2.1.3.s2.b5" or
//! "Data 2.4.8.s3.b2", the anchors of its text), on both backends.
//!
//! Every test drives a fresh app over real HTTP as an outside system would: HTTP Basic credentials
//! from `TestApp::lrs_credentials`, the `X-Experience-API-Version` header on every request, and
//! statements about agents that are not goldthread people, as a conformance test suite sends them.
//! The modules follow the specification: [`versioning`] (About, the version header, HEAD, errors),
//! [`credentials`] (authentication and scope), [`statements`] (PUT, POST, GET by id, voiding,
//! what the LRS sets), [`queries`] (filters, formats, paging), [`validation`] (malformed
//! statements, table-driven), [`attachments`] (multipart/mixed and signed statements),
//! [`documents`] (State, Activity Profile, Agent Profile, concurrency), [`resources`] (Activities
//! and Agents), [`alternate`] (the alternate request syntax) and [`limits`].

#![expect(clippy::unwrap_used, reason = "a test fails loudly on any error it did not expect")]

mod support;

#[path = "xapi/alternate.rs"]
mod alternate;
#[path = "xapi/attachments.rs"]
mod attachments;
#[path = "xapi/credentials.rs"]
mod credentials;
#[path = "xapi/documents.rs"]
mod documents;
#[path = "xapi/limits.rs"]
mod limits;
#[path = "xapi/queries.rs"]
mod queries;
#[path = "xapi/resources.rs"]
mod resources;
#[path = "xapi/statements.rs"]
mod statements;
#[path = "xapi/validation.rs"]
mod validation;
#[path = "xapi/versioning.rs"]
mod versioning;

use std::time::Duration;

use domain::ids::OrganisationId;
use jiff::Timestamp;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::TestApp;

/// The version this LRS speaks, sent on every request and expected on every response.
pub const VERSION: &str = "1.0.3";
pub const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
pub const SIGNATURE: &str = "http://adlnet.gov/expapi/attachments/signature";

// ---------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------

/// One answer of the LRS, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap().to_vec();
        Self { status, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_owned())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Asserts the status (showing the body when it differs) and that the response carries the
    /// version header (Communication 3.3.s3.b1, b2).
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "expected {status}, got {}: {}", self.status, self.text());
        assert_eq!(
            self.header("x-experience-api-version").as_deref(),
            Some(VERSION),
            "Communication 3.3.s3.b1: every response carries X-Experience-API-Version: {VERSION}"
        );
        self
    }

    /// Asserts a refusal: the status, the version header, and a message that explains the cause
    /// (Communication 3.2.s3.b2) and mentions `needle` (case-insensitive; "" for any message).
    #[track_caller]
    pub fn refused(&self, status: u16, needle: &str) -> &Self {
        self.expect(status);
        let text = self.text();
        assert!(!text.trim().is_empty(), "Communication 3.2.s3.b2: a {status} explains its cause");
        assert!(
            text.to_lowercase().contains(&needle.to_lowercase()),
            "the {status} message should mention {needle:?}: {text}"
        );
        self
    }

    /// The media type of the response without parameters, in lowercase.
    pub fn media_type(&self) -> String {
        self.header("content-type").unwrap_or_default().split(';').next().unwrap().trim().to_lowercase()
    }
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// An outside system talking to the LRS with one set of credentials.
pub struct Lrs<'a> {
    pub app: &'a TestApp,
    /// The Authorization header value sent with every request (empty: none).
    pub auth: String,
    http: reqwest::Client,
}

impl<'a> Lrs<'a> {
    /// A client with read and write credentials of a new organisation.
    pub async fn new(app: &'a TestApp) -> Self {
        let org = app.organisation("LRS", "lrs.example.org").await;
        Self::of(app, org, true, true).await
    }

    /// A client with credentials of `organisation`.
    pub async fn of(app: &'a TestApp, organisation: OrganisationId, read: bool, write: bool) -> Self {
        let (key, secret) = app.lrs_credentials(organisation, read, write).await;
        Self::with_auth(app, &basic(&key, &secret))
    }

    /// A client that sends `auth` as its Authorization header ("" sends none).
    pub fn with_auth(app: &'a TestApp, auth: &str) -> Self {
        Self { app, auth: auth.to_owned(), http: reqwest::Client::new() }
    }

    /// A request with the version header and the credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let r = self.http.request(method, self.app.url(path)).header("X-Experience-API-Version", VERSION);
        if self.auth.is_empty() {
            r
        } else {
            r.header("Authorization", &self.auth)
        }
    }

    /// A request with neither header.
    pub fn bare(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, self.app.url(path))
    }

    pub async fn send(r: RequestBuilder) -> Reply {
        Reply::read(r.send().await.unwrap()).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        Self::send(self.request(Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        Self::send(self.request(Method::DELETE, path)).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::POST, path).json(body)).await
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(Method::PUT, path).json(body)).await
    }

    /// POSTs one statement, expecting 200, and returns its id.
    pub async fn store(&self, statement: &Value) -> String {
        let ids = self.store_all(std::slice::from_ref(statement)).await;
        ids[0].clone()
    }

    /// POSTs a batch, expecting 200, and returns the ids in order.
    pub async fn store_all(&self, statements: &[Value]) -> Vec<String> {
        let r = self.post_json("/xapi/statements", &Value::Array(statements.to_vec())).await;
        r.expect(200);
        let ids: Vec<String> = r.json().as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        assert_eq!(ids.len(), statements.len(), "one id per statement (Communication 2.1.2.s1)");
        ids
    }

    /// POSTs statements one by one, a few milliseconds apart so that their `stored` times differ.
    pub async fn store_in_turn(&self, statements: &[Value]) -> Vec<String> {
        let mut ids = Vec::new();
        for s in statements {
            ids.push(self.store(s).await);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        ids
    }

    /// GETs one statement by id, expecting 200.
    pub async fn statement(&self, id: &str) -> Value {
        let r = self.get(&format!("/xapi/statements?statementId={id}")).await;
        r.expect(200);
        r.json()
    }

    /// GETs a StatementResult for `query` (already encoded, without `?`), expecting 200.
    pub async fn query(&self, query: &str) -> Value {
        let r = self.get(&format!("/xapi/statements?{query}")).await;
        r.expect(200);
        let result = r.json();
        assert!(result["statements"].is_array(), "a StatementResult has a statements array: {result}");
        result
    }

    /// The ids a query returns, following `more` links to the end.
    pub async fn ids(&self, query: &str) -> Vec<String> {
        let mut result = self.query(query).await;
        let mut ids = Vec::new();
        loop {
            ids.extend(statement_ids(&result));
            match result["more"].as_str() {
                Some(more) if !more.is_empty() => {
                    let r = self.get(more).await;
                    r.expect(200);
                    result = r.json();
                }
                _ => return ids,
            }
        }
    }
}

/// The ids of the statements in a StatementResult.
pub fn statement_ids(result: &Value) -> Vec<String> {
    result["statements"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

/// An encoded query string from pairs.
pub fn q(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// An HTTP Basic Authorization header value.
pub fn basic(key: &str, secret: &str) -> String {
    format!("Basic {}", base64(format!("{key}:{secret}").as_bytes(), false))
}

// ---------------------------------------------------------------------------------------------
// Statements to send
// ---------------------------------------------------------------------------------------------

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A simple valid statement about an agent who is not a goldthread person.
pub fn statement() -> Value {
    json!({
        "actor": {"objectType": "Agent", "name": "Sample Agent", "mbox": "mailto:sample.agent@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
        "object": {
            "objectType": "Activity",
            "id": "http://www.example.com/activities/one",
            "definition": {"name": {"en-US": "Activity one"}}
        }
    })
}

/// [`statement`] with changes.
pub fn statement_with(change: impl FnOnce(&mut Value)) -> Value {
    let mut s = statement();
    change(&mut s);
    s
}

/// A copy of `statement` with a new id.
pub fn with_new_id(statement: &Value) -> Value {
    let mut s = statement.clone();
    s["id"] = json!(new_id());
    s
}

/// An Agent identified by mbox.
pub fn agent(email: &str) -> Value {
    json!({"objectType": "Agent", "mbox": format!("mailto:{email}")})
}

/// A statement by `actor` of `verb` on the activity `activity`.
pub fn did(actor: Value, verb: &str, activity: &str) -> Value {
    json!({"actor": actor, "verb": {"id": verb}, "object": {"id": activity}})
}

/// A statement voiding `target`.
pub fn voiding(target: &str) -> Value {
    json!({
        "actor": agent("admin@example.com"),
        "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target}
    })
}

/// JSON equality in which numbers are compared by value (`95` and `95.0` are the same number).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Parses an xAPI timestamp.
#[track_caller]
pub fn time(text: &str) -> Timestamp {
    text.parse().unwrap_or_else(|e| panic!("{text:?} is not an ISO 8601 timestamp: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Bytes: base64, SHA-1, SHA-256, multipart
// ---------------------------------------------------------------------------------------------

/// Base64 (RFC 4648 section 4, padded) or base64url (section 5, unpadded, as JWS uses).
pub fn base64(bytes: &[u8], url: bool) -> String {
    let alphabet: &[u8; 64] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if !url {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

/// SHA-1 in lowercase hex (FIPS 180-4), for checking ETags (Communication 3.1.s4.b2).
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut message = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bits.to_be_bytes());
    for block in message.chunks(64) {
        let mut w = [0u32; 80];
        for (word, bytes) in w.iter_mut().zip(block.chunks(4)) {
            *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t = a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A multipart/mixed body: each part is its header lines and its content (Communication 1.5.2).
pub fn multipart(boundary: &str, parts: &[(Vec<String>, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (headers, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        for h in headers {
            body.extend_from_slice(h.as_bytes());
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

/// One part of a multipart response: its headers (names in lowercase) and content.
#[derive(Debug)]
pub struct ReadPart {
    pub headers: Vec<(String, String)>,
    pub content: Vec<u8>,
}

impl ReadPart {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == &name.to_lowercase()).map(|(_, v)| v.as_str())
    }
}

/// Reads a multipart/mixed response as RFC 2046 defines it.
#[track_caller]
pub fn read_multipart(reply: &Reply) -> Vec<ReadPart> {
    let content_type = reply.header("content-type").unwrap_or_default();
    assert!(content_type.to_lowercase().starts_with("multipart/mixed"), "not multipart/mixed: {content_type}");
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))
        .unwrap_or_else(|| panic!("no boundary in {content_type}"))
        .trim_matches('"')
        .to_owned();
    let delimiter = format!("--{boundary}").into_bytes();
    let body = &reply.body;
    let mut positions = Vec::new();
    let mut i = 0;
    while i + delimiter.len() <= body.len() {
        if body[i..].starts_with(&delimiter) && (i == 0 || body[..i].ends_with(b"\n")) {
            positions.push(i);
            i += delimiter.len();
        } else {
            i += 1;
        }
    }
    let mut parts = Vec::new();
    for pair in positions.windows(2) {
        let mut segment = &body[pair[0] + delimiter.len()..pair[1]];
        segment = segment.strip_prefix(b"\r\n").or_else(|| segment.strip_prefix(b"\n")).unwrap_or(segment);
        segment = segment.strip_suffix(b"\r\n").or_else(|| segment.strip_suffix(b"\n")).unwrap_or(segment);
        let split = find(segment, b"\r\n\r\n").map(|p| (p, 4)).or_else(|| find(segment, b"\n\n").map(|p| (p, 2)));
        let (head, content) = match split {
            Some((p, n)) => (&segment[..p], segment[p + n..].to_vec()),
            None => (segment, Vec::new()),
        };
        let headers = String::from_utf8_lossy(head)
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
            .collect();
        parts.push(ReadPart { headers, content });
    }
    assert!(
        positions.last().is_some_and(|&p| body[p + delimiter.len()..].starts_with(b"--")),
        "the multipart body ends with the close delimiter --{boundary}--"
    );
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn the_helpers_are_right() {
    assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_eq!(
        sha1_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
    );
    assert_eq!(base64(b"TestUser:password", false), "VGVzdFVzZXI6cGFzc3dvcmQ=");
    assert_eq!(base64(b"ab", false), "YWI=");
    assert_eq!(base64(b"\xfb\xff", true), "-_8");
    assert_eq!(
        sha256_hex(b"here is a simple attachment"),
        "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
    );
}
