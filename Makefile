# The everyday commands. `make pdf` creates the environment on first run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
ARGS ?=

.PHONY: pdf html all check clean test venv bench watch serve

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

pdf: $(STAMP)  ## build every handout: output/pdf/*.pdf and output/html/*.html
	$(PY) build.py html $(ARGS)
	$(PY) build.py pdf $(ARGS)

html: $(STAMP)
	$(PY) build.py html $(ARGS)

check: $(STAMP)
	$(PY) build.py check $(ARGS)

test: $(STAMP)
	@command -v chromedriver >/dev/null || scripts/install-system-deps
	$(PY) -m pytest $(ARGS)

watch: $(STAMP)
	$(PY) build.py watch $(ARGS)

serve: $(STAMP)
	$(PY) build.py serve $(ARGS)

clean: $(STAMP)
	$(PY) build.py clean

bench: $(STAMP)
	$(PY) bench/bench.py $(ARGS)
