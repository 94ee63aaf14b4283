#!/usr/bin/env bash
# Real-window smoke test: starts the packaged app under Xvfb, lets it write a snapshot of its window
# once the first heatmap is on screen, and checks that snapshot (heatmap over the photo, colorbar).
# Needs `mvn verify` (or package + test-compile) first. Prints one "gui-smoke: PASS|FAIL|SKIPPED" line.
set -uo pipefail
cd "$(dirname "$0")/.."

JAR=app/target/sinkscope.jar
CHECK_CLASSES=app/target/test-classes
OUT=app/target/gui-smoke
TEST_PHOTO=app/src/test/resources/dev/sinkscope/app/gui/coffee.png

if ! command -v Xvfb >/dev/null 2>&1; then
  echo "gui-smoke: SKIPPED (Xvfb is not installed; .ci/run installs it when run as root)"
  exit 0
fi
if [ ! -f "$JAR" ] || [ ! -f "$CHECK_CLASSES/dev/sinkscope/app/gui/GuiSmokeCheck.class" ]; then
  echo "gui-smoke: FAIL ($JAR or the check class is missing; run mvn -B -ntp verify first)"
  exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT"

# A display number nobody uses.
DISPLAY_NUMBER=99
while [ -e "/tmp/.X${DISPLAY_NUMBER}-lock" ] || [ -e "/tmp/.X11-unix/X${DISPLAY_NUMBER}" ]; do
  DISPLAY_NUMBER=$((DISPLAY_NUMBER + 1))
done

XVFB_PID=""
JAVA_PID=""
cleanup() {
  if [ -n "$JAVA_PID" ] && kill -0 "$JAVA_PID" 2>/dev/null; then kill "$JAVA_PID"; fi
  if [ -n "$XVFB_PID" ] && kill -0 "$XVFB_PID" 2>/dev/null; then kill "$XVFB_PID"; fi
}
trap cleanup EXIT

Xvfb ":${DISPLAY_NUMBER}" -screen 0 1600x1000x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 100); do
  [ -S "/tmp/.X11-unix/X${DISPLAY_NUMBER}" ] && break
  if ! kill -0 "$XVFB_PID" 2>/dev/null; then
    echo "gui-smoke: FAIL (Xvfb did not start, see $OUT/xvfb.log)"
    exit 1
  fi
  sleep 0.1
done

# The bundled photos ship with the assets module; until they do, start on the test photo.
IMAGE_OPTION=()
list_jar() {
  if command -v unzip >/dev/null 2>&1; then unzip -Z1 "$1"; else jar tf "$1"; fi
}
ASSETS_JAR=$(ls app/target/lib/sinkscope-assets-*.jar 2>/dev/null | head -n 1)
if [ -z "$ASSETS_JAR" ] || ! list_jar "$ASSETS_JAR" 2>/dev/null | grep -q "dev/sinkscope/assets/images/coffee.png"; then
  IMAGE_OPTION=("-Dsinkscope.image=$TEST_PHOTO")
fi

DISPLAY=":${DISPLAY_NUMBER}" SINKSCOPE_SMOKE_SNAPSHOT="$OUT/snapshot.png" \
  timeout 300 java -Dprism.order=sw -Dsinkscope.device=cpu \
  -Dsinkscope.cache.dir="$OUT/cache" -Djava.util.prefs.userRoot="$OUT/prefs" \
  "${IMAGE_OPTION[@]}" -jar "$JAR" >"$OUT/app.log" 2>&1 &
JAVA_PID=$!
wait "$JAVA_PID"
APP_RC=$?
JAVA_PID=""
grep '^SMOKE:' "$OUT/app.log" || true
if [ "$APP_RC" -ne 0 ]; then
  echo "gui-smoke: FAIL (the app exited with $APP_RC; see $OUT/app.log)"
  exit 1
fi

if java -cp "$CHECK_CLASSES" dev.sinkscope.app.gui.GuiSmokeCheck "$OUT/snapshot.png"; then
  echo "gui-smoke: PASS (snapshot: $OUT/snapshot.png)"
else
  echo "gui-smoke: FAIL (snapshot: $OUT/snapshot.png)"
  exit 1
fi
