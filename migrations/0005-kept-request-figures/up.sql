-- Schema 5: the window's facet counts and timeline lanes count requests as
-- well as events (a capture whose requests decode into no events still
-- lists its hosts, companies and lanes), so the figures kept at import
-- count both: otherwise opening a million-event case means grouping every
-- row once per facet. The counts mirror the window's own queries exactly
-- (store/browse/facets.rs, timeline.rs); a test compares the two.

DROP TABLE session_lanes;
DROP TABLE session_facets;

-- Per timeline lane (app × mode) of a session: its events, and its tracker
-- requests that carry no event (the lane's request marks), with time spans.
CREATE TABLE session_lanes (
    session_id           INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    app                  TEXT,
    mode                 TEXT    NOT NULL,
    event_count          INTEGER NOT NULL,
    first_micros         INTEGER,
    last_micros          INTEGER,
    request_count        INTEGER NOT NULL,
    request_first_micros INTEGER,
    request_last_micros  INTEGER
);
CREATE INDEX session_lanes_session ON session_lanes (session_id);

-- Per facet value of a session (facet: app, mode, company, tracker, host,
-- data type, event): the requests and the events that carry it; `detail`
-- is the company behind a tracker or host, the category of a company.
CREATE TABLE session_facets (
    session_id    INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    facet         TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    detail        TEXT,
    request_count INTEGER NOT NULL,
    event_count   INTEGER NOT NULL
);
CREATE INDEX session_facets_session ON session_facets (facet, session_id);

-- Cases made by schema 3 and 4: counted from their rows.
INSERT INTO session_lanes (session_id, app, mode, event_count, first_micros, last_micros, request_count,
                           request_first_micros, request_last_micros)
    SELECT session_id, app, mode, sum(events), min(first_e), max(last_e), sum(requests), min(first_r), max(last_r)
    FROM (SELECT session_id, app, mode, 1 AS events, time_micros AS first_e, time_micros AS last_e,
                 0 AS requests, NULL AS first_r, NULL AS last_r FROM events
          UNION ALL
          SELECT session_id, app, mode, 0, NULL, NULL, 1, time_micros, time_micros FROM exchanges
          WHERE event_count = 0 AND (company IS NOT NULL OR tracker IS NOT NULL))
    GROUP BY session_id, app, mode;

INSERT INTO session_facets (session_id, facet, value, detail, request_count, event_count)
    SELECT session_id, facet, value, coalesce(max(CASE WHEN requests > 0 THEN detail END), max(detail)),
           sum(requests), sum(events)
    FROM (SELECT session_id, 'app' AS facet, coalesce(app, '') AS value, NULL AS detail, 1 AS requests, 0 AS events
          FROM exchanges
          UNION ALL SELECT session_id, 'mode', mode, NULL, 1, 0 FROM exchanges
          UNION ALL SELECT session_id, 'company', coalesce(company, ''), category, 1, 0 FROM exchanges
          UNION ALL SELECT session_id, 'tracker', coalesce(tracker, ''), company, 1, 0 FROM exchanges
          UNION ALL SELECT session_id, 'host', host, company, 1, 0 FROM exchanges
          UNION ALL SELECT x.session_id, 'data type', d.type, NULL, 1, 0
              FROM exchanges x JOIN (SELECT DISTINCT exchange_id, type FROM data_types) d ON d.exchange_id = x.exchange_id
          UNION ALL SELECT x.session_id, 'event', e.event_name, NULL, 1, 0
              FROM exchanges x JOIN (SELECT DISTINCT exchange_id, event_name FROM events) e ON e.exchange_id = x.exchange_id
          UNION ALL SELECT session_id, 'app', coalesce(app, ''), NULL, 0, 1 FROM events
          UNION ALL SELECT session_id, 'mode', mode, NULL, 0, 1 FROM events
          UNION ALL SELECT v.session_id, 'company', coalesce(x.company, ''), x.category, 0, 1
              FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id
          UNION ALL SELECT v.session_id, 'tracker', coalesce(v.tracker, ''), x.company, 0, 1
              FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id
          UNION ALL SELECT v.session_id, 'host', x.host, x.company, 0, 1
              FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id
          UNION ALL SELECT session_id, 'data type', type, NULL, 0, 1
              FROM (SELECT DISTINCT v.session_id, v.event_id, d.type FROM events v
                    JOIN data_types d ON d.exchange_id = v.exchange_id AND (d.event_id = v.event_id OR d.event_id IS NULL))
          UNION ALL SELECT session_id, 'event', event_name, NULL, 0, 1 FROM events)
    GROUP BY session_id, facet, value;

-- The window lists the requests that carry notes (what an importer could
-- not read) at open: without an index that is a scan of every request.
CREATE INDEX IF NOT EXISTS exchanges_with_notes ON exchanges (exchange_id) WHERE notes <> '[]';
