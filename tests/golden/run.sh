#!/bin/sh
# Golden tests: message -> expected report, byte for byte.
#
#   tests/golden/run.sh BIN SRCDIR [--update]
#
# Each line of tests/golden/cases.txt is "NAME <TAB> MESSAGE" (MESSAGE
# relative to the repository; ../shared/... for the shared reference).
# For each, the JSON report (English) and the text reports (en, ja) are
# compared with NAME.json, NAME.en.txt and NAME.ja.txt.  --update rewrites
# the expected files: review the diff before committing (git diff).
set -u
bin=$1; src=$2; update=${3:-}
dir=$src/tests/golden
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
while IFS='	' read -r name msg; do
  case "$name" in ''|'#'*) continue ;; esac
  path=$src/$msg
  if [ ! -f "$path" ]; then echo "golden: $name: missing $path"; fail=$((fail+1)); continue; fi
  for kind in json en.txt ja.txt; do
    case $kind in
      json) "$bin" --format json --lang en --no-progress "$path" > "$tmp/out" 2>"$tmp/err" ;;
      en.txt) "$bin" --format text --lang en --color never --no-progress "$path" > "$tmp/out" 2>"$tmp/err" ;;
      ja.txt) "$bin" --format text --lang ja --color never --no-progress "$path" > "$tmp/out" 2>"$tmp/err" ;;
    esac
    rc=$?
    if [ $rc -gt 2 ]; then echo "golden: $name.$kind: exit $rc"; cat "$tmp/err"; fail=$((fail+1)); continue; fi
    # the message path differs between checkouts: normalise it
    sed "s|$src/||g" "$tmp/out" > "$tmp/norm"
    exp=$dir/$name.$kind
    if [ "$update" = "--update" ]; then cp "$tmp/norm" "$exp"; pass=$((pass+1)); continue; fi
    if [ ! -f "$exp" ]; then echo "golden: $name.$kind: no expected file (run with --update and review)"; fail=$((fail+1)); continue; fi
    if diff -u "$exp" "$tmp/norm" > "$tmp/diff"; then pass=$((pass+1)); else
      echo "golden: $name.$kind differs:"; head -60 "$tmp/diff"; fail=$((fail+1)); fi
  done
done < "$dir/cases.txt"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
