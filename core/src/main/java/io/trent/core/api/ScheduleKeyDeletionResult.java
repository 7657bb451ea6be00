package io.trent.core.api;


/** ScheduleKeyDeletion output. */
public record ScheduleKeyDeletionResult(String keyArn, java.time.Instant deletionDate, String keyState, int pendingWindowInDays) {}
