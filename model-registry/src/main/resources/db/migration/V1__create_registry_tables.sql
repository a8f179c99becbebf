-- Lethe model registry: models, versions, lineage, aliases, receipts and the audit log.

CREATE TABLE model_versions (
    model_id            TEXT             NOT NULL,
    version             INTEGER          NOT NULL CHECK (version >= 1),
    parent_version      INTEGER,
    batch_id            TEXT,
    status              TEXT             NOT NULL,
    failure_reason      TEXT,
    method              TEXT             NOT NULL,
    device              TEXT             NOT NULL,
    artifact_uri        TEXT             NOT NULL,
    artifact_sha256     TEXT             NOT NULL,
    artifact_size_bytes BIGINT           NOT NULL,
    artifact_verified   BOOLEAN          NOT NULL,
    artifact_problem    TEXT,
    artifact_purged_at  TIMESTAMPTZ,
    forget_accuracy     DOUBLE PRECISION,
    retain_accuracy     DOUBLE PRECISION,
    test_accuracy       DOUBLE PRECISION,
    mia                 DOUBLE PRECISION,
    avg_gap             DOUBLE PRECISION,
    js_divergence       DOUBLE PRECISION,
    parameter_distance  DOUBLE PRECISION,
    forget_set_size     INTEGER          NOT NULL,
    retain_set_size     INTEGER          NOT NULL,
    duration_millis     BIGINT           NOT NULL,
    speedup             DOUBLE PRECISION,
    created_at          TIMESTAMPTZ      NOT NULL,
    ingested_at         TIMESTAMPTZ      NOT NULL DEFAULT now(),
    fingerprint         TEXT             NOT NULL,
    PRIMARY KEY (model_id, version)
);

CREATE INDEX model_versions_created_at ON model_versions (model_id, created_at);
CREATE INDEX model_versions_status ON model_versions (model_id, status);

CREATE TABLE version_requests (
    model_id   TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    request_id TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (model_id, version, request_id),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version)
);

CREATE INDEX version_requests_request ON version_requests (request_id);

CREATE TABLE version_tags (
    model_id TEXT        NOT NULL,
    version  INTEGER     NOT NULL,
    tag      TEXT        NOT NULL,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (model_id, version, tag),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version)
);

CREATE INDEX version_tags_tag ON version_tags (model_id, tag);

CREATE TABLE aliases (
    model_id   TEXT        NOT NULL,
    alias      TEXT        NOT NULL CHECK (alias IN ('champion', 'candidate')),
    version    INTEGER     NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (model_id, alias),
    FOREIGN KEY (model_id, version) REFERENCES model_versions (model_id, version)
);

-- Every move of an alias, oldest first; rollback walks it backwards.
CREATE TABLE alias_history (
    id           BIGSERIAL PRIMARY KEY,
    model_id     TEXT        NOT NULL,
    alias        TEXT        NOT NULL,
    kind         TEXT        NOT NULL CHECK (kind IN ('PROMOTE', 'ROLLBACK', 'REMOVE')),
    from_version INTEGER,
    to_version   INTEGER,
    reason       TEXT,
    moved_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX alias_history_alias ON alias_history (model_id, alias, id);

CREATE TABLE receipts (
    id            BIGSERIAL PRIMARY KEY,
    receipt_key   TEXT        NOT NULL UNIQUE,
    request_id    TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    model_id      TEXT,
    batch_id      TEXT,
    model_version INTEGER,
    reason        TEXT,
    at            TIMESTAMPTZ NOT NULL,
    ingested_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX receipts_request ON receipts (request_id, at, id);
CREATE INDEX receipts_applied ON receipts (model_id, status);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    actor      TEXT        NOT NULL,
    action     TEXT        NOT NULL,
    model_id   TEXT,
    version    INTEGER,
    request_id TEXT,
    details    JSONB       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_log_model ON audit_log (model_id, id);
CREATE INDEX audit_log_request ON audit_log (request_id, id);

-- The audit log is append-only: the database itself refuses to change or remove an entry.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
