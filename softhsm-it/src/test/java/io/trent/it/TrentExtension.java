package io.trent.it;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the shared {@link Trent} server before the first test class that uses it and closes it when
 * the whole test run (the JVM's root extension context) ends.
 */
public final class TrentExtension implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            TrentExtension.class.getName(),
            k -> {
              Trent.ensureStarted();
              return (ExtensionContext.Store.CloseableResource) Trent::stop;
            });
  }
}
