# The everyday commands. `make pdf` creates the environment on first run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
# The exact versions the suite is run with; `make lock` refreshes them.
LATEST := .venv-latest
TEST_WORKERS ?= 2
NODE := tests/node
NODE_STAMP := $(NODE)/node_modules/.installed-stamp
ARGS ?=
ITEMS ?=
# 200 to 100,000 handouts; a full run takes about half an hour on 2 cores.
SCALE_ARGS ?= --count 200 --count 2000 --count 10000 --huge 100000 --pairs 2 --pdfs 2000

.PHONY: pdf html booklet all check new clean test test-latest lock venv bench watch \
	serve golden system-deps

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	@# -qq: setuptools warns at every editable install of a package with folders
	@# of data (the theme's), a warning for its developers
	$(PY) -m pip install -qq --no-deps -e .
	touch $(STAMP)

lock: $(STAMP)  ## re-pin requirements.lock to the newest releases pyproject.toml allows
	$(PY) -m pip install --quiet 'uv>=0.9,<1'
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--upgrade --quiet --custom-compile-command 'make lock' --output-file $(LOCK)

venv: $(STAMP)

$(NODE_STAMP): $(NODE)/package.json $(NODE)/package-lock.json  # axe-core and vnu for the tests
	cd $(NODE) && npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

pdf: $(STAMP)  ## build every handout: output/pdf/*.pdf and output/html/*.html
	$(PY) build.py html $(ARGS)
	$(PY) build.py pdf $(ARGS)

html: $(STAMP)
	$(PY) build.py html $(ARGS)

booklet: $(STAMP)  ## bind every handout into output/booklet.pdf (ARGS="--duplex")
	$(PY) build.py booklet $(ARGS)

check: $(STAMP)
	$(PY) build.py check $(ARGS)

new: $(STAMP)  ## scaffold a handout: make new ITEMS="Kafka Pulsar" (quote names with spaces)
	$(PY) build.py new $(ITEMS) $(ARGS)

system-deps:
	@command -v chromedriver >/dev/null && command -v pdftoppm >/dev/null \
		&& command -v java >/dev/null && command -v qpdf >/dev/null \
		&& command -v zbarimg >/dev/null \
		&& fc-list | grep -q NotoSansCJK || scripts/install-system-deps

test: $(STAMP) system-deps $(NODE_STAMP)  ## the suite, on the versions of requirements.lock
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=20 $(ARGS)

test-latest: system-deps $(NODE_STAMP)  ## the suite on the newest releases pyproject.toml allows
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	$(LATEST)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(ARGS)

watch: $(STAMP)
	$(PY) build.py watch $(ARGS)

serve: $(STAMP)
	$(PY) build.py serve $(ARGS)

clean: $(STAMP)
	$(PY) build.py clean

bench: $(STAMP)
	$(PY) bench/bench.py $(ARGS)
	$(PY) bench/scale.py --write $(SCALE_ARGS)

golden: $(STAMP)  ## re-render tests/golden/ from tests/fixtures/; look before committing
	$(PY) tests/support/golden.py
