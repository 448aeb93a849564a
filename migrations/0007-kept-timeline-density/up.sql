-- Schema 7: the timeline of a large case is drawn from counts kept at
-- import instead of grouping every event in view (store/figures.rs,
-- browse/timeline.rs).
--
-- Per session, level, lane (app × mode), kind of row and tracker (for
-- requests: tracker, else company, else host): how many events or tracker
-- requests without events fall in each time bucket. A level's buckets are
-- 4^level seconds wide, counted from the epoch. An import keeps only the
-- levels that have far fewer buckets than rows (the fine levels of a long
-- capture would be as big as the events themselves). An import merged into
-- a session adds rows; readers sum them.
CREATE TABLE timeline_density (
    session_id INTEGER NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    level      INTEGER NOT NULL,
    rows       TEXT    NOT NULL CHECK (rows IN ('events', 'requests')),
    app        TEXT,
    mode       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    bucket     INTEGER NOT NULL,
    count      INTEGER NOT NULL
);
CREATE INDEX timeline_density_window ON timeline_density (session_id, level, rows, bucket);

-- Which levels of a session's density are complete (bit `level` set): every
-- import into the session kept them. NULL while nothing was counted (a new
-- session); 0 for sessions of older cases, whose timeline is grouped from
-- the rows as before.
ALTER TABLE sessions ADD COLUMN density_levels INTEGER;
UPDATE sessions SET density_levels = 0;

-- Tracker requests without events (the timeline's request marks): the
-- window counts and draws them; without this index each of those queries
-- reads every request row, bodies included.
CREATE INDEX exchanges_request_marks ON exchanges (session_id, time_micros)
    WHERE event_count = 0 AND (company IS NOT NULL OR tracker IS NOT NULL);
