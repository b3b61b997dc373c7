# make all   set up (.venv, the package, Debian packages) and run the pipeline
# make test  same set-up, then the test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# gettext: msgfmt/msgcat (oracles, and formatting of rare scripts); apertium*: offline MT;
# chromium: browser tests of the pages people look at; munge slurm*: the one-node SLURM cluster of
# tests/test_cluster.py (daemons started by the test itself, in a temporary folder); strace: kills a job
# at an exact system call (tests/test_catalog_safety_e2e.py).
APT_PACKAGES := gettext apertium apertium-eng-spa apertium-eng-cat apertium-en-gl apertium-fr-es \
                apertium-es-pt apertium-spa-ita chromium munge slurmctld slurmd slurm-client strace
# command:package — installed only when the command is missing (Node.js from NodeSource brings npm;
# any JRE runs the Nu checker): node and npm for axe-core, puppeteer-core, vnu-jar, lighthouse (package.json).
TOOL_PACKAGES := node:nodejs npm:npm java:default-jre-headless

.PHONY: all test setup system-deps node-deps lint check bench serve clean

all: setup
	$(BIN)/snakemake all

# One worker per core; an idle worker takes tests queued for the other (a module fixture may be built twice).
test: setup
	$(BIN)/python -m pytest -n auto --dist worksteal

setup: $(VENV)/.installed system-deps node-deps

# npm packages of the browser and markup checks, pinned in package.json / package-lock.json, into node_modules/.
node-deps: system-deps
	@$(MAKE) -q node_modules/.installed 2>/dev/null || $(MAKE) --no-print-directory node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm is missing: the browser and HTML checks will skip (install nodejs and npm)"; fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Installs what is missing with apt-get when it can (root, or password-less sudo); otherwise
# prints the exact command and carries on (tests that need a missing tool skip, saying why).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	for t in $(TOOL_PACKAGES); do command -v $${t%%:*} >/dev/null || missing="$$missing $${t#*:}"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; \
	else echo "Missing Debian packages:$$missing"; \
	     echo "Install them with: sudo apt-get install -y$$missing"; exit 0; fi; \
	echo "Installing Debian packages:$$missing"; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq$$missing >/dev/null

lint: setup
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/mypy --strict pipeline
	$(BIN)/snakemake --lint

check: setup
	$(BIN)/snakemake check

# Previews, site and report on http://127.0.0.1:8000/, rebuilt and reloaded on every save (PORT=8001 make serve)
serve: setup
	$(BIN)/clinic-l10n serve --port $(or $(PORT),8000)

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf output .snakemake test-artifacts
