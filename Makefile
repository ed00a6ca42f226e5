# ferrox — build, lint and test. `make test` is what CI runs.
# The Rust target directory lives outside the clone so rebuilds are incremental.
# clippy and the Rust tests use the release profile, the one pip builds, so the
# large dependencies (polars, arrow) are not compiled a second time in debug.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/ferrox-target
# pip's build (maturin) sets PyO3's build variables, which cargo's own runs
# do not: in one shared directory every switch between the two would rebuild
# pyo3 and everything above it, so the wheel is built in a directory of its own.
WHEEL_TARGET_DIR ?= $(HOME)/.cache/ferrox-wheel-target
PYTHON ?= python3
PYTEST_FLAGS ?=

.PHONY: test install lint rust-lint rust-test py-lint pytest demo bench clean

test: install lint rust-test pytest

install:
	CARGO_TARGET_DIR=$(WHEEL_TARGET_DIR) $(PYTHON) -m pip install --quiet --upgrade ".[test]"

lint: rust-lint py-lint

rust-lint:
	cargo fmt --check
	cargo clippy --release --all-targets -- -D warnings
	@# PyO3 stays at the edge: src/python/ and the executor's Python-task module.
	@if grep -rln "pyo3" src --include=*.rs | grep -v -e '^src/python/' -e '^src/executor/pytask.rs$$' -e '^src/lib.rs$$'; then \
		echo "pyo3 used outside src/python/ and src/executor/pytask.rs"; exit 1; fi

rust-test:
	cargo test --release

py-lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

# Tests, then the doctests of the installed package (notebooks run under tests/).
pytest:
	$(PYTHON) -m pytest $(PYTEST_FLAGS) tests --doctest-modules --pyargs ferrox

demo:
	CARGO_TARGET_DIR=$(WHEEL_TARGET_DIR) $(PYTHON) -m pip install --quiet .
	$(PYTHON) -m ferrox.demo

bench:
	CARGO_TARGET_DIR=$(WHEEL_TARGET_DIR) $(PYTHON) -m pip install --quiet --upgrade ".[bench]"
	$(PYTHON) benchmarks/run.py

clean:
	cargo clean
	rm -rf $(WHEEL_TARGET_DIR)
