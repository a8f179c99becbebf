-- Lethe model registry, V6: the per-example membership evidence and the drift guard's figures of
-- a version (Avro VerificationMetrics, issue 15), and the calibration reports of topic
-- lethe.calibrations.
--
-- The new version columns are null for versions stored before V6 (and for versions whose test or
-- guard did not run), as the Avro defaults are. lethe_app's table-level SELECT and INSERT on
-- model_versions (V2) cover them; it still may not UPDATE them.

ALTER TABLE model_versions
    ADD COLUMN evidence                      TEXT,
    ADD COLUMN per_example_reference_models  INTEGER,
    ADD COLUMN per_example_mean_score        DOUBLE PRECISION,
    ADD COLUMN per_example_worst_score       DOUBLE PRECISION,
    ADD COLUMN per_example_flagged           DOUBLE PRECISION,
    ADD COLUMN per_example_power             DOUBLE PRECISION,
    ADD COLUMN drift_test_drop               DOUBLE PRECISION,
    ADD COLUMN drift_earlier_forget_accuracy DOUBLE PRECISION,
    ADD COLUMN drift_divergence              DOUBLE PRECISION,
    ADD COLUMN reanchor_reason               TEXT;

-- Every calibration report consumed, kept for good (the topic is compacted: Kafka keeps only the
-- latest per model). The latest of a model, or of one of its generations, is the row with the
-- highest id among them: reports of one model share a partition, so ids follow the order the
-- worker published them in. Simulations, choices and candidates are read and written only as a
-- whole report, so they are JSONB arrays (field names of the Avro records), bounded at ingest.
CREATE TABLE calibrations (
    id                 BIGSERIAL        PRIMARY KEY,
    model_id           TEXT             NOT NULL,
    generation         INTEGER          NOT NULL CHECK (generation >= 0),
    request_id         TEXT,
    status             TEXT             NOT NULL,
    reason             TEXT,
    seed               BIGINT           NOT NULL,
    budget_retrainings INTEGER          NOT NULL,
    retrainings_used   DOUBLE PRECISION NOT NULL,
    duration_millis    BIGINT           NOT NULL,
    calibrated_at      TIMESTAMPTZ      NOT NULL,
    simulations        JSONB            NOT NULL DEFAULT '[]'::jsonb,
    choices            JSONB            NOT NULL DEFAULT '[]'::jsonb,
    candidates         JSONB            NOT NULL DEFAULT '[]'::jsonb,
    -- sha256 of the record as consumed: a redelivered report is stored once.
    fingerprint        TEXT             NOT NULL,
    ingested_at        TIMESTAMPTZ      NOT NULL DEFAULT now(),
    UNIQUE (model_id, fingerprint)
);

CREATE INDEX calibrations_model ON calibrations (model_id, generation, id);

REVOKE ALL ON calibrations FROM PUBLIC;
-- Append-only for the application: a report is never rewritten.
GRANT SELECT, INSERT ON calibrations TO ${appRole};
GRANT USAGE, SELECT ON SEQUENCE calibrations_id_seq TO ${appRole};
