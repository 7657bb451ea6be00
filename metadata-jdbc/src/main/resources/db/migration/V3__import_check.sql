-- Proof that lets a later ImportKeyMaterial recognise the same key material (kept when the
-- material is deleted or expires, so old ciphertexts decrypt again after a re-import).
ALTER TABLE keys ADD COLUMN import_check BYTEA;
