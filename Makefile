# Two commands for users (see README): `make demo` and `make test`.
# Both create .venv if it is missing and install the package into it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow test-all install bench clean

$(STAMP): setup.cfg pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian run 'apt-get install python3-venv'"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,web,dask,pandapower,pypsa,scip]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m siting run scenarios/korea_default.toml --out out --html

# The README's test command: lint, types and every test not marked slow (unit, property, brute
# force on toys, Korea at coarse spacing, the docstring examples that do not solve on Korea, the
# notebooks with SITING_QUICK=1, the browser test),
# one pytest worker per core, each taking the next test when free. About 5 minutes on two cores
# (5 m 37 s measured in a fresh clone with the install, nothing else running; budget 6 minutes).
test: $(STAMP)
	$(VENV)/bin/ruff check siting tests scripts benchmarks
	$(VENV)/bin/ruff format --check siting tests scripts benchmarks
	$(VENV)/bin/mypy siting
	$(PY) -m pytest -m "not slow" -n auto --dist worksteal

# The slow checks alone (the full default scenario, N-1 on the whole grid, the full notebooks).
test-slow: $(STAMP)
	$(PY) -m pytest -m slow -n auto --dist worksteal

# Everything: what CI runs.
test-all: test test-slow

bench: $(STAMP)
	$(PY) benchmarks/bench_reduction.py

clean:
	rm -rf out build dist *.egg-info
