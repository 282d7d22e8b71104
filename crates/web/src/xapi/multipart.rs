//! `multipart/mixed` bodies, as statements with attachments travel (Communication 1.5.2): the
//! first part holds the statements as JSON, each further part one attachment's raw content with
//! its SHA-2 in `X-Experience-API-Hash`.

use super::XapiError;

/// One part: its headers (names lower-cased) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Part {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The boundary of a `multipart/mixed; boundary=...` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("boundary")).then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

/// Splits a multipart body into its parts.
pub fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, XapiError> {
    let bad = |why: &str| XapiError::bad(format!("the multipart/mixed body could not be read: {why}"));
    let delimiter = format!("--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0).ok_or_else(|| bad("the boundary does not appear"))?;
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        if body[at..].starts_with(b"--") {
            break;
        }
        // Past the delimiter line's CRLF.
        let line_end = find(body, b"\r\n", at).ok_or_else(|| bad("a boundary line does not end"))?;
        let start = line_end + 2;
        let next = find(body, &[b"\r\n".as_slice(), &delimiter].concat(), start)
            .ok_or_else(|| bad("a part is not closed by the boundary"))?;
        let raw = &body[start..next];
        let split = find(raw, b"\r\n\r\n", 0);
        let (head, content) = match split {
            Some(i) => (&raw[..i], &raw[i + 4..]),
            None if raw.starts_with(b"\r\n") => (&raw[..0], &raw[2..]),
            None => return Err(bad("a part has no blank line after its headers")),
        };
        let head = std::str::from_utf8(head).map_err(|_| bad("a part's headers are not text"))?;
        let headers = head
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (k, v) = l.split_once(':').ok_or_else(|| bad("a part header has no colon"))?;
                Ok((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            })
            .collect::<Result<Vec<_>, XapiError>>()?;
        parts.push(Part { headers, body: content.to_vec() });
        at = next + 2;
    }
    Ok(parts)
}

/// Builds a multipart/mixed body from parts; returns the content type and the body.
pub fn build(parts: &[Part]) -> (String, Vec<u8>) {
    let boundary = format!("goldthread-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        for (k, v) in &p.headers {
            body.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&p.body);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/mixed; boundary={boundary}"), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_body_parses_back_into_its_parts() {
        let parts = vec![
            Part { headers: vec![("content-type".into(), "application/json".into())], body: b"[1,2]".to_vec() },
            Part {
                headers: vec![("x-experience-api-hash".into(), "ab".into())],
                body: b"line one\r\nline two\r\n--not a boundary".to_vec(),
            },
        ];
        let (ct, body) = build(&parts);
        let b = boundary(&ct).unwrap();
        assert_eq!(parse(&body, &b).unwrap(), parts);
    }

    #[test]
    fn a_body_without_its_boundary_is_refused() {
        assert!(parse(b"hello", "xyz").is_err());
        assert!(parse(b"--xyz\r\ncontent-type: a\r\n\r\nunclosed", "xyz").is_err());
    }

    #[test]
    fn the_boundary_is_read_quoted_or_not() {
        assert_eq!(boundary("multipart/mixed; boundary=\"abc def\"").as_deref(), Some("abc def"));
        assert_eq!(boundary("multipart/mixed;boundary=abc").as_deref(), Some("abc"));
        assert_eq!(boundary("multipart/mixed"), None);
    }
}
