//! What a matched endpoint reads from its request [`Document`]: the data
//! types its `[endpoint.data]` paths name, and the events its
//! `[[endpoint.events]]` rules cut out.
//!
//! Event rules are tried in order; the first that yields at least one event
//! wins. With `each`, every element of the named array is one event (an
//! object or a protobuf field sent once is one element), its fields the
//! element's leaves relative to it; without, the whole request is one event
//! whose fields are the body's and the query's leaves. Every event points
//! at the layer that shows its element (the split-out element when there is
//! one, else the nearest layer holding it).

use std::collections::HashMap;

use super::table::{DataRule, Endpoint, EventRule};
use crate::decode::datatypes::{Found, carries_data};
use crate::decode::document::{Document, FieldPath, Leaf, Match, PathPattern, Segment};
use crate::decode::trackers::event::Draft;
use crate::decode::trackers::micros_from_text;
use crate::decode::tree::Tree;
use crate::model::{Confidence, DecodedEvent, Exchange};

/// Most events one request yields through the table.
const MAX_EVENTS: usize = 10_000;

/// The `sdk`-confidence data types `endpoint` names in `document`.
pub fn data_types(endpoint: &Endpoint, document: &Document) -> Vec<Found> {
    let mut found = Vec::new();
    let mut index: Option<HashMap<&FieldPath, &str>> = None;
    for rule in &endpoint.data {
        for node in document.matches(&rule.path) {
            // A repeated header or key gives several leaves at the node
            // itself: each is a value of its own.
            // A path ending in `*` names each element of an array.
            let nodes = if rule.each_element {
                elements(&node)
                    .into_iter()
                    .map(|(path, leaves)| Match { node: path, leaves })
                    .collect()
            } else {
                vec![node]
            };
            for node in nodes {
                let texts: Vec<String> = if node.leaves.iter().all(|leaf| leaf.path == node.node) {
                    let mut values: Vec<String> = node.leaves.iter().map(|leaf| leaf.value.clone()).collect();
                    values.dedup();
                    values
                } else {
                    vec![node.value_text()]
                };
                for text in texts {
                    found.extend(read_value(rule, &node, text, document, &mut index));
                }
            }
        }
    }
    found
}

/// The data type a rule names in one value of a matched node, if it holds.
fn read_value<'d>(
    rule: &DataRule,
    node: &Match<'d>,
    text: String,
    document: &'d Document,
    index: &mut Option<HashMap<&'d FieldPath, &'d str>>,
) -> Option<Found> {
    let value = match &rule.extract {
        Some(extract) => extract.captures(&text)?.get(1)?.as_str().to_string(),
        None => text,
    };
    if !carries_data(&value) || !passes(rule, &value) {
        return None;
    }
    if !rule.conditions.is_empty() {
        let leaves = index.get_or_insert_with(|| {
            document
                .leaves()
                .iter()
                .map(|leaf| (&leaf.path, leaf.value.as_str()))
                .collect()
        });
        if !conditions_hold(rule, node, leaves) {
            return None;
        }
    }
    Some(Found::new(&rule.kind, node.node.clone(), &value, Confidence::Sdk))
}

fn passes(rule: &DataRule, value: &str) -> bool {
    rule.only_if.as_ref().is_none_or(|only| only.is_match(value))
        && rule.not_if.as_ref().is_none_or(|not| !not.is_match(value))
}

/// Whether the `where` leaves match at the node's anchor (see
/// [`DataRule::conditions`]): the deepest candidate that has every key decides.
fn conditions_hold(rule: &DataRule, node: &Match<'_>, leaves: &HashMap<&FieldPath, &str>) -> bool {
    let path = &node.node.0;
    (1..path.len())
        .rev()
        .filter(|&length| {
            rule.anchor
                .as_ref()
                .is_none_or(|anchor| anchor.names(&FieldPath(path[..length].to_vec())))
        })
        .find_map(|length| {
            let anchor = FieldPath(path[..length].to_vec());
            let values: Option<Vec<(&str, &regex::Regex)>> = rule
                .conditions
                .iter()
                .map(|(key, regex)| leaves.get(&anchor.joined(key)).map(|value| (*value, regex)))
                .collect();
            values
        })
        .is_some_and(|values| values.iter().all(|(value, regex)| regex.is_match(value)))
}

/// The events `endpoint`'s rules read from the request; `None` when no
/// rule yields one.
pub fn events(
    endpoint: &Endpoint,
    tracker: &str,
    exchange: &Exchange,
    tree: &Tree,
    document: &Document,
) -> Option<Vec<DecodedEvent>> {
    let layers = LayerIndex::new(tree, document);
    endpoint.events.iter().find_map(|rule| {
        let events = match &rule.each {
            Some(each) => element_events(rule, each, tracker, exchange, tree, document, &layers),
            None => request_event(rule, tracker, exchange, tree, document, &layers)
                .into_iter()
                .collect(),
        };
        (!events.is_empty()).then_some(events)
    })
}

fn element_events(
    rule: &EventRule,
    each: &PathPattern,
    tracker: &str,
    exchange: &Exchange,
    tree: &Tree,
    document: &Document,
    layers: &LayerIndex,
) -> Vec<DecodedEvent> {
    let mut events = Vec::new();
    for node in document.matches(each) {
        for (element, leaves) in elements(&node) {
            if events.len() >= MAX_EVENTS {
                return events;
            }
            let relative = |leaf: &Leaf| FieldPath(leaf.path.0[element.0.len()..].to_vec());
            let find = |patterns: &[PathPattern]| -> Option<String> {
                patterns.iter().find_map(|pattern| {
                    leaves.iter().find_map(|leaf| {
                        let tail = relative(leaf);
                        (pattern.match_length(&tail) == Some(tail.0.len()) && carries_data(&leaf.value))
                            .then(|| leaf.value.clone())
                    })
                })
            };
            let fields: Vec<(String, String)> = leaves
                .iter()
                .map(|leaf| {
                    let tail = relative(leaf);
                    let key = if tail.0.is_empty() {
                        String::new()
                    } else {
                        tail.to_string()
                    };
                    (key, leaf.value.clone())
                })
                .collect();
            let name = find(&rule.name).or_else(|| default_name(rule, exchange));
            let Some(name) = name else { continue };
            let Some((layer, inner)) = layers.holder(&element) else {
                continue;
            };
            let time_micros = find(&rule.time).and_then(|t| micros_from_text(&t));
            let mut event = Draft {
                layer,
                name,
                time_micros,
                fields,
            }
            .finish(tree, tracker);
            event.json_path = inner;
            events.push(event);
        }
    }
    events
}

/// The elements of a matched node: one per array index directly below it;
/// when there is none, the node itself.
fn elements<'d>(node: &Match<'d>) -> Vec<(FieldPath, Vec<&'d Leaf>)> {
    let depth = node.node.0.len();
    let indexed = node
        .leaves
        .iter()
        .all(|leaf| matches!(leaf.path.0.get(depth), Some(Segment::Index(_))));
    if !indexed {
        return vec![(node.node.clone(), node.leaves.clone())];
    }
    let mut elements: Vec<(FieldPath, Vec<&'d Leaf>)> = Vec::new();
    for leaf in &node.leaves {
        let element = FieldPath(leaf.path.0[..=depth].to_vec());
        match elements.iter_mut().find(|(path, _)| *path == element) {
            Some((_, leaves)) => leaves.push(leaf),
            None => elements.push((element, vec![leaf])),
        }
    }
    elements
}

fn request_event(
    rule: &EventRule,
    tracker: &str,
    exchange: &Exchange,
    tree: &Tree,
    document: &Document,
    layers: &LayerIndex,
) -> Option<DecodedEvent> {
    let first = |patterns: &[PathPattern]| -> Option<String> {
        patterns.iter().find_map(|pattern| {
            document
                .matches(pattern)
                .iter()
                .map(Match::value_text)
                .find(|value| carries_data(value))
        })
    };
    let name = first(&rule.name).or_else(|| default_name(rule, exchange))?;
    let time_micros = first(&rule.time).and_then(|t| micros_from_text(&t));
    let fields: Vec<(String, String)> = document
        .leaves()
        .iter()
        .filter(|leaf| matches!(leaf.path.context(), Some("body" | "query")))
        .map(|leaf| (leaf.path.without_context(), leaf.value.clone()))
        .collect();
    let layer = layers.request_layer()?;
    Some(
        Draft {
            layer,
            name,
            time_micros,
            fields,
        }
        .finish(tree, tracker),
    )
}

/// `default_name` with `{endpoint}` replaced by the URL's last path segment.
fn default_name(rule: &EventRule, exchange: &Exchange) -> Option<String> {
    let template = rule.default_name.as_ref()?;
    let last = exchange
        .path()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let last = crate::decode::form::percent_decode(last);
    Some(template.replace("{endpoint}", &last))
}

/// The document path of every request layer that stands for a node.
struct LayerIndex {
    paths: Vec<(usize, FieldPath)>,
}

impl LayerIndex {
    fn new(tree: &Tree, document: &Document) -> LayerIndex {
        let paths = tree
            .request_layers()
            .into_iter()
            .filter_map(|layer| document.layer_path(layer).map(|path| (layer, path.clone())))
            .collect();
        LayerIndex { paths }
    }

    /// The layer standing for the deepest node at or above `path`, and
    /// where `path` is inside it (`None` when the layer is the node itself).
    fn holder(&self, path: &FieldPath) -> Option<(usize, Option<String>)> {
        let (layer, base) = self
            .paths
            .iter()
            .filter(|(_, base)| path.starts_with(base))
            .max_by_key(|(layer, base)| (base.0.len(), std::cmp::Reverse(*layer)))?;
        let inner = FieldPath(path.0[base.0.len()..].to_vec());
        Some((*layer, (!inner.0.is_empty()).then(|| inner.to_string())))
    }

    /// The layer that shows the request as a whole: the body's top node,
    /// else the query's.
    fn request_layer(&self) -> Option<usize> {
        ["body", "query"].iter().find_map(|context| {
            self.paths
                .iter()
                .filter(|(_, path)| path.0.len() == 1 && path.context() == Some(context))
                .map(|(layer, _)| *layer)
                .min()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_exchange_tree;
    use crate::decode::endpoints::table::Table;

    fn endpoint(data_and_events: &str) -> Endpoint {
        let text = format!(
            "[tracker]\nid = \"demo\"\ncompany = \"Demo\"\ncategory = \"analytics\"\n\
             [[endpoint]]\nid = \"e\"\nname = \"E\"\nurls = [\"https://t.example/e\"]\nsource = \"test\"\n{data_and_events}"
        );
        let mut table = Table::parse(&[("demo.toml", &text)]).unwrap_or_else(|e| panic!("{e}"));
        table.endpoints.remove(0)
    }

    fn json_exchange(body: &str) -> Exchange {
        Exchange {
            method: "POST".into(),
            url: "https://t.example/e?sdk=1".into(),
            host: "t.example".into(),
            request_headers: vec![("Content-Type".into(), "application/json".into())],
            request_body: body.as_bytes().to_vec(),
            ..Exchange::default()
        }
    }

    fn found(endpoint: &Endpoint, exchange: &Exchange) -> Vec<(String, String, String)> {
        let tree = decode_exchange_tree(exchange);
        let document = Document::build(exchange, &tree);
        data_types(endpoint, &document)
            .into_iter()
            .map(|f| (f.data_type.kind, f.data_type.field, f.data_type.value))
            .collect()
    }

    fn triple(kind: &str, field: &str, value: &str) -> (String, String, String) {
        (kind.to_string(), field.to_string(), value.to_string())
    }

    #[test]
    fn where_is_anchored_at_the_element_of_the_first_star() {
        // Like firelog: the log source is named on the request, the value
        // sits deep in an event whose own field `2` must not decide.
        let endpoint = self::endpoint(
            "[endpoint.data]\nappVersion = [{ path = \"body.req.*.events.*.ext.2\", where = { source = \"^PERF$\" } }]\n",
        );
        let body = r#"{"req":[
            {"source":"PERF","events":[{"ext":{"2":"1.0","source":"other"}}]},
            {"source":"LOGS","events":[{"ext":{"2":"9.9"}}]}]}"#;
        assert_eq!(
            found(&endpoint, &json_exchange(body)),
            [triple("appVersion", "body.req[0].events[0].ext.2", "1.0")]
        );
        // Conditions on the element's own fields (infonline's `ae` events).
        let endpoint = self::endpoint(
            "[endpoint.data]\nstartTime = [{ path = \"body.events.*.timestamp\", where = { identifier = \"^app$\", state = \"^start$\" } }]\n",
        );
        let body = r#"{"events":[{"identifier":"app","state":"start","timestamp":1},
                                 {"identifier":"app","state":"stop","timestamp":2},
                                 {"identifier":"view","timestamp":3}]}"#;
        assert_eq!(
            found(&endpoint, &json_exchange(body)),
            [triple("startTime", "body.events[0].timestamp", "1")]
        );
    }

    #[test]
    fn value_filters_and_extraction() {
        let endpoint = self::endpoint(
            "[endpoint.data]\n\
             advertisingId = [{ path = \"body.udid\", only_if = \"(?i)^ifa:\" }]\n\
             deviceId = [{ path = \"body.udid\", not_if = \"(?i)^ifa:\" }, { path = \"body.uid\", not_if = \"^0$\" }]\n\
             model = [{ path = \"body.agent\", extract = '(?:^|\\s)device-model/([^\\s,]+)' }]\n",
        );
        let body = r#"{"udid":"IFA:1209d0b9-b959-42e6-b921-aa5d9d08c1af","uid":"0","agent":"fire-core/20 device-model/oriole"}"#;
        assert_eq!(
            found(&endpoint, &json_exchange(body)),
            [
                triple("advertisingId", "body.udid", "IFA:1209d0b9-b959-42e6-b921-aa5d9d08c1af"),
                triple("model", "body.agent", "oriole"),
            ]
        );
        let body = r#"{"udid":"mopub:6f1c2d3e","uid":"42","agent":"fire-core/20"}"#;
        assert_eq!(
            found(&endpoint, &json_exchange(body)),
            [
                triple("deviceId", "body.udid", "mopub:6f1c2d3e"),
                triple("deviceId", "body.uid", "42")
            ]
        );
    }

    #[test]
    fn repeated_headers_are_values_of_their_own_and_empty_ones_none() {
        let endpoint =
            self::endpoint("[endpoint.data]\nuserAgent = [\"header.user-agent\"]\nuserId = [\"body.user\"]\n");
        let mut exchange = json_exchange(r#"{"user":"null"}"#);
        exchange
            .request_headers
            .push(("User-Agent".into(), "okhttp/4.9".into()));
        exchange
            .request_headers
            .push(("user-agent".into(), "Dalvik/2.1.0".into()));
        assert_eq!(
            found(&endpoint, &exchange),
            [
                triple("userAgent", "header.user-agent", "okhttp/4.9"),
                triple("userAgent", "header.user-agent", "Dalvik/2.1.0"),
            ]
        );
    }

    /// (name, time, decode path) of each event.
    type Named = Vec<(String, Option<i64>, Option<String>)>;

    fn event_names(endpoint: &Endpoint, exchange: &Exchange) -> Option<Named> {
        let tree = decode_exchange_tree(exchange);
        let document = Document::build(exchange, &tree);
        events(endpoint, "demo", exchange, &tree, &document).map(|events| {
            events
                .into_iter()
                .map(|e| (e.name, e.time_micros, e.json_path))
                .collect()
        })
    }

    #[test]
    fn each_element_is_an_event_and_a_lone_object_is_one() {
        let endpoint = self::endpoint(
            "[[endpoint.events]]\neach = \"body.data.events\"\nname = [\"name\", \"type\"]\ntime = \"ts\"\n\
             [[endpoint.events]]\ndefault_name = \"{endpoint}\"\n",
        );
        let batch = r#"{"data":{"events":[{"name":"open","ts":1679330124},{"type":"crash","ts":"1679330125000"},{"other":1}]}}"#;
        assert_eq!(
            event_names(&endpoint, &json_exchange(batch)),
            Some(vec![
                (
                    "open".to_string(),
                    Some(1_679_330_124_000_000),
                    Some("data.events[0]".to_string())
                ),
                (
                    "crash".to_string(),
                    Some(1_679_330_125_000_000),
                    Some("data.events[1]".to_string())
                ),
            ])
        );
        let lone = r#"{"data":{"events":{"name":"open","ts":1679330124}}}"#;
        assert_eq!(event_names(&endpoint, &json_exchange(lone)).map(|e| e.len()), Some(1));
        // No element: the next rule, one event named after the URL's last segment.
        assert_eq!(
            event_names(&endpoint, &json_exchange(r#"{"data":{}}"#)),
            Some(vec![("e".to_string(), None, None)])
        );
    }

    #[test]
    fn without_rules_or_matches_there_are_no_events() {
        let endpoint = self::endpoint("[[endpoint.events]]\nname = \"body.event\"\n");
        assert_eq!(event_names(&endpoint, &json_exchange(r#"{"other":"x"}"#)), None);
        let quiet = self::endpoint("");
        assert_eq!(event_names(&quiet, &json_exchange(r#"{"event":"x","time":1}"#)), None);
    }
}
