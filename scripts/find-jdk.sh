# Sourced by ./logitlab, ./run-tests and .ci/run: exports JAVA_HOME pointing at a JDK >= 25.
# Order: $JAVA_HOME if it is >= 25, else the newest /usr/lib/jvm/*25* (or newer) with a javac.

jdk_major() { # prints the feature version of the JDK at $1, or nothing
  local release="$1/release"
  [ -x "$1/bin/javac" ] || return 0
  if [ -f "$release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release"
  else
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
  fi
}

find_jdk() {
  local candidate major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then return 0; fi
  fi
  for candidate in $(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/*3[0-9]* 2>/dev/null | sort -r); do
    major=$(jdk_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "logitlab: needs a JDK >= 25 (with jdk.incubator.vector). JAVA_HOME='${JAVA_HOME:-}' is not one," >&2
  echo "and none was found under /usr/lib/jvm/*25*. Install Temurin 25 or set JAVA_HOME." >&2
  return 1
}

find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
command -v mvn >/dev/null 2>&1 || { echo "logitlab: Maven (mvn) is not on PATH; install it (apt-get install maven)." >&2; exit 1; }
# Maven 3.8's bundled Guava calls sun.misc.Unsafe, which JDK 24+ warns about on every run; allow it quietly.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
