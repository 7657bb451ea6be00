package io.trent.core.service;

import io.trent.core.api.TagInput;
import io.trent.core.error.TagException;
import io.trent.core.key.Tag;
import io.trent.core.validation.ShapeValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** AWS's tag rules: shape first (key 1..128, value 0..256), then TagException rules. */
final class TagRules {
  static final int MAX_TAGS = 50;

  private TagRules() {}

  static List<Tag> validate(List<TagInput> tags) {
    if (tags == null || tags.isEmpty()) {
      return List.of();
    }
    ShapeValidator v = ShapeValidator.create();
    for (int i = 0; i < tags.size(); i++) {
      TagInput t = tags.get(i);
      String path = "tags." + (i + 1) + ".member.";
      v.required(path + "tagKey", t.tagKey()).length(path + "tagKey", t.tagKey(), 1, 128)
          .required(path + "tagValue", t.tagValue()).length(path + "tagValue", t.tagValue(), 0, 256);
    }
    v.validate();
    if (tags.size() > MAX_TAGS) {
      throw new TagException("Too many tags");
    }
    Set<String> seen = new HashSet<>();
    List<Tag> result = new ArrayList<>(tags.size());
    for (TagInput t : tags) {
      if (t.tagKey().toLowerCase(Locale.ROOT).startsWith("aws:")) {
        throw new TagException("Tags beginning with aws: are reserved");
      }
      if (!seen.add(t.tagKey())) {
        throw new TagException("Duplicate tag keys");
      }
      result.add(new Tag(t.tagKey(), t.tagValue()));
    }
    return result;
  }
}
