package io.trent.core.api;


/** A tag as given in a request, before validation. */
public record TagInput(String tagKey, String tagValue) {}
