-- Lethe model registry, V5: key-value tags (MLflow's shape), on versions and on models.
--
-- A version tag was a bare name; it now carries an optional value (null for a bare label, as every
-- tag stored before V5 reads). A model has no row of its own (it exists while it has versions), so
-- its tags live in a table keyed by the model id.

ALTER TABLE version_tags ADD COLUMN value TEXT;

CREATE TABLE model_tags (
    model_id   TEXT        NOT NULL,
    tag        TEXT        NOT NULL,
    value      TEXT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (model_id, tag)
);

REVOKE ALL ON model_tags FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON model_tags TO ${appRole};
-- Setting a tag again with another value rewrites that value and nothing else of the row.
GRANT UPDATE (value) ON version_tags TO ${appRole};
