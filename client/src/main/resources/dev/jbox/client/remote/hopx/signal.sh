# jbox: sends signal $JBOX_SIG to the process tree of command $JBOX_K; for TERM, KILL follows after $JBOX_GRACE
# seconds if it still runs. Prints "sent", "ended" or "unknown".
d=$JBOX_ROOT/$JBOX_K
[ -s "$d/pid" ] || { echo unknown; exit 0; }
read -r p < "$d/pid"
if [ -s "$d/exit" ] || ! kill -0 "$p" 2>/dev/null; then echo ended; exit 0; fi
kill -"$JBOX_SIG" -- "-$p" 2>/dev/null || kill -"$JBOX_SIG" "$p" 2>/dev/null
if [ "$JBOX_SIG" = TERM ]; then
  exec 9<> <(:)
  for _ in $(seq 1 $(( JBOX_GRACE * 20 ))); do kill -0 "$p" 2>/dev/null || break; read -t 0.05 -u 9; done
  kill -0 "$p" 2>/dev/null && { kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null; }
fi
echo sent
