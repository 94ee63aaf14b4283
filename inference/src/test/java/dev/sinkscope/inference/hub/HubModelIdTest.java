package dev.sinkscope.inference.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HubModelIdTest {
  @Test
  void parsesIdWithAndWithoutRevision() {
    assertEquals(
        new HubModelId("facebook/dinov2-small", "main"), HubModelId.parse("facebook/dinov2-small"));
    assertEquals(
        new HubModelId("timm/vit_small_patch14_dinov2.lvd142m", "refs/pr/3"),
        HubModelId.parse("timm/vit_small_patch14_dinov2.lvd142m@refs/pr/3"));
    assertEquals(
        "google/vit-base-patch16-224@v1",
        HubModelId.parse(" google/vit-base-patch16-224@v1 ").toString());
  }

  @Test
  void rejectsMalformedIds() {
    for (String bad :
        new String[] {
          "",
          "a/b/c",
          "../x",
          "org/",
          "/name",
          "org/na--me",
          "org/na..me",
          "org/-x",
          "org/name with space"
        }) {
      assertThrows(IllegalArgumentException.class, () -> HubModelId.parse(bad), bad);
    }
  }

  @Test
  void rejectsRevisionsThatClimbOutOfRefs() {
    for (String bad : new String[] {"../../x", "refs/../..", "/abs", "a\\b", "main/"}) {
      assertThrows(IllegalArgumentException.class, () -> new HubModelId("org/name", bad), bad);
    }
  }

  @Test
  void recognisesHubIdsWithAnOrg() {
    assertTrue(HubModelId.isHubIdWithOrg("facebook/dinov2-small"));
    assertTrue(HubModelId.isHubIdWithOrg("facebook/dinov2-small@main"));
    assertFalse(HubModelId.isHubIdWithOrg("gpt2"));
    assertFalse(HubModelId.isHubIdWithOrg("/srv/models/model"));
    assertFalse(HubModelId.isHubIdWithOrg("./model"));
  }
}
