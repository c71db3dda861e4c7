package dev.deepzero.serve;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The file in a {@code multipart/form-data} body (RFC 7578), as {@code curl -F data=@image.png} sends it: the part
 * named {@code data} (TorchServe's and DJL's name), else the first part that carries a file name, else the first
 * part.
 */
final class Multipart {

  private Multipart() {}

  /**
   * @param contentType the request's Content-Type, with its {@code boundary} parameter
   * @throws ApiException 400 when the body holds no part
   */
  static byte[] file(String contentType, byte[] body) {
    String boundary = parameter(contentType, "boundary");
    if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
      throw ApiException.badRequest("multipart/form-data needs a boundary parameter of 1 to 70 characters");
    }
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] first = null;
    byte[] withFileName = null;
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int headersStart = at + delimiter.length;
      if (headersStart + 1 < body.length && body[headersStart] == '-' && body[headersStart + 1] == '-') {
        break;  // the closing delimiter
      }
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headersStart);
      if (headersEnd < 0 || next < 0 || headersEnd > next) {
        throw ApiException.badRequest("malformed multipart/form-data body");
      }
      String disposition = "";
      for (String line : new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8)
          .split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
          disposition = line;
        }
      }
      byte[] content = java.util.Arrays.copyOfRange(body, headersEnd + 4, next);
      if ("data".equals(parameter(disposition, "name"))) {
        return content;
      }
      if (first == null) {
        first = content;
      }
      if (withFileName == null && parameter(disposition, "filename") != null) {
        withFileName = content;
      }
      at = next + 2;
    }
    if (first == null) {
      throw ApiException.badRequest("the multipart/form-data body holds no part");
    }
    return withFileName != null ? withFileName : first;
  }

  /** A parameter of a header value such as {@code multipart/form-data; boundary="abc"}, or null. */
  static String parameter(String headerValue, String name) {
    for (String part : headerValue.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
        String value = part.substring(eq + 1).trim();
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
            ? value.substring(1, value.length() - 1) : value;
      }
    }
    return null;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
