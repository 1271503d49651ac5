# Sourced by bin/postern: class-data sharing for the short-lived commands
# (sendmail, postconf, postqueue, ...), so that they start in a fraction of a
# plain JVM start. Defines cds_flags.
#
# Each command has its own archive in $POSTERN_CDS_DIR (a checkout's
# var/cache/jvm; an installed tree's, see bin/package), named after
# the command and the JDK's runtime version, made from the first run of that
# command after a build:
#   JDK 24+    an AOT cache (JEP 483): the run records a configuration
#              (-XX:AOTMode=record); a background job then assembles the cache
#              (-XX:AOTMode=create) once the run has ended;
#   JDK 21-23  a dynamic CDS archive (-XX:ArchiveClassesAtExit), written by the
#              JVM when the run ends.
# Either way the archive is written under a temporary name and renamed into
# place, so a run sees no archive or a whole one; a lock lets one run at a
# time record, the others run without. An archive older than the jar, the
# libraries or this launcher is remade. The JVM checks the archive itself and
# ignores one it cannot use; its messages about that are switched off, so
# a stale, damaged or missing archive costs start-up time, never a run.
# POSTERN_CDS=off runs without any (for measurements).

# The JDK's exact version from its release file (no process started).
jdk_runtime_version() {
  local key value
  while IFS='=' read -r key value; do
    if [ "$key" = JAVA_RUNTIME_VERSION ]; then value=${value//\"/}; echo "${value//[^A-Za-z0-9.+-]/_}"; return; fi
  done <"$1/release"
  echo "$2"
}

# cds_flags PROG JAR CLASSPATH: appends to the array jvm the flags that use
# (or make) PROG's archive. Uses JDK, JDK_MAJOR, POSTERN_HOME and self (the
# launcher's path).
cds_flags() {
  local prog=$1 jar=$2 cp=$3 dir=${POSTERN_CDS_DIR:-$POSTERN_HOME/var/cache/jvm} ext=jsa quiet=(-Xlog:cds*=off)
  [ "${POSTERN_CDS:-}" = off ] && return 0
  case "$prog" in *[!a-z0-9-]* | '') return 0 ;; esac # a file name part
  if [ "$JDK_MAJOR" -ge 24 ]; then ext=aot quiet+=(-Xlog:aot*=off); fi
  local archive
  archive=$dir/$prog-$(jdk_runtime_version "$JDK" "$JDK_MAJOR").$ext
  if fresh "$archive" "$jar"; then
    if [ $ext = aot ]; then jvm+=("${quiet[@]}" "-XX:AOTCache=$archive")
    else jvm+=("${quiet[@]}" "-XX:SharedArchiveFile=$archive"); fi
    return 0
  fi
  # Recording failed after the last build: run without until the next one.
  fresh "$archive.failed" "$jar" && return 0
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || return 0
  { exec 8>"$dir/.$prog.lock"; } 2>/dev/null || return 0
  if ! flock -n 8; then exec 8>&-; return 0; fi
  local tmp=$dir/.$prog.$$ base=("${jvm[@]}" "${quiet[@]}")
  # The JVM's own notes at exit ("AOTConfiguration recorded") stay off stdout.
  jvm+=("${quiet[@]}" -XX:+UnlockDiagnosticVMOptions -XX:-DisplayVMOutput)
  if [ $ext = aot ]; then jvm+=(-XX:AOTMode=record "-XX:AOTConfiguration=$tmp.conf")
  else jvm+=("-XX:ArchiveClassesAtExit=$tmp.$ext"); fi
  # The job keeps the lock (fd 8) until the archive is in place; it must not
  # hold the command's standard streams open.
  finish_archive "$$" "$tmp" "$archive" "$ext" "$cp" "${base[@]}" </dev/null >/dev/null 2>&1 &
  exec 8>&-
}

# fresh FILE JAR: FILE exists and is newer than what it was made from.
fresh() {
  [ -f "$1" ] && [ "$1" -nt "$2" ] && [ "$1" -nt "${POSTERN_LIB:-$POSTERN_HOME/target/lib}" ] \
    && [ "$1" -nt "$self" ] && [ "$1" -nt "$POSTERN_HOME/libexec/cds.sh" ]
}

# finish_archive PID TMP ARCHIVE EXT CLASSPATH JVMFLAGS...: waits (at most 10
# minutes) for the recording run PID to end, then assembles and renames.
finish_archive() {
  local pid=$1 tmp=$2 archive=$3 ext=$4 cp=$5 i stat; shift 5
  for ((i = 0; i < 6000; i++)); do
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || break
    stat=${stat##*) }
    [ "${stat%% *}" = Z ] && break
    sleep 0.1
  done
  if [ "$ext" = aot ] && [ -s "$tmp.conf" ]; then
    "$JDK/bin/java" "$@" -XX:AOTMode=create "-XX:AOTConfiguration=$tmp.conf" \
      "-XX:AOTCache=$tmp.$ext" -cp "$cp" || rm -f "$tmp.$ext"
  fi
  if [ -s "$tmp.$ext" ]; then
    mv -f "$tmp.$ext" "$archive"
  else
    : >"$archive.failed"
  fi
  rm -f "$tmp.conf" "$tmp.$ext"
}
