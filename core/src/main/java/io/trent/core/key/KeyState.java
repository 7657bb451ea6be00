package io.trent.core.key;

/** AWS key states; Trent uses Enabled, Disabled, PendingDeletion, PendingImport and Unavailable. */
public enum KeyState {
  Creating, Enabled, Disabled, PendingDeletion, PendingImport, PendingReplicaDeletion, Unavailable, Updating
}
