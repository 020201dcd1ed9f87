# One-command setup, tests and demo. Every target creates .venv first if it is missing.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.dima_nb-installed
TORCH := torch==2.13.0
# Optional extras of the package to install with it (CI adds ray: `make test EXTRAS=dev,ray`).
EXTRAS ?= dev
export MPLBACKEND ?= Agg
# Tests use small tensors: one thread per process avoids oversubscribing the cores when notebooks run in parallel.
test test-slow docs: export OMP_NUM_THREADS ?= 1
# MuJoCo renders headless through EGL (it reads MUJOCO_GL once, at its first import in a process).
test test-slow: export MUJOCO_GL ?= egl

.PHONY: install demo test test-slow docs export clean-nbs readme lab

install: $(STAMP)

# The stamp is rebuilt when the requirements change; torch is pinned exactly and installed first so
# that no other package can pull a different (CUDA) build.
$(STAMP): settings.ini setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	$(BIN)/python -m ipykernel install --user --name dima_nb --display-name "Python (dima_nb)" >/dev/null
	@# The kernel's own start-up notice (a kernel on localhost over TCP, unencrypted) is not ours to act on: keep the terminal for the run.
	@mkdir -p $(VENV)/etc/ipython && printf '%s\n' "# Written by make install (dima_nb): only the kernel app's errors reach the terminal." \
		"c.IPKernelApp.log_level = 'ERROR'" > $(VENV)/etc/ipython/ipython_kernel_config.py
	@touch $(STAMP)

# The experiment notebook at the smoke preset: DIMA on halfcheetah_2x3 end to end in about a minute on a CPU.
# Everything it writes (executed notebook, run folder, curve and its record) goes under outputs/tmp/demo/, which git
# ignores: the demo changes no tracked file. resume False moves an earlier demo run aside.
demo: $(STAMP)
	@mkdir -p outputs/tmp/demo
	$(BIN)/papermill nbs/exp_mamujoco.ipynb outputs/tmp/demo/exp_mamujoco_smoke.ipynb -k python3 --log-level WARNING \
		-p task halfcheetah_2x3 -p method dima -p preset smoke -p resume False \
		-p run_dir outputs/tmp/demo/run -p results_root outputs/tmp/demo/results

# nbdev_test runs every notebook (cells flagged slow or gpu are skipped); pytest runs tests/.
test: $(STAMP)
	$(BIN)/nbdev_test --n_workers 2 --timing
	$(BIN)/python -m pytest -q tests

test-slow: $(STAMP)
	$(BIN)/nbdev_test --n_workers 1 --flags "slow"

# The documentation site, one page per notebook with the API as nbdev documents it, under _docs/ (ignored by git):
# open _docs/index.html, or serve it with `python3 -m http.server -d _docs`. tools/build_docs.py says why not Quarto.
docs: $(STAMP)
	$(BIN)/python tools/build_docs.py --dest _docs

# After editing notebooks: regenerate dima_nb/, strip outputs, rebuild the README.
export: $(STAMP)
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean
	$(MAKE) readme

readme: $(STAMP)
	$(BIN)/jupyter nbconvert --to markdown --log-level WARN nbs/index.ipynb --output-dir . --output README

lab: $(STAMP)
	$(BIN)/jupyter lab nbs $(if $(filter 0,$(shell id -u)),--allow-root,)
