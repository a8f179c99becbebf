-- Lethe model registry, V3: records the consumer set aside.
--
-- A consumed record that fails the same permanent way (bad data, not the database being away)
-- three times is set aside here and ingest goes on with the next record, so one bad record can
-- never block its partition. The record itself stays in Kafka for the topic's retention: a row
-- names it (topic, partition, offset) and says why it was set aside; it holds no record content
-- beyond its sanitized key.
CREATE TABLE dead_letters (
    id               BIGSERIAL   PRIMARY KEY,
    topic            TEXT        NOT NULL,
    record_partition INTEGER     NOT NULL,
    record_offset    BIGINT      NOT NULL,
    record_key       TEXT,
    error_kind       TEXT        NOT NULL,
    error_message    TEXT        NOT NULL,
    attempts         INTEGER     NOT NULL CHECK (attempts >= 1),
    first_failed_at  TIMESTAMPTZ NOT NULL,
    last_failed_at   TIMESTAMPTZ NOT NULL,
    set_aside_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- A redelivered record (its offset commit was lost) is set aside once.
    UNIQUE (topic, record_partition, record_offset)
);

CREATE INDEX dead_letters_topic ON dead_letters (topic, id);

REVOKE ALL ON dead_letters FROM PUBLIC;
GRANT SELECT, INSERT ON dead_letters TO ${appRole};
GRANT USAGE, SELECT ON SEQUENCE dead_letters_id_seq TO ${appRole};
