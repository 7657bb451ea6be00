-- A key's policy document, exactly as given to CreateKey or PutKeyPolicy (GetKeyPolicy returns it
-- unchanged; at most 32 KiB). NULL for keys created before key policies: those read their account's
-- default key policy (core KeyCatalog), which is what AWS gives a key created without one.
ALTER TABLE keys ADD COLUMN policy VARCHAR(32768);
