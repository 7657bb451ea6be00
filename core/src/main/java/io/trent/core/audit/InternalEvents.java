package io.trent.core.audit;

/**
 * Where core reports the work it does on its own (scheduled deletion, expiry, automatic rotation). The server
 * implements it over the audit trail; core knows no event format.
 */
public interface InternalEvents {
  /** Records nothing; for tests and harnesses without a trail. */
  InternalEvents NONE = new InternalEvents() {
    @Override
    public void checkWritable() { }

    @Override
    public void record(InternalEvent event) { }
  };

  /**
   * Called before the work: throws when the trail cannot take an event now, so work that could not be
   * recorded is not done (it is retried on the next run).
   */
  void checkWritable();

  /** Records work that was done; throws when the record could not be made durable. */
  void record(InternalEvent event);
}
