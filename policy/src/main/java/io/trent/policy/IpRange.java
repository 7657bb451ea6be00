package io.trent.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 CIDR block (or a single address) for {@code IpAddress}/{@code NotIpAddress}
 * [D iamdoc:reference_policies_elements_condition_operators#Conditions_IPAddress]. An IPv4 address never
 * falls in an IPv6 block and vice versa [P cloud-copilot/iam-simulate src/condition/ipaddress/ip.ts].
 */
final class IpRange {
  private final byte[] network;
  private final int prefix;

  private IpRange(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
  }

  /** Parses {@code 203.0.113.0/24}, {@code 2001:db8::/32} or a bare address; null if it is neither. */
  static IpRange parse(String cidr) {
    int slash = cidr.indexOf('/');
    byte[] address = parseAddress(slash < 0 ? cidr : cidr.substring(0, slash));
    if (address == null) {
      return null;
    }
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        return null;
      }
      if (prefix < 0 || prefix > bits) {
        return null;
      }
    }
    return new IpRange(address, prefix);
  }

  boolean contains(String ip) {
    byte[] a = parseAddress(ip);
    if (a == null || a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (a[full] & mask) == (network[full] & mask);
  }

  /**
   * Parses an IP literal without ever resolving a name: IPv4 by hand; IPv6 (always contains a colon)
   * through {@link InetAddress} in brackets, which it must parse as an IPv6 literal and never looks up.
   */
  static byte[] parseAddress(String s) {
    if (s.indexOf(':') < 0) {
      return parseIpv4(s);
    }
    if (s.indexOf('%') >= 0 || s.indexOf('[') >= 0) {
      return null;
    }
    try {
      byte[] b = InetAddress.getByName("[" + s + "]").getAddress();
      return b.length == 16 ? b : null;
    } catch (UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] parseIpv4(String s) {
    byte[] out = new byte[4];
    int part = 0;
    int value = -1;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c >= '0' && c <= '9') {
        value = value < 0 ? c - '0' : value * 10 + (c - '0');
        if (value > 255) {
          return null;
        }
      } else if (c == '.' && value >= 0 && part < 4) {
        out[part++] = (byte) value;
        value = -1;
      } else {
        return null;
      }
    }
    return part == 4 ? out : null;
  }
}
