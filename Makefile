# Limen: the commands a newcomer needs. `make run` to try it, `make test` before every commit.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: help setup run serve test test-services lint fmt messages translations bench screenshots train-detector clean

help:
	@echo "make run     set up (venv, install, translations, migrate, demo data) and serve web + worker + beat"
	@echo "make test    lint and run the whole test suite"
	@echo "make bench   print the benchmark figures"
	@echo "make screenshots   retake the README's screenshots (docs/screenshots/) from the demo"
	@echo "make train-detector   retrain the slip detector's learned stage after the corpus changed"
	@echo "make lint | fmt | messages | clean"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Limen needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

translations: $(STAMP)
	$(BIN)/python manage.py compile_translations

setup: $(STAMP) translations
	$(BIN)/python manage.py migrate --noinput

run: setup
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  Limen is starting on http://127.0.0.1:$(PORT)  (Ctrl-C stops web, worker and beat)"
	@echo "  Demo logins, all with the password limen-demo-2026:"
	@echo "    Harbour Counselling:  admin@harbour.example, supervisor@harbour.example,"
	@echo "                          supervisor2@harbour.example, ana@harbour.example, ben@harbour.example"
	@echo "    Lindenhof Coaching:   admin@lindenhof.example, supervisor@lindenhof.example,"
	@echo "                          chloe@lindenhof.example, daan@lindenhof.example"
	@echo
	@$(MAKE) --no-print-directory serve

# The three processes of the Procfile; the virtualenv goes first on PATH so they find gunicorn
# and celery without an activated environment. honcho gives each process its own PORT, so the
# links the worker sends (SITE_URL) are pinned to the web process's port here.
serve: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=127.0.0.1 DEBUG=$${DEBUG:-1} \
		SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
		$(BIN)/honcho -f Procfile start -p $(PORT) web worker beat

# The suite runs on every core (pytest-xdist, one test database per worker), a test file at a
# time per worker: a module that builds its scenario once keeps it for all its tests.
# Compiled modules (and pytest's assertion-rewritten tests) are kept in __pycache__ even where
# the shell sets PYTHONDONTWRITEBYTECODE: without them every worker compiles the whole project
# and suite again on every run, about six seconds of CPU each.
PYTEST_WORKERS ?= auto
test: $(STAMP) translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract new strings into locale/*/LC_MESSAGES/django.po (needs GNU gettext's xgettext). All
# translations live in locale/ (LOCALE_PATHS), none in app directories; file names without line
# numbers keep the catalogues stable while code moves.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --no-obsolete --add-location=file -l nl -l de -l fr \
		--ignore '.venv/*' --ignore 'data/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'test-results/*'
	$(BIN)/python manage.py compile_translations

bench: setup
	$(BIN)/python bench/run_all.py

# The README's pictures, from the seeded demo in headless Chromium; commit what changed.
screenshots: $(STAMP) translations
	LIMEN_SCREENSHOTS=1 $(BIN)/pytest tests/browser/test_screenshots.py

# The slip detector's learned stage is trained from tests/data/slips_corpus.jsonl,
# tests/data/slips/dev/ and the retired blind batches (never the newest, nor any batch before
# its first score; see journal/slips/corpus.py) and committed with the corpus's hash; a test
# fails when the corpus changed and this was not run.
train-detector: $(STAMP)
	$(BIN)/python manage.py train_slip_model

clean:
	rm -rf $(VENV) data/static .pytest_cache .ruff_cache
