-- Key metadata and aliases. Portable SQL: this script must also run unchanged on PostgreSQL.

CREATE TABLE keys (
    key_id              VARCHAR(64)              NOT NULL,
    -- Creation order for ListKeys paging; key ids are random UUIDs and do not sort by age.
    seq                 BIGINT GENERATED ALWAYS AS IDENTITY,
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    description         VARCHAR(8192),
    key_spec            VARCHAR(32)              NOT NULL,
    key_usage           VARCHAR(32)              NOT NULL,
    origin              VARCHAR(32)              NOT NULL,
    key_state           VARCHAR(32)              NOT NULL,
    deletion_date       TIMESTAMP WITH TIME ZONE,
    pending_window_days INTEGER,
    CONSTRAINT pk_keys PRIMARY KEY (key_id),
    CONSTRAINT uq_keys_seq UNIQUE (seq)
);

CREATE TABLE key_materials (
    key_id      VARCHAR(64)              NOT NULL,
    ordinal     INTEGER                  NOT NULL,
    material_id VARCHAR(64)              NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    is_current  BOOLEAN                  NOT NULL,
    CONSTRAINT pk_key_materials PRIMARY KEY (key_id, ordinal),
    CONSTRAINT uq_key_materials_material UNIQUE (key_id, material_id),
    CONSTRAINT fk_key_materials_key FOREIGN KEY (key_id) REFERENCES keys (key_id)
);

CREATE TABLE key_tags (
    key_id    VARCHAR(64)  NOT NULL,
    ordinal   INTEGER      NOT NULL,
    tag_key   VARCHAR(128) NOT NULL,
    tag_value VARCHAR(256) NOT NULL,
    CONSTRAINT pk_key_tags PRIMARY KEY (key_id, ordinal),
    CONSTRAINT uq_key_tags_tag_key UNIQUE (key_id, tag_key),
    CONSTRAINT fk_key_tags_key FOREIGN KEY (key_id) REFERENCES keys (key_id)
);

CREATE TABLE aliases (
    alias_name      VARCHAR(256)             NOT NULL,
    target_key_id   VARCHAR(64)              NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    last_updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_aliases PRIMARY KEY (alias_name),
    CONSTRAINT fk_aliases_key FOREIGN KEY (target_key_id) REFERENCES keys (key_id)
);

-- ListAliases filtered by key walks this index in name order.
CREATE INDEX ix_aliases_target ON aliases (target_key_id, alias_name);
