# jbox: waits up to $JBOX_WAIT seconds until one of the watched commands wrote output or ended, then prints
# per command "P KEY OUT_SIZE ERR_SIZE EXIT PID ALIVE" (sizes as of the wait, final once it ended; EXIT: the
# exit code or -; ALIVE: 1 running, 0 ended, 2 starting), then "O BASE64" / "E BASE64": the bytes from the
# asked offsets, at most $JBOX_MAX per stream and about $JBOX_BUDGET in all. What lies between the offsets and
# an ended command's final sizes comes now or, over the budget, with the next poll.
# $JBOX_W has one line per command: "KEY OUT_OFFSET ERR_OFFSET [HOPX_ID]"; an offset of - asks for no output.
# A poll with $JBOX_WAKE set wakes the other polls; $JBOX_SLOT names this poll's scratch files. While waiting,
# only shell builtins run: logs are compared by modification time with a reference file, pids probed by kill -0.
cd "$JBOX_ROOT" 2>/dev/null || exit 0
[ -n "$JBOX_WAKE" ] && printf x >> .wake
keys=() oo=() eo=()
while read -r k o e h; do
  [ -n "$k" ] || continue
  keys+=("$k") oo+=("$o") eo+=("$e")
  if [ -n "$h" ] && [ -d "$k" ] && [ ! -e "$k/id" ]; then printf '%s\n' "$h" > "$k/id"; fi
done <<< "$JBOX_W"
state() { # $1: key; sets ex (exit code or -), pid, alive
  ex=- pid=- alive=2
  if [ -s "$1/exit" ]; then read -r ex _ < "$1/exit"; fi
  if [ -s "$1/pid" ]; then
    read -r pid < "$1/pid"
    if [ "$ex" != - ]; then alive=0; elif kill -0 "$pid" 2>/dev/null; then alive=1; else alive=0; fi
  elif [ "$ex" != - ]; then alive=0
  fi
}
declare -A size
tmp=.sizes.$JBOX_SLOT
sizes() { # $@: keys; one stat for all their logs, through a file rather than a pipe (one fork less)
  local f s k files=()
  for k; do files+=("$k/out" "$k/err"); done
  stat -c '%n %s' -- "${files[@]}" > "$tmp" 2>/dev/null
  while read -r f s; do size[$f]=$s; done < "$tmp"
}
ready() { # true if a command ended, or has output beyond its offsets (by size, or changed since the reference)
  local i k
  for i in "${!keys[@]}"; do
    k=${keys[i]}
    state "$k"
    [ "$alive" = 0 ] && return 0
    [ "${oo[i]}" = - ] && continue
    [ "${size[$k/out]:-0}" -gt "${oo[i]}" ] || [ "${size[$k/err]:-0}" -gt "${eo[i]}" ] && return 0
    [ -n "$ref" ] && { [[ $k/out -nt $ref ]] || [[ $k/err -nt $ref ]]; } && return 0
  done
  return 1
}
ref=
sizes "${keys[@]}"
if ! ready && [ "${JBOX_WAIT:-0}" -gt 0 ]; then
  exec 9<> <(:) # a pipe nobody writes to: "read -t" on it sleeps without a fork
  ref=.ref.$JBOX_SLOT tick=.tick.$JBOX_SLOT
  : > "$ref"
  # Once the clock moved past the reference's time stamp, anything written later is newer than it; what was
  # written before that is seen by sizes.
  for _ in 1 2 3 4 5 6 7 8 9 10; do : > "$tick"; [[ $tick -nt $ref ]] && break; read -t 0.002 -u 9; done
  sizes "${keys[@]}"
  end=$((SECONDS + JBOX_WAIT))
  while ! ready && [ "$SECONDS" -lt "$end" ] && ! [[ .wake -nt $ref ]]; do read -t 0.01 -u 9; done
fi
budget=${JBOX_BUDGET:-4194304}
for i in "${!keys[@]}"; do
  k=${keys[i]}
  state "$k"
  if [ "$alive" = 0 ] && [ "$ex" = - ]; then read -t 0.3 <> <(:); state "$k"; fi # the wrapper may be writing its exit
  if [ "$alive" = 0 ]; then sizes "$k"; fi # final sizes
  echo "P $k ${size[$k/out]:--1} ${size[$k/err]:--1} $ex $pid $alive"
  for part in "O out ${oo[i]}" "E err ${eo[i]}"; do
    set -- $part
    { [ "$3" != - ] && [ -e "$k/$2" ] && [ "$budget" -gt 0 ]; } || continue
    # nothing to read: not grown past the offset (final sizes for an ended command), nor changed since the reference
    s=${size[$k/$2]:-0}
    if [ "$s" -le "$3" ] && { [ "$alive" = 0 ] || [ -z "$ref" ] || ! [[ $k/$2 -nt $ref ]]; }; then continue; fi
    n=$JBOX_MAX; [ "$n" -gt "$budget" ] && n=$budget
    if [ "$s" -gt "$3" ]; then budget=$((budget - (s - $3 < n ? s - $3 : n))); fi
    printf '%s ' "$1"
    dd if="$k/$2" bs="$n" skip="$3" iflag=skip_bytes count=1 status=none 2>/dev/null | base64 -w0
    echo
  done
done
