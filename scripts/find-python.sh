#!/usr/bin/env bash
# Prints the path of a Python 3.12 interpreter: the one on PATH (pyenv's shim honours
# .python-version), else any pyenv-installed 3.12.
set -euo pipefail

for candidate in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
echo "Python 3.12 not found: install it (for example with pyenv install 3.12) and try again." >&2
exit 1
