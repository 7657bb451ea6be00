package io.trent.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trent.core.error.KmsUnsupportedOperationException;
import io.trent.core.error.SerializationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A structure of the KMS model (an operation's request, or a nested structure such as
 * {@code Tag}): its complete member list, and the check that turns a JSON object into a
 * {@link JsonRequest}. Built once at start-up; checking a body is one pass over its members.
 */
final class Shape {
  private final String name;
  private final List<Member> members;
  private final Map<String, Integer> index;
  private final int[] refused;

  private Shape(String name, List<Member> members) {
    if (members.size() > Long.SIZE) {
      throw new IllegalArgumentException(name + " has more members than JsonRequest can track");
    }
    this.name = name;
    this.members = members;
    Map<String, Integer> byName = new HashMap<>();
    int refusedCount = 0;
    for (int i = 0; i < members.size(); i++) {
      if (byName.put(members.get(i).name(), i) != null) {
        throw new IllegalArgumentException(name + " lists " + members.get(i).name() + " twice");
      }
      if (members.get(i).use() == Member.Use.REFUSED) {
        refusedCount++;
      }
    }
    this.index = Map.copyOf(byName);
    this.refused = new int[refusedCount];
    for (int i = 0, r = 0; i < members.size(); i++) {
      if (members.get(i).use() == Member.Use.REFUSED) {
        refused[r++] = i;
      }
    }
  }

  /** A structure named as in the AWS model, e.g. {@code EncryptRequest} or {@code Tag}. */
  static Shape of(String name, Member... members) {
    return new Shape(name, List.of(members));
  }

  String name() {
    return name;
  }

  List<Member> members() {
    return members;
  }

  /** The member's position, or -1 when the structure has no such member. */
  int indexOf(String memberName) {
    Integer i = index.get(memberName);
    return i == null ? -1 : i;
  }

  /**
   * Checks a JSON object against this structure, in this order: every member present must be
   * in the model (an unknown member is a SerializationException: Trent refuses what it would
   * otherwise ignore, see docs/json-protocol.md) and of its JSON type (SerializationException);
   * then a member Trent does not implement is refused (UnsupportedOperationException). A JSON
   * null is an absent member, as in AWS's protocol.
   *
   * @param prefix null for a request, or the parent member's path and a dot for a nested structure
   */
  JsonRequest check(ObjectNode object, String prefix) {
    Object[] values = new Object[members.size()];
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      Integer i = index.get(field.getKey());
      if (i == null) {
        throw new SerializationException((prefix == null ? "" : prefix) + WellFormedUnicode.forMessage(field.getKey())
            + " is not a member of " + name);
      }
      JsonNode value = field.getValue();
      if (!value.isNull()) {
        Member m = members.get(i);
        values[i] = m.type().read(value, m, prefix == null ? m.name() : prefix + m.name());
      }
    }
    for (int i : refused) {
      if (values[i] != null) {
        throw new KmsUnsupportedOperationException(members.get(i).note());
      }
    }
    return new JsonRequest(this, values);
  }
}
