# Two entry points on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 6379
ARGS ?=

.PHONY: run test venv test-deps compat bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

test-deps: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'

run: venv
	$(BIN)/shardis-server --port $(PORT) $(ARGS)

# The whole suite: unit, actor and client tests once, the compat suite against
# shardis with 1 and with 4 shards (and against redis-server when installed).
test: test-deps
	$(BIN)/python -m pytest tests --ignore=tests/compat
	SHARDIS_SHARDS=1 $(BIN)/python -m pytest tests/compat
	SHARDIS_SHARDS=4 SHARDIS_COMPAT_TARGETS=shardis $(BIN)/python -m pytest tests/compat
	$(BIN)/python examples/run_all.py
	$(BIN)/python tests/benchmarks/compare_redis.py --smoke --out .pytest_cache/bench-smoke

compat: test-deps
	$(BIN)/python -m pytest tests/compat

bench: test-deps
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python tests/benchmarks/compare_redis.py --out docs/performance

docs: venv
	$(BIN)/python -m protocol.commands.docgen

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
