package dev.sinkscope.inference.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentHashTest {
  @TempDir Path dir;

  @Test
  void gitBlobSha1MatchesGitHashObject() throws Exception {
    // Values from `git hash-object`.
    assertEquals(
        "ce013625030ba8dba906f756967f9e9ca394464a",
        ContentHash.gitBlobSha1(Files.writeString(dir.resolve("hello"), "hello\n")));
    assertEquals(
        "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
        ContentHash.gitBlobSha1(Files.writeString(dir.resolve("empty"), "")));
  }

  @Test
  void etagShapeSelectsTheHash() {
    assertEquals(
        ContentHash.SHA256,
        ContentHash.forEtag("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"));
    assertEquals(
        ContentHash.GIT_BLOB_SHA1, ContentHash.forEtag("ce013625030ba8dba906f756967f9e9ca394464a"));
    assertEquals(ContentHash.UNVERIFIABLE, ContentHash.forEtag("abc-123"));
  }

  @Test
  void etagsAreUnquotedAndUnweakened() {
    assertEquals("abc", HubTransport.unquoteEtag("W/\"abc\""));
    assertEquals("abc", HubTransport.unquoteEtag("\"abc\""));
    assertEquals("abc", HubTransport.unquoteEtag("abc"));
  }

  @Test
  void pathsAreEncodedLikeThePythonClient() {
    assertEquals("refs%2Fpr%2F1", HubTransport.encode("refs/pr/1", false));
    assertEquals("sub/dir/a%20b%2Bc.json", HubTransport.encode("sub/dir/a b+c.json", true));
  }

  @Test
  void originIncludesSchemeHostAndPort() {
    URI hub = URI.create("https://huggingface.co");
    assertTrue(
        HubTransport.sameOrigin(URI.create("https://huggingface.co:443/x/resolve/main/a"), hub));
    assertFalse(HubTransport.sameOrigin(URI.create("https://cdn-lfs.huggingface.co/x"), hub));
    assertFalse(HubTransport.sameOrigin(URI.create("http://huggingface.co/x"), hub));
    assertFalse(HubTransport.sameOrigin(URI.create("https://huggingface.co:8443/x"), hub));
  }
}
