package io.trent.core.api;

import java.time.Instant;

/** GetKeyRotationStatus output; period and next date are null when rotation is off. */
public record RotationStatus(String keyId, String keyArn, boolean enabled, Integer rotationPeriodInDays, Instant nextRotationDate) {}
