#!/usr/bin/env bash
# What the tests need beyond Rust, installed if missing:
# - Python's xmlschema: REFI-QDA exports validated against the official
#   schemas (crates/refi/tests/schema.rs, scripts/validate-refi.py);
# - scikit-learn and krippendorff: the reference implementations that
#   strand-agreement is checked against (scripts/agreement-reference.py);
# - tmux: the test that drives `strand review` by sending keys
#   (crates/strand/tests/review_tmux.rs);
# - Chromium (Debian's `chromium`): the browser tests that open the report
#   and the web-based directory headless (crates/strand/tests/browser.rs).
set -euo pipefail
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    xmlschema scikit-learn krippendorff
missing=()
command -v tmux >/dev/null || missing+=(tmux)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi
