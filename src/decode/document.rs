//! The request side of one exchange as a single document of named values,
//! whatever the encodings were: what the data-type recognisers and the
//! endpoint table address with paths like `body.custom_events[0]._eventName`.
//!
//! The first segment is the part of the request (TrackHAR's "context"):
//! `query` (URL parameters), `body`, `header` (lower-case names), `cookie`
//! (values that hold an encoding are decoded like headers) or `path` (the
//! URL path). Below it, form and query keys, JSON keys and indices, protobuf
//! field numbers and line numbers name each value; a URL inside a value is a
//! leaf itself and its query parameters are read below it.
//! Encodings are transparent: a form field holding base64 of gzip of JSON
//! reads `body.data_list[3].event`, not `body.data_list.base64.gzip…`.
//!
//! Promises: built from the decoded [`Tree`] without decoding anything again;
//! bounded by the tree's own limits plus [`MAX_LEAVES`] and
//! [`MAX_LEAF_VALUE_BYTES`]; every leaf names the layer it was read from.

use super::json_value::JsonValue;
use super::protobuf::{ProtoField, ProtoValue};
use super::tree::{Structure, Tree};
use crate::model::Exchange;
use std::fmt;

/// Most leaves read from one exchange (a bigger request is read in part).
pub const MAX_LEAVES: usize = 20_000;
/// Longest value kept in a leaf; longer ones are cut (the layer keeps all).
pub const MAX_LEAF_VALUE_BYTES: usize = 16 * 1024;

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// An object key, form or query name, header name, protobuf field number.
    Key(String),
    /// A position in an array, a repeated field or a list of lines.
    Index(usize),
}

/// Where a value sits in the request document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<Segment>);

impl FieldPath {
    fn child(&self, segment: Segment) -> FieldPath {
        let mut segments = self.0.clone();
        segments.push(segment);
        FieldPath(segments)
    }

    /// This path with `tail` appended.
    pub fn joined(&self, tail: &[Segment]) -> FieldPath {
        let mut segments = self.0.clone();
        segments.extend_from_slice(tail);
        FieldPath(segments)
    }

    /// Whether `self` is `other` or lies below it.
    pub fn starts_with(&self, other: &FieldPath) -> bool {
        self.0.len() >= other.0.len() && self.0[..other.0.len()] == other.0[..]
    }

    /// The last key segment (`body.items[2].id` → `id`), if any.
    pub fn last_key(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|segment| match segment {
            Segment::Key(key) => Some(key.as_str()),
            Segment::Index(_) => None,
        })
    }

    /// The request part: `query`, `body`, `header`, `cookie` or `path`.
    pub fn context(&self) -> Option<&str> {
        match self.0.first() {
            Some(Segment::Key(key)) => Some(key),
            _ => None,
        }
    }

    /// The path without its first (context) segment, as event fields name
    /// keys: `properties.$url`, `items[2].id`.
    pub fn without_context(&self) -> String {
        FieldPath(self.0.iter().skip(1).cloned().collect()).to_string()
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) if is_plain_key(key) => {
                    if position > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(key)?;
                }
                Segment::Key(key) => {
                    let quoted = serde_json::to_string(key).unwrap_or_default();
                    write!(f, "[{quoted}]")?;
                }
            }
        }
        Ok(())
    }
}

/// Keys written bare in a path; others are quoted (`body["ep.search_term"]`).
fn is_plain_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '$' | '-' | '@' | ':' | '#' | '/'))
}

/// One value of the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leaf {
    pub path: FieldPath,
    pub value: String,
    /// The layer the value was read from.
    pub layer: usize,
}

/// The request side of an exchange as leaves with paths.
#[derive(Debug, Default)]
pub struct Document {
    leaves: Vec<Leaf>,
    /// Path of each layer that stands for a node of the document (form and
    /// JSON layers, split-out array elements), by layer index.
    layer_paths: Vec<Option<FieldPath>>,
}

impl Document {
    /// Reads every request-side value of `exchange` through its decoded `tree`.
    pub fn build(exchange: &Exchange, tree: &Tree) -> Document {
        let mut builder = Builder {
            tree,
            document: Document {
                leaves: Vec::new(),
                layer_paths: vec![None; tree.len()],
            },
        };
        let mut decoded_headers: Vec<String> = Vec::new();
        let mut decoded_cookies: Vec<String> = Vec::new();
        for index in 0..tree.len() {
            if tree.parent(index).is_some() {
                continue;
            }
            let layer = tree.layer(index);
            let prefix = match layer.decoder.as_str() {
                "url" => FieldPath(vec![Segment::Key("query".into())]),
                "request-body" => FieldPath(vec![Segment::Key("body".into())]),
                "header" => {
                    let name = layer
                        .step
                        .strip_prefix("header:")
                        .unwrap_or(&layer.step)
                        .to_ascii_lowercase();
                    decoded_headers.push(name.clone());
                    FieldPath(vec![Segment::Key("header".into()), Segment::Key(name)])
                }
                "cookie" => {
                    let name = layer.step.strip_prefix("cookie:").unwrap_or(&layer.step).to_string();
                    decoded_cookies.push(name.clone());
                    FieldPath(vec![Segment::Key("cookie".into()), Segment::Key(name)])
                }
                _ => continue,
            };
            let produced = builder.walk(index, &prefix);
            if !produced && layer.decoder == "request-body" {
                // An undecoded text body is still one value (TrackHAR's whole-body paths).
                if let Some(text) = &layer.text {
                    builder.push(prefix, text, index);
                }
            }
        }
        builder.headers_and_cookies(exchange, &decoded_headers, &decoded_cookies);
        builder.push(FieldPath(vec![Segment::Key("path".into())]), exchange.path(), 0);
        builder.document
    }

    pub fn leaves(&self) -> &[Leaf] {
        &self.leaves
    }

    /// The document path a layer stands for (`None` for transform layers
    /// that have no place of their own, and for response layers).
    pub fn layer_path(&self, layer: usize) -> Option<&FieldPath> {
        self.layer_paths.get(layer)?.as_ref()
    }

    /// The nearest document path at or above `layer` in the tree.
    pub fn path_of_layer(&self, tree: &Tree, mut layer: usize) -> Option<&FieldPath> {
        loop {
            if let Some(path) = self.layer_path(layer) {
                return Some(path);
            }
            layer = tree.parent(layer)?;
        }
    }

    /// Leaves whose path matches `pattern` (see [`PathPattern`]), grouped by
    /// the node the pattern names: a pattern may name a whole object, whose
    /// leaves then share one match.
    pub fn matches(&self, pattern: &PathPattern) -> Vec<Match<'_>> {
        let mut found: Vec<Match<'_>> = Vec::new();
        for leaf in &self.leaves {
            let Some(length) = pattern.match_length(&leaf.path) else {
                continue;
            };
            let node = FieldPath(leaf.path.0[..length].to_vec());
            match found.iter_mut().find(|m| m.node == node) {
                Some(existing) => existing.leaves.push(leaf),
                None => found.push(Match {
                    node,
                    leaves: vec![leaf],
                }),
            }
        }
        found
    }
}

/// One node a pattern names, with the leaves at or below it.
#[derive(Debug)]
pub struct Match<'d> {
    pub node: FieldPath,
    pub leaves: Vec<&'d Leaf>,
}

impl Match<'_> {
    /// The node's value as text: the leaf at the node itself (a URL whose
    /// query is also read below it), or the leaves below it as
    /// `key=value` pairs joined with `, `.
    pub fn value_text(&self) -> String {
        if self.leaves.len() > 1
            && let Some(own) = self.leaves.iter().find(|leaf| leaf.path == self.node)
        {
            return own.value.clone();
        }
        match self.leaves.as_slice() {
            [single] if single.path == self.node => single.value.clone(),
            leaves => leaves
                .iter()
                .map(|leaf| {
                    let tail = FieldPath(leaf.path.0[self.node.0.len()..].to_vec()).to_string();
                    format!("{}={}", tail.trim_start_matches('.'), leaf.value)
                })
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

struct Builder<'t> {
    tree: &'t Tree,
    document: Document,
}

impl Builder<'_> {
    fn push(&mut self, path: FieldPath, value: &str, layer: usize) {
        if self.document.leaves.len() >= MAX_LEAVES {
            return;
        }
        let value = cut(value, MAX_LEAF_VALUE_BYTES).to_string();
        self.document.leaves.push(Leaf { path, value, layer });
    }

    fn set_layer_path(&mut self, layer: usize, path: &FieldPath) {
        if let Some(slot) = self.document.layer_paths.get_mut(layer) {
            slot.get_or_insert_with(|| path.clone());
        }
    }

    /// Adds the leaves of layer `index` under `prefix`; false when the layer
    /// yields none (an undecoded value: the caller keeps it as a leaf).
    fn walk(&mut self, index: usize, prefix: &FieldPath) -> bool {
        let before = self.document.leaves.len();
        match self.tree.structure(index) {
            Some(Structure::Pairs(pairs)) => {
                self.set_layer_path(index, prefix);
                // A URL inside a value is a value itself, though its query is read too.
                if let Some(url) = self
                    .tree
                    .layer(index)
                    .text
                    .as_deref()
                    .filter(|text| is_embedded_url(text))
                    && self.tree.parent(index).is_some()
                {
                    self.push(prefix.clone(), url, index);
                }
                self.pairs(index, pairs, prefix);
            }
            Some(Structure::Json(value)) => {
                self.set_layer_path(index, prefix);
                self.json(index, value, prefix);
            }
            Some(Structure::Protobuf(fields)) => {
                self.set_layer_path(index, prefix);
                // Text fields that decoded further (`protobuf:<path>` layers)
                // replace what the plain walk would read at their place.
                let mut expanded: Vec<FieldPath> = Vec::new();
                for &child in self.tree.children(index) {
                    let step = &self.tree.layer(child).step;
                    if let Some(relative) = step.strip_prefix("protobuf:") {
                        let path = prefix.joined(&parse_json_path(relative));
                        if self.walk(child, &path) {
                            expanded.push(path);
                        }
                    }
                }
                self.protobuf(index, fields, prefix, &expanded);
            }
            // Elements are read with their container (see `json`).
            Some(Structure::JsonElement(_)) => {}
            None => {
                for &child in self.tree.children(index) {
                    let step = &self.tree.layer(child).step;
                    let path = match line_index(step) {
                        Some(line) => prefix.child(Segment::Index(line)),
                        None => match step.strip_prefix("multipart:") {
                            Some(name) => prefix.child(Segment::Key(name.to_string())),
                            None => prefix.clone(),
                        },
                    };
                    let produced = self.walk(child, &path);
                    if !produced && path != *prefix {
                        // A part or line that did not decode is one value.
                        if let Some(text) = &self.tree.layer(child).text {
                            self.push(path, text, child);
                        }
                    }
                }
            }
        }
        self.document.leaves.len() > before
    }

    fn pairs(&mut self, index: usize, pairs: &[(String, String)], prefix: &FieldPath) {
        let children = self.tree.children(index).to_vec();
        for (position, (key, value)) in pairs.iter().enumerate() {
            // The n-th pair named `key` belongs to the n-th child named `key`.
            let nth = pairs[..position].iter().filter(|(k, _)| k == key).count();
            let child = children
                .iter()
                .copied()
                .filter(|child| {
                    let step = &self.tree.layer(*child).step;
                    step.split_once(':').is_some_and(|(_, name)| name == key)
                })
                .nth(nth);
            let path = prefix.child(Segment::Key(key.clone()));
            let produced = child.is_some_and(|child| self.walk(child, &path));
            if !produced {
                self.push(path, value, index);
            }
        }
    }

    fn json(&mut self, index: usize, value: &JsonValue, prefix: &FieldPath) {
        // String values that decoded further (`json:<path>` layers) and
        // split-out elements (`json[i]`, `json:key[i]`) replace what the
        // plain walk would read at their place.
        let mut expanded: Vec<FieldPath> = Vec::new();
        for &child in self.tree.children(index) {
            match self.tree.structure(child) {
                Some(Structure::JsonElement(element)) => {
                    let element_path = prefix.joined(&json_segments(element));
                    self.set_layer_path(child, &element_path);
                    for &grandchild in self.tree.children(child) {
                        expanded.extend(self.string_part(grandchild, &element_path));
                    }
                }
                _ => expanded.extend(self.string_part(child, prefix)),
            }
        }
        self.json_value(value, prefix, index, &expanded);
    }

    /// Walks a `json:<path>` string layer under `base`; the path it covers
    /// when it produced leaves.
    fn string_part(&mut self, child: usize, base: &FieldPath) -> Option<FieldPath> {
        let layer = self.tree.layer(child);
        if layer.decoder != "json-string" {
            return None;
        }
        let relative = layer.step.strip_prefix("json:")?;
        let path = base.joined(&parse_json_path(relative));
        self.walk(child, &path).then_some(path)
    }

    fn json_value(&mut self, value: &JsonValue, path: &FieldPath, layer: usize, expanded: &[FieldPath]) {
        if expanded.contains(path) {
            return;
        }
        match value {
            JsonValue::Object(entries) if !entries.is_empty() => {
                for (key, entry) in entries {
                    self.json_value(entry, &path.child(Segment::Key(key.clone())), layer, expanded);
                }
            }
            JsonValue::Array(items) if !items.is_empty() => {
                for (position, item) in items.iter().enumerate() {
                    self.json_value(item, &path.child(Segment::Index(position)), layer, expanded);
                }
            }
            JsonValue::Object(_) => self.push(path.clone(), "{}", layer),
            JsonValue::Array(_) => self.push(path.clone(), "[]", layer),
            scalar => {
                let text = scalar.scalar_text().unwrap_or_default();
                self.push(path.clone(), &text, layer);
            }
        }
    }

    fn protobuf(&mut self, layer: usize, fields: &[ProtoField], prefix: &FieldPath, expanded: &[FieldPath]) {
        for field in fields {
            let occurrences = fields.iter().filter(|f| f.number == field.number).count();
            let mut path = prefix.child(Segment::Key(field.number.to_string()));
            if occurrences > 1 {
                let nth = fields
                    .iter()
                    .take_while(|f| !std::ptr::eq(*f, field))
                    .filter(|f| f.number == field.number)
                    .count();
                path = path.child(Segment::Index(nth));
            }
            if expanded.contains(&path) {
                continue;
            }
            match &field.value {
                ProtoValue::Message(inner) => self.protobuf(layer, inner, &path, expanded),
                ProtoValue::Varint(number) | ProtoValue::Fixed64(number) => {
                    self.push(path, &number.to_string(), layer);
                }
                ProtoValue::Fixed32(number) => self.push(path, &number.to_string(), layer),
                ProtoValue::Text(text) => self.push(path, text, layer),
                ProtoValue::Bytes(bytes) => self.push(path, &hex::encode(bytes), layer),
            }
        }
    }

    /// Every request header and cookie that no header root already read.
    fn headers_and_cookies(&mut self, exchange: &Exchange, decoded_headers: &[String], decoded_cookies: &[String]) {
        for (name, value) in &exchange.request_headers {
            let lower = name.to_ascii_lowercase();
            if lower.starts_with(':') || decoded_headers.contains(&lower) {
                continue;
            }
            if lower == "cookie" {
                for cookie in value.split(';') {
                    let (cookie_name, cookie_value) = cookie.split_once('=').unwrap_or((cookie, ""));
                    let cookie_name = cookie_name.trim();
                    if !cookie_name.is_empty() && !decoded_cookies.iter().any(|decoded| decoded == cookie_name) {
                        let path = FieldPath(vec![
                            Segment::Key("cookie".into()),
                            Segment::Key(cookie_name.to_string()),
                        ]);
                        self.push(path, cookie_value.trim(), 0);
                    }
                }
                continue;
            }
            let path = FieldPath(vec![Segment::Key("header".into()), Segment::Key(lower)]);
            self.push(path, value, 0);
        }
    }
}

/// A URL or path with a query (`https://h/p?a=1`, `v16.0/act?a=1`), as
/// opposed to a bare form (`a=1&b=2`).
fn is_embedded_url(text: &str) -> bool {
    text.split_once('?')
        .is_some_and(|(location, _)| !location.is_empty() && !location.contains(['=', '&']))
}

/// `line[3]` → 3.
fn line_index(step: &str) -> Option<usize> {
    step.strip_prefix("line[")?.strip_suffix(']')?.parse().ok()
}

fn json_segments(path: &[super::json_value::PathSegment]) -> Vec<Segment> {
    path.iter()
        .map(|segment| match segment {
            super::json_value::PathSegment::Key(key) => Segment::Key(key.clone()),
            super::json_value::PathSegment::Index(index) => Segment::Index(*index),
        })
        .collect()
}

/// Parses the JSON decoder's string-part paths: `context.blob`, `items[2].id`, `[0]`.
pub fn parse_json_path(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    for part in text.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            segments.push(Segment::Key(key.to_string()));
        }
        while let Some(open) = rest.strip_prefix('[') {
            let Some((number, tail)) = open.split_once(']') else {
                break;
            };
            match number.parse() {
                Ok(index) => segments.push(Segment::Index(index)),
                Err(_) => segments.push(Segment::Key(number.to_string())),
            }
            rest = tail;
        }
    }
    segments
}

/// `text` cut to at most `limit` bytes on a char boundary.
fn cut(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A path with wildcards that names values in a [`Document`].
///
/// Syntax: segments joined by `.`, indices in brackets. `*` (or `[*]`)
/// stands for one key or index, or none; `**` for any number of segments;
/// `/regex/` for a key matching the regex; `["key.with.dots"]` quotes a key.
/// Array indices the pattern does not name are passed through, so
/// `body.custom_events._eventName` names every element's `_eventName`; a
/// numeric key names that array index (`body.extinfo.1` = `body.extinfo[1]`).
/// A pattern names a node: every leaf at or below it matches. Header names
/// are compared in lower case.
#[derive(Clone, Debug)]
pub struct PathPattern {
    segments: Vec<PatternSegment>,
    source: String,
}

#[derive(Clone, Debug)]
enum PatternSegment {
    Key(String),
    Index(usize),
    Any,
    AnyDepth,
    KeyRegex(regex::Regex),
}

impl PathPattern {
    /// Parses a pattern; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<PathPattern, String> {
        let mut segments = Vec::new();
        let mut chars = text.trim().chars().peekable();
        let mut key = String::new();
        let flush = |key: &mut String, segments: &mut Vec<PatternSegment>| {
            if !key.is_empty() {
                segments.push(match key.as_str() {
                    "*" => PatternSegment::Any,
                    "**" => PatternSegment::AnyDepth,
                    _ => PatternSegment::Key(std::mem::take(key)),
                });
                key.clear();
            }
        };
        while let Some(c) = chars.next() {
            match c {
                '.' => flush(&mut key, &mut segments),
                '/' if key.is_empty() => {
                    let mut source = String::new();
                    let mut closed = false;
                    while let Some(next) = chars.next() {
                        if next == '\\' && chars.peek() == Some(&'/') {
                            source.push('/');
                            chars.next();
                        } else if next == '/' {
                            closed = true;
                            break;
                        } else {
                            source.push(next);
                        }
                    }
                    if !closed {
                        return Err(format!("unclosed /regex/ in path `{text}`"));
                    }
                    let regex = regex::Regex::new(&source).map_err(|e| format!("bad regex in path `{text}`: {e}"))?;
                    segments.push(PatternSegment::KeyRegex(regex));
                }
                '[' => {
                    flush(&mut key, &mut segments);
                    let mut inside = String::new();
                    let mut in_quotes = false;
                    let mut closed = false;
                    while let Some(next) = chars.next() {
                        match next {
                            '"' => {
                                in_quotes = !in_quotes;
                                inside.push(next);
                            }
                            '\\' if in_quotes => {
                                inside.push(next);
                                if let Some(escaped) = chars.next() {
                                    inside.push(escaped);
                                }
                            }
                            ']' if !in_quotes => {
                                closed = true;
                                break;
                            }
                            _ => inside.push(next),
                        }
                    }
                    if !closed {
                        return Err(format!("unclosed [ in path `{text}`"));
                    }
                    let inside = inside.trim();
                    segments.push(if inside == "*" {
                        PatternSegment::Any
                    } else if let Ok(index) = inside.parse::<usize>() {
                        PatternSegment::Index(index)
                    } else {
                        let quoted = inside.trim_matches('\'');
                        let unquoted: String = serde_json::from_str(quoted)
                            .map_err(|_| format!("bad quoted key `{inside}` in path `{text}`"))?;
                        PatternSegment::Key(unquoted)
                    });
                }
                _ => key.push(c),
            }
        }
        flush(&mut key, &mut segments);
        if segments.is_empty() {
            return Err("empty path".to_string());
        }
        if let (Some(PatternSegment::Key(context)), Some(PatternSegment::Key(name))) =
            (segments.first(), segments.get(1).cloned())
            && context == "header"
        {
            segments[1] = PatternSegment::Key(name.to_ascii_lowercase());
        }
        Ok(PathPattern {
            segments,
            source: text.to_string(),
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the pattern names exactly `path` (not only a prefix of it).
    pub fn names(&self, path: &FieldPath) -> bool {
        self.matches_exactly(0, &path.0)
    }

    /// Length of the shortest prefix of `path` this pattern names, if any.
    pub fn match_length(&self, path: &FieldPath) -> Option<usize> {
        (0..=path.0.len()).find(|&length| self.matches_exactly(0, &path.0[..length]))
    }

    /// Whether the pattern from `at` on names exactly `path` (passing
    /// through indices it does not mention).
    fn matches_exactly(&self, at: usize, path: &[Segment]) -> bool {
        let Some(pattern) = self.segments.get(at) else {
            return path.is_empty();
        };
        let pass_through = || matches!(path.first(), Some(Segment::Index(_))) && self.matches_exactly(at, &path[1..]);
        match pattern {
            PatternSegment::AnyDepth => (0..=path.len()).any(|skip| self.matches_exactly(at + 1, &path[skip..])),
            PatternSegment::Any => {
                self.matches_exactly(at + 1, path) || (!path.is_empty() && self.matches_exactly(at + 1, &path[1..]))
            }
            PatternSegment::Key(wanted) => match path.first() {
                Some(Segment::Key(key)) => key == wanted && self.matches_exactly(at + 1, &path[1..]),
                Some(Segment::Index(index)) => {
                    (wanted.parse::<usize>().ok() == Some(*index) && self.matches_exactly(at + 1, &path[1..]))
                        || pass_through()
                }
                None => false,
            },
            PatternSegment::Index(wanted) => match path.first() {
                Some(Segment::Index(index)) => {
                    (index == wanted && self.matches_exactly(at + 1, &path[1..])) || pass_through()
                }
                Some(Segment::Key(key)) => {
                    key.parse::<usize>().ok() == Some(*wanted) && self.matches_exactly(at + 1, &path[1..])
                }
                None => false,
            },
            PatternSegment::KeyRegex(regex) => match path.first() {
                Some(Segment::Key(key)) => regex.is_match(key) && self.matches_exactly(at + 1, &path[1..]),
                Some(Segment::Index(_)) => pass_through(),
                None => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_exchange_tree;

    fn document(exchange: &Exchange) -> Document {
        let tree = decode_exchange_tree(exchange);
        Document::build(exchange, &tree)
    }

    fn paths(document: &Document) -> Vec<String> {
        document
            .leaves()
            .iter()
            .map(|leaf| format!("{}={}", leaf.path, leaf.value))
            .collect()
    }

    fn form_exchange(body: &str) -> Exchange {
        Exchange {
            method: "POST".into(),
            url: "https://graph.facebook.com/v14.0/1/activities?sdk=android".into(),
            host: "graph.facebook.com".into(),
            request_headers: vec![
                ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
                ("User-Agent".into(), "FBAndroidSDK.14.1.1".into()),
                ("Cookie".into(), "c_user=42; xs=abc".into()),
            ],
            request_body: body.as_bytes().to_vec(),
            ..Exchange::default()
        }
    }

    #[test]
    fn form_fields_holding_json_read_as_one_document() {
        let body = "format=json&custom_events=%5B%7B%22_eventName%22%3A%22fb_mobile_activate_app%22%2C%22_logTime%22%3A1680861000%7D%5D&extinfo=%5B%22a2%22%2C%22com.example%22%5D";
        let document = document(&form_exchange(body));
        let all = paths(&document);
        for expected in [
            "query.sdk=android",
            "body.format=json",
            "body.custom_events[0]._eventName=fb_mobile_activate_app",
            "body.custom_events[0]._logTime=1680861000",
            "body.extinfo[0]=a2",
            "body.extinfo[1]=com.example",
            "header.user-agent=FBAndroidSDK.14.1.1",
            "cookie.c_user=42",
            "cookie.xs=abc",
            "path=/v14.0/1/activities",
        ] {
            assert!(all.contains(&expected.to_string()), "{expected} missing from {all:#?}");
        }
    }

    #[test]
    fn encodings_are_transparent() {
        // data_list = base64(gzip(JSON)): the path names only keys and indices.
        let json = br#"[{"event":"$AppStart","properties":{"$os":"Android"}}]"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, json).expect("write to Vec");
        let packed = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, gz.finish().expect("gzip"));
        let body = format!(
            "gzip=1&data_list={}",
            packed.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
        );
        let document = document(&form_exchange(&body));
        let all = paths(&document);
        assert!(
            all.contains(&"body.data_list[0].event=$AppStart".to_string()),
            "{all:#?}"
        );
        assert!(
            all.contains(&"body.data_list[0].properties.$os=Android".to_string()),
            "{all:#?}"
        );
    }

    #[test]
    fn patterns_name_nodes_with_wildcards_and_pass_through_indices() {
        let body =
            r#"{"events":[{"device":{"id":"d1","osName":"android"}},{"device":{"id":"d2"}}],"ep.search_term":"cats"}"#;
        let exchange = Exchange {
            method: "POST".into(),
            url: "https://notify.bugsnag.com/".into(),
            request_headers: vec![("Content-Type".into(), "application/json".into())],
            request_body: body.as_bytes().to_vec(),
            ..Exchange::default()
        };
        let document = document(&exchange);
        let values = |pattern: &str| -> Vec<String> {
            let pattern = PathPattern::parse(pattern).expect("valid pattern");
            document.matches(&pattern).iter().map(Match::value_text).collect()
        };
        assert_eq!(values("body.events.*.device.id"), ["d1", "d2"]);
        assert_eq!(values("body.events.device.id"), ["d1", "d2"]);
        assert_eq!(values("body.events[1].device.id"), ["d2"]);
        assert_eq!(values("body.events.1.device.id"), ["d2"]);
        assert_eq!(values("body.**.osName"), ["android"]);
        assert_eq!(values(r#"body["ep.search_term"]"#), ["cats"]);
        assert_eq!(values("body./^ep\\./"), ["cats"]);
        assert_eq!(values("body.events[0].device"), ["id=d1, osName=android"]);
        assert!(values("body.events.*.user.id").is_empty());
        assert!(values("query.events").is_empty());
    }

    #[test]
    fn protobuf_fields_are_numbered_and_repeats_indexed() {
        // message { 1: { 14: "com.example", 15: "1.2" }, 1: { 14: "com.other" } } (tags fit one byte)
        fn field(number: u8, payload: &[u8]) -> Vec<u8> {
            let mut out = vec![(number << 3) | 2, payload.len() as u8];
            out.extend_from_slice(payload);
            out
        }
        let first = [field(14, b"com.example"), field(15, b"1.2")].concat();
        let second = field(14, b"com.other");
        let body = [field(1, &first), field(1, &second)].concat();
        let exchange = Exchange {
            method: "POST".into(),
            url: "https://app-measurement.com/a".into(),
            request_body: body,
            ..Exchange::default()
        };
        let document = document(&exchange);
        let pattern = PathPattern::parse("body.1.*.14").expect("valid");
        let values: Vec<String> = document.matches(&pattern).iter().map(Match::value_text).collect();
        assert_eq!(values, ["com.example", "com.other"]);
    }

    #[test]
    fn display_quotes_keys_that_are_not_plain() {
        let path = FieldPath(vec![
            Segment::Key("body".into()),
            Segment::Key("ep.search term".into()),
            Segment::Index(2),
        ]);
        assert_eq!(path.to_string(), r#"body["ep.search term"][2]"#);
        assert_eq!(path.without_context(), r#"["ep.search term"][2]"#);
        let parsed = PathPattern::parse(&path.to_string()).expect("round trip");
        assert_eq!(parsed.match_length(&path), Some(3));
    }

    #[test]
    fn bad_patterns_are_errors() {
        for bad in ["", "body.[1", "body./unclosed", "body.[\"x]"] {
            assert!(PathPattern::parse(bad).is_err(), "{bad}");
        }
    }
}
