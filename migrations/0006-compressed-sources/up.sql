-- Schema 6: a piece of an evidence file may be stored zstd-compressed
-- (`compression = 'zstd'`), NULL when it is kept as it was read. The SHA-256
-- in `sources` stays the hash of the original bytes; `telltale verify`
-- decompresses each piece to check it (store/source_chunks.rs).
ALTER TABLE source_chunks ADD COLUMN compression TEXT CHECK (compression IS NULL OR compression = 'zstd');
