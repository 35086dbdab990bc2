# Two commands a newcomer needs: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt bench clean install migrate seed

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PYTHON)) để chạy dự án."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

# make run is the developer setup: DEBUG on, SQLite unless DATABASE_URL is set.
PORT ?= 8000
# Links in the e-mails queued by seed_demo and sent by the worker point at this server unless
# SITE_URL is set (`make run PORT=8001` used to send links to :8000).
seed run: export SITE_URL ?= http://127.0.0.1:$(PORT)
seed: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

# The job worker (e-mail, exports) runs beside the web server, as in production; it is stopped
# when the web server stops (Ctrl+C or any exit).
run: seed
	@DEBUG=1 $(BIN)/python manage.py db_worker --no-reload --verbosity 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Bộ chạy tác vụ nền (db_worker) đang chạy, mã tiến trình $$worker."; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	DEBUG=1 $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
