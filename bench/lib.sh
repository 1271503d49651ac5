# Sourced by bench/run: installation, configuration, start/stop and timing of
# Postern and Postfix instances under $WORK, and the scenarios themselves.
# Every wait is bounded by a deadline; every started process is recorded in
# $WORK/pids (one per line) or is an MTA instance recorded in $WORK/instances,
# and cleanup stops them all.

say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { say "bench/run: $*"; exit 1; }
now() { date +%s.%N; }
# python3 itself, not a version manager's shim that costs 100 ms a call.
PY=$(python3 -c 'import sys; print(sys.executable)')
calc() { "$PY" -c "print($*)"; }

POSTFIX_MASTER_CF=/etc/postfix/master.cf
JDK=

install_needs() {
  local missing=()
  [ -x /usr/sbin/postfix ] && [ -x /usr/sbin/smtp-sink ] || missing+=(postfix)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v python3 >/dev/null || missing+=(python3)
  [ -x /usr/sbin/opendkim ] && [ -x /usr/sbin/opendkim-genkey ] || missing+=(opendkim opendkim-tools)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  fi
  # The system Postfix (if one runs) is left alone: each instance here has its own
  # configuration, queue and loopback ports.
  . "$HOME_DIR/libexec/jdk.sh"
  POSTERN_HOME=$HOME_DIR
  local found
  found=$(find_jdk) || die "no JDK 21+ for Postern"
  JDK=${found% *}
  build_if_needed "$HOME_DIR" "$JDK" || die "Postern build failed"
  # 10,000 idle sessions need as many descriptors in the client and the MTA.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A throw-away CA; sink.test for the TLS sink, mta.bench.test for Postern's smtpd.
make_pki() {
  local d=$1 n
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench-ca \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  for n in sink.test mta.bench.test; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$n" -keyout "$d/$n.key" -out "$d/$n.csr" 2>/dev/null
    printf 'subjectAltName=DNS:%s\n' "$n" >"$d/$n.ext"
    openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
      -days 2 -extfile "$d/$n.ext" -out "$d/$n.pem" 2>/dev/null
  done
  # An ECDSA P-256 certificate for the handshake scenario.
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=mta.bench.test \
    -keyout "$d/mta-ec.bench.test.key" -out "$d/mta-ec.bench.test.csr" 2>/dev/null
  openssl x509 -req -in "$d/mta-ec.bench.test.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
    -CAcreateserial -days 2 -extfile "$d/mta.bench.test.ext" -out "$d/mta-ec.bench.test.pem" 2>/dev/null
  chmod 644 "$d"/*.pem "$d"/*.key
}

track() { echo "$1" >>"$WORK/pids"; }

cleanup() {
  set +e
  local line kind dir pid
  if [ -f "$WORK/instances" ]; then
    while read -r kind dir; do mta_stop "$kind" "$dir"; done <"$WORK/instances"
  fi
  if [ -f "$WORK/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null; done <"$WORK/pids"
  fi
  if [ -n "$KEEP" ]; then say "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}

# ---------------------------------------------------------------- instances

# mta_setup KIND DIR SMTPPORT SINKPORT [main.cf lines...]: a fresh instance.
# Both kinds get the same relay settings; scenario lines come last.
mta_setup() {
  local kind=$1 dir=$2 port=$3 sink=$4; shift 4
  rm -rf "$dir"; mkdir -p "$dir/etc" "$dir/spool" "$dir/data"
  local common=(
    "myhostname = mta.bench.test"
    "mydestination ="
    "mynetworks = 127.0.0.0/8"
    "relayhost = [127.0.0.1]:$sink"
    "queue_directory = $dir/spool"
    "data_directory = $dir/data"
    "maillog_file = $dir/maillog"
    "alias_maps ="
    "alias_database ="
    "default_destination_concurrency_limit = 20"
    "smtpd_client_connection_count_limit = 0"
    "$@")
  if [ "$kind" = postern ]; then
    common+=("mail_spool_directory = $dir/mail/")
    [ -n "${BENCH_TLS_PROVIDER:-}" ] && common+=("postern_tls_provider = $BENCH_TLS_PROVIDER")
    local keys
    keys=$(printf '%s\n' "${common[@]}" | sed -n 's/^\([a-z_]*\) *=.*/\1/p' | paste -sd'|')
    { grep -vE "^($keys) *=" "$HOME_DIR/conf/main.cf"; printf '%s\n' "${common[@]}"; } >"$dir/etc/main.cf"
    sed "s/^127\.0\.0\.1:2525 /127.0.0.1:$port /" "$HOME_DIR/conf/master.cf" >"$dir/etc/master.cf"
    cp "$HOME_DIR/conf/aliases" "$dir/etc/aliases"
  else
    printf '%s\n' "compatibility_level = 3.6" "inet_interfaces = loopback-only" \
      "inet_protocols = ipv4" "maillog_file_prefixes = $WORK" "${common[@]}" >"$dir/etc/main.cf"
    chown postfix "$dir/data"
    # Debian's master.cf, no chroot (Postern has none), smtpd on the loopback port.
    awk -v port="$port" -v smtpdmax="${POSTFIX_SMTPD_MAXPROC:--}" '
      /^smtp[ \t]+inet/ { print "127.0.0.1:" port " inet n - n - " smtpdmax " smtpd"; next }
      /^[a-z]/ && NF >= 8 { $5 = "n" }
      /^tlsproxy[ \t]/ { proxy = 1 }
      { print }
      END { if (!proxy) print "tlsproxy unix - - n - 0 tlsproxy" }' "$POSTFIX_MASTER_CF" >"$dir/etc/master.cf"
  fi
}

mta_start() {
  local kind=$1 dir=$2 port=$3
  echo "$kind $dir" >>"$WORK/instances"
  if [ "$kind" = postern ]; then
    local jto=${JAVA_TOOL_OPTIONS:-}
    if [ -n "${BENCH_JFR:-}" ]; then
      mkdir -p "$WORK/jfr"
      jto="$jto -XX:StartFlightRecording=filename=$WORK/jfr/postern-%p.jfr,dumponexit=true,settings=profile"
      # cpu: samples per CPU time (kernel time in system calls included), not per wall clock.
      [ "$BENCH_JFR" = cpu ] && jto="$jto,jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=2ms"
    fi
    env ${jto:+JAVA_TOOL_OPTIONS="$jto"} "$HOME_DIR/bin/postern" start -c "$dir/etc" >"$dir/start.out" 2>&1 || { cat "$dir/start.out" >&2; die "postern start failed"; }
  else
    /usr/sbin/postfix -c "$dir/etc" start >"$dir/start.out" 2>&1 || { cat "$dir/start.out" >&2; die "postfix start failed"; }
  fi
  wait_smtp "$port" 60 || die "$kind did not answer on port $port within 60 s (see $dir/maillog)"
}

mta_master_pid() {
  local f=$1/spool/pid/master.pid
  [ -f "$f" ] && tr -d ' \n' <"$f"
}

mta_stop() {
  local kind=$1 dir=$2 pid i
  pid=$(mta_master_pid "$dir") || return 0
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  # Bounded: after the flood scenario Postfix's "postfix stop" hung for minutes in
  # postlog, whose postlogd no longer drained its socket.
  if [ "$kind" = postern ]; then
    timeout 60 "$HOME_DIR/bin/postern" stop -c "$dir/etc" >/dev/null 2>&1 || true
  else
    timeout 60 /usr/sbin/postfix -c "$dir/etc" stop >/dev/null 2>&1 || true
  fi
  for i in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  say "warning: $kind master $pid still running after 20 s; killing it"
  kill -9 "$pid" 2>/dev/null
  pkill -9 -P "$pid" 2>/dev/null
  return 0
}

# The master and its children (Postfix's daemons; Postern is one JVM).
mta_pids() {
  local pid
  pid=$(mta_master_pid "$1") || return 0
  echo "$pid"
  pgrep -P "$pid" || true
}

CLK_TCK=$(getconf CLK_TCK)

# mta_cpu DIR: user+sys CPU clock ticks so far of the instance's processes: the
# master and its children (utime, stime), with the children they already
# reaped (cutime, cstime), so Postfix's smtpd and smtp processes that came and
# went count too. Load generator and sink are not among them.
mta_cpu() {
  local t=0 p v
  for p in $(mta_pids "$1"); do
    # Fields after the command name's ")": state is 1, utime 12 ... cstime 15.
    v=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}') || continue
    t=$((t + ${v:-0}))
  done
  echo "$t"
}

# mta_jit_cpu DIR: the part of mta_cpu spent by the JVM's JIT compiler threads
# (0 for Postfix): a start-up cost that a short run would otherwise spread
# over the figure per handshake.
mta_jit_cpu() {
  local t=0 p task v
  for p in $(mta_pids "$1"); do
    for task in /proc/"$p"/task/*; do
      grep -q 'CompilerThre' "$task/comm" 2>/dev/null || continue
      v=$(sed 's/^.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
      t=$((t + ${v:-0}))
    done
  done
  echo "$t"
}

# cpu_per TICKS N SCALE: CPU seconds per SCALE units of N, two decimals.
cpu_per() { calc "round($1 / $CLK_TCK / $2 * $3, 2)"; }

# mta_memory DIR: "RSS_KiB PSS_KiB PROCESSES" summed over the instance's processes.
mta_memory() {
  local rss=0 pss=0 n=0 p r s
  for p in $(mta_pids "$1"); do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || continue
    s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
    rss=$((rss + ${r:-0})); pss=$((pss + ${s:-0})); n=$((n + 1))
  done
  echo "$rss $pss $n"
}

wait_smtp() {
  "$PY" "$BENCH/smtpbench.py" wait-banner --port "$1" --timeout "$2"
}

# ---------------------------------------------------------------- sinks

# sink_start KIND PORT COUNT [DUMPFILE]: KIND smtp-sink (Postfix's, plain) or
# tls/requiretls (bench/smtpbench.py sink). The sink exits after COUNT messages
# (0: never); $WORK/sink.done then holds the time it exited. smtp-sink appends
# every message to DUMPFILE if one is given (-D).
sink_start() {
  local kind=$1 port=$2 count=$3 dump=${4:-}
  rm -f "$WORK/sink.done" "$WORK/sink.pid"
  if [ "$kind" = smtp-sink ]; then
    local m=(); [ "$count" -gt 0 ] && m=(-M "$count")
    [ -n "$dump" ] && m+=(-D "$dump")
    ( smtp-sink -u nobody "${m[@]}" "127.0.0.1:$port" 256 >"$WORK/sink.out" 2>&1 &
      echo $! >"$WORK/sink.pid"; wait $!; now >"$WORK/sink.done" ) &
  else
    local extra=(); [ "$kind" = requiretls ] && extra=(--requiretls)
    ( "$PY" "$BENCH/smtpbench.py" sink --port "$port" --count "$count" \
        --cert "$WORK/pki/sink.test.pem" --key "$WORK/pki/sink.test.key" "${extra[@]}" \
        >"$WORK/sink.out" 2>&1 &
      echo $! >"$WORK/sink.pid"; wait $!; now >"$WORK/sink.done" ) &
  fi
  local i
  for i in $(seq 1 100); do [ -s "$WORK/sink.pid" ] && break; sleep 0.05; done
  track "$(cat "$WORK/sink.pid")"
  wait_listen "$port" 10 || die "sink did not listen on $port"
}

wait_listen() {
  "$PY" "$BENCH/smtpbench.py" wait-listen --port "$1" --timeout "$2"
}

# sink_wait SECONDS: waits for the sink to exit; prints the time it did.
sink_wait() {
  local deadline=$((SECONDS + $1))
  while [ ! -s "$WORK/sink.done" ]; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.02
  done
  cat "$WORK/sink.done"
}

sink_stop() {
  [ -s "$WORK/sink.pid" ] && { kill "$(cat "$WORK/sink.pid")" 2>/dev/null || true; }
  local i
  for i in $(seq 1 100); do [ -s "$WORK/sink.done" ] && return 0; sleep 0.05; done
  return 0
}

# ---------------------------------------------------------------- results

RESULTS=()   # "scenario|unit|postern values|postfix values|better"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

record() {  # record NAME UNIT BETTER(high|low) "postern values" "postfix values"
  local name=$1 unit=$2 better=$3 pn=$4 pf=$5 mpn mpf ratio
  mpn=$(median $pn); mpf=$(median ${pf:-nan})
  if [ -n "$pf" ]; then ratio=$(calc "round($mpn / $mpf, 2) if $mpf else float('nan')"); else ratio=-; fi
  RESULTS+=("$name|$unit|$better|$mpn|$mpf|$ratio|$pn|$pf")
  printf '%-44s %-10s postern %10s  postfix %10s  ratio %5s   (postern: %s; postfix: %s)\n' \
    "$name" "$unit" "$mpn" "$mpf" "$ratio" "$pn" "${pf:--}"
}

summary() {
  echo
  echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "== summary ($ROUNDS round(s), medians; ratio = Postern / Postfix; 'better' says which way is good)"
  printf '%-44s %-10s %-6s %10s %10s %6s\n' scenario unit better postern postfix ratio
  local r
  for r in "${RESULTS[@]}"; do
    IFS='|' read -r name unit better mpn mpf ratio _ _ <<<"$r"
    printf '%-44s %-10s %-6s %10s %10s %6s\n' "$name" "$unit" "$better" "$mpn" "$mpf" "$ratio"
  done
}

facts() {
  echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM," \
    "$(uname -sr), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "== Postern JDK: $("$JDK/bin/java" -version 2>&1 | sed -n 2p)"
  echo "== Postern TLS engine: postern_tls_provider = ${BENCH_TLS_PROVIDER:-its default (boringssl)} (BENCH_TLS_PROVIDER: boringssl, accp, jdk)"
  echo "== Postfix: $(dpkg-query -W -f '${Version}' postfix 2>/dev/null)"
  echo "== queues on: $(findmnt -n -T "$WORK" -o SOURCE,FSTYPE,OPTIONS 2>/dev/null | cut -c1-60)"
  echo "== load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)"
  echo "== command: bench/run${QUICK:+ --quick} --rounds $ROUNDS${COUNT:+ --count $COUNT}${WARMUP_N:+ --warmup $WARMUP_N} --only $ONLY"
}

. "$BENCH/scenarios.sh"
