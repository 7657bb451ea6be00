-- Scheduled work claimed by one node of several sharing the database (MetadataStore.claimWork): a row per piece
-- of work in progress, e.g. 'key:<keyId>', deleted when its node is done; a claim whose time has passed belongs to
-- a node that died, and another node may take it over. Portable SQL: this script must also run on PostgreSQL.
CREATE TABLE work_claims (
    work          VARCHAR(256)             NOT NULL,
    owner         VARCHAR(128)             NOT NULL,
    claimed_until TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_work_claims PRIMARY KEY (work)
);
