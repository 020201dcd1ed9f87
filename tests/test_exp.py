"The experiment notebook through papermill at the smoke preset, as `make demo` and users run it."
import csv, json, math, subprocess
import pytest
from conftest import BIN, ROOT

@pytest.mark.parametrize('method', ['dima', 'mappo'])
def test_exp_notebook_smoke(tmp_path, method):
    out = tmp_path / f'exp_{method}.ipynb'
    r = subprocess.run([str(BIN / 'papermill'), str(ROOT / 'nbs' / 'exp_mamujoco.ipynb'), str(out), '-k', 'python3',
                        '-p', 'task', 'halfcheetah_2x3', '-p', 'method', method, '-p', 'preset', 'smoke',
                        '-p', 'run_dir', str(tmp_path / 'run'), '-p', 'results_root', str(tmp_path / 'res'), '-p', 'threads', '1'],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    curve = tmp_path / 'res' / 'smoke' / 'halfcheetah_2x3' / method / 'seed0.csv'  # <results_root>/<preset>/<task>/<method>/seed<k>.csv
    rows = list(csv.DictReader(open(curve)))
    assert [int(x['step']) for x in rows] == [0, 1000, 2000] and all(math.isfinite(float(x['return'])) for x in rows)
    rec = json.loads(curve.with_suffix('.json').read_text())  # the provenance record beside the curve
    assert (rec['preset'], rec['task'], rec['method'], rec['seed'], rec['status']) == ('smoke', 'halfcheetah_2x3', method, 0, 'finished')
    ckpts = tmp_path / 'run' / 'checkpoints'  # the runner's checkpoint store: LATEST names the newest complete checkpoint
    assert (ckpts / (ckpts / 'LATEST').read_text().strip() / 'state.pt').exists() and out.exists()
    assert 'paper_mean' in out.read_text()  # the paper's numbers were shown beside ours
