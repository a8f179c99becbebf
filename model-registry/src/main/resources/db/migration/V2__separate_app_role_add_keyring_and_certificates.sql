-- Lethe model registry, V2: the signing keyring, issued certificates, alias FOLLOW moves, and a
-- role for the application that owns nothing.
--
-- Flyway runs this as the schema owner. The application then works as ${appRole} (its connections
-- SET ROLE to it): it may read and append, but it owns no table, so it can neither drop nor
-- disable the triggers that keep the audit log append-only, nor change the schema.

-- Every key that ever signed a certificate, so that certificates outlive a key rotation.
CREATE TABLE signing_keys (
    key_id        TEXT        PRIMARY KEY,
    algorithm     TEXT        NOT NULL DEFAULT 'Ed25519',
    public_key    TEXT        NOT NULL,
    first_used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One signed document per (request, model), issued once and served as stored afterwards.
CREATE TABLE certificates (
    request_id TEXT        NOT NULL,
    model_id   TEXT        NOT NULL,
    key_id     TEXT        NOT NULL REFERENCES signing_keys (key_id),
    document   TEXT        NOT NULL,
    issued_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, model_id)
);

-- The registry itself moves an alias off a version that holds newly erased data (policy follow).
-- alias_history is also the outbox of lethe.alias-events: a move is written with the alias in one
-- transaction and published afterwards; published_at says it was. Earlier moves predate the events.
ALTER TABLE alias_history ADD COLUMN actor TEXT;
ALTER TABLE alias_history ADD COLUMN published_at TIMESTAMPTZ;
UPDATE alias_history SET published_at = moved_at;
CREATE INDEX alias_history_unpublished ON alias_history (id) WHERE published_at IS NULL;
ALTER TABLE alias_history DROP CONSTRAINT alias_history_kind_check;
ALTER TABLE alias_history
    ADD CONSTRAINT alias_history_kind_check
    CHECK (kind IN ('PROMOTE', 'ROLLBACK', 'REMOVE', 'FOLLOW'));

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${appRole}') THEN
        CREATE ROLE ${appRole} NOLOGIN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO ${appRole}', current_schema());
END
$$;

REVOKE ALL ON model_versions, version_requests, version_tags, aliases, alias_history, receipts,
    audit_log, signing_keys, certificates FROM PUBLIC;

GRANT SELECT, INSERT ON model_versions, version_requests, alias_history, receipts, audit_log,
    signing_keys, certificates TO ${appRole};
-- Marking a version purged is the only change a stored version ever sees; marking a move
-- published the only change of the alias history.
GRANT UPDATE (artifact_purged_at) ON model_versions TO ${appRole};
GRANT UPDATE (published_at) ON alias_history TO ${appRole};
GRANT SELECT, INSERT, DELETE ON version_tags TO ${appRole};
GRANT SELECT, INSERT, UPDATE, DELETE ON aliases TO ${appRole};
GRANT USAGE, SELECT ON SEQUENCE alias_history_id_seq, receipts_id_seq, audit_log_id_seq
    TO ${appRole};
