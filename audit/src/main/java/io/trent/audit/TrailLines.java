package io.trent.audit;

import java.util.ArrayList;
import java.util.List;

/** A trail file's bytes cut into lines at {@code \n}; the last line may lack its newline (a torn write). */
final class TrailLines {
  /**
   * @param number 1-based line number
   * @param offset where the line starts
   * @param length its length without the newline
   * @param terminated whether a newline ends it
   */
  record Line(int number, int offset, int length, boolean terminated) { }

  private TrailLines() {}

  static List<Line> split(byte[] content) {
    List<Line> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == '\n') {
        lines.add(new Line(lines.size() + 1, start, i - start, true));
        start = i + 1;
      }
    }
    if (start < content.length) {
      lines.add(new Line(lines.size() + 1, start, content.length - start, false));
    }
    return lines;
  }
}
