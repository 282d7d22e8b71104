//! Rules of the State, Activity Profile and Agent Profile resources (Communication 2.2, 3.1): the
//! JSON merge done by POST, the ETag, and the concurrency headers.

use serde_json::{Map, Value};

use super::sha1::sha1_hex;

/// Why a POSTed document cannot be merged into the stored one (Communication 2.2.s8.b1: the LRS
/// answers 400 and changes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("the stored document is not application/json, so a POST cannot merge into it; use PUT to replace it")]
    StoredNotJson,
    #[error("the posted document must have Content-Type application/json to be merged into the stored document")]
    PostedNotJson,
    #[error("the stored document is not a JSON object, so a POST cannot merge into it; use PUT to replace it")]
    StoredNotObject,
    #[error("the posted document must be a JSON object to be merged into the stored document")]
    PostedNotObject,
}

/// True for `application/json`, with or without parameters such as `charset`.
pub fn is_json_content_type(content_type: &str) -> bool {
    content_type.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("application/json")
}

/// Merges a POSTed document into the stored one (Communication 2.2.s7): both must be
/// `application/json` and JSON objects; each top-level property of the posted object replaces the
/// stored one whole, and the rest are kept. Returns the new document's bytes.
pub fn merge_json_documents(
    stored_content_type: &str,
    stored: &[u8],
    posted_content_type: &str,
    posted: &[u8],
) -> Result<Vec<u8>, MergeError> {
    if !is_json_content_type(posted_content_type) {
        return Err(MergeError::PostedNotJson);
    }
    if !is_json_content_type(stored_content_type) {
        return Err(MergeError::StoredNotJson);
    }
    let posted: Map<String, Value> = serde_json::from_slice(posted).map_err(|_| MergeError::PostedNotObject)?;
    let mut merged: Map<String, Value> = serde_json::from_slice(stored).map_err(|_| MergeError::StoredNotObject)?;
    merged.extend(posted);
    serde_json::to_vec(&Value::Object(merged)).map_err(|_| MergeError::StoredNotObject)
}

/// The ETag of a document as the LRS must send it for an identity-encoded GET: the SHA-1 of the
/// contents in lowercase hex, in double quotes (Communication 3.1.s4.b2, b4).
pub fn etag(contents: &[u8]) -> String {
    format!("\"{}\"", sha1_hex(contents))
}

/// What the concurrency headers of a PUT, POST or DELETE allow (Communication 3.1.s4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// Go ahead.
    Proceed,
    /// `412 Precondition Failed`: If-Match or If-None-Match does not hold.
    Failed,
    /// `409 Conflict`: a PUT to an existing profile document without either header; the client
    /// should fetch the document and send If-Match with its ETag (3.1.s4.b13-b14).
    MissingHeader,
    /// `400 Bad Request`: a PUT to a profile document that does not exist yet, without either
    /// header. The specification leaves this open; the conformance requirements (XAPI-00273)
    /// refuse it, so a client always states whether it means to create or to replace.
    HeaderRequired,
}

/// Checks `If-Match` and `If-None-Match` against the current document's ETag (`None` when there is
/// no document). `headers_required` is true for a PUT to the Agent or Activity Profile resources,
/// which must carry one of the two headers when the document exists (3.1.s3.b1, s4.b13).
pub fn check_preconditions(
    if_match: Option<&str>,
    if_none_match: Option<&str>,
    current_etag: Option<&str>,
    headers_required: bool,
) -> Precondition {
    let listed = |header: &str, etag: &str| {
        header.split(',').map(str::trim).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
    };
    if let Some(header) = if_match {
        if !current_etag.is_some_and(|etag| listed(header, etag)) {
            return Precondition::Failed;
        }
    }
    if let Some(header) = if_none_match {
        if current_etag.is_some_and(|etag| listed(header, etag)) {
            return Precondition::Failed;
        }
    }
    if headers_required && if_match.is_none() && if_none_match.is_none() {
        return match current_etag {
            Some(_) => Precondition::MissingHeader,
            None => Precondition::HeaderRequired,
        };
    }
    Precondition::Proceed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    // Communication 2.2.s7: the example in the specification.
    #[test]
    fn posting_json_merges_top_level_properties() {
        let merged = merge_json_documents(
            "application/json",
            br#"{"x":"foo","y":"bar"}"#,
            "application/json; charset=utf-8",
            br#"{"x":"bash","z":"faz"}"#,
        )
        .unwrap();
        let merged: Value = serde_json::from_slice(&merged).unwrap();
        assert_eq!(merged, json!({"x": "bash", "y": "bar", "z": "faz"}));
    }

    #[test]
    fn only_top_level_properties_are_merged() {
        let merged = merge_json_documents(
            "application/json",
            br#"{"a":{"b":1,"c":2}}"#,
            "application/json",
            br#"{"a":{"b":3}}"#,
        )
        .unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&merged).unwrap(), json!({"a": {"b": 3}}));
    }

    // Communication 2.2.s8.b1: both must be application/json and JSON objects.
    #[test]
    fn merging_needs_two_json_objects() {
        let ok = br#"{"a":1}"#;
        assert_eq!(merge_json_documents("text/plain", ok, "application/json", ok), Err(MergeError::StoredNotJson));
        assert_eq!(merge_json_documents("application/json", ok, "text/plain", ok), Err(MergeError::PostedNotJson));
        assert_eq!(
            merge_json_documents("application/json", b"[1]", "application/json", ok),
            Err(MergeError::StoredNotObject)
        );
        assert_eq!(
            merge_json_documents("application/json", ok, "application/json", b"nope"),
            Err(MergeError::PostedNotObject)
        );
    }

    // Communication 3.1.s4.b2 and b4.
    #[test]
    fn the_etag_is_the_quoted_sha1_of_the_contents() {
        assert_eq!(etag(b"abc"), "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
    }

    // Communication 3.1.s4.b5-b15.
    #[test]
    fn concurrency_headers_are_honoured() {
        let tag = "\"a9993e364706816aba3e25717850c26c9cd0d89d\"";
        assert_eq!(check_preconditions(Some(tag), None, Some(tag), true), Precondition::Proceed);
        assert_eq!(check_preconditions(Some("\"other\""), None, Some(tag), true), Precondition::Failed);
        assert_eq!(check_preconditions(Some("*"), None, None, true), Precondition::Failed);
        assert_eq!(check_preconditions(None, Some("*"), Some(tag), true), Precondition::Failed);
        assert_eq!(check_preconditions(None, Some("*"), None, true), Precondition::Proceed);
        assert_eq!(check_preconditions(None, None, Some(tag), true), Precondition::MissingHeader);
        assert_eq!(check_preconditions(None, None, Some(tag), false), Precondition::Proceed);
        assert_eq!(check_preconditions(None, None, None, true), Precondition::HeaderRequired);
    }
}
