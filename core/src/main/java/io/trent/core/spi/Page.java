package io.trent.core.spi;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the items on this page
 * @param nextMarker the marker for the next page, or null when this is the last
 */
public record Page<T>(List<T> items, String nextMarker) {
  public Page {
    items = List.copyOf(items);
  }

  public boolean truncated() {
    return nextMarker != null;
  }
}
