# Two commands do all set-up on a fresh machine:
#   make demo   creates .venv, installs medinfo, ingests the bundled corpus and answers sample questions
#   make test   creates .venv (if needed) and runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MEDINFO_DATA_DIR ?= $(HOME)/.medinfo

.PHONY: venv demo serve test test-fast lint gate eval-full clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: a bare torch requirement would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

demo: venv
	$(BIN)/medinfo ingest corpus; test $$? -le 3
	$(BIN)/medinfo ask "What is the recommended starting dose of warfarin?"
	$(BIN)/medinfo ask "Is metformin contraindicated in severe renal impairment?"
	$(BIN)/medinfo ask "What is the recommended dose of apixaban?"
	@echo
	@echo "Serve the chat endpoint and web page with: $(BIN)/medinfo serve --no-auth  (http://127.0.0.1:8000)"

serve: venv
	$(BIN)/medinfo serve

# All tiers (unit, integration, system), then the release gate.
test: venv
	$(BIN)/python -m pytest -q tests
	$(MAKE) gate

# The unit tier alone: no store, no subprocess (under a minute).
test-fast: venv
	$(BIN)/python -m pytest -q -m "not slow" tests

lint: venv
	$(BIN)/ruff check assistant ingest eval tests bench
	$(BIN)/mypy

# The release gate: the bundled golden sets against eval/thresholds.yaml, on the offline default.
GATE_DIR ?= .medinfo-gate
gate: venv
	$(BIN)/medinfo ingest corpus --data-dir $(GATE_DIR) > /dev/null
	mkdir -p reports
	$(BIN)/medinfo eval eval/golden/labels.jsonl eval/golden/pubmedqa.jsonl eval/golden/out_of_corpus.jsonl \
		--data-dir $(GATE_DIR) \
		--thresholds eval/thresholds.yaml --junit reports/eval.xml --report reports/eval.html

clean:
	rm -rf $(VENV) *.egg-info
