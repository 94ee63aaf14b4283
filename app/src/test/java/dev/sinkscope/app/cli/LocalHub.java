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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP server on 127.0.0.1 that plays the Hugging Face hub for one revision ("main") per
 * repo: the listing API and resolve URLs with the hub's commit and hash headers. Safetensors files
 * are announced as LFS files (sha256 in {@code X-Linked-Etag}) and served directly. Shared with the
 * GUI tests, which can also hold a weights body part-way (cancel) and make a repo answer an HTTP
 * error.
 */
public final class LocalHub implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, Map<String, byte[]>> repos = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> forcedStatus = new ConcurrentHashMap<>();
  private volatile long holdAfterBytes = -1;
  private volatile CountDownLatch release;
  private final ExecutorService workers =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "local-hub");
            t.setDaemon(true);
            return t;
          });

  public LocalHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
            handle(exchange);
          }
        });
    // Handlers on their own threads, so a held body does not stall other requests.
    server.setExecutor(workers);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Adds a repo with the given files of a model folder. */
  public void addRepo(String repoId, Path folder, String... files) throws IOException {
    Map<String, byte[]> content = new LinkedHashMap<>();
    for (String f : files) {
      content.put(f, Files.readAllBytes(folder.resolve(f)));
    }
    repos.put(repoId, content);
  }

  public static String commitOf(String repoId) {
    return hex("SHA-1", ("commit of " + repoId).getBytes(StandardCharsets.UTF_8));
  }

  /** Makes every request about {@code repoId} answer {@code status} (e.g. 401 for a gated repo). */
  public void answer(String repoId, int status) {
    forcedStatus.put(repoId, status);
  }

  /**
   * Sends the first {@code bytes} of each safetensors body, then waits for {@code releaseLatch}
   * before the rest: a download that stays in flight until the test lets it go.
   */
  public void holdWeightsAfter(long bytes, CountDownLatch releaseLatch) {
    release = releaseLatch;
    holdAfterBytes = bytes;
  }

  /** Lets held bodies go on and stops holding new ones. */
  public void releaseHeld() {
    holdAfterBytes = -1;
    CountDownLatch latch = release;
    if (latch != null) {
      latch.countDown();
    }
  }

  @Override
  public void close() {
    releaseHeld();
    server.stop(0);
    workers.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    for (Map.Entry<String, Integer> forced : forcedStatus.entrySet()) {
      if (path.contains("/" + forced.getKey() + "/")) {
        send(
            exchange, forced.getValue(), "refused".getBytes(StandardCharsets.UTF_8), new Headers());
        return;
      }
    }
    if (path.startsWith("/api/models/")) {
      String rest = path.substring("/api/models/".length());
      int at = rest.indexOf("/revision/");
      Map<String, byte[]> repo = at < 0 ? null : repos.get(rest.substring(0, at));
      if (repo == null) {
        notFound(exchange, "RepoNotFound");
        return;
      }
      String repoId = rest.substring(0, at);
      StringBuilder json =
          new StringBuilder(
              "{\"id\":\"" + repoId + "\",\"sha\":\"" + commitOf(repoId) + "\",\"siblings\":[");
      int i = 0;
      for (String name : repo.keySet()) {
        json.append(i++ == 0 ? "" : ",").append("{\"rfilename\":\"").append(name).append("\"}");
      }
      send(
          exchange,
          200,
          json.append("]}").toString().getBytes(StandardCharsets.UTF_8),
          new Headers());
      return;
    }
    String[] parts = path.substring(1).split("/", 5); // org/name/resolve/revision/file
    Map<String, byte[]> repo =
        parts.length == 5 && parts[2].equals("resolve")
            ? repos.get(parts[0] + "/" + parts[1])
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
    long hold = holdAfterBytes;
    if (hold >= 0
        && parts[4].endsWith(".safetensors")
        && exchange.getRequestMethod().equals("GET")
        && content.length > hold) {
      sendHeld(exchange, content, headers, (int) hold);
      return;
    }
    send(exchange, 200, content, headers);
  }

  private void sendHeld(HttpExchange exchange, byte[] body, Headers headers, int first)
      throws IOException {
    exchange.getResponseHeaders().putAll(headers);
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body, 0, first);
    exchange.getResponseBody().flush();
    try {
      release.await(60, TimeUnit.SECONDS);
      exchange.getResponseBody().write(body, first, body.length - first);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away (cancelled): nothing more to send
    }
  }

  private static void notFound(HttpExchange exchange, String code) throws IOException {
    Headers headers = new Headers();
    headers.set("X-Error-Code", code);
    send(exchange, 404, code.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static void send(HttpExchange exchange, int status, byte[] body, Headers headers)
      throws IOException {
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
