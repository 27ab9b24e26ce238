-- The behaviour log the feed learns from: append-only, no personal data
-- beyond the user or device id.
CREATE TABLE behaviour_events (
    seq         INTEGER NOT NULL PRIMARY KEY,   -- rowid: append order
    user_id     TEXT,
    device_id   TEXT,
    video_id    TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    completion  INTEGER NOT NULL CHECK (completion BETWEEN 0 AND 100),
    at          INTEGER NOT NULL,
    CHECK ((user_id IS NULL) <> (device_id IS NULL))
) STRICT;
