"A sweep on a real local Ray instance (the `ray` extra, which CI installs), beside the notebook's stand-in test."
import csv, json
from pathlib import Path
import nbformat
import pytest

ray = pytest.importorskip('ray', reason='the ray extra is not installed: pip install "dima_nb[ray]"')
from dima_nb.runs.sweep import grid, run_sweep

def tiny_notebook(path:Path)->Path:
    "Writes x*10 to <out>/<x>.txt and the worker's process id beside it; fails for x == 2."
    nb = nbformat.v4.new_notebook()
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    params = nbformat.v4.new_code_cell("x = 1\nout = '.'"); params.metadata['tags'] = ['parameters']
    work = nbformat.v4.new_code_cell("import os\nfrom pathlib import Path\n"
                                     "if x == 2: raise ValueError('x=2 is bad')\n"
                                     "Path(out).mkdir(parents=True, exist_ok=True)\n"
                                     "Path(out, f'{x}.txt').write_text(str(x * 10))")
    nb.cells = [params, work]
    nbformat.write(nb, path); return path

def test_sweep_on_local_ray(tmp_path, monkeypatch):
    # a loaded 2-core machine can take longer than Ray's default 30 s to start its agents: allow 2 minutes
    monkeypatch.setenv('RAY_agent_register_timeout_ms', '120000'); monkeypatch.setenv('RAY_raylet_start_wait_time_s', '120')
    nb = tiny_notebook(tmp_path / 'tiny.ipynb')
    assert not ray.is_initialized()
    res = run_sweep(grid(nb, x=[1, 2, 3], out=str(tmp_path / 'files')), out_dir=tmp_path / 'sweep', ray_address='local',
                    num_cpus=1, quiet=True)
    assert not ray.is_initialized()  # the sweep started its own instance and shut it down
    assert [r.status for r in res] == ['ok', 'failed', 'ok']
    assert 'ValueError: x=2 is bad' in res[1].error, res[1].error
    assert [(tmp_path / 'files' / f'{x}.txt').read_text() for x in (1, 3)] == ['10', '30']
    assert all(Path(r.output).exists() for r in res)  # executed notebooks, the failed one with its traceback
    table = list(csv.DictReader(open(tmp_path / 'sweep' / 'sweep.csv')))
    assert [t['status'] for t in table] == ['ok', 'failed', 'ok'] and json.loads(table[2]['params'])['x'] == 3
