-- Telltale case file, schema 1. Append-only: never edit a migration that has
-- shipped; add a new NNNN-name/up.sql instead. PRAGMAs live in store/, not here.

-- A recording under one condition (normal / incognito / unknown).
CREATE TABLE sessions (
    session_id        INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    app               TEXT,
    device            TEXT,
    mode              TEXT    NOT NULL DEFAULT 'unknown'
                              CHECK (mode IN ('normal', 'incognito', 'unknown')),
    notes             TEXT    NOT NULL DEFAULT '',
    created_at_micros INTEGER NOT NULL
);

-- An imported evidence file. Its bytes live in source_chunks so a case is
-- self-contained and verifiable (`telltale verify` re-hashes them).
CREATE TABLE sources (
    source_id          INTEGER PRIMARY KEY,
    session_id         INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    file_name          TEXT    NOT NULL,
    size_bytes         INTEGER NOT NULL,
    sha256             TEXT    NOT NULL,
    format             TEXT    NOT NULL,
    imported_at_micros INTEGER NOT NULL,
    exchange_count     INTEGER NOT NULL DEFAULT 0,
    -- JSON array of {"what": text, "count": n}: items that are not HTTP exchanges.
    skipped            TEXT    NOT NULL DEFAULT '[]',
    -- JSON array of warning strings collected during the import.
    warnings           TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX sources_sha256 ON sources (sha256);

-- Original bytes in 1 MiB pieces (SQLite caps a single blob at 1 GB).
CREATE TABLE source_chunks (
    source_id INTEGER NOT NULL REFERENCES sources (source_id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    bytes     BLOB    NOT NULL,
    PRIMARY KEY (source_id, seq)
) WITHOUT ROWID;

-- One HTTP request/response. Bodies have Content-Encoding undone; the
-- captured bytes are kept in *_original when that changed them.
CREATE TABLE exchanges (
    exchange_id            INTEGER PRIMARY KEY,
    session_id             INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    source_id              INTEGER NOT NULL REFERENCES sources (source_id) ON DELETE CASCADE,
    seq                    INTEGER NOT NULL,
    time_micros            INTEGER NOT NULL,
    duration_micros        INTEGER,
    method                 TEXT    NOT NULL,
    url                    TEXT    NOT NULL,
    host                   TEXT    NOT NULL,
    port                   INTEGER,
    http_version           TEXT    NOT NULL,
    status                 INTEGER,
    request_headers        TEXT    NOT NULL DEFAULT '[]',
    response_headers       TEXT    NOT NULL DEFAULT '[]',
    request_body           BLOB    NOT NULL DEFAULT x'',
    request_body_original  BLOB,
    response_body          BLOB    NOT NULL DEFAULT x'',
    response_body_original BLOB,
    server_ip              TEXT,
    server_port            INTEGER,
    client_ip              TEXT,
    app_hint               TEXT,
    user_agent             TEXT,
    requested_with         TEXT,
    app                    TEXT,
    tracker                TEXT,
    company                TEXT,
    notes                  TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX exchanges_session_time ON exchanges (session_id, time_micros);
CREATE INDEX exchanges_host ON exchanges (host);

-- One decoded layer of an exchange (form field, base64, gzip, JSON ...).
CREATE TABLE layers (
    layer_id        INTEGER PRIMARY KEY,
    exchange_id     INTEGER NOT NULL REFERENCES exchanges (exchange_id) ON DELETE CASCADE,
    ordinal         INTEGER NOT NULL,
    parent_ordinal  INTEGER,
    decoder         TEXT    NOT NULL,
    step            TEXT    NOT NULL,
    summary         TEXT    NOT NULL DEFAULT '',
    text            TEXT,
    bytes           BLOB,
    note            TEXT,
    encrypted       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (exchange_id, ordinal)
);

-- One decoded telemetry event. `mode` is the payload's own flag when it has
-- one, else the session's.
CREATE TABLE events (
    event_id      INTEGER PRIMARY KEY,
    exchange_id   INTEGER NOT NULL REFERENCES exchanges (exchange_id) ON DELETE CASCADE,
    session_id    INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    layer_ordinal INTEGER,
    time_micros   INTEGER NOT NULL,
    app           TEXT,
    device        TEXT,
    mode          TEXT    NOT NULL CHECK (mode IN ('normal', 'incognito', 'unknown')),
    tracker       TEXT    NOT NULL,
    event_name    TEXT    NOT NULL,
    -- JSON object of flattened fields in payload order.
    fields        TEXT    NOT NULL DEFAULT '{}',
    key_field     TEXT,
    decode_path   TEXT    NOT NULL
);
CREATE INDEX events_session_time ON events (session_id, time_micros);
CREATE INDEX events_time ON events (time_micros);
CREATE INDEX events_exchange ON events (exchange_id);

-- The investigator's annotation on a session, exchange or event.
CREATE TABLE annotations (
    annotation_id     INTEGER PRIMARY KEY,
    target_kind       TEXT    NOT NULL CHECK (target_kind IN ('session', 'exchange', 'event')),
    target_id         INTEGER NOT NULL,
    tags              TEXT    NOT NULL DEFAULT '[]',
    severity          TEXT    NOT NULL DEFAULT 'info'
                              CHECK (severity IN ('info', 'notable', 'finding')),
    note              TEXT    NOT NULL DEFAULT '',
    created_at_micros INTEGER NOT NULL,
    updated_at_micros INTEGER NOT NULL,
    UNIQUE (target_kind, target_id)
);

-- Every change to an annotation, deletions included: part of the evidence.
CREATE TABLE annotation_history (
    history_id        INTEGER PRIMARY KEY,
    annotation_id     INTEGER NOT NULL,
    target_kind       TEXT    NOT NULL,
    target_id         INTEGER NOT NULL,
    changed_at_micros INTEGER NOT NULL,
    user_name         TEXT    NOT NULL,
    action            TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    old_value         TEXT,
    new_value         TEXT
);
CREATE INDEX annotation_history_annotation ON annotation_history (annotation_id);

-- Canary phrases the researcher planted (typed on the device).
CREATE TABLE canaries (
    canary_id         INTEGER PRIMARY KEY,
    needle            TEXT    NOT NULL UNIQUE,
    created_at_micros INTEGER NOT NULL
);

-- Substring search (canaries) over every event's fields and every layer's
-- text, kept in step by triggers. The trigram tokenizer matches any
-- substring of three or more characters, case-insensitively, in any script.
CREATE VIRTUAL TABLE event_search USING fts5 (
    fields, content = 'events', content_rowid = 'event_id', tokenize = 'trigram'
);
CREATE TRIGGER events_search_insert AFTER INSERT ON events BEGIN
    INSERT INTO event_search (rowid, fields) VALUES (new.event_id, new.fields);
END;
CREATE TRIGGER events_search_delete AFTER DELETE ON events BEGIN
    INSERT INTO event_search (event_search, rowid, fields) VALUES ('delete', old.event_id, old.fields);
END;

CREATE VIRTUAL TABLE layer_search USING fts5 (
    text, content = 'layers', content_rowid = 'layer_id', tokenize = 'trigram'
);
CREATE TRIGGER layers_search_insert AFTER INSERT ON layers BEGIN
    INSERT INTO layer_search (rowid, text) VALUES (new.layer_id, new.text);
END;
CREATE TRIGGER layers_search_delete AFTER DELETE ON layers BEGIN
    INSERT INTO layer_search (layer_search, rowid, text) VALUES ('delete', old.layer_id, old.text);
END;
