//! Which endpoints a request's URL can be, cheaply: it runs on every
//! request of million-request imports.
//!
//! Built once: exact URLs in one hash map; URL patterns indexed by their
//! host — a literal host (`graph\.facebook\.com`) in a hash map, the few
//! patterns whose host is itself a pattern (`app(\.eu)?\.adjust\.…`) by the
//! longest literal their host must contain (`.adjust.`). A request costs two
//! hash lookups and a few substring tests of its host; a URL pattern runs
//! only on requests to a host it can match.

use std::collections::HashMap;

use regex::Regex;

use super::table::Endpoint;

/// Precompiled URL matching for a list of endpoints.
#[derive(Debug, Default)]
pub struct Matcher {
    exact: HashMap<String, Vec<usize>>,
    /// Every URL pattern and its endpoint.
    patterns: Vec<(Regex, usize)>,
    /// Patterns whose host part is a plain host name, by host.
    by_host: HashMap<String, Vec<usize>>,
    /// Patterns whose host part is a pattern: the literal every host it
    /// matches contains (empty: none known, always tried), and the pattern.
    by_literal: Vec<(String, usize)>,
}

impl Matcher {
    /// Compiles the URLs and patterns of `endpoints` (already validated).
    pub fn new(endpoints: &[Endpoint]) -> Result<Matcher, String> {
        let mut matcher = Matcher::default();
        for (index, endpoint) in endpoints.iter().enumerate() {
            for url in &endpoint.urls {
                let entry = matcher.exact.entry(url.clone()).or_default();
                if !entry.contains(&index) {
                    entry.push(index);
                }
            }
            for pattern in &endpoint.url_patterns {
                let regex = Regex::new(pattern).map_err(|e| format!("URL pattern `{pattern}`: {e}"))?;
                let at = matcher.patterns.len();
                matcher.patterns.push((regex, index));
                let host = host_part(pattern).ok_or_else(|| format!("URL pattern `{pattern}` has no host part"))?;
                match literal_host(host) {
                    Some(literal) => matcher.by_host.entry(literal).or_default().push(at),
                    None => matcher
                        .by_literal
                        .push((required_literal(host).to_ascii_lowercase(), at)),
                }
            }
        }
        Ok(matcher)
    }

    /// Indices of the endpoints whose URL or pattern fits one of `urls`
    /// (all for the same `host`), in table order, each once.
    pub fn candidates(&self, host: &str, urls: &[&str]) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        for url in urls {
            if let Some(indices) = self.exact.get(*url) {
                found.extend_from_slice(indices);
            }
        }
        let by_host = self.by_host.get(host).map_or(&[][..], Vec::as_slice);
        let by_literal = self
            .by_literal
            .iter()
            .filter(|(literal, _)| host.contains(literal.as_str()))
            .map(|(_, at)| at);
        for &at in by_host.iter().chain(by_literal) {
            let (regex, endpoint) = &self.patterns[at];
            if urls.iter().any(|url| regex.is_match(url)) {
                found.push(*endpoint);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The host part of a `^https://host/…` pattern: up to the first `/`
/// outside brackets and groups (or the end, less a final `$`).
fn host_part(pattern: &str) -> Option<&str> {
    let rest = pattern.strip_prefix('^').unwrap_or(pattern).strip_prefix("https://")?;
    let (mut depth, mut in_class, mut escaped) = (0i32, false, false);
    for (at, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth -= 1,
            '/' if !in_class && depth == 0 => return Some(&rest[..at]),
            _ => {}
        }
    }
    Some(rest.strip_suffix('$').unwrap_or(rest))
}

/// `graph\.facebook\.com` → `graph.facebook.com`; `None` when the host
/// part holds any other regex syntax.
fn literal_host(host: &str) -> Option<String> {
    let literal = host.replace("\\.", "\u{0}");
    if literal.is_empty()
        || !literal
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '\u{0}')
    {
        return None;
    }
    Some(literal.replace('\u{0}', ".").to_ascii_lowercase())
}

/// The longest run of literal host characters outside groups that every
/// host matching `host` contains: `app(\.eu)?\.adjust\.(com|world)` →
/// `.adjust.`; empty when there is none.
fn required_literal(host: &str) -> String {
    let mut runs: Vec<String> = vec![String::new()];
    let mut depth = 0i32;
    let mut chars = host.chars().peekable();
    while let Some(c) = chars.next() {
        let literal = match c {
            '\\' => match chars.next() {
                Some(escaped @ ('.' | '-')) => Some(escaped),
                _ => None,
            },
            c if (c.is_ascii_alphanumeric() || c == '-') => Some(c),
            '(' => {
                depth += 1;
                None
            }
            ')' => {
                depth -= 1;
                None
            }
            _ => None,
        };
        match literal {
            // A character made optional or repeated is not required.
            Some(c) if depth == 0 && !matches!(chars.peek(), Some('?' | '*' | '{')) => {
                if let Some(run) = runs.last_mut() {
                    run.push(c);
                }
            }
            _ => runs.push(String::new()),
        }
    }
    runs.into_iter().max_by_key(String::len).unwrap_or_default()
}

/// The forms of a request's endpoint URL that are matched:
/// `https://{host}{path}` without query or trailing `/`, with the path as
/// sent and, when it differs, percent-decoded (`/gmp/1%3A2372…` and
/// `/gmp/1:2372…` both occur in the wild).
pub fn endpoint_urls(host: &str, path: &str) -> Vec<String> {
    let raw = format!("https://{host}{}", path.trim_end_matches('/'));
    let mut urls = vec![raw];
    if path.contains('%') {
        let decoded = crate::decode::form::percent_decode(path);
        let decoded = format!("https://{host}{}", decoded.trim_end_matches('/'));
        if decoded != urls[0] {
            urls.push(decoded);
        }
    }
    urls
}

/// The host as matched: lower case, without a trailing dot.
pub fn normal_host(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_and_decoded_paths_and_no_trailing_slash() {
        assert_eq!(
            endpoint_urls(&normal_host("Sessions.Bugsnag.com."), "/"),
            ["https://sessions.bugsnag.com"]
        );
        assert_eq!(
            endpoint_urls("app-measurement.com", "/gmp/1%3A2372/"),
            [
                "https://app-measurement.com/gmp/1%3A2372",
                "https://app-measurement.com/gmp/1:2372"
            ]
        );
    }

    #[test]
    fn host_parts_split_literal_from_patterns() {
        let host = |p: &str| host_part(p).map(str::to_string);
        assert_eq!(
            host(r"^https://graph\.facebook\.com/v\d{1,2}.\d$").as_deref(),
            Some(r"graph\.facebook\.com")
        );
        assert_eq!(
            host(r"^https://app(\.eu)?\.adjust\.(com|net\.in|world)/session$").as_deref(),
            Some(r"app(\.eu)?\.adjust\.(com|net\.in|world)")
        );
        assert_eq!(
            host(r"^https://analytics\.example\.com$").as_deref(),
            Some(r"analytics\.example\.com")
        );
        assert_eq!(
            literal_host(r"graph\.facebook\.com").as_deref(),
            Some("graph.facebook.com")
        );
        assert_eq!(literal_host(r"api2?\.branch\.io"), None);
        assert_eq!(literal_host(r".+\.openx\.net"), None);
        assert_eq!(required_literal(r"app(\.eu)?\.adjust\.(com|net\.in|world)"), ".adjust.");
        assert_eq!(required_literal(r"api2?\.branch\.io"), ".branch.io");
        assert_eq!(
            required_literal(r"(android|ios)?ads\d-?\d\.adcolony\.com"),
            ".adcolony.com"
        );
        assert_eq!(required_literal(r"www\.google\..+"), "www.google.");
        assert_eq!(required_literal(r".+"), "");
    }
}
