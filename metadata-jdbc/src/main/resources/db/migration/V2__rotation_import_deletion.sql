-- Key rotation, asymmetric keys, scheduled deletion and imported key material.
-- Portable SQL: this script must also run unchanged on PostgreSQL. One column per ALTER TABLE (H2 has no
-- comma-separated ADD clauses), and DEFAULT before NOT NULL (the only order H2 accepts).

-- An asymmetric key's DER SubjectPublicKeyInfo (RSA 4096: 550 bytes). BYTEA is PostgreSQL's binary type
-- and an H2 name of BINARY VARYING; neither takes a length here.
ALTER TABLE keys ADD COLUMN public_key BYTEA;
ALTER TABLE keys ADD COLUMN rotation_period_days INTEGER;
ALTER TABLE keys ADD COLUMN next_rotation_date TIMESTAMP WITH TIME ZONE;
ALTER TABLE keys ADD COLUMN on_demand_rotations INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE keys ADD COLUMN expiration_model VARCHAR(32);
ALTER TABLE keys ADD COLUMN valid_to TIMESTAMP WITH TIME ZONE;

-- Null for a key's first material, else AUTOMATIC or ON_DEMAND.
ALTER TABLE key_materials ADD COLUMN rotation_type VARCHAR(32);
ALTER TABLE key_materials ADD COLUMN encryptions_reserved BIGINT DEFAULT 0 NOT NULL;

-- findKeysWithMaintenanceDue: one range scan per reason (the query is a UNION of the three).
CREATE INDEX ix_keys_deletion_due ON keys (key_state, deletion_date);
CREATE INDEX ix_keys_rotation_due ON keys (next_rotation_date);
CREATE INDEX ix_keys_valid_to ON keys (valid_to);

-- Destroyed material, kept after its key is deleted: deliberately no foreign key to keys.
CREATE TABLE key_destructions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY,
    key_id       VARCHAR(64)              NOT NULL,
    material_id  VARCHAR(64)              NOT NULL,
    destroyed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    reason       VARCHAR(64)              NOT NULL,
    CONSTRAINT pk_key_destructions PRIMARY KEY (id)
);

-- listDestructions walks this index in recording order.
CREATE INDEX ix_key_destructions_key ON key_destructions (key_id, id);

-- GetParametersForImport's tokens; they go with their key.
CREATE TABLE import_tokens (
    token_id           VARCHAR(512)             NOT NULL,
    key_id             VARCHAR(64)              NOT NULL,
    wrapping_key_id    VARCHAR(256)             NOT NULL,
    wrapping_algorithm VARCHAR(32)              NOT NULL,
    wrapping_key_spec  VARCHAR(32)              NOT NULL,
    valid_to           TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_import_tokens PRIMARY KEY (token_id),
    CONSTRAINT fk_import_tokens_key FOREIGN KEY (key_id) REFERENCES keys (key_id) ON DELETE CASCADE
);

-- findExpiredImportTokens, and deleting a key's tokens (PostgreSQL does not index foreign keys itself).
CREATE INDEX ix_import_tokens_valid_to ON import_tokens (valid_to);
CREATE INDEX ix_import_tokens_key ON import_tokens (key_id);
