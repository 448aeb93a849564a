//! What the GUI is looking at — sessions shown, facet values picked, a text
//! box and a time range — and how that becomes one SQL `WHERE` clause.
//!
//! Every value is bound as a parameter; only column names and operators are
//! written into the SQL text. Within one facet the picked values are
//! alternatives (OR); different facets narrow each other (AND).

use crate::model::{EventId, ExchangeId, SessionId};
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// A facet: one dimension events can be filtered by with a click.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Facet {
    App,
    Mode,
    /// The company behind the host (`assets/trackers.toml`).
    Company,
    Tracker,
    Host,
    /// A kind of personal data the request or event carried (`advertisingId`).
    DataType,
    Event,
    Tag,
    /// A decoded field key the event carries (`properties.$url`).
    Field,
}

impl Facet {
    /// The facets the left panel lists with counts (fields are too many).
    pub const LISTED: [Facet; 8] = [
        Facet::App,
        Facet::Mode,
        Facet::Company,
        Facet::Tracker,
        Facet::Host,
        Facet::DataType,
        Facet::Event,
        Facet::Tag,
    ];

    /// A short lower-case name for chips and headings.
    pub fn label(self) -> &'static str {
        match self {
            Facet::App => "app",
            Facet::Mode => "mode",
            Facet::Company => "company",
            Facet::Tracker => "tracker",
            Facet::Host => "host",
            Facet::DataType => "data type",
            Facet::Event => "event",
            Facet::Tag => "tag",
            Facet::Field => "field",
        }
    }
}

/// A time window, in µs. `relative`: measured from each session's first
/// event, so two sessions recorded on different days line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeRange {
    pub start_micros: i64,
    pub end_micros: i64,
    pub relative: bool,
}

/// Which events the GUI shows. The default shows everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BrowseFilter {
    /// Sessions unchecked in the session list.
    pub hidden_sessions: BTreeSet<SessionId>,
    /// Picked facet values; a facet without values does not filter.
    pub values: std::collections::BTreeMap<Facet, BTreeSet<String>>,
    /// Substring (case-insensitive) of the event name, key field, fields or
    /// URL (of a request: its URL, host or any of its events).
    pub text: String,
    /// What canary search found for `text` (through every layer and
    /// encoding): rows with a hit match too, also requests without events.
    pub hits: Option<SearchHits>,
    pub time: Option<TimeRange>,
}

/// The events and requests canary search found for the filter's text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SearchHits {
    pub events: Vec<EventId>,
    /// Every request with a hit, in an event, a layer or the raw bytes.
    pub exchanges: Vec<ExchangeId>,
}

/// Ids as a JSON array, bound as one parameter (`json_each`), so a long
/// hit list never runs into SQLite's limit on parameters.
fn json_ids(ids: impl Iterator<Item = i64>) -> String {
    serde_json::to_string(&ids.collect::<Vec<i64>>()).unwrap_or_else(|_| "[]".into())
}

impl BrowseFilter {
    /// Whether `value` is picked in `facet`.
    pub fn has(&self, facet: Facet, value: &str) -> bool {
        self.values.get(&facet).is_some_and(|set| set.contains(value))
    }

    /// Picks `value` when it is not picked, else drops it.
    pub fn toggle(&mut self, facet: Facet, value: &str) {
        let set = self.values.entry(facet).or_default();
        if !set.remove(value) {
            set.insert(value.to_string());
        }
        if set.is_empty() {
            self.values.remove(&facet);
        }
    }

    /// Every picked (facet, value), for the chips above the table.
    pub fn picked(&self) -> impl Iterator<Item = (Facet, &str)> {
        self.values
            .iter()
            .flat_map(|(facet, set)| set.iter().map(|v| (*facet, v.as_str())))
    }

    /// Whether the filter only hides whole sessions: then counts come from
    /// the figures kept at import instead of a scan of every event.
    pub fn only_hides_sessions(&self) -> bool {
        self.values.values().all(BTreeSet::is_empty) && self.text.trim().is_empty() && self.time.is_none()
    }

    /// The same filter without `facet` (facet counts ignore their own picks)
    /// and, when `keep_time` is false, without the time range.
    pub fn without(&self, facet: Option<Facet>, keep_time: bool) -> BrowseFilter {
        let mut filter = self.clone();
        if let Some(facet) = facet {
            filter.values.remove(&facet);
        }
        if !keep_time {
            filter.time = None;
        }
        filter
    }
}

/// SQL text with its bound values, built up piece by piece.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub values: Vec<Value>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            values: Vec::new(),
        }
    }

    /// Binds `value` and returns its placeholder (`?3`).
    pub fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("?{}", self.values.len())
    }

    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Placeholders for a list of values: `(?1, ?2)`.
    fn bind_list<'a>(&mut self, values: impl IntoIterator<Item = &'a String>) -> String {
        let holders: Vec<String> = values.into_iter().map(|v| self.bind(v.clone())).collect();
        format!("({})", holders.join(", "))
    }
}

/// Each session's start (its first event or request), for relative times.
pub(crate) type SessionStarts = HashMap<SessionId, i64>;

/// Which rows a query lists: events (`v`) or requests (`x`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rows {
    Events,
    Requests,
}

impl Rows {
    /// How the figures kept at import name the kind (`timeline_density.rows`).
    pub(crate) fn label(self) -> &'static str {
        match self {
            Rows::Events => "events",
            Rows::Requests => "requests",
        }
    }

    fn alias(self) -> &'static str {
        match self {
            Rows::Events => "v",
            Rows::Requests => "x",
        }
    }
}

/// The SQL expression for a row's time on the axis the GUI uses: µs since
/// the epoch, or µs since the row's session started.
pub(crate) fn time_expr(sql: &mut Sql, relative: bool, starts: &SessionStarts) -> String {
    time_expr_of(sql, Rows::Events, relative, starts)
}

/// [`time_expr`] for `rows`.
pub(crate) fn time_expr_of(sql: &mut Sql, rows: Rows, relative: bool, starts: &SessionStarts) -> String {
    let alias = rows.alias();
    if !relative || starts.is_empty() {
        return format!("{alias}.time_micros");
    }
    let mut expr = format!("({alias}.time_micros - CASE {alias}.session_id");
    let mut sorted: Vec<_> = starts.iter().collect();
    sorted.sort();
    for (session, start) in sorted {
        let (s, t) = (sql.bind(session.0), sql.bind(*start));
        expr.push_str(&format!(" WHEN {s} THEN {t}"));
    }
    expr.push_str(" ELSE 0 END)");
    expr
}

/// ` AND` the row's time on the axis lies in `start..=end`, written so
/// SQLite can walk the (session, time) indexes: on a relative axis one
/// absolute range per session, instead of testing [`time_expr_of`] on every
/// row (a full scan: 8.5 s for a zoomed-in window over a million events,
/// against 0.28 s by the index). A session without a start has no rows
/// (its start is its first request or event), so it needs no range.
pub(crate) fn time_window(
    sql: &mut Sql,
    rows: Rows,
    relative: bool,
    starts: &SessionStarts,
    start: i64,
    end: i64,
) -> String {
    let alias = rows.alias();
    if !relative || starts.is_empty() {
        let (start, end) = (sql.bind(start), sql.bind(end));
        return format!(" AND {alias}.time_micros BETWEEN {start} AND {end}");
    }
    let mut sorted: Vec<_> = starts.iter().collect();
    sorted.sort();
    let ranges: Vec<String> = sorted
        .into_iter()
        .map(|(session, shift)| {
            let session = sql.bind(session.0);
            let (first, last) = (
                sql.bind(start.saturating_add(*shift)),
                sql.bind(end.saturating_add(*shift)),
            );
            format!("({alias}.session_id = {session} AND {alias}.time_micros BETWEEN {first} AND {last})")
        })
        .collect();
    format!(" AND ({})", ranges.join(" OR "))
}

/// ` AND …` keeping the sessions a filter shows, for tables with a
/// `session_id` column aliased `t` (the figures kept at import).
pub(crate) fn visible_sessions(sql: &mut Sql, filter: &BrowseFilter) {
    sql.push(" AND t.session_id IN (SELECT session_id FROM sessions WHERE import_token IS NULL)");
    if !filter.hidden_sessions.is_empty() {
        let ids: Vec<String> = filter.hidden_sessions.iter().map(|s| sql.bind(s.0)).collect();
        sql.push(&format!(" AND t.session_id NOT IN ({})", ids.join(", ")));
    }
}

/// Appends ` AND …` conditions for `filter` to `sql` (events are `v`).
pub(crate) fn push_conditions(sql: &mut Sql, filter: &BrowseFilter, starts: &SessionStarts) {
    push_conditions_of(sql, Rows::Events, filter, starts);
}

/// Appends ` AND …` conditions for `filter` on requests (`x`) to `sql`.
/// A request matches a facet of its events (event name, field, tag) when
/// one of its events does.
pub(crate) fn push_request_conditions(sql: &mut Sql, filter: &BrowseFilter, starts: &SessionStarts) {
    push_conditions_of(sql, Rows::Requests, filter, starts);
}

fn push_conditions_of(sql: &mut Sql, rows: Rows, filter: &BrowseFilter, starts: &SessionStarts) {
    let alias = rows.alias();
    // A running import's rows are invisible (see `store::import`).
    sql.push(&format!(
        " AND {alias}.session_id NOT IN (SELECT session_id FROM sessions WHERE import_token IS NOT NULL)"
    ));
    if !filter.hidden_sessions.is_empty() {
        let ids: Vec<String> = filter.hidden_sessions.iter().map(|s| sql.bind(s.0)).collect();
        sql.push(&format!(" AND {alias}.session_id NOT IN ({})", ids.join(", ")));
    }
    for (facet, values) in &filter.values {
        if values.is_empty() {
            continue;
        }
        let list = sql.bind_list(values);
        let condition = match rows {
            Rows::Events => event_condition(*facet, &list),
            Rows::Requests => request_condition(*facet, &list),
        };
        sql.push(&condition);
    }
    let text = filter.text.trim();
    if !text.is_empty() {
        let pattern = sql.bind(format!("%{}%", escape_like(text)));
        let matches = |v: &str| {
            format!(
                "{v}.event_name LIKE {pattern} ESCAPE '\\' OR {v}.key_field LIKE {pattern} ESCAPE '\\'
                 OR {v}.fields LIKE {pattern} ESCAPE '\\'"
            )
        };
        let mut any = match rows {
            Rows::Events => format!(
                "{} OR v.exchange_id IN (SELECT exchange_id FROM exchanges WHERE url LIKE {pattern} ESCAPE '\\')",
                matches("v")
            ),
            Rows::Requests => format!(
                "x.url LIKE {pattern} ESCAPE '\\' OR x.host LIKE {pattern} ESCAPE '\\'
                 OR x.exchange_id IN (SELECT e.exchange_id FROM events e WHERE {})",
                matches("e")
            ),
        };
        if let Some(hits) = &filter.hits {
            let ids = match rows {
                Rows::Events => json_ids(hits.events.iter().map(|id| id.0)),
                Rows::Requests => json_ids(hits.exchanges.iter().map(|id| id.0)),
            };
            let ids = sql.bind(ids);
            let id = match rows {
                Rows::Events => "v.event_id",
                Rows::Requests => "x.exchange_id",
            };
            any.push_str(&format!(" OR {id} IN (SELECT value FROM json_each({ids}))"));
        }
        sql.push(&format!(" AND ({any})"));
    }
    if let Some(range) = filter.time {
        let window = time_window(sql, rows, range.relative, starts, range.start_micros, range.end_micros);
        sql.push(&window);
    }
}

/// The condition one facet's picked values (`list`, placeholders) put on events.
fn event_condition(facet: Facet, list: &str) -> String {
    match facet {
        Facet::App => format!(" AND coalesce(v.app, '') IN {list}"),
        Facet::Mode => format!(" AND v.mode IN {list}"),
        Facet::Tracker => format!(" AND v.tracker IN {list}"),
        Facet::Event => format!(" AND v.event_name IN {list}"),
        Facet::Company => {
            format!(" AND v.exchange_id IN (SELECT exchange_id FROM exchanges WHERE coalesce(company, '') IN {list})")
        }
        Facet::Host => format!(" AND v.exchange_id IN (SELECT exchange_id FROM exchanges WHERE host IN {list})"),
        // The event's own data types and those its request sent beside all its events.
        Facet::DataType => format!(
            " AND EXISTS (SELECT 1 FROM data_types d WHERE d.exchange_id = v.exchange_id
               AND (d.event_id = v.event_id OR d.event_id IS NULL) AND d.type IN {list})"
        ),
        Facet::Tag => format!(
            " AND v.event_id IN (SELECT a.target_id FROM annotations a, json_each(a.tags) t
               WHERE a.target_kind = 'event' AND t.value IN {list})"
        ),
        Facet::Field => format!(" AND EXISTS (SELECT 1 FROM json_each(v.fields) f WHERE f.key IN {list})"),
    }
}

/// The condition one facet's picked values put on requests.
fn request_condition(facet: Facet, list: &str) -> String {
    match facet {
        Facet::App => format!(" AND coalesce(x.app, '') IN {list}"),
        Facet::Mode => format!(" AND x.mode IN {list}"),
        Facet::Tracker => format!(" AND coalesce(x.tracker, '') IN {list}"),
        Facet::Company => format!(" AND coalesce(x.company, '') IN {list}"),
        Facet::Host => format!(" AND x.host IN {list}"),
        Facet::DataType => format!(" AND x.exchange_id IN (SELECT exchange_id FROM data_types WHERE type IN {list})"),
        Facet::Event => format!(" AND x.exchange_id IN (SELECT exchange_id FROM events WHERE event_name IN {list})"),
        Facet::Tag => format!(
            " AND (x.exchange_id IN (SELECT a.target_id FROM annotations a, json_each(a.tags) t
                   WHERE a.target_kind = 'exchange' AND t.value IN {list})
               OR x.exchange_id IN (SELECT e.exchange_id FROM events e JOIN annotations a
                   ON a.target_kind = 'event' AND a.target_id = e.event_id, json_each(a.tags) t
                   WHERE t.value IN {list}))"
        ),
        Facet::Field => format!(
            " AND x.exchange_id IN (SELECT e.exchange_id FROM events e, json_each(e.fields) f WHERE f.key IN {list})"
        ),
    }
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggling_twice_leaves_no_empty_facet() {
        let mut filter = BrowseFilter::default();
        filter.toggle(Facet::App, "com.example");
        assert!(filter.has(Facet::App, "com.example"));
        filter.toggle(Facet::App, "com.example");
        assert_eq!(filter, BrowseFilter::default());
    }

    #[test]
    fn values_are_bound_not_written() {
        let mut filter = BrowseFilter::default();
        filter.toggle(Facet::Host, "x'); DROP TABLE events; --");
        filter.text = "50%_off".into();
        let mut sql = Sql::new("SELECT 1 FROM events v WHERE 1 = 1");
        push_conditions(&mut sql, &filter, &SessionStarts::new());
        assert!(!sql.text.contains("DROP"));
        assert!(sql.values.contains(&Value::Text("%50\\%\\_off%".into())));
    }
}
