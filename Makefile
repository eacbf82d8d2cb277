# The README's commands. `make run` and `make test` work on a fresh machine with Python >= 3.11.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
# The host name users type; set so that Streamlit never looks up a public IP (no internet here).
SERVER_ADDRESS ?= localhost
export MINGDE_DB ?= data/mingde.db
export MINGDE_CONTENT ?= content

.PHONY: run run-cluster test test-pg lint format venv clean e2e faults bench bench-load bench-nodes

venv: $(VENV)/.installed

# Re-install when the project's dependencies change.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: venv
	$(BIN)/mingde demo --if-empty
	$(BIN)/streamlit run app.py --server.port $(PORT) --browser.serverAddress $(SERVER_ADDRESS)

# Several Streamlit processes behind nginx (Debian's nginx-light), sharing the database. With
# MINGDE_DB=postgresql://… they are nodes sharing nothing but the database; NETNS=1 (root): each in a
# network namespace of its own (docs/deployment.md).
WORKERS ?= 2
NODES ?= $(WORKERS)
NETNS ?=
run-cluster: venv
	$(BIN)/mingde demo --if-empty
	$(BIN)/python deploy/cluster.py --nodes $(NODES) --port $(PORT) --server-address $(SERVER_ADDRESS) $(if $(NETNS),--netns)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite on PostgreSQL: a throwaway cluster for the run (tests/pgcluster.py; needs Debian's
# postgresql server binaries), each test database a schema of its own; tests about SQLite skipped.
test-pg: venv
	MINGDE_TEST_BACKEND=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: venv
	$(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

faults: venv
	$(BIN)/python -m pytest -m faults $(PYTEST_ARGS)

# Benchmarks are run by hand; they append their results to docs/benchmarks.md.
bench: venv
	$(BIN)/python bench/bench_submit.py --out docs/benchmarks.md
	$(BIN)/python bench/bench_pages.py --out docs/benchmarks.md
	$(BIN)/python bench/bench_cli.py --out docs/benchmarks.md

# SQLite beside PostgreSQL (a throwaway cluster), one node beside two: about 3 minutes.
bench-nodes: venv
	$(BIN)/python bench/bench_nodes.py --out docs/benchmarks-nodes.md

# The load benchmarks through the real server take about an hour on 2 cores (see bench/load_README.md).
bench-load: venv
	$(BIN)/python bench/load_live.py live --teams 60 --questions 10 --out docs/benchmarks-load.md
	$(BIN)/python bench/load_live.py contest --participants 300 --think 10 --out docs/benchmarks-load.md
	$(BIN)/python bench/load.py --start-server --sweep 50,100,200,300,500 --think 15 --ramp 60 --duration 0 \
		--timeout 60 --out docs/benchmarks-load.md
	$(BIN)/python bench/load.py --start-server --workers 2 --sweep 300,500 --think 15 --ramp 60 --duration 0 \
		--timeout 60 --out docs/benchmarks-load.md

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/e2e/screenshots
