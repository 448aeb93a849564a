//! `multipart/form-data` bodies, declared (boundary from the header) or
//! sniffed (a `--boundary` first line followed by `Content-Disposition`).
//! Every part becomes a `multipart:<name>` layer carrying its own
//! `Content-Type`; short text parts are also listed as pairs on the body
//! layer. At most [`MAX_PART_LAYERS`] parts.

use super::layer_decoder::{Child, Input, Keep, LayerDecoder, Outcome, Priority};
use super::limits::{Budget, MAX_PART_LAYERS};
use super::tree::Structure;

/// Longest first line accepted as a sniffed boundary line.
const MAX_BOUNDARY_LINE: usize = 200;
/// Longest text part also listed as a pair on the body layer.
const MAX_PAIR_VALUE_BYTES: usize = 4096;

pub struct MultipartDecoder;

impl LayerDecoder for MultipartDecoder {
    fn name(&self) -> &'static str {
        "multipart"
    }

    fn claims(&self, input: &Input<'_>) -> Priority {
        if input.media_type().as_deref() == Some("multipart/form-data") && declared_boundary(input).is_some() {
            return Priority::DECLARED;
        }
        if sniffed_boundary(input.bytes).is_some() {
            return Priority::SNIFFED;
        }
        Priority::NO
    }

    fn decode(&self, input: &Input<'_>, _budget: &mut Budget) -> Result<Outcome, String> {
        let boundary = declared_boundary(input)
            .or_else(|| sniffed_boundary(input.bytes))
            .ok_or("no multipart boundary")?;
        let delimiter = [b"--", boundary.as_bytes()].concat();
        let parts = split_parts(input.bytes, &delimiter);
        if parts.is_empty() {
            return Err(format!("no parts delimited by `--{boundary}`"));
        }
        let mut pairs = Vec::new();
        let mut children = Vec::new();
        for (index, part) in parts.iter().take(MAX_PART_LAYERS).enumerate() {
            let (headers, body) = split_head(part);
            let name = disposition_param(&headers, "name").unwrap_or_else(|| format!("part{index}"));
            if let Ok(text) = std::str::from_utf8(body)
                && body.len() <= MAX_PAIR_VALUE_BYTES
            {
                pairs.push((name.clone(), text.to_string()));
            }
            let filename = disposition_param(&headers, "filename")
                .map(|f| format!(" ({f})"))
                .unwrap_or_default();
            let summary = format!("part `{name}`{filename}, {} bytes", body.len());
            let mut child = Child::new(
                "multipart",
                format!("multipart:{name}"),
                body.to_vec(),
                summary,
                Keep::Always,
            );
            child.content_type = header_value(&headers, "content-type");
            children.push(child);
        }
        Ok(Outcome {
            summary: format!("multipart, {} parts", parts.len()),
            note: None,
            structure: Some(Structure::Pairs(pairs)),
            children,
        })
    }
}

fn declared_boundary(input: &Input<'_>) -> Option<String> {
    input.content_type?.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

/// The boundary named by a `--boundary` first line, when a part header follows.
fn sniffed_boundary(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(MAX_BOUNDARY_LINE * 2)];
    let line_end = head.iter().position(|b| *b == b'\n')?;
    let line = std::str::from_utf8(head.get(2..line_end)?).ok()?.trim_end_matches('\r');
    let follows = String::from_utf8_lossy(&head[line_end..]).to_ascii_lowercase();
    (bytes.starts_with(b"--") && !line.is_empty() && !line.contains(' ') && follows.contains("content-disposition"))
        .then(|| line.to_string())
}

/// The bodies between delimiters, each still with its headers.
fn split_parts<'a>(bytes: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut rest = match find(bytes, delimiter) {
        Some(start) => &bytes[start + delimiter.len()..],
        None => return parts,
    };
    while !rest.starts_with(b"--") {
        let Some(end) = find(rest, delimiter) else { break };
        let part = rest[..end]
            .strip_suffix(b"\r\n")
            .or_else(|| rest[..end].strip_suffix(b"\n"))
            .unwrap_or(&rest[..end]);
        let part = part
            .strip_prefix(b"\r\n")
            .or_else(|| part.strip_prefix(b"\n"))
            .unwrap_or(part);
        parts.push(part);
        rest = &rest[end + delimiter.len()..];
    }
    parts
}

/// Splits a part into its header text and body.
fn split_head(part: &[u8]) -> (String, &[u8]) {
    let (head_len, gap) = match find(part, b"\r\n\r\n") {
        Some(at) => (at, 4),
        None => find(part, b"\n\n").map_or((0, 0), |at| (at, 2)),
    };
    (
        String::from_utf8_lossy(&part[..head_len]).into_owned(),
        &part[head_len + gap..],
    )
}

fn header_value(headers: &str, name: &str) -> Option<String> {
    headers.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
    })
}

fn disposition_param(headers: &str, param: &str) -> Option<String> {
    let disposition = header_value(headers, "content-disposition")?;
    disposition.split(';').skip(1).find_map(|item| {
        let (key, value) = item.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(param)
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::layer_decoder::Origin;

    const BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\n\r\n{\"a\":1}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"log.gz\"\r\nContent-Type: application/gzip\r\n\r\n\x1f\x8b\x08\x00\r\n--XyZ--\r\n";

    #[test]
    fn claims_declared_or_sniffed_multipart() {
        let declared = Input {
            content_type: Some("multipart/form-data; boundary=XyZ"),
            ..Input::new(BODY, Origin::Body)
        };
        assert_eq!(MultipartDecoder.claims(&declared), Priority::DECLARED);
        assert_eq!(
            MultipartDecoder.claims(&Input::new(BODY, Origin::Body)),
            Priority::SNIFFED
        );
        assert_eq!(
            MultipartDecoder.claims(&Input::new(b"--not multipart\r\nhello", Origin::Body)),
            Priority::NO
        );
    }

    #[test]
    fn splits_parts_with_names_and_types() {
        let outcome = MultipartDecoder
            .decode(&Input::new(BODY, Origin::Body), &mut Budget::new())
            .expect("present in this test");
        assert_eq!(outcome.summary, "multipart, 2 parts");
        assert_eq!(outcome.children[0].step, "multipart:meta");
        assert_eq!(outcome.children[0].content, b"{\"a\":1}");
        assert_eq!(outcome.children[1].step, "multipart:file");
        assert_eq!(outcome.children[1].content, b"\x1f\x8b\x08\x00");
        assert_eq!(outcome.children[1].content_type.as_deref(), Some("application/gzip"));
        assert_eq!(
            outcome.structure,
            Some(Structure::Pairs(vec![("meta".into(), "{\"a\":1}".into())]))
        );
    }
}
