# Sourced by bench/lib.sh: the scenarios. Each runs Postern and Postfix
# alternately, ROUNDS times, on fresh instances, and records medians.

MTAS=(postern postfix)

# inject plain|tls PORT N SECONDS: the inbound load, 20 sessions of one 4 KiB
# message each. plain: Postfix's smtp-source; tls: the same shape over
# STARTTLS from bench/smtpbench.py load (smtp-source has no TLS).
inject() {
  local mode=$1 port=$2 n=$3 secs=$4
  if [ "$mode" = plain ]; then
    timeout "$secs" smtp-source -s 20 -l 4096 -m "$n" -f a@bench.test -t b@sink.test "127.0.0.1:$port"
  else
    "$PY" "$BENCH/smtpbench.py" load --port "$port" --count "$n" --sessions 20 --timeout "$secs" >/dev/null
  fi
}

# Relays WARMUP messages (not timed) so that both MTAs are past start-up:
# the JVM has compiled its hot paths, Postfix has its processes forked.
# A DUMPFILE (smtp-sink only) keeps the warm-up messages for a check.
warm_up() {
  local mode=$1 port=$2 sink=$3 sinkkind=$4 dump=${5:-}
  [ "$WARMUP" -gt 0 ] || return 0
  sink_start "$sinkkind" "$sink" "$WARMUP" "$dump"
  inject "$mode" "$port" "$WARMUP" 300 || say "warning: warm-up load failed"
  sink_wait 300 >/dev/null || say "warning: warm-up sink did not get $WARMUP messages in 300 s"
  sink_stop
}

# scenario_relay plain|tls|dkim N
#   plain: smtp-source -> MTA -> smtp-sink. tls: STARTTLS on both hops:
#   smtpbench.py load -> MTA (smtpd_tls_security_level = may, the bench
#   certificate) -> smtpbench.py sink (smtp_tls_security_level = encrypt).
#   dkim: plain, with one OpenDKIM (dkim_start) signing as both MTAs'
#   smtpd milter; the warm-up messages must all arrive signed (dkim_check).
scenario_relay() {
  local mode=$1 n=$2 r kind dir port sink t0 t1 t2 rate subm sent sinkinfo c0 cpu
  local -A rates=() subs=() cpus=()
  local sinkkind=smtp-sink extra=() load=$mode dump=
  if [ "$mode" = dkim ]; then
    [ "$WARMUP" -gt 0 ] || die "dkim: the signature check reads the warm-up messages; --warmup must be above 0"
    load=plain dump=$WORK/dkim/dump/warm-up
    dkim_start
    # tempfail (Postfix's default, spelled out): a message the milter did not
    # see is deferred, never relayed unsigned.
    extra=("smtpd_milters = inet:127.0.0.1:$DKIM_PORT" "milter_default_action = tempfail")
  fi
  if [ "$mode" = tls ]; then
    sinkkind=tls
    # Both MTAs reuse a TLS session for the next message only with
    # smtp_tls_connection_reuse = yes (Postfix through tlsproxy).
    extra=("smtpd_tls_security_level = may"
      "smtpd_tls_cert_file = $WORK/pki/mta.bench.test.pem"
      "smtpd_tls_key_file = $WORK/pki/mta.bench.test.key"
      "smtp_tls_security_level = encrypt" "smtp_tls_CAfile = $WORK/pki/ca.pem"
      "smtp_tls_connection_reuse = ${BENCH_TLS_REUSE:-yes}")
  fi
  say "relay ($mode) N=$n: $ROUNDS round(s)"
  for r in $(seq 1 "$ROUNDS"); do
    for kind in "${MTAS[@]}"; do
      dir=$WORK/$kind port=$(free_port) sink=$(free_port)
      mta_setup "$kind" "$dir" "$port" "$sink" "${extra[@]}"
      mta_start "$kind" "$dir" "$port"
      [ -n "$dump" ] && rm -f "$dump"
      warm_up "$load" "$port" "$sink" "$sinkkind" "$dump"
      [ "$mode" = dkim ] && dkim_check "$kind" "$dump"
      sink_start "$sinkkind" "$sink" "$n"
      c0=$(mta_cpu "$dir") j0=$(mta_jit_cpu "$dir")
      t0=$(now)
      inject "$load" "$port" "$n" 900 || say "warning: the load against $kind failed"
      t1=$(now)
      if t2=$(sink_wait $((120 + n / 20))); then
        rate=$(calc "round($n / ($t2 - $t0))")
        subm=$(calc "round($n / ($t1 - $t0))")
        cpu=$(cpu_per "$(( $(mta_cpu "$dir") - c0 ))" "$n" 1000)
        jit=$(cpu_per "$(( $(mta_jit_cpu "$dir") - j0 ))" "$n" 1000)
      else
        say "warning: $kind: sink did not receive $n messages within $((120 + n / 20)) s"; rate=0 subm=0 cpu=nan
      fi
      sink_stop
      sinkinfo=$(grep -h '^received' "$WORK/sink.out" 2>/dev/null || true)
      sleep 1
      sent=$(grep -c 'status=sent' "$dir/maillog" || true)
      say "  round $r $kind: $rate msg/s end to end, $subm msg/s accepted, $cpu CPU s per 1,000 messages (JIT compiler: ${jit:-nan}); $sent status=sent in the log${sinkinfo:+; sink: $sinkinfo}"
      rates[$kind]+="$rate " subs[$kind]+="$subm " cpus[$kind]+="$cpu "
      [ -n "${BENCH_JFR:-}" ] && [ "$kind" = postern ] && mta_stop "$kind" "$dir" && jfr_summary "$dir" "relay-$mode-$n"
      mta_stop "$kind" "$dir"
    done
  done
  record "relay $mode N=$n, end to end" msg/s high "${rates[postern]}" "${rates[postfix]}"
  record "relay $mode N=$n, accepted by smtpd" msg/s high "${subs[postern]}" "${subs[postfix]}"
  record "relay $mode N=$n, MTA CPU per 1,000 msgs" cpu-s low "${cpus[postern]}" "${cpus[postfix]}"
}

# dkim_start: one OpenDKIM in the foreground (-f), a bench process, signing
# mail from smtp-source's sender domain bench.test with a fresh 2048-bit key
# (selector bench); sets DKIM_PORT. Started once per scenario, shared by both
# MTAs, so both pay the same signer.
dkim_start() {
  local d=$WORK/dkim
  mkdir -p "$d/dump"
  chown nobody "$d/dump"   # smtp-sink -u nobody writes the dump
  opendkim-genkey -b 2048 -D "$d" -d bench.test -s bench || die "opendkim-genkey failed"
  DKIM_PORT=$(free_port)
  printf '%s\n' "Domain bench.test" "KeyFile $d/bench.private" "Selector bench" \
    "Mode s" "Canonicalization relaxed/simple" "Socket inet:$DKIM_PORT@127.0.0.1" \
    "InternalHosts 127.0.0.1" "Syslog no" "RequireSafeKeys no" "UserID root" >"$d/opendkim.conf"
  opendkim -f -x "$d/opendkim.conf" >"$d/opendkim.out" 2>&1 &
  track $!
  wait_listen "$DKIM_PORT" 10 || { cat "$d/opendkim.out" >&2; die "opendkim did not listen on $DKIM_PORT"; }
  say "opendkim $(opendkim -V | sed -n '1s/.*v//p') signing bench.test on 127.0.0.1:$DKIM_PORT"
}

# dkim_check KIND DUMPFILE: every message smtp-sink kept carries a
# DKIM-Signature by the bench key, or the scenario stops here.
dkim_check() {
  local kind=$1 dump=$2 msgs signed
  msgs=$(grep -ci '^Message-Id:' "$dump" 2>/dev/null || true)
  signed=$(grep -c '^DKIM-Signature:.*d=bench.test; *s=bench' "$dump" 2>/dev/null || true)
  msgs=${msgs:-0} signed=${signed:-0}
  say "  $kind: $signed of $msgs warm-up messages at the sink carry bench.test's DKIM-Signature"
  [ "$msgs" -gt 0 ] && [ "$signed" = "$msgs" ] \
    || die "dkim: $kind relayed $msgs warm-up messages, $signed signed by OpenDKIM (dump: $dump)"
}

# JFR: BENCH_JFR=1 starts Postern's JVM with a flight recording; the summary
# counts the top frames of jdk.ExecutionSample (Java code on a CPU). BENCH_JFR=cpu
# samples jdk.CPUTimeSample instead (JDK 25: per CPU time of each thread, system
# calls included) and also counts the first Postern frame of each stack, which
# says which of Postern's steps the CPU went to.
jfr_summary() {
  local dir=$1 label=$2 f event=jdk.ExecutionSample
  [ "${BENCH_JFR:-}" = cpu ] && event=jdk.CPUTimeSample
  f=$(ls -S "$WORK"/jfr/*.jfr 2>/dev/null | head -n 1) || return 0
  [ -n "$f" ] || return 0
  mkdir -p "$WORK/profiles"
  "$JDK/bin/jfr" print --events "$event" --stack-depth 64 "$f" >"$WORK/profiles/$label.txt" 2>/dev/null || return 0
  echo "-- top frames ($label, Postern, $(grep -c "$event" "$WORK/profiles/$label.txt") samples of $event):"
  awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); sub(/ +line:.*/, ""); print}' "$WORK/profiles/$label.txt" \
    | sort | uniq -c | sort -rn | head -n 15
  echo "-- first Postern frame of each sample:"
  awk '/stackTrace = \[/ {s = 1; next} s && /org\.postern\./ {sub(/^ +/, ""); sub(/\(.*/, ""); print; s = 0} /^ *\]/ {s = 0}' \
    "$WORK/profiles/$label.txt" | sort | uniq -c | sort -rn | head -n 15
  rm -f "$WORK"/jfr/*.jfr
}

# scenario_requiretls N (Postern only): the Python client pool submits N
# messages over STARTTLS, each with MAIL FROM ... REQUIRETLS; Postern relays
# them with smtp_requiretls_policy = enforce at smtp_tls_security_level =
# verify (match=sink.test, the test CA) to a sink that announces REQUIRETLS.
# The baseline is the same run without REQUIRETLS on MAIL FROM (and with the
# default policy), so the ratio is the cost of REQUIRETLS itself.
scenario_requiretls() {
  local n=$1 r variant dir port sink t0 t2 rate out c0 cpu
  local -A rates=() cpus=()
  say "requiretls N=$n (Postern only): $ROUNDS round(s)"
  for r in $(seq 1 "$ROUNDS"); do
    for variant in requiretls verify; do
      dir=$WORK/postern port=$(free_port) sink=$(free_port)
      local extra=(
        "smtpd_tls_security_level = may"
        "smtpd_tls_cert_file = $WORK/pki/mta.bench.test.pem"
        "smtpd_tls_key_file = $WORK/pki/mta.bench.test.key"
        "smtp_tls_security_level = verify"
        "smtp_tls_CAfile = $WORK/pki/ca.pem"
        "smtp_tls_policy_maps = inline:{ {[127.0.0.1]:$sink = verify match=sink.test} }")
      local flag=()
      [ "$variant" = requiretls ] && extra+=("smtp_requiretls_policy = enforce") && flag=(--requiretls)
      mta_setup postern "$dir" "$port" "$sink" "${extra[@]}"
      mta_start postern "$dir" "$port"
      sink_start requiretls "$sink" "$WARMUP"
      "$PY" "$BENCH/smtpbench.py" load --port "$port" --count "$WARMUP" --sessions 20 \
        "${flag[@]}" --timeout 300 >/dev/null || say "warning: warm-up load failed"
      sink_wait 300 >/dev/null || say "warning: warm-up sink did not get $WARMUP messages"
      sink_stop
      sink_start requiretls "$sink" "$n"
      c0=$(mta_cpu "$dir") j0=$(mta_jit_cpu "$dir")
      t0=$(now)
      out=$("$PY" "$BENCH/smtpbench.py" load --port "$port" --count "$n" --sessions 20 \
        "${flag[@]}" --timeout 600) || say "warning: load failed: $out"
      if [ -n "$out" ] && t2=$(sink_wait $((120 + n / 20))); then
        rate=$(calc "round($n / ($t2 - $t0))")
        cpu=$(cpu_per "$(( $(mta_cpu "$dir") - c0 ))" "$n" 1000)
        jit=$(cpu_per "$(( $(mta_jit_cpu "$dir") - j0 ))" "$n" 1000)
      else
        rate=0 cpu=nan
      fi
      sink_stop
      say "  round $r postern $variant: $rate msg/s end to end, $cpu CPU s per 1,000 messages (JIT compiler: ${jit:-nan}); client: $out;" \
        "$(grep -c 'status=sent' "$dir/maillog" || true) sent, $(grep -c 'tls=.*requiretls' "$dir/maillog" || true) logged with requiretls"
      rates[$variant]+="$rate " cpus[$variant]+="$cpu "
      mta_stop postern "$dir"
    done
  done
  record "REQUIRETLS N=$n (2nd column: Postern, no REQUIRETLS)" msg/s high "${rates[requiretls]}" "${rates[verify]}"
  record "REQUIRETLS N=$n, CPU per 1,000 msgs (same)" cpu-s low "${cpus[requiretls]}" "${cpus[verify]}"
}

# scenario_idle N: N sessions that sent EHLO and wait; the MTA's memory.
# Postern: one JVM, default_process_limit above N. Postfix: one process per
# session, so smtpd maxproc is set to a realistic 1000 (not N); sessions past
# it wait in the listen queue unanswered, which the client reports.
scenario_idle() {
  local n=$1 r kind dir port base mem ready out pid i
  local -A rss=() pss=() answered=()
  say "idle sessions N=$n: $ROUNDS round(s)"
  for r in $(seq 1 "$ROUNDS"); do
    for kind in "${MTAS[@]}"; do
      dir=$WORK/$kind port=$(free_port)
      POSTFIX_SMTPD_MAXPROC=1000 mta_setup "$kind" "$dir" "$port" "$(free_port)" \
        "default_process_limit = $((n + 100))" "smtpd_timeout = 300s"
      if [ "$kind" = postfix ]; then
        sed -i "s/^default_process_limit = .*/default_process_limit = 100/" "$dir/etc/main.cf"
      fi
      mta_start "$kind" "$dir" "$port"
      base=$(mta_memory "$dir")
      rm -f "$WORK/idle.out"
      "$PY" "$BENCH/smtpbench.py" idle --port "$port" --count "$n" --timeout 60 --hold 120 \
        >"$WORK/idle.out" 2>&1 &
      pid=$!; track "$pid"
      for i in $(seq 1 900); do grep -q '^ready' "$WORK/idle.out" 2>/dev/null && break; sleep 0.1; done
      sleep 2
      mem=$(mta_memory "$dir")
      ready=$(grep -h '^ready' "$WORK/idle.out" || echo "ready ?")
      kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
      say "  round $r $kind: idle daemon RSS/PSS/processes $base (KiB); with sessions $mem; client: $ready"
      rss[$kind]+="$(( ${mem%% *} / 1024 )) "
      pss[$kind]+="$(( $(echo "$mem" | cut -d' ' -f2) / 1024 )) "
      answered[$kind]+="$(echo "$ready" | cut -d' ' -f2) "
      mta_stop "$kind" "$dir"
    done
  done
  record "idle N=$n: sessions answered EHLO" sessions high "${answered[postern]}" "${answered[postfix]}"
  record "idle N=$n: resident memory (sum of RSS)" MiB low "${rss[postern]}" "${rss[postfix]}"
  record "idle N=$n: proportional memory (sum of PSS)" MiB low "${pss[postern]}" "${pss[postfix]}"
}

# scenario_sendmail RUNS: wall time of sendmail -t for a 4 KiB message with
# the daemon running (pickup relays it to a counting-free smtp-sink).
scenario_sendmail() {
  local runs=$1 r kind dir port sink i t0 t1
  local -A ms=()
  { printf 'From: a@bench.test\nTo: b@sink.test\nSubject: sendmail bench\n\n'
    head -c 3000 /dev/zero | tr '\0' x | fold -w 76; echo; } >"$WORK/message.txt"
  say "sendmail -t latency, $runs runs per MTA per round: $ROUNDS round(s)"
  for r in $(seq 1 "$ROUNDS"); do
    for kind in "${MTAS[@]}"; do
      dir=$WORK/$kind port=$(free_port) sink=$(free_port)
      mta_setup "$kind" "$dir" "$port" "$sink"
      mta_start "$kind" "$dir" "$port"
      sink_start smtp-sink "$sink" 0
      local cmd=("$HOME_DIR/bin/sendmail" -C "$dir/etc" -t)
      [ "$kind" = postfix ] && cmd=(/usr/sbin/sendmail -C "$dir/etc" -t)
      for i in $(seq 1 "$runs"); do
        t0=$(now)
        timeout 60 "${cmd[@]}" <"$WORK/message.txt" || say "warning: $kind sendmail failed"
        t1=$(now)
        ms[$kind]+="$(calc "round(($t1 - $t0) * 1000)") "
      done
      sleep 3
      say "  round $r $kind: $(grep -c 'status=sent' "$dir/maillog" || true) of $runs relayed"
      sink_stop
      mta_stop "$kind" "$dir"
    done
  done
  record "sendmail -t latency (4 KiB)" ms low "${ms[postern]}" "${ms[postfix]}"
}

# scenario_flood N: N connections, 50 from each of several addresses (at
# anvil's default smtpd_client_connection_count_limit), each dribbling one byte
# every 10 s, against the default process limit (100) and mynetworks =
# 127.0.0.1/32; then fresh clients from 127.0.0.1 (mynetworks) and 127.0.2.1
# (not), one at a time: time to their greeting (a client that got none within
# 10 s counts as 10,000 ms), how many were greeted, and what a 51st
# connection from a flooding address hears (Postern: anvil's 421; Postfix:
# nothing while every smtpd is held).
scenario_flood() {
  local n=$1 r kind dir port out times greeted over
  local -A ttg=() got=() answered=()
  say "connection flood N=$n: $ROUNDS round(s)"
  for r in $(seq 1 "$ROUNDS"); do
    for kind in "${MTAS[@]}"; do
      dir=$WORK/$kind port=$(free_port)
      mta_setup "$kind" "$dir" "$port" "$(free_port)" \
        "mynetworks = 127.0.0.1/32" "smtpd_client_connection_count_limit = 50"
      mta_start "$kind" "$dir" "$port"
      out=$(timeout 600 "$PY" "$BENCH/smtpbench.py" flood --port "$port" --count "$n" \
        --probes "$FLOOD_PROBES" --probe-timeout 10 2>&1) || say "warning: flood client failed: $out"
      times=$(echo "$out" | sed -n 's/^greeting //p' | sed 's/timeout/10000/g')
      greeted=$(echo "$out" | sed -n 's/^greeted \([0-9]*\).*/\1/p')
      over=$(echo "$out" | sed -n 's/^overlimit //p')
      say "  round $r $kind: $(echo "$out" | grep '^flood'); greeting ms: $times; over the limit: $over"
      ttg[$kind]+="$(median $times) "
      got[$kind]+="${greeted:-0} "
      case "$over" in 421*) answered[$kind]+="1 " ;; *) answered[$kind]+="0 " ;; esac
      mta_stop "$kind" "$dir"
    done
  done
  record "flood N=$n: time to greeting (median)" ms low "${ttg[postern]}" "${ttg[postfix]}"
  record "flood N=$n: fresh clients greeted" "of $FLOOD_PROBES" high "${got[postern]}" "${got[postfix]}"
  record "flood N=$n: 51st connection answered 421" yes=1 high "${answered[postern]}" "${answered[postfix]}"
}

# scenario_handshake N: the MTA's CPU per inbound STARTTLS handshake, read from
# /proc (mta_cpu), not from the clock, so other work on the machine matters
# far less than for msg/s. For each certificate (RSA 2048, ECDSA P-256) and
# each Postern engine (BENCH_ENGINES, default "boringssl accp jdk") and Postfix:
# N plain sessions (banner, EHLO, QUIT), N with STARTTLS and a full handshake,
# N resuming the TLS session of each client thread's first one; the
# handshake's cost is a STARTTLS session's CPU less a plain session's. The
# JVM's JIT compiler threads are left out (mta_jit_cpu); its GC threads count.
scenario_handshake() {
  local n=$1 r cert kind engine dir port mode c0 out
  local -A ms=()
  local engines=(${BENCH_ENGINES:-boringssl accp jdk})
  say "STARTTLS handshakes N=$n per mode: $ROUNDS round(s)"
  for r in $(seq 1 "$ROUNDS"); do
    for cert in rsa ecdsa; do
      local file=mta.bench.test
      [ "$cert" = ecdsa ] && file=mta-ec.bench.test
      for engine in "${engines[@]}" postfix; do
        kind=postern; [ "$engine" = postfix ] && kind=postfix
        dir=$WORK/$kind port=$(free_port)
        BENCH_TLS_PROVIDER=$([ "$kind" = postern ] && echo "$engine") mta_setup "$kind" "$dir" "$port" "$(free_port)" \
          "smtpd_tls_security_level = may" "smtpd_tls_cert_file = $WORK/pki/$file.pem" \
          "smtpd_tls_key_file = $WORK/pki/$file.key"
        mta_start "$kind" "$dir" "$port"
        "$PY" "$BENCH/smtpbench.py" handshakes --port "$port" --count "$WARMUP" --mode full >/dev/null \
          || say "warning: warm-up handshakes against $engine failed"
        local line="  round $r $cert $engine: CPU ms per session"
        for mode in plain full resumed; do
          c0=$(( $(mta_cpu "$dir") - $(mta_jit_cpu "$dir") ))
          out=$("$PY" "$BENCH/smtpbench.py" handshakes --port "$port" --count "$n" --mode "$mode") \
            || say "warning: $mode sessions against $engine failed: $out"
          ms[$cert.$engine.$mode]=$(cpu_per "$(( $(mta_cpu "$dir") - $(mta_jit_cpu "$dir") - c0 ))" "$n" 1000)
          line+=" $mode ${ms[$cert.$engine.$mode]} ($out)"
        done
        say "$line"
        for mode in full resumed; do
          ms[$cert.$engine.$mode.hs]+="$(calc "round(${ms[$cert.$engine.$mode]} - ${ms[$cert.$engine.plain]}, 2)") "
        done
        mta_stop "$kind" "$dir"
      done
    done
  done
  for cert in rsa ecdsa; do
    for engine in "${engines[@]}"; do
      for mode in full resumed; do
        record "handshake $cert $mode, $engine (CPU/handshake)" cpu-ms low \
          "${ms[$cert.$engine.$mode.hs]}" "${ms[$cert.postfix.$mode.hs]}"
      done
    done
  done
}
