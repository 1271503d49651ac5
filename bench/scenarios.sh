# Sourced by bench/lib.sh: the scenarios. Each runs Postern and Postfix
# alternately, ROUNDS times, on fresh instances, and records medians.

MTAS=(postern postfix)

# Relays WARMUP messages (not timed) so that both MTAs are past start-up:
# the JVM has compiled its hot paths, Postfix has its processes forked.
warm_up() {
  local port=$1 sink=$2 sinkkind=$3
  [ "$WARMUP" -gt 0 ] || return 0
  sink_start "$sinkkind" "$sink" "$WARMUP"
  timeout 300 smtp-source -s 20 -l 4096 -m "$WARMUP" -f a@bench.test -t b@sink.test "127.0.0.1:$port" \
    || say "warning: warm-up smtp-source failed"
  sink_wait 300 >/dev/null || say "warning: warm-up sink did not get $WARMUP messages in 300 s"
  sink_stop
}

# scenario_relay plain|tls N
#   plain: smtp-source -> MTA -> smtp-sink; tls: the MTA -> sink hop uses
#   STARTTLS (smtp_tls_security_level = encrypt) to bench/smtpbench.py sink.
scenario_relay() {
  local mode=$1 n=$2 r kind dir port sink t0 t1 t2 rate subm sent sinkinfo
  local -A rates=() subs=()
  local sinkkind=smtp-sink extra=()
  if [ "$mode" = tls ]; then
    sinkkind=tls
    # Postfix reuses a TLS session for the next message only with
    # smtp_tls_connection_reuse = yes (through tlsproxy); Postern's cache
    # reuses it in any case, so both are told to.
    extra=("smtp_tls_security_level = encrypt" "smtp_tls_CAfile = $WORK/pki/ca.pem"
      "smtp_tls_connection_reuse = ${BENCH_TLS_REUSE:-yes}")
  fi
  say "relay ($mode) N=$n: $ROUNDS round(s)"
  for r in $(seq 1 "$ROUNDS"); do
    for kind in "${MTAS[@]}"; do
      dir=$WORK/$kind port=$(free_port) sink=$(free_port)
      mta_setup "$kind" "$dir" "$port" "$sink" "${extra[@]}"
      mta_start "$kind" "$dir" "$port"
      warm_up "$port" "$sink" "$sinkkind"
      sink_start "$sinkkind" "$sink" "$n"
      t0=$(now)
      timeout 900 smtp-source -s 20 -l 4096 -m "$n" -f a@bench.test -t b@sink.test "127.0.0.1:$port" \
        || say "warning: smtp-source failed against $kind"
      t1=$(now)
      if t2=$(sink_wait $((120 + n / 20))); then
        rate=$(calc "round($n / ($t2 - $t0))")
        subm=$(calc "round($n / ($t1 - $t0))")
      else
        say "warning: $kind: sink did not receive $n messages within $((120 + n / 20)) s"; rate=0 subm=0
      fi
      sink_stop
      sinkinfo=$(grep -h '^received' "$WORK/sink.out" 2>/dev/null || true)
      sleep 1
      sent=$(grep -c 'status=sent' "$dir/maillog" || true)
      say "  round $r $kind: $rate msg/s end to end, $subm msg/s accepted; $sent status=sent in the log${sinkinfo:+; sink: $sinkinfo}"
      rates[$kind]+="$rate " subs[$kind]+="$subm "
      [ -n "${BENCH_JFR:-}" ] && [ "$kind" = postern ] && mta_stop "$kind" "$dir" && jfr_summary "$dir" "relay-$mode-$n"
      mta_stop "$kind" "$dir"
    done
  done
  record "relay $mode N=$n, end to end" msg/s high "${rates[postern]}" "${rates[postfix]}"
  record "relay $mode N=$n, accepted by smtpd" msg/s high "${subs[postern]}" "${subs[postfix]}"
}

# JFR: BENCH_JFR=1 starts Postern's JVM with a flight recording; the summary
# counts the top frames of jdk.ExecutionSample.
jfr_summary() {
  local dir=$1 label=$2 f
  f=$(ls -S "$WORK"/jfr/*.jfr 2>/dev/null | head -n 1) || return 0
  [ -n "$f" ] || return 0
  mkdir -p "$WORK/profiles"
  "$JDK/bin/jfr" print --events jdk.ExecutionSample "$f" >"$WORK/profiles/$label.txt" 2>/dev/null || return 0
  echo "-- top frames ($label, Postern, $(grep -c 'jdk.ExecutionSample' "$WORK/profiles/$label.txt") samples):"
  awk '/stackTrace = \[/ {getline; sub(/^ +/, ""); sub(/ +line:.*/, ""); print}' "$WORK/profiles/$label.txt" \
    | sort | uniq -c | sort -rn | head -n 15
  rm -f "$WORK"/jfr/*.jfr
}
