# Developer shortcuts; CI runs the same gates (.ci/lint) from .ci/run.
.PHONY: lint format test check

lint:  ## ruff check, ruff format --check, mypy: zero findings
	.ci/lint

format:  ## rewrite the code in the house format
	ruff format src tests bench
	ruff check --fix src tests bench

test:  ## the whole test suite
	pytest -q

check: lint test
