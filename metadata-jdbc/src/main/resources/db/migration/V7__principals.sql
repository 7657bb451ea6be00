-- Principals (IAM users, roles, account roots) and their access keys, for SigV4 authentication.
-- A secret access key is stored only sealed under the HSM's credential key (AES-GCM: IV and
-- ciphertext with tag); a session token only as its SHA-256.
CREATE TABLE principals (
    arn        VARCHAR(2048)            NOT NULL,
    account_id VARCHAR(12)              NOT NULL,
    policy     VARCHAR(131072),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_principals PRIMARY KEY (arn)
);

CREATE TABLE access_keys (
    access_key_id        VARCHAR(128)             NOT NULL,
    principal_arn        VARCHAR(2048)            NOT NULL,
    secret_iv            BYTEA                    NOT NULL,
    secret_sealed        BYTEA                    NOT NULL,
    session_token_sha256 BYTEA,
    expires_at           TIMESTAMP WITH TIME ZONE,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_access_keys PRIMARY KEY (access_key_id),
    CONSTRAINT fk_access_keys_principal FOREIGN KEY (principal_arn) REFERENCES principals (arn) ON DELETE CASCADE
);

-- Deleting a principal's keys (PostgreSQL does not index foreign keys itself).
CREATE INDEX ix_access_keys_principal ON access_keys (principal_arn);
