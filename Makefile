# Two commands do all set-up on a fresh machine:
#   make demo   creates .venv, installs medinfo, ingests the bundled corpus and answers sample questions
#   make test   creates .venv (if needed) and runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export MEDINFO_DATA_DIR ?= $(HOME)/.medinfo

.PHONY: venv web demo serve test test-fast lint gate eval-full clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: a bare torch requirement would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test,postgres]"
	touch $@

# PDF.js from npm, served by the app itself (no CDN): the web pages show a cited PDF page as printed.
# Without npm the pages still work and show the stored page text.
WEB_VENDOR := assistant/server/web/vendor
web: $(WEB_VENDOR)/node_modules/.installed

$(WEB_VENDOR)/node_modules/.installed: $(WEB_VENDOR)/package.json $(WEB_VENDOR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(WEB_VENDOR) --omit=optional --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "warning: npm not found: the web pages will show cited PDF pages as text (apt-get install npm)"; fi

demo: venv web
	$(BIN)/medinfo ingest corpus; test $$? -le 3
	$(BIN)/medinfo ask "What is the recommended starting dose of warfarin?"
	$(BIN)/medinfo ask "Is metformin contraindicated in severe renal impairment?"
	$(BIN)/medinfo ask "What is the recommended dose of apixaban?"
	@echo
	@echo "Serve the chat endpoint and web page with: $(BIN)/medinfo serve --no-auth  (http://127.0.0.1:8000)"

serve: venv web
	$(BIN)/medinfo serve

# All tiers (unit, integration, system), then the release gate.
test: venv web
	$(BIN)/python -m pytest -q tests
	$(MAKE) gate

# The unit tier alone: no store, no subprocess (under a minute).
test-fast: venv
	$(BIN)/python -m pytest -q -m "not slow" tests

lint: venv
	$(BIN)/ruff check assistant ingest eval tests bench
	$(BIN)/mypy

# The release gate: golden sets against eval/thresholds.yaml, on the offline default, in two stores:
#  - the bundled corpus: labels, pubmedqa, consumer_drugs, followups (conversation turns), out_of_corpus
#    (PubMedRS-200 test half) and the safety messages held out from the fitted safety classifiers (their flags);
#  - the bundled corpus plus the documents of the held-out literature and consumer sets (eval/golden/docs:
#    BioASQ gold snippets, MEDIQA graded passages): the fixed test samples of bioasq and mediqa.
# Tuning uses the dev samples in eval/golden/dev/ only (eval/golden/build_dev_sets.py).
GATE_DIR ?= .medinfo-gate
GATE_DEV_DIR ?= .medinfo-gate-heldout
gate: venv
	$(BIN)/medinfo ingest corpus --data-dir $(GATE_DIR) > /dev/null
	mkdir -p reports
	$(BIN)/medinfo eval eval/golden/labels.jsonl eval/golden/pubmedqa.jsonl eval/golden/out_of_corpus.jsonl \
		eval/golden/consumer_drugs.jsonl eval/golden/followups.jsonl eval/golden/safety_holdout6.jsonl \
		eval/golden/safety_holdout19.jsonl eval/golden/safety_holdout20.jsonl eval/golden/safety_holdout21.jsonl \
		--data-dir $(GATE_DIR) \
		--thresholds eval/thresholds.yaml --junit reports/eval.xml --report reports/eval.html
	$(BIN)/medinfo ingest corpus --data-dir $(GATE_DEV_DIR) > /dev/null
	$(BIN)/medinfo ingest eval/golden/docs --data-dir $(GATE_DEV_DIR) > /dev/null
	$(BIN)/medinfo eval eval/golden/bioasq.jsonl eval/golden/mediqa.jsonl --data-dir $(GATE_DEV_DIR) \
		--thresholds eval/thresholds.yaml --baseline eval/baseline-heldout.json \
		--junit reports/eval-heldout.xml --report reports/eval-heldout.html

# The whole test splits (and dev beside them), built from ../shared/data (development data, not shipped):
# every set's dev and test side by side in reports/eval-full-*.json. Takes ~15 min.
SHARED ?= ../shared/data
FULL_DIR ?= .medinfo-eval-full
eval-full: venv
	test -d $(SHARED)/dev || { echo "eval-full needs the development data at SHARED=$(SHARED)"; exit 2; }
	$(BIN)/python eval/golden/build_dev_sets.py --shared $(SHARED) --full reports/golden-full
	$(BIN)/medinfo ingest corpus --data-dir $(FULL_DIR) > /dev/null
	$(BIN)/medinfo ingest reports/golden-full/docs --data-dir $(FULL_DIR) > /dev/null
	$(BIN)/medinfo ingest reports/golden-full/labels_unseen_docs --approve --data-dir $(FULL_DIR) > /dev/null
	for split in test dev; do \
		d=reports/golden-full; [ $$split = dev ] && d=reports/golden-full/dev; \
		$(BIN)/medinfo eval $$d/bioasq.jsonl $$d/mediqa.jsonl $$d/consumer_drugs.jsonl $$d/labels_unseen.jsonl \
			eval/golden/out_of_corpus.jsonl \
			--data-dir $(FULL_DIR) --thresholds eval/thresholds.yaml --json > reports/eval-full-$$split.json; \
	done; $(BIN)/python eval/summarise.py reports/eval-full-test.json reports/eval-full-dev.json

clean:
	rm -rf $(VENV) *.egg-info
