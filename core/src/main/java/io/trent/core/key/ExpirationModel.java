package io.trent.core.key;

/** Whether imported key material expires. */
public enum ExpirationModel {
  KEY_MATERIAL_EXPIRES, KEY_MATERIAL_DOES_NOT_EXPIRE;

  public static final String AWS_ENUM_SET = "[KEY_MATERIAL_EXPIRES, KEY_MATERIAL_DOES_NOT_EXPIRE]";
}
