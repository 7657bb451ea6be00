package io.trent.core.api;

/** CreateGrant output: a new token for the grant, and its id. */
public record CreateGrantResult(String grantToken, String grantId) {}
