-- Schema 8: who received each request and how Telltale knows, the app's own
-- servers told from third parties, the HTTP client, and the researcher's
-- word on hosts (attribution/receiver.rs, attribution/party.rs).

-- Where `company` comes from: `researcher`, `catalogue`, `endpoint table`,
-- `lists: <tracker databases>`, `sdk`, `network owner: <ASN organisation>`
-- (a guess). NULL when no company is known.
ALTER TABLE exchanges ADD COLUMN company_source TEXT;
-- `first` for the app's own servers, `third` otherwise.
ALTER TABLE exchanges ADD COLUMN party TEXT NOT NULL DEFAULT 'third' CHECK (party IN ('first', 'third'));
-- The HTTP library or browser that sent the request (from its User-Agent); never an app.
ALTER TABLE exchanges ADD COLUMN client TEXT;
-- The rules that made hosts first party in this session (JSON: sites,
-- app labels, owners), so a relabelling decides as the import did.
ALTER TABLE sessions ADD COLUMN first_party TEXT;

-- Cases made before: what the import could have used then.
UPDATE exchanges SET company_source = CASE WHEN endpoint IS NOT NULL THEN 'endpoint table' ELSE 'catalogue' END
    WHERE company IS NOT NULL;

-- The researcher's word on a host, for the whole case: the company that
-- receives what it is sent, and/or whether it is the app's own.
CREATE TABLE host_labels (
    host              TEXT    PRIMARY KEY,
    company           TEXT,
    party             TEXT    CHECK (party IS NULL OR party IN ('first', 'third')),
    created_at_micros INTEGER NOT NULL,
    updated_at_micros INTEGER NOT NULL
) WITHOUT ROWID;

-- Every change to a host label, deletions included, hash-chained like the
-- annotation history (store/integrity.rs).
CREATE TABLE host_label_history (
    history_id        INTEGER PRIMARY KEY,
    host              TEXT    NOT NULL,
    changed_at_micros INTEGER NOT NULL,
    user_name         TEXT    NOT NULL,
    action            TEXT    NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    old_value         TEXT,
    new_value         TEXT,
    chain_sha256      TEXT
);
CREATE INDEX host_label_history_host ON host_label_history (host);

-- Parties and clients of older cases are worked out from their rows at the next open.
CREATE TABLE attribution_backfill (pending INTEGER NOT NULL);
INSERT INTO attribution_backfill SELECT 1 WHERE EXISTS (SELECT 1 FROM exchanges);
