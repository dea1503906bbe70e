# Two commands: `make run` (set up everything and serve on http://127.0.0.1:8000)
# and `make test` (the whole suite). DATABASE_URL picks PostgreSQL; unset means SQLite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
# Both commands run locally over http://127.0.0.1: DEVELOPMENT=1 relaxes the production-only
# settings (HTTPS redirect, HSTS, secure cookies, refusing development secrets). See README.
export DEVELOPMENT ?= 1

.PHONY: run test setup messages

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py create_signing_certificate
	$(PY) manage.py seed_demo

run: setup
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m pytest

# The English catalogue: collect new strings into egov_plan/locale/en/LC_MESSAGES/django.po
# (translate them there), then compile both catalogues. Needs GNU gettext; the .mo files are
# committed, so `make run` does not. See README, "Languages".
MAKEMESSAGES_IGNORE := --ignore "tests/*" --ignore "var/*" --ignore "static/*"
messages: $(STAMP)
	$(PY) manage.py makemessages -l en --add-location file $(MAKEMESSAGES_IGNORE)
	$(PY) manage.py compilemessages -l en -l bn --ignore ".venv" --ignore "var"
