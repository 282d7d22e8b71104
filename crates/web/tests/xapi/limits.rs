//! Size limits (Communication 3.2.s2.b7, 3.2.s3.b11, b12): the test app allows bodies of 2 MiB.

use serde_json::json;

use crate::app_test;
use crate::*;

app_test!(a_body_over_the_configured_limit_is_refused_with_413, |app| {
    let lrs = Lrs::new(app).await;
    let big = "x".repeat(3 * 1024 * 1024);
    // A statement under the limit is accepted (3.2.s3.b16: reasonable sizes are accepted).
    let fits = statement_with(|s| {
        s["result"] = json!({"extensions": {"http://example.com/ext/notes": "y".repeat(1024 * 1024)}})
    });
    lrs.post_json("/xapi/statements", &fits).await.expect(200);
    // 3.2.s3.b11: a statement over it is refused with 413, and nothing is stored.
    let s = statement_with(|s| {
        s["id"] = json!(new_id());
        s["result"] = json!({"extensions": {"http://example.com/ext/notes": big}});
    });
    let length = s.to_string().len();
    declared(&lrs, "POST", "/xapi/statements", "application/json", length).await;
    let id = s["id"].as_str().unwrap();
    declared(&lrs, "PUT", &format!("/xapi/statements?statementId={id}"), "application/json", length).await;
    lrs.get(&format!("/xapi/statements?statementId={id}")).await.expect(404);
    assert_eq!(lrs.ids("").await.len(), 1);
    // A document over it, and an attachment over it.
    let who = agent("sample.agent@example.com").to_string();
    let path = format!(
        "/xapi/activities/state?{}",
        q(&[("activityId", "http://www.example.com/a"), ("agent", &who), ("stateId", "big")])
    );
    declared(&lrs, "PUT", &path, "application/octet-stream", big.len()).await;
    lrs.get(&path).await.expect(404);
    let content = big.as_bytes();
    let s = statement_with(|s| {
        s["attachments"] = json!([{
            "usageType": "http://example.com/attachment-usage/test",
            "display": {"en-US": "big"},
            "contentType": "text/plain",
            "length": content.len(),
            "sha2": sha256_hex(content)
        }]);
    });
    let body = multipart(
        "boundary42",
        &[
            (vec!["Content-Type:application/json".to_owned()], s.to_string().into_bytes()),
            (
                vec![
                    "Content-Type:text/plain".to_owned(),
                    "Content-Transfer-Encoding:binary".to_owned(),
                    format!("X-Experience-API-Hash:{}", sha256_hex(content)),
                ],
                content.to_vec(),
            ),
        ],
    );
    declared(&lrs, "POST", "/xapi/statements", "multipart/mixed; boundary=boundary42", body.len()).await;
    assert_eq!(lrs.ids("").await.len(), 1);
});

/// Sends only the head of a request declaring a `length`-byte body, and checks that the answer is
/// 413 with the version header and a message. (Sending the whole body races the server, which
/// answers and closes the connection as soon as it reads the declared length.)
async fn declared(lrs: &Lrs<'_>, method: &str, path: &str, content_type: &str, length: usize) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = lrs.app.url("").trim_start_matches("http://").trim_end_matches('/').to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: {}\r\nX-Experience-API-Version: 1.0.3\r\n\
         Content-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n",
        lrs.auth
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut reply)).await;
    let reply = String::from_utf8_lossy(&reply).to_lowercase();
    assert!(reply.starts_with("http/1.1 413"), "{method} {path}: {reply}");
    assert!(reply.contains("x-experience-api-version: 1.0.3"), "{method} {path}: {reply}");
}
