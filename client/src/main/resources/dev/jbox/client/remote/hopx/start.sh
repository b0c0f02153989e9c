# jbox: runs one command in a HopX sandbox so that none of its output is lost. stdout and stderr go to files
# in $JBOX_D, which jbox reads with byte offsets (poll.sh, read.sh); the command runs in a process group of its
# own (job control), so that its whole tree can be signalled and it does not ignore INT as plain background
# jobs do; its exit code and end time are written to $JBOX_D/exit.
d=$JBOX_D c=$JBOX_C t=$JBOX_T m=$JBOX_M
unset JBOX_D JBOX_C JBOX_T JBOX_M
mkdir -p "$d" || exit 125
printf '%s\n' "$m" > "$d/meta"
set -- bash -c "$c"
if [ -n "$t" ] && command -v timeout >/dev/null 2>&1; then set -- timeout -k 2 "$t" "$@"; fi
set -m
"$@" </dev/null >"$d/out" 2>"$d/err" &
p=$!
set +m
printf '%s\n' "$p" > "$d/pid"
stop() {
  kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null
}
trap stop TERM INT HUP
wait "$p"
s=$?
printf '%s %s\n' "$s" "$(date +%s%3N)" > "$d/exit"
exit "$s"
