# Two commands matter: `make site` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve generate lint eval bench deploy clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

generate: $(STAMP)
	$(BIN)/python -m generator build

site: generate
	$(BIN)/mkdocs build --strict
	$(BIN)/python -m generator search-index --site site

# The watcher regenerates docs/ when papers/ or review.yml change; mkdocs serve reloads.
serve: generate
	$(BIN)/python -m generator watch & trap 'kill $$!' EXIT INT TERM; \
	$(BIN)/mkdocs serve --livereload --dev-addr 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# Synthetic corpora at 1k, 10k and 100k papers (or SIZES="1000 10000"): times and memory.
SIZES ?= 1000 10000 100000
bench: $(STAMP)
	$(BIN)/python -m bench.run $(SIZES)

eval: $(STAMP)
	$(BIN)/python -m eval.evaluate

deploy: site
	$(BIN)/mkdocs gh-deploy --force

clean:
	rm -rf site docs/review docs/downloads .review-cache
