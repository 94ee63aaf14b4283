package dev.sinkscope.app.cli;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server on 127.0.0.1 that plays the Hugging Face hub for one revision ("main") per
 * repo: the listing API and resolve URLs with the hub's commit and hash headers. Safetensors files
 * are announced as LFS files (sha256 in {@code X-Linked-Etag}) and served directly.
 */
final class LocalHub implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, Map<String, byte[]>> repos = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  LocalHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
        handle(exchange);
      }
    });
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  /** Adds a repo with the given files of a model folder. */
  void addRepo(String repoId, Path folder, String... files) throws IOException {
    Map<String, byte[]> content = new LinkedHashMap<>();
    for (String f : files) {
      content.put(f, Files.readAllBytes(folder.resolve(f)));
    }
    repos.put(repoId, content);
  }

  static String commitOf(String repoId) {
    return hex("SHA-1", ("commit of " + repoId).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    if (path.startsWith("/api/models/")) {
      String rest = path.substring("/api/models/".length());
      int at = rest.indexOf("/revision/");
      Map<String, byte[]> repo = at < 0 ? null : repos.get(rest.substring(0, at));
      if (repo == null) {
        notFound(exchange, "RepoNotFound");
        return;
      }
      String repoId = rest.substring(0, at);
      StringBuilder json = new StringBuilder("{\"id\":\"" + repoId + "\",\"sha\":\"" + commitOf(repoId)
          + "\",\"siblings\":[");
      int i = 0;
      for (String name : repo.keySet()) {
        json.append(i++ == 0 ? "" : ",").append("{\"rfilename\":\"").append(name).append("\"}");
      }
      send(exchange, 200, json.append("]}").toString().getBytes(StandardCharsets.UTF_8), new Headers());
      return;
    }
    String[] parts = path.substring(1).split("/", 5); // org/name/resolve/revision/file
    Map<String, byte[]> repo = parts.length == 5 && parts[2].equals("resolve") ? repos.get(parts[0] + "/" + parts[1])
        : null;
    if (repo == null) {
      notFound(exchange, "RepoNotFound");
      return;
    }
    String repoId = parts[0] + "/" + parts[1];
    String revision = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
    if (!revision.equals("main") && !revision.equals(commitOf(repoId))) {
      notFound(exchange, "RevisionNotFound");
      return;
    }
    byte[] content = repo.get(URLDecoder.decode(parts[4], StandardCharsets.UTF_8));
    if (content == null) {
      notFound(exchange, "EntryNotFound");
      return;
    }
    Headers headers = new Headers();
    headers.set("X-Repo-Commit", commitOf(repoId));
    if (parts[4].endsWith(".safetensors")) {
      headers.set("X-Linked-Etag", "\"" + hex("SHA-256", content) + "\"");
      headers.set("X-Linked-Size", Long.toString(content.length));
      headers.set("ETag", "\"" + hex("SHA-1", content) + "\"");
    } else {
      byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
      byte[] blob = new byte[header.length + content.length];
      System.arraycopy(header, 0, blob, 0, header.length);
      System.arraycopy(content, 0, blob, header.length, content.length);
      headers.set("ETag", "\"" + hex("SHA-1", blob) + "\"");
    }
    send(exchange, 200, content, headers);
  }

  private static void notFound(HttpExchange exchange, String code) throws IOException {
    Headers headers = new Headers();
    headers.set("X-Error-Code", code);
    send(exchange, 404, code.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static void send(HttpExchange exchange, int status, byte[] body, Headers headers) throws IOException {
    exchange.getResponseHeaders().putAll(headers);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static String hex(String algorithm, byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
