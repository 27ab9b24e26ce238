-- The behaviour log the feed learns from: append-only, no personal data
-- beyond the user or device id.
CREATE TABLE behaviour_events (
    seq         bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     uuid,
    device_id   uuid,
    video_id    uuid     NOT NULL,
    kind        text     NOT NULL,
    completion  smallint NOT NULL CHECK (completion BETWEEN 0 AND 100),
    at          bigint   NOT NULL,
    CHECK ((user_id IS NULL) <> (device_id IS NULL))
);
