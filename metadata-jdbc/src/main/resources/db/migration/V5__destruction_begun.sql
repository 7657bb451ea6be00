-- When the destruction of a key whose deletion date has come began (null until then). Set in the
-- transaction that re-checks the key is still PendingDeletion and due; from then on the key row is
-- never updated again (so a CancelKeyDeletion cannot succeed), its HSM objects are destroyed, and then
-- the row is deleted. A destruction interrupted in between is resumed from this mark.
ALTER TABLE keys ADD COLUMN destruction_begun_at TIMESTAMP WITH TIME ZONE;
