//! Canary hits as a reader wants them: one row per event (or per request,
//! when no event holds the canary) instead of one per layer and transform.
//! Each row gives the clearest place the canary was found — the decoded
//! field, in plain text, if there is one — and every encoding it was
//! found under on the way there (`plain, form-encoded, base64`).

use crate::analysis::SearchHit;
use crate::model::{EventId, ExchangeId};

/// Transforms in the order a reader meets them, simplest first.
const TRANSFORM_ORDER: &[&str] = &[
    "plain",
    "url-encoded",
    "form-encoded",
    "json-escaped",
    "base64",
    "base64url",
    "hex",
    "md5",
    "sha1",
    "sha256",
];

/// One event or request that held a canary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanaryGroup {
    pub needle: String,
    pub session: String,
    pub mode: crate::model::Mode,
    pub exchange_id: ExchangeId,
    pub event_id: Option<EventId>,
    /// The clearest location (see [`clarity`]).
    pub location: String,
    /// The transform at that location.
    pub transform: String,
    /// Every transform seen in this event or request, simplest first.
    pub encodings: Vec<String>,
    /// Only found in the server's response, not in what the app sent.
    pub response_only: bool,
}

/// Groups `hits` per needle and request, then per event: hits in the
/// request's layers (no event) add their encodings to each event's row.
pub fn group_hits(hits: &[SearchHit]) -> Vec<CanaryGroup> {
    let mut requests: Vec<((String, ExchangeId), Vec<&SearchHit>)> = Vec::new();
    for hit in hits {
        let key = (hit.needle.clone(), hit.exchange_id);
        match requests.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(hit),
            None => requests.push((key, vec![hit])),
        }
    }
    let mut groups = Vec::new();
    for (_, request_hits) in requests {
        let mut events: Vec<EventId> = Vec::new();
        for event in request_hits.iter().filter_map(|h| h.event_id) {
            if !events.contains(&event) {
                events.push(event);
            }
        }
        let shared: Vec<&SearchHit> = request_hits.iter().copied().filter(|h| h.event_id.is_none()).collect();
        if events.is_empty() {
            groups.extend(group(&request_hits, &request_hits, None));
            continue;
        }
        for event in events {
            let own: Vec<&SearchHit> = request_hits
                .iter()
                .copied()
                .filter(|h| h.event_id == Some(event))
                .collect();
            let all: Vec<&SearchHit> = own.iter().chain(&shared).copied().collect();
            groups.extend(group(&own, &all, Some(event)));
        }
    }
    groups
}

fn group(best_of: &[&SearchHit], all: &[&SearchHit], event_id: Option<EventId>) -> Option<CanaryGroup> {
    let best = best_of.iter().copied().min_by_key(|h| clarity(h))?;
    let mut encodings: Vec<String> = Vec::new();
    for hit in all {
        let base = hit.transform.trim_end_matches(" (case-insensitive)").to_string();
        if !encodings.contains(&base) {
            encodings.push(base);
        }
    }
    encodings.sort_by_key(|t| TRANSFORM_ORDER.iter().position(|o| o == t).unwrap_or(usize::MAX));
    Some(CanaryGroup {
        needle: best.needle.clone(),
        session: best.session.clone(),
        mode: best.mode,
        exchange_id: best.exchange_id,
        event_id,
        location: best.location.clone(),
        transform: best.transform.clone(),
        encodings,
        response_only: all.iter().all(|h| is_response(&h.location)),
    })
}

fn is_response(location: &str) -> bool {
    location.starts_with("response")
}

/// Lower is clearer: what the app sent before what the server answered,
/// a decoded field before a layer, plain text before an encoding, exact
/// case before case-insensitive, the deepest decoded place last.
pub fn clarity(hit: &SearchHit) -> (bool, bool, usize, bool, std::cmp::Reverse<usize>) {
    let base = hit.transform.trim_end_matches(" (case-insensitive)");
    (
        is_response(&hit.location),
        !hit.location.contains(" · "),
        TRANSFORM_ORDER.iter().position(|t| *t == base).unwrap_or(usize::MAX),
        hit.transform.ends_with("(case-insensitive)"),
        std::cmp::Reverse(hit.location.len()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Mode;

    fn hit(exchange: i64, event: Option<i64>, transform: &str, location: &str) -> SearchHit {
        SearchHit {
            needle: "purple giraffe".into(),
            session: "incognito".into(),
            mode: Mode::Incognito,
            exchange_id: ExchangeId(exchange),
            event_id: event.map(EventId),
            location: location.into(),
            transform: transform.into(),
        }
    }

    #[test]
    fn one_row_per_event_with_the_plain_field_and_every_encoding() {
        let hits = [
            hit(241, None, "base64", "form:data_list"),
            hit(241, None, "plain", "form:data_list › base64 › gzip"),
            hit(
                241,
                Some(219),
                "form-encoded",
                "form:data_list › base64 › gzip › json[1] · properties.$url",
            ),
            hit(
                241,
                Some(219),
                "plain",
                "form:data_list › base64 › gzip › json[1] · properties.keyword",
            ),
            hit(234, None, "plain", "response-body"),
            hit(234, None, "form-encoded", "url"),
        ];
        let groups = group_hits(&hits);
        assert_eq!(groups.len(), 2);
        let event = &groups[0];
        assert_eq!(event.event_id, Some(EventId(219)));
        assert_eq!(
            event.location,
            "form:data_list › base64 › gzip › json[1] · properties.keyword"
        );
        assert_eq!(event.encodings, ["plain", "form-encoded", "base64"]);
        let request = &groups[1];
        assert_eq!((request.exchange_id, request.event_id), (ExchangeId(234), None));
        assert_eq!(request.location, "url", "what the app sent comes before the response");
        assert!(!request.response_only);
    }
}
