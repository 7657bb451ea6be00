-- AES-GCM encryptions reserved under a key's imported material, kept while that material is deleted or
-- expired: a re-import takes back the same material id, and must take back its count with it, or
-- deleting and re-importing would renew the material's random-IV budget.
ALTER TABLE keys ADD COLUMN imported_encryptions_reserved BIGINT DEFAULT 0 NOT NULL;
