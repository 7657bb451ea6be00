package io.trent.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlatformLoggingTest {

  @Test
  void coreSystemLoggersWriteThroughSlf4j() {
    // core (MaintenanceService) logs through System.Logger; without the bridge its lines would go to
    // java.util.logging, in another format and outside the server's log configuration.
    System.Logger logger = System.getLogger("io.trent.core.service.MaintenanceService");

    assertThat(logger.getClass().getName()).startsWith("org.slf4j.");
  }
}
