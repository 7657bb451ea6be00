package io.trent.server.protocol;

/** One KMS operation: a typed request in, a response body out. */
@FunctionalInterface
interface OperationHandler {
  JsonResponse handle(io.trent.core.auth.RequestScope scope, JsonRequest request);
}
