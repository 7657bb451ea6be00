-- Grants on KMS keys (CreateGrant). Portable SQL: this script must also run unchanged on PostgreSQL.
CREATE TABLE grants (
    key_id             VARCHAR(64)              NOT NULL,
    grant_id           VARCHAR(128)             NOT NULL,
    -- Creation order for ListGrants and ListRetirableGrants paging; grant ids are random.
    seq                BIGINT GENERATED ALWAYS AS IDENTITY,
    name               VARCHAR(256),
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    grantee_principal  VARCHAR(256)             NOT NULL,
    retiring_principal VARCHAR(256),
    issuing_account    VARCHAR(2048)            NOT NULL,
    -- GrantOperation names in the order given, comma-separated (the names hold no comma).
    operations         VARCHAR(1024)            NOT NULL,
    CONSTRAINT pk_grants PRIMARY KEY (key_id, grant_id),
    CONSTRAINT uq_grants_seq UNIQUE (seq),
    CONSTRAINT fk_grants_key FOREIGN KEY (key_id) REFERENCES keys (key_id)
);

-- Encryption context constraints: kind EQUALS or SUBSET, one row per pair.
CREATE TABLE grant_constraints (
    key_id        VARCHAR(64)   NOT NULL,
    grant_id      VARCHAR(128)  NOT NULL,
    ordinal       INTEGER       NOT NULL,
    kind          VARCHAR(8)    NOT NULL,
    context_key   VARCHAR(8192) NOT NULL,
    context_value VARCHAR(8192) NOT NULL,
    CONSTRAINT pk_grant_constraints PRIMARY KEY (key_id, grant_id, ordinal),
    CONSTRAINT fk_grant_constraints_grant FOREIGN KEY (key_id, grant_id) REFERENCES grants (key_id, grant_id)
        ON DELETE CASCADE
);

-- A key's grants in creation order (ListGrants, the grant cache), and ListRetirableGrants.
CREATE INDEX ix_grants_key_seq ON grants (key_id, seq);
CREATE INDEX ix_grants_retiring ON grants (retiring_principal, seq);
