//! One HTTP request/response as an importer produced it.

use serde::{Deserialize, Serialize};

/// Header list in wire order; names keep their original case.
pub type Headers = Vec<(String, String)>;

/// One HTTP request and its response (if any), as captured.
///
/// Bodies are stored with `Content-Encoding` undone; when that changed the
/// bytes, the captured bytes are kept in `*_body_original` as evidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// Request start, UTC µs.
    pub time_micros: i64,
    /// Total time until the response ended, when the capture knows it.
    pub duration_micros: Option<i64>,
    pub method: String,
    /// Absolute URL (`scheme://host[:port]/path?query`).
    pub url: String,
    pub host: String,
    pub port: Option<u16>,
    pub http_version: String,
    /// HTTP status; `None` when no response was captured.
    pub status: Option<u16>,
    pub request_headers: Headers,
    pub response_headers: Headers,
    pub request_body: Vec<u8>,
    pub request_body_original: Option<Vec<u8>>,
    pub response_body: Vec<u8>,
    pub response_body_original: Option<Vec<u8>>,
    /// Server address as the capture recorded it; `None` when it did not.
    pub server_ip: Option<String>,
    pub server_port: Option<u16>,
    pub client_ip: Option<String>,
    /// The capturing app, when the capture knows it (PCAPdroid metadata).
    pub app_hint: Option<String>,
    /// Problems the importer noticed (e.g. "response missing", "body not valid gzip").
    pub notes: Vec<String>,
    /// How the exchange travelled below HTTP, as decode-path steps the
    /// importer decrypted or unframed, e.g. `tls1.3 aes-128-gcm › http2 stream 3`;
    /// `None` for plain HTTP/1.x and for proxy logs.
    #[serde(default)]
    pub transport: Option<String>,
    /// WebSocket messages sent after this exchange upgraded the connection,
    /// in capture order. Each becomes a decode root of its own.
    #[serde(default)]
    pub websocket_messages: Vec<WebSocketMessage>,
}

/// One WebSocket message (all its fragments joined, permessage-deflate undone).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebSocketMessage {
    /// True for client → server (what the app sent).
    pub from_client: bool,
    /// When the message was captured (UTC µs), if the capture says.
    pub time_micros: Option<i64>,
    /// Text message (opcode 1); binary (opcode 2) otherwise.
    pub text: bool,
    pub payload: Vec<u8>,
    /// What went wrong (e.g. "not valid permessage-deflate").
    pub note: Option<String>,
}

impl Exchange {
    /// First value of a request header, case-insensitive.
    pub fn request_header(&self, name: &str) -> Option<&str> {
        header(&self.request_headers, name)
    }

    /// First value of a response header, case-insensitive.
    pub fn response_header(&self, name: &str) -> Option<&str> {
        header(&self.response_headers, name)
    }

    /// The query string of the URL, without `?`, or `""`.
    pub fn query(&self) -> &str {
        let without_fragment = self.url.split('#').next().unwrap_or("");
        without_fragment.split_once('?').map_or("", |(_, q)| q)
    }

    /// The path of the URL without query, e.g. `/g/collect`.
    pub fn path(&self) -> &str {
        let rest = self.url.split_once("://").map_or(self.url.as_str(), |(_, rest)| rest);
        let path_start = rest.find('/').unwrap_or(rest.len());
        let path = &rest[path_start..];
        path.split(['?', '#']).next().unwrap_or("")
    }
}

/// First value of header `name` in `headers`, case-insensitive.
pub fn header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Splits an absolute URL into (scheme, host, port). Tolerates missing
/// scheme and IPv6 literals.
pub fn split_url(url: &str) -> (String, String, Option<u16>) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
        match stripped.split_once(']') {
            Some((h, tail)) => (h.to_string(), tail.strip_prefix(':').and_then(|p| p.parse().ok())),
            None => (stripped.to_string(), None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => (h.to_string(), p.parse().ok()),
            _ => (authority.to_string(), None),
        }
    };
    (scheme.to_ascii_lowercase(), host.to_ascii_lowercase(), port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts() {
        assert_eq!(
            split_url("https://User@Example.com:8443/a?b#c"),
            ("https".into(), "example.com".into(), Some(8443))
        );
        assert_eq!(split_url("http://[::1]:80/"), ("http".into(), "::1".into(), Some(80)));
        let ex = Exchange {
            url: "https://h/g/collect?v=2&en=x#frag".into(),
            ..Exchange::default()
        };
        assert_eq!(ex.path(), "/g/collect");
        assert_eq!(ex.query(), "v=2&en=x");
    }
}
