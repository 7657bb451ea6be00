-- Keys and aliases belong to an account and a region (issue 8). Portable SQL: this script must also run
-- unchanged on PostgreSQL. Rows stored before belong to the server's configured identity
-- (identity.accountId, identity.region), which Trent passes as the Flyway placeholders below.

ALTER TABLE keys ADD COLUMN account_id VARCHAR(12) DEFAULT '${trent_account_id}' NOT NULL;
ALTER TABLE keys ADD COLUMN region VARCHAR(64) DEFAULT '${trent_region}' NOT NULL;
ALTER TABLE keys ALTER COLUMN account_id DROP DEFAULT;
ALTER TABLE keys ALTER COLUMN region DROP DEFAULT;

-- ListKeys walks one account and region in creation order.
CREATE INDEX ix_keys_account_region ON keys (account_id, region, seq);

-- Alias names are unique per account and region: the primary key changes, so the table is rebuilt
-- (dropping a primary key by its generated name is not portable).
CREATE TABLE aliases_v10 (
    account_id      VARCHAR(12)              NOT NULL,
    region          VARCHAR(64)              NOT NULL,
    alias_name      VARCHAR(256)             NOT NULL,
    target_key_id   VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_aliases_home PRIMARY KEY (account_id, region, alias_name),
    CONSTRAINT fk_aliases_home_key FOREIGN KEY (target_key_id) REFERENCES keys (key_id)
);

INSERT INTO aliases_v10 (account_id, region, alias_name, target_key_id, created_at, last_updated_at)
    SELECT '${trent_account_id}', '${trent_region}', alias_name, target_key_id, created_at, last_updated_at
    FROM aliases;

DROP TABLE aliases;
ALTER TABLE aliases_v10 RENAME TO aliases;

-- ListAliases filtered by key, and deleting a key's aliases, walk this index in name order.
CREATE INDEX ix_aliases_home_target ON aliases (target_key_id, alias_name);
