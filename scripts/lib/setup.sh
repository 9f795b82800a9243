# Shared by scripts/demo and scripts/test: find Python >= 3.12 and prepare .venv.
# Source it from the repository root.

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3 \
      "$HOME"/.pyenv/versions/3.13*/bin/python3.13 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 \
      /root/.pyenv/versions/3.13*/bin/python3.13 /root/.pyenv/versions/3.12*/bin/python3.12; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys, sqlite3, ssl; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

setup_venv() {
  # $1: the extra to install ("dev" for the tests), or empty.
  local extra="${1:-}" python
  if ! python=$(find_python); then
    echo "Ouderportaal needs Python 3.12 or newer (Django 6.1 requires it)." >&2
    echo "Install it (e.g. 'apt-get install python3.12' or 'pyenv install 3.12') and run again," >&2
    echo "or point PYTHON at it: PYTHON=/path/to/python3.12 $0" >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    rm -rf .venv
    "$python" -m venv .venv
  fi
  if [ ! -x .venv/bin/uv ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check uv
  fi
  local target="."
  [ -n "$extra" ] && target=".[$extra]"
  UV_PYTHON_DOWNLOADS=never .venv/bin/uv pip install --quiet --python .venv/bin/python -e "$target"
  # Translations are compiled from the .po catalogues at every setup.
  DJANGO_SETTINGS_MODULE=ouderportaal.settings_test .venv/bin/ouderportaal compile_translations >/dev/null
}
