# Every target creates .venv and installs the project on first use, so a fresh clone needs nothing by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: test check demo bench notebook train install clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest tests

# the fast tier: tests marked unit in tests/conftest.py (under a minute); make test runs everything
check: $(STAMP)
	$(BIN)/python -m pytest tests -m unit

demo: $(STAMP)
	$(BIN)/cptscan scan corpora/demo/notes.jsonl -o /tmp/cptscan-demo-results.jsonl
	@echo "Chart reconciliation of the demo claims with the demo payer policy table (coder worklist, CSV):"
	$(BIN)/cptscan worklist corpora/demo/notes.jsonl corpora/demo/claims.jsonl --results /tmp/cptscan-demo-results.jsonl --policies corpora/demo/policies.csv --format csv
	@echo "Documentation query drafts, one per documentation gap of the demo notes (the text to send):"
	$(BIN)/cptscan queries /tmp/cptscan-demo-results.jsonl --notes corpora/demo/notes.jsonl -o /tmp/cptscan-demo-queries.jsonl
	@$(BIN)/python -c "import json; [print(json.loads(line)['text'], end='\n\n') for line in open('/tmp/cptscan-demo-queries.jsonl')]"

train: $(STAMP)
	$(BIN)/cptscan train

# the modules compiled first, as pip compiles an installed wheel's (this environment may not write bytecode)
bench: $(STAMP)
	$(BIN)/python -m compileall -q src/cptscan > /dev/null
	$(BIN)/python benchmarks/bench.py --shared $(SHARED)

notebook: $(STAMP)
	$(BIN)/python -m cptscan.evaluate.notebook notebooks/evaluation.ipynb

clean:
	rm -rf $(VENV) build src/*.egg-info
