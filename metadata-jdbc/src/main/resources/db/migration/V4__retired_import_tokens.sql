-- An expired import token whose wrapping key has been destroyed stays on record, so a late
-- ImportKeyMaterial with it is told ExpiredImportTokenException rather than InvalidImportTokenException.
ALTER TABLE import_tokens ADD COLUMN retired BOOLEAN DEFAULT FALSE NOT NULL;
