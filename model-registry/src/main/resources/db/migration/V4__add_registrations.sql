-- Lethe model registry, V4: registrations asked for through the REST API (POST /api/registrations)
-- and what the processor that validated each one decided (topic lethe.registration-outcomes).
-- A row is written when the request is published (PENDING) and completed once by its outcome.

CREATE TABLE registrations (
    registration_id TEXT        PRIMARY KEY,
    status          TEXT        NOT NULL DEFAULT 'PENDING'
                                CHECK (status IN ('PENDING', 'ACCEPTED', 'REFUSED')),
    -- The models asked for, comma separated; empty: every model of the catalog.
    model_ids       TEXT        NOT NULL DEFAULT '',
    requested_by    TEXT,
    requested_at    TIMESTAMPTZ,
    -- What was sent, by its digest: the catalog text itself stays on the request topic.
    catalog_sha256  TEXT,
    -- JSON arrays: the models of an acceptance, the problems of a refusal.
    models          TEXT        NOT NULL DEFAULT '[]',
    problems        TEXT        NOT NULL DEFAULT '[]',
    decided_by      TEXT,
    decided_at      TIMESTAMPTZ
);

REVOKE ALL ON registrations FROM PUBLIC;
GRANT SELECT, INSERT ON registrations TO ${appRole};
-- An outcome completes its row; nothing else changes a registration.
GRANT UPDATE (status, models, problems, decided_by, decided_at) ON registrations TO ${appRole};
