-- Schema 2: requests are first-class (category, endpoint, mode, event count,
-- decode-path summary on every exchange), the personal data each request and
-- event carried (data_types), and typed canaries (the researcher's own
-- advertising id, IMEI, e-mail … saved with the data type they stand for).

ALTER TABLE exchanges ADD COLUMN category TEXT;
-- The known endpoint the request went to (`facebook/graph-activities`), when one matched.
ALTER TABLE exchanges ADD COLUMN endpoint TEXT;
-- The payload's own incognito flag when it has one, else the session's mode.
ALTER TABLE exchanges ADD COLUMN mode TEXT NOT NULL DEFAULT 'unknown'
    CHECK (mode IN ('normal', 'incognito', 'unknown'));
ALTER TABLE exchanges ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
-- The decoders that peeled the request, e.g. `form › base64 › gzip › json`.
ALTER TABLE exchanges ADD COLUMN decode_path_summary TEXT NOT NULL DEFAULT '';

-- Cases made by schema 1: what can be derived from what they hold.
UPDATE exchanges SET
    event_count = (SELECT count(*) FROM events e WHERE e.exchange_id = exchanges.exchange_id),
    mode = (SELECT s.mode FROM sessions s WHERE s.session_id = exchanges.session_id);

CREATE INDEX exchanges_company ON exchanges (company);
CREATE INDEX exchanges_tracker ON exchanges (tracker);

-- One piece of personal data in a request. `event_id` names the event whose
-- own element held it; NULL when the request carried it beside its events
-- (then it belongs to every event of the request).
CREATE TABLE data_types (
    data_type_id INTEGER PRIMARY KEY,
    exchange_id  INTEGER NOT NULL REFERENCES exchanges (exchange_id) ON DELETE CASCADE,
    event_id     INTEGER REFERENCES events (event_id) ON DELETE CASCADE,
    type         TEXT    NOT NULL,
    field        TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    confidence   TEXT    NOT NULL
                         CHECK (confidence IN ('known value', 'sdk', 'key name', 'value shape'))
);
CREATE INDEX data_types_exchange ON data_types (exchange_id);
CREATE INDEX data_types_event ON data_types (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX data_types_type ON data_types (type);

-- A canary may stand for a kind of personal data (`search --save --as advertisingId`).
ALTER TABLE canaries ADD COLUMN data_type TEXT;
