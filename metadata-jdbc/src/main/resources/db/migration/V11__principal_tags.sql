-- Tags of a principal (IAM user or role), which requests carry as aws:PrincipalTag/<key>.
-- IAM's limits: at most 50 per principal, keys 1..128 and values 0..256 characters; keys are unique
-- ignoring case (checked by the application, io.trent.core.auth.PrincipalTags).
CREATE TABLE principal_tags (
    principal_arn VARCHAR(2048) NOT NULL,
    tag_key       VARCHAR(128)  NOT NULL,
    tag_value     VARCHAR(256)  NOT NULL,
    CONSTRAINT pk_principal_tags PRIMARY KEY (principal_arn, tag_key),
    CONSTRAINT fk_principal_tags_principal FOREIGN KEY (principal_arn) REFERENCES principals (arn) ON DELETE CASCADE
);
