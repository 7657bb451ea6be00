package io.trent.metadata.jdbc;

import io.trent.core.spi.ChangeListener;
import java.util.List;

/**
 * What one write changed, as the NOTIFY payload that {@link ChangeFeed} reads: {@code k:<keyId>},
 * {@code a:<aliasArn>}, {@code g:<keyId>} (its grants) or {@code p} (principals and access keys).
 */
record Change(char kind, String subject) {
  static final char KEY = 'k';
  static final char ALIAS = 'a';
  static final char GRANTS = 'g';
  static final char PRINCIPALS = 'p';

  static Change key(String keyId) {
    return new Change(KEY, keyId);
  }

  static Change alias(String aliasArn) {
    return new Change(ALIAS, aliasArn);
  }

  static Change grants(String keyId) {
    return new Change(GRANTS, keyId);
  }

  static Change principals() {
    return new Change(PRINCIPALS, "");
  }

  String payload() {
    return kind == PRINCIPALS ? "p" : kind + ":" + subject;
  }

  /** A payload this version does not know (a newer node's) parses as unknown, which drops everything. */
  static Change parse(String payload) {
    if (payload.equals("p")) {
      return principals();
    }
    if (payload.length() >= 2 && payload.charAt(1) == ':' && "kag".indexOf(payload.charAt(0)) >= 0) {
      return new Change(payload.charAt(0), payload.substring(2));
    }
    return new Change('?', payload);
  }

  void tell(List<ChangeListener> listeners) {
    for (ChangeListener listener : listeners) {
      try {
        switch (kind) {
          case KEY -> listener.keyChanged(subject);
          case ALIAS -> listener.aliasChanged(subject);
          case GRANTS -> listener.grantsChanged(subject);
          case PRINCIPALS -> listener.principalsChanged();
          default -> listener.resumed();
        }
      } catch (RuntimeException e) {
        System.getLogger(Change.class.getName()).log(System.Logger.Level.WARNING, "A metadata change listener failed",
            e);
      }
    }
  }
}
