package dev.deepzero.serve;

/** A request the server refuses: the HTTP status and the message sent as {@code {"error": message}}. */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String allow;

  ApiException(int status, String message) {
    this(status, message, null);
  }

  private ApiException(int status, String message, String allow) {
    super(message);
    this.status = status;
    this.allow = allow;
  }

  int status() {
    return status;
  }

  /** For a 405, the method the resource allows (the Allow header); else null. */
  String allow() {
    return allow;
  }

  static ApiException methodNotAllowed(String method, String allowed) {
    return new ApiException(405, "method " + method + " is not allowed here; use " + allowed, allowed);
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message);
  }

  static ApiException unavailable(String message) {
    return new ApiException(503, message);
  }
}
