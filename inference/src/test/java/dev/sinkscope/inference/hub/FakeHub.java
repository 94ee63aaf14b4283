package dev.sinkscope.inference.hub;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Two local HTTP servers that play the Hugging Face hub: the hub itself (listing API, resolve URLs
 * with the hub's headers, tokens) and a CDN on another port that serves LFS files, with Range
 * support and injectable faults. Both bind 127.0.0.1 on ephemeral ports; every wait in a handler
 * ends when the hub is closed or after a fixed bound.
 */
final class FakeHub implements AutoCloseable {

  /** Something a CDN (or hub) response does wrong, once. */
  enum FaultType {
    /** Send headers for the whole body, then {@code afterBytes} bytes, then drop the connection. */
    CUT,
    /** Send headers and {@code afterBytes} bytes, then go silent. */
    STALL,
    /** Send the whole body with one byte flipped. */
    CORRUPT,
    /** Never send the response headers. */
    SILENT,
    /** Answer HTTP 500. */
    SERVER_ERROR
  }

  record Fault(FaultType type, long afterBytes) {
    static Fault of(FaultType type) {
      return new Fault(type, 0);
    }
  }

  /** One request as a server saw it. */
  record Request(String server, String method, String path, String range, String authorization) {}

  /** A model repo at one commit. */
  static final class Repo {
    final String id;
    final String commit;
    final Map<String, byte[]> files = new LinkedHashMap<>();
    volatile String requiredToken;
    volatile boolean licenceAccepted = true;

    Repo(String id, String commit) {
      this.id = id;
      this.commit = commit;
    }

    Repo file(String name, byte[] content) {
      files.put(name, content);
      return this;
    }

    Repo file(String name, String content) {
      return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    Repo requireToken(String token) {
      requiredToken = token;
      return this;
    }

    /**
     * A gated repo whose licence the token's account has not accepted: 403 GatedRepo, as the hub
     * answers.
     */
    Repo licenceNotAccepted() {
      licenceAccepted = false;
      return this;
    }
  }

  private static final long MAX_STALL_MILLIS = 20_000;

  private final HttpServer hub;
  private final HttpServer cdn;
  private final ExecutorService executor;
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final Map<String, byte[]> blobsBySha256 = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Fault> cdnFaults = new ConcurrentLinkedDeque<>();
  private final ConcurrentLinkedDeque<Fault> hubFaults = new ConcurrentLinkedDeque<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Semaphore stallsReached = new Semaphore(0);
  volatile boolean apiEnabled = true;
  volatile boolean cdnIgnoresRange;

  /** Delay before every CDN response, to make concurrent downloads overlap. */
  volatile long cdnDelayMillis;

  FakeHub() throws IOException {
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-hub");
              t.setDaemon(true);
              return t;
            });
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    hub.createContext("/", exchange -> handle("hub", exchange));
    cdn.createContext("/", exchange -> handle("cdn", exchange));
    hub.setExecutor(executor);
    cdn.setExecutor(executor);
    hub.start();
    cdn.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
  }

  URI cdnBase() {
    return URI.create("http://127.0.0.1:" + cdn.getAddress().getPort());
  }

  Repo repo(String id) {
    Repo repo = new Repo(id, commitFor(id));
    repos.put(id, repo);
    return repo;
  }

  void failNextCdnResponse(Fault fault) {
    cdnFaults.add(fault);
  }

  void failNextHubResponse(Fault fault) {
    hubFaults.add(fault);
  }

  /** Waits until a handler has entered a STALL, so a test can act mid-download. */
  boolean awaitStall(long millis) throws InterruptedException {
    return stallsReached.tryAcquire(millis, TimeUnit.MILLISECONDS);
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> requests(String server, String method) {
    List<Request> matching = new ArrayList<>();
    for (Request r : requests) {
      if (r.server().equals(server) && r.method().equals(method)) {
        matching.add(r);
      }
    }
    return matching;
  }

  @Override
  public void close() {
    closing.countDown();
    hub.stop(0);
    cdn.stop(0);
    executor.shutdownNow();
  }

  // ---- content helpers, independent of the code under test ----

  static byte[] payload(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] content) {
    return hex("SHA-256", content);
  }

  static String gitBlobSha1(byte[] content) {
    byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[header.length + content.length];
    System.arraycopy(header, 0, all, 0, header.length);
    System.arraycopy(content, 0, all, header.length, content.length);
    return hex("SHA-1", all);
  }

  static boolean isLfs(String name) {
    return name.endsWith(".safetensors") || name.endsWith(".bin");
  }

  static String commitFor(String repoId) {
    return hex("SHA-1", ("commit of " + repoId).getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(String algorithm, byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- request handling ----

  private void handle(String server, HttpExchange exchange) throws IOException {
    Headers in = exchange.getRequestHeaders();
    String path = exchange.getRequestURI().getRawPath();
    requests.add(
        new Request(
            server,
            exchange.getRequestMethod(),
            path,
            in.getFirst("Range"),
            in.getFirst("Authorization")));
    try (exchange) {
      if (server.equals("cdn")) {
        serveCdn(exchange, path);
      } else if (path.startsWith("/api/models/")) {
        serveApi(exchange, path.substring("/api/models/".length()));
      } else {
        serveResolve(exchange, path);
      }
    }
  }

  private void serveApi(HttpExchange exchange, String rest) throws IOException {
    if (!apiEnabled) {
      respond(exchange, 404, "", new Headers());
      return;
    }
    int at = rest.indexOf("/revision/");
    Repo repo = at < 0 ? null : repos.get(rest.substring(0, at));
    if (!checkRepo(
        exchange, repo, at < 0 ? "" : decode(rest.substring(at + "/revision/".length())))) {
      return;
    }
    StringBuilder json =
        new StringBuilder("{\"id\":\"" + repo.id + "\",\"sha\":\"" + repo.commit + "\",");
    json.append("\"siblings\":[");
    int i = 0;
    for (String name : repo.files.keySet()) {
      json.append(i++ == 0 ? "" : ",").append("{\"rfilename\":\"").append(name).append("\"}");
    }
    json.append("]}");
    Headers headers = new Headers();
    headers.set("Content-Type", "application/json");
    respond(exchange, 200, json.toString(), headers);
  }

  private void serveResolve(HttpExchange exchange, String path) throws IOException {
    // /{org}/{name}/resolve/{revision}/{file...}
    String[] parts = path.substring(1).split("/", 5);
    if (parts.length < 5 || !parts[2].equals("resolve")) {
      respond(exchange, 404, "", new Headers());
      return;
    }
    Repo repo = repos.get(parts[0] + "/" + parts[1]);
    if (!checkRepo(exchange, repo, decode(parts[3]))) {
      return;
    }
    Fault fault = hubFaults.poll();
    if (fault != null && applyBeforeHeaders(exchange, fault)) {
      return;
    }
    String name = decode(parts[4]);
    byte[] content = repo.files.get(name);
    Headers headers = new Headers();
    headers.set("X-Repo-Commit", repo.commit);
    if (content == null) {
      headers.set("X-Error-Code", "EntryNotFound");
      respond(exchange, 404, "Entry not found", headers);
      return;
    }
    if (isLfs(name)) {
      String sha = sha256(content);
      blobsBySha256.put(sha, content);
      headers.set("X-Linked-Etag", "\"" + sha + "\"");
      headers.set("X-Linked-Size", Long.toString(content.length));
      headers.set(
          "ETag", "\"" + gitBlobSha1(("pointer " + sha).getBytes(StandardCharsets.UTF_8)) + "\"");
      headers.set("Location", cdnBase() + "/blobs/" + sha + "?signature=test");
      respond(exchange, 302, "", headers);
      return;
    }
    headers.set("ETag", "\"" + gitBlobSha1(content) + "\"");
    respondBytes(exchange, 200, content, headers);
  }

  private boolean checkRepo(HttpExchange exchange, Repo repo, String revision) throws IOException {
    Headers headers = new Headers();
    if (repo == null) {
      headers.set("X-Error-Code", "RepoNotFound");
      respond(exchange, 404, "Repository not found", headers);
      return false;
    }
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    if (repo.requiredToken != null && !("Bearer " + repo.requiredToken).equals(auth)) {
      respond(exchange, 401, "Access to this model is restricted", headers);
      return false;
    }
    if (!repo.licenceAccepted) {
      headers.set("X-Error-Code", "GatedRepo");
      respond(
          exchange,
          403,
          "Access to model " + repo.id + " is restricted and you are not in the authorized list",
          headers);
      return false;
    }
    if (!revision.equals("main") && !revision.equals(repo.commit)) {
      headers.set("X-Error-Code", "RevisionNotFound");
      respond(exchange, 404, "Revision not found", headers);
      return false;
    }
    return true;
  }

  private void serveCdn(HttpExchange exchange, String path) throws IOException {
    String sha = path.substring(path.lastIndexOf('/') + 1);
    byte[] content = blobsBySha256.get(sha);
    if (content == null || !path.startsWith("/blobs/")) {
      respond(exchange, 404, "", new Headers());
      return;
    }
    if (cdnDelayMillis > 0) {
      try {
        closing.await(cdnDelayMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Fault fault = cdnFaults.poll();
    if (fault != null && applyBeforeHeaders(exchange, fault)) {
      return;
    }
    byte[] body = content;
    if (fault != null && fault.type() == FaultType.CORRUPT) {
      body = content.clone();
      body[body.length / 2] ^= 0x5a;
    }
    int start = 0;
    String range = exchange.getRequestHeaders().getFirst("Range");
    Headers headers = new Headers();
    headers.set("Content-Type", "application/octet-stream");
    if (range != null && !cdnIgnoresRange) {
      start = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
      if (start >= body.length) {
        headers.set("Content-Range", "bytes */" + body.length);
        respond(exchange, 416, "", headers);
        return;
      }
      headers.set("Content-Range", "bytes " + start + "-" + (body.length - 1) + "/" + body.length);
    }
    int status = start > 0 || (range != null && !cdnIgnoresRange) ? 206 : 200;
    exchange.getResponseHeaders().putAll(headers);
    exchange.sendResponseHeaders(status, body.length - start);
    OutputStream out = exchange.getResponseBody();
    if (fault != null && (fault.type() == FaultType.CUT || fault.type() == FaultType.STALL)) {
      int sent = (int) Math.min(fault.afterBytes(), body.length - start);
      out.write(body, start, sent);
      out.flush();
      if (fault.type() == FaultType.STALL) {
        stallsReached.release();
        awaitClosing();
      }
      // Throwing makes the server drop the connection with the body unfinished.
      throw new IOException("fake hub: connection cut after " + sent + " bytes");
    }
    out.write(body, start, body.length - start);
  }

  /** Faults that act before any header is sent; true when the response is finished. */
  private boolean applyBeforeHeaders(HttpExchange exchange, Fault fault) throws IOException {
    switch (fault.type()) {
      case SILENT:
        stallsReached.release();
        awaitClosing();
        throw new IOException("fake hub: gave up a silent response");
      case SERVER_ERROR:
        respond(exchange, 500, "Internal Server Error", new Headers());
        return true;
      default:
        return false;
    }
  }

  private void awaitClosing() {
    try {
      closing.await(MAX_STALL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, int status, String body, Headers headers)
      throws IOException {
    respondBytes(exchange, status, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static void respondBytes(HttpExchange exchange, int status, byte[] body, Headers headers)
      throws IOException {
    exchange.getResponseHeaders().putAll(headers);
    if (exchange.getRequestMethod().equals("HEAD")) {
      // The JDK server wants HEAD lengths set by hand and -1 passed.
      exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
