-- Schema 3: imports commit in batches, and the figures the window and
-- `sessions` show are kept up to date at import instead of being counted
-- over every row.

-- An import writes into a hidden *staging* session whose `import_token` is
-- set; every reader skips such sessions, so a running, failed or crashed
-- import never shows. When the import is done the staging session becomes
-- (or is merged into) the session the user named, in one short
-- transaction. A staging session left by a crash is removed at the next
-- open (the token names a lock file its importer holds while it runs).
ALTER TABLE sessions ADD COLUMN import_token TEXT;

-- Counts and time span of a session, updated when an import is published.
ALTER TABLE sessions ADD COLUMN exchange_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN start_micros INTEGER;
ALTER TABLE sessions ADD COLUMN end_micros INTEGER;
ALTER TABLE sessions ADD COLUMN first_event_micros INTEGER;

UPDATE sessions SET
    exchange_count = (SELECT count(*) FROM exchanges e WHERE e.session_id = sessions.session_id),
    event_count = (SELECT count(*) FROM events v WHERE v.session_id = sessions.session_id),
    start_micros = (SELECT min(time_micros) FROM exchanges e WHERE e.session_id = sessions.session_id),
    end_micros = (SELECT max(time_micros + coalesce(duration_micros, 0)) FROM exchanges e WHERE e.session_id = sessions.session_id),
    first_event_micros = (SELECT min(time_micros) FROM events v WHERE v.session_id = sessions.session_id);

-- Events per timeline lane (app × mode) of a session, with their time span.
CREATE TABLE session_lanes (
    session_id   INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    app          TEXT,
    mode         TEXT    NOT NULL,
    event_count  INTEGER NOT NULL,
    first_micros INTEGER NOT NULL,
    last_micros  INTEGER NOT NULL
);
CREATE INDEX session_lanes_session ON session_lanes (session_id);

-- Events per facet value of a session (facet: app, mode, tracker, host,
-- event); `detail` is the company behind a tracker or host.
CREATE TABLE session_facets (
    session_id  INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    facet       TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    detail      TEXT,
    event_count INTEGER NOT NULL
);
CREATE INDEX session_facets_session ON session_facets (session_id, facet);

INSERT INTO session_lanes (session_id, app, mode, event_count, first_micros, last_micros)
    SELECT session_id, app, mode, count(*), min(time_micros), max(time_micros) FROM events GROUP BY session_id, app, mode;
INSERT INTO session_facets (session_id, facet, value, detail, event_count)
    SELECT session_id, 'app', coalesce(app, ''), NULL, count(*) FROM events GROUP BY 1, 3;
INSERT INTO session_facets (session_id, facet, value, detail, event_count)
    SELECT session_id, 'mode', mode, NULL, count(*) FROM events GROUP BY 1, 3;
INSERT INTO session_facets (session_id, facet, value, detail, event_count)
    SELECT v.session_id, 'tracker', v.tracker, max(x.company), count(*)
    FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id GROUP BY 1, 3;
INSERT INTO session_facets (session_id, facet, value, detail, event_count)
    SELECT v.session_id, 'host', x.host, max(x.company), count(*)
    FROM events v JOIN exchanges x ON x.exchange_id = v.exchange_id GROUP BY 1, 3;
INSERT INTO session_facets (session_id, facet, value, detail, event_count)
    SELECT session_id, 'event', event_name, NULL, count(*) FROM events GROUP BY 1, 3;

-- Canary search: FTS5 trigram indexes are replaced by one Bloom filter of
-- trigrams per block of consecutive exchanges (see store/search_index.rs):
-- on base64-heavy captures the FTS index was a third of the case and
-- dominated import time.
DROP TRIGGER events_search_insert;
DROP TRIGGER events_search_delete;
DROP TABLE event_search;
DROP TRIGGER layers_search_insert;
DROP TRIGGER layers_search_delete;
DROP TABLE layer_search;

CREATE TABLE search_blocks (
    block_id          INTEGER PRIMARY KEY,
    session_id        INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    first_exchange_id INTEGER NOT NULL,
    last_exchange_id  INTEGER NOT NULL,
    -- Bit i is set when some text of the block has a trigram hashing to i.
    filter            BLOB    NOT NULL
);
CREATE INDEX search_blocks_session ON search_blocks (session_id);

-- Cases made before schema 3 get their blocks built from the stored texts
-- at the next open, while this row exists.
CREATE TABLE search_backfill (pending INTEGER NOT NULL);
INSERT INTO search_backfill SELECT 1 WHERE EXISTS (SELECT 1 FROM exchanges);
