# Two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test install browser lint format messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## run: install, migrate, load the demo data, start web + worker + beat (Ctrl-C stops all three)
run: install
	DEBUG=$${DEBUG:-1} DEMO_MODE=$${DEMO_MODE:-1} bin/run

## test: the whole suite (DATABASE_URL picks the database, SQLite by default)
test: install
	SECRET_KEY=$${SECRET_KEY:-test-only-insecure-key} $(BIN)/pytest $(PYTEST_ARGS)
	@# The browser tests, in a session of their own (docs/testing.md); none selected is fine.
	SECRET_KEY=$${SECRET_KEY:-test-only-insecure-key} $(BIN)/pytest -m e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

## browser: Debian's Chromium and axe-core for the browser tests (tests/e2e); without them
## `make test` skips those tests
browser:
	scripts/install-browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## messages: refresh the Vietnamese and English catalogues after changing marked strings
messages: install
	$(BIN)/python manage.py makemessages -l vi -l en --no-obsolete --add-location file
	$(BIN)/python manage.py makemessages -d djangojs -l vi -l en --no-obsolete --add-location file
	$(BIN)/python manage.py compilemessages --ignore '.venv'

clean:
	rm -rf $(VENV) var
