package io.trent.core.key;

/** A resource tag. */
public record Tag(String key, String value) {}
