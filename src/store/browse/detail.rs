//! What the inspector shows for one event — the event with its fields and
//! data types, the exchange it came from (request and response as
//! captured), every decoded layer of that exchange, the event's annotation
//! — or for one request: the request with its company, data types and
//! decoded layers, the events decoded from it, its annotation. Also the
//! case-wide warnings the status bar lists.

use crate::attribution::{GeoInfo, geo_for_ip};
use crate::model::{Annotation, EventId, ExchangeId, Headers, Target};
use crate::store::{Case, EventRow, ExchangeRow, LayerRow, StoreError};
use rusqlite::{OptionalExtension, params};

/// The HTTP exchange behind an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExchangeDetail {
    pub id: ExchangeId,
    pub time_micros: i64,
    pub method: String,
    pub url: String,
    pub http_version: String,
    pub status: Option<i64>,
    pub request_headers: Headers,
    pub response_headers: Headers,
    pub request_body: Vec<u8>,
    pub response_body: Vec<u8>,
    pub server_ip: Option<String>,
    pub server_port: Option<i64>,
    /// Importer notes on this exchange ("body truncated" …).
    pub notes: Vec<String>,
}

/// Everything the inspector shows for one event.
#[derive(Clone, Debug, PartialEq)]
pub struct EventDetail {
    pub event: EventRow,
    /// Ordinal of the layer the event was read from.
    pub layer_ordinal: Option<i64>,
    pub exchange: ExchangeDetail,
    pub layers: Vec<LayerRow>,
    pub annotation: Option<Annotation>,
    /// Country and network of the server (offline lookup).
    pub geo: Option<GeoInfo>,
}

/// One event decoded from a request, as the request's inspector lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestEvent {
    pub id: EventId,
    pub time_micros: i64,
    pub tracker: String,
    pub event: String,
    pub key_field: Option<String>,
}

/// Everything the inspector shows for one request.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestDetail {
    /// The request as listed (company, category, endpoint, data types …).
    pub request: ExchangeRow,
    pub exchange: ExchangeDetail,
    pub layers: Vec<LayerRow>,
    pub annotation: Option<Annotation>,
    /// The first [`REQUEST_EVENT_LIMIT`] events decoded from it.
    pub events: Vec<RequestEvent>,
    pub geo: Option<GeoInfo>,
}

/// Events listed in a request's detail at most (the request's event count says how many there are).
pub const REQUEST_EVENT_LIMIT: i64 = 200;

/// A warning from an import or from decoding, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseWarning {
    pub session: String,
    /// Evidence file name, or `exchange N` for a note on one exchange.
    pub origin: String,
    pub exchange_id: Option<ExchangeId>,
    pub message: String,
}

/// Notes on exchanges listed at most; a broken capture can have thousands.
const EXCHANGE_NOTE_LIMIT: i64 = 500;

impl Case {
    /// The inspector's view of `event`; `None` when it no longer exists.
    pub fn event_detail(&self, event: EventId) -> Result<Option<EventDetail>, StoreError> {
        let Some((exchange_id, layer_ordinal)) = self
            .conn
            .query_row(
                "SELECT exchange_id, layer_ordinal FROM events WHERE event_id = ?1",
                [event],
                |r| Ok((r.get::<_, ExchangeId>(0)?, r.get::<_, Option<i64>>(1)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let Some(event_row) = self.event_row(event)? else {
            return Ok(None);
        };
        Ok(Some(EventDetail {
            layer_ordinal,
            exchange: self.exchange_detail(exchange_id)?,
            layers: self.exchange_layers(exchange_id)?,
            annotation: self.annotation(Target::Event(event))?,
            geo: event_row.server_ip.as_deref().and_then(geo_for_ip),
            event: event_row,
        }))
    }

    /// The inspector's view of `exchange`; `None` when it no longer exists.
    pub fn request_detail(&self, exchange: ExchangeId) -> Result<Option<RequestDetail>, StoreError> {
        let request = match self.exchange_row(exchange) {
            Ok(row) => row,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(other) => return Err(other),
        };
        let mut statement = self.conn.prepare_cached(
            "SELECT event_id, time_micros, tracker, event_name, key_field FROM events
             WHERE exchange_id = ?1 ORDER BY event_id LIMIT ?2",
        )?;
        let events = statement
            .query_map(params![exchange, REQUEST_EVENT_LIMIT], |r| {
                Ok(RequestEvent {
                    id: r.get(0)?,
                    time_micros: r.get(1)?,
                    tracker: r.get(2)?,
                    event: r.get(3)?,
                    key_field: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(RequestDetail {
            geo: request.server_ip.as_deref().and_then(geo_for_ip),
            exchange: self.exchange_detail(exchange)?,
            layers: self.exchange_layers(exchange)?,
            annotation: self.annotation(Target::Exchange(exchange))?,
            events,
            request,
        }))
    }

    fn event_row(&self, event: EventId) -> Result<Option<EventRow>, StoreError> {
        let sql = format!("{} WHERE v.event_id = ?1", crate::store::queries::EVENT_ROW_SELECT);
        let mut statement = self.conn.prepare_cached(&sql)?;
        let mut row = statement
            .query_row([event], crate::store::queries::event_row)
            .optional()?;
        if let Some(row) = &mut row {
            row.data_types = self.event_data_types(row.id, row.exchange_id)?;
        }
        Ok(row)
    }

    fn exchange_detail(&self, id: ExchangeId) -> Result<ExchangeDetail, StoreError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT time_micros, method, url, http_version, status, request_headers, response_headers,
                    request_body, response_body, server_ip, server_port, notes
             FROM exchanges WHERE exchange_id = ?1",
        )?;
        let detail = statement.query_row([id], |r| {
            Ok(ExchangeDetail {
                id,
                time_micros: r.get(0)?,
                method: r.get(1)?,
                url: r.get(2)?,
                http_version: r.get(3)?,
                status: r.get(4)?,
                request_headers: json_or_default(&r.get::<_, String>(5)?),
                response_headers: json_or_default(&r.get::<_, String>(6)?),
                request_body: r.get(7)?,
                response_body: r.get(8)?,
                server_ip: r.get(9)?,
                server_port: r.get(10)?,
                notes: json_or_default(&r.get::<_, String>(11)?),
            })
        })?;
        Ok(detail)
    }

    /// Import warnings of every evidence file, then notes on exchanges.
    pub fn case_warnings(&self) -> Result<Vec<CaseWarning>, StoreError> {
        let mut warnings = Vec::new();
        let mut sources = self.conn.prepare_cached(
            "SELECT s.name, src.file_name, src.warnings FROM sources src JOIN sessions s USING (session_id)
             WHERE src.warnings <> '[]' ORDER BY src.source_id",
        )?;
        let rows = sources.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (session, file, list) = row?;
            for message in json_or_default::<Vec<String>>(&list) {
                warnings.push(CaseWarning {
                    session: session.clone(),
                    origin: file.clone(),
                    exchange_id: None,
                    message,
                });
            }
        }
        let mut notes = self.conn.prepare_cached(
            "SELECT s.name, x.exchange_id, x.notes FROM exchanges x JOIN sessions s USING (session_id)
             WHERE x.notes <> '[]' ORDER BY x.exchange_id LIMIT ?1",
        )?;
        let rows = notes.query_map(params![EXCHANGE_NOTE_LIMIT], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, ExchangeId>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (session, exchange, list) = row?;
            for message in json_or_default::<Vec<String>>(&list) {
                warnings.push(CaseWarning {
                    session: session.clone(),
                    origin: format!("exchange {exchange}"),
                    exchange_id: Some(exchange),
                    message,
                });
            }
        }
        Ok(warnings)
    }
}

fn json_or_default<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}
