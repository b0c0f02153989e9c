# jbox: every command jbox started in this sandbox: "C KEY EXIT END_MS PID ALIVE HOPX_ID META" per command
# (- for what is not known; META is the base64 JSON jbox wrote at start), then "S PATH SIZE" per log file.
cd "$JBOX_ROOT" 2>/dev/null || exit 0
for k in *; do
  [ -d "$k" ] || continue
  ex=- endms=- pid=- alive=2 id=- meta=-
  [ -s "$k/exit" ] && read -r ex endms < "$k/exit"
  if [ -s "$k/pid" ]; then
    read -r pid < "$k/pid"
    if [ "$ex" != - ]; then alive=0; elif kill -0 "$pid" 2>/dev/null; then alive=1; else alive=0; fi
  fi
  [ -s "$k/id" ] && read -r id < "$k/id"
  [ -s "$k/meta" ] && read -r meta < "$k/meta"
  echo "C $k $ex ${endms:--} $pid $alive $id $meta"
done
ls -d -- */ >/dev/null 2>&1 && stat -c 'S %n %s' -- */out */err 2>/dev/null
exit 0
