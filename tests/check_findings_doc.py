#!/usr/bin/env python3
"""docs/FINDINGS.md must be exactly what `phishdissect --list-findings` prints.
Regenerate with:  build/src/phishdissect --list-findings > docs/FINDINGS.md"""
import subprocess, sys
out = subprocess.run([sys.argv[1], "--list-findings"], stdout=subprocess.PIPE, check=True).stdout.decode()
doc = open(sys.argv[2], encoding="utf-8").read()
ok = out == doc
print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
if not ok:
    print("docs/FINDINGS.md is stale: regenerate it with --list-findings", file=sys.stderr)
sys.exit(0 if ok else 1)
