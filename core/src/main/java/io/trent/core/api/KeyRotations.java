package io.trent.core.api;

import io.trent.core.key.KeyMaterial;
import io.trent.core.spi.Page;

/** ListKeyRotations output: the key's ARN and one page of its rotations. */
public record KeyRotations(String keyArn, Page<KeyMaterial> rotations) {}
