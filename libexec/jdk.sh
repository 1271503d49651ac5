# Sourced by bin/postern and bin/test: find a JDK >= 21 and build Postern when
# its sources are newer than the last build. Defines find_jdk and build_if_needed.

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n 1
}

# Prints "JDK_PATH MAJOR" for the first JDK >= 21 among JAVA_HOME, java on
# PATH, /usr/lib/jvm/*; remembered in $POSTERN_JDK_CACHE (target/jdk.cache in
# a checkout) so that a command does not pay for a JVM start just to find its
# JVM. An installed tree (POSTERN_JRE_OK set) needs a runtime only, no javac.
find_jdk() {
  local cache=${POSTERN_JDK_CACHE:-$POSTERN_HOME/target/jdk.cache} key
  key="${JAVA_HOME:-}|$(command -v java 2>/dev/null || true)"
  # Read with builtins only: every command pays for this.
  local home java found
  if [ -f "$cache" ] && IFS='|' read -r home java found <"$cache" \
      && [ "$home|$java" = "$key" ] && [ -x "${found% *}/bin/java" ]; then
    echo "$found"
    return 0
  fi
  found=$(search_jdk) || return 1
  { mkdir -p "${cache%/*}" && echo "$key|$found" >"$cache"; } 2>/dev/null || true
  echo "$found"
}

search_jdk() {
  local candidates=() d v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for d in /usr/lib/jvm/*; do [ -d "$d" ] && candidates+=("$d"); done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ] && { [ -n "${POSTERN_JRE_OK:-}" ] || [ -x "$d/bin/javac" ]; }; then
      v=$(java_major "$d/bin/java")
      if [ -n "$v" ] && [ "$v" -ge 21 ]; then echo "$d $v"; return 0; fi
    fi
  done
  return 1
}

# Builds target/classes and target/lib when src/main or pom.xml changed since
# the last build. A lock keeps concurrent launches from building twice.
build_if_needed() {
  local home=$1 jdk=$2 stamp=$1/target/.postern-built log=$1/target/build.log
  # Up to date, the common case: decided without the lock (one find).
  build_needed "$home" "$stamp" || return 0
  mkdir -p "$home/target"
  exec 9>"$home/target/.build.lock"
  flock 9
  if build_needed "$home" "$stamp"; then
    command -v mvn >/dev/null 2>&1 || { echo "postern: Maven (mvn) is needed to build Postern: apt-get install -y maven" >&2; return 69; }
    echo "postern: building Postern with $jdk (first use or sources changed) ..." >&2
    local started; started=$(date +%s.%N)
    if ! (cd "$home" && JAVA_HOME=$jdk mvn -q -B -DskipTests package >"$log" 2>&1); then
      cat "$log" >&2
      echo "postern: build failed (log above)" >&2
      return 70
    fi
    # Sources edited during the build stay newer than the stamp.
    touch -d "@$started" "$stamp"
  fi
  flock -u 9
}

build_needed() {
  [ ! -f "$2" ] || [ -n "$(find "$1/src/main" "$1/pom.xml" -newer "$2" -print -quit)" ]
}
