#!/bin/sh
# Robustness: every file under a corpus folder goes through the binary
# (normally the ASan+UBSan build).  Fails on a crash, a sanitizer report,
# a hang (timeout), a missing or unparsable JSON line.
#   tests/corpus_smoke.sh BIN DIR
set -u
bin=$1; dir=$2
if [ ! -d "$dir" ]; then echo "corpus_smoke: $dir not found, skipped"; exit 77; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
timeout 600 "$bin" --format jsonl --no-progress -j 2 "$dir" > "$tmp/out" 2> "$tmp/err"
rc=$?
fail=0
case $rc in 0|1|2|66) ;; *) echo "corpus_smoke: exit status $rc"; fail=1 ;; esac
if grep -q "AddressSanitizer\|runtime error\|LeakSanitizer" "$tmp/err"; then
  echo "corpus_smoke: sanitizer report:"; grep -m5 -A10 "AddressSanitizer\|runtime error\|LeakSanitizer" "$tmp/err"; fail=1
fi
python3 - "$tmp/out" "$dir" <<'PY' || fail=1
import json, os, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
files = sum(len(f) for _, _, f in os.walk(sys.argv[2]))
ok = err = 0
for l in lines:
    r = json.loads(l)
    if "error" in r: err += 1
    else:
        assert r["verdict"] in ("clean", "suspicious", "phishing"), r
        ok += 1
print(f"corpus_smoke: {files} files, {ok} analysed, {err} errors")
if ok + err < files: sys.exit("corpus_smoke: fewer records than files")
PY
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
