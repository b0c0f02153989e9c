# jbox: prints the size of $JBOX_ROOT/$JBOX_K/$JBOX_S, then up to $JBOX_N bytes of it from offset $JBOX_O in
# base64; "!" if the command's directory does not exist.
d=$JBOX_ROOT/$JBOX_K
[ -d "$d" ] || { echo '!'; exit 0; }
s=$(stat -c %s -- "$d/$JBOX_S" 2>/dev/null) || s=0
echo "$s"
if [ "$JBOX_N" -gt 0 ] && [ "$s" -gt "$JBOX_O" ]; then tail -c +$(( JBOX_O + 1 )) -- "$d/$JBOX_S" | head -c "$JBOX_N" | base64 -w0; fi
echo
