-- Schema 4: tamper evidence, checked by `telltale verify`.
--
-- Every annotation history entry carries a SHA-256 over its own columns and
-- the previous entry's hash (a hash chain): editing or deleting an entry in
-- the middle breaks every link after it. Every source carries a SHA-256 of
-- the decoded rows (exchanges, layers, events) written by its import, so a
-- changed decoded row shows too. Entries and sources of older cases are
-- sealed by the first Telltale that opens them at schema 4 (store/integrity.rs).
ALTER TABLE annotation_history ADD COLUMN chain_sha256 TEXT;
ALTER TABLE sources ADD COLUMN decoded_sha256 TEXT;
