"The experiment notebook through papermill at the smoke preset, as `make demo` and users run it."
import csv, json, math, os, subprocess, threading, time
import pytest
from conftest import BIN, ROOT

def check_outputs(tmp_path, method, out):
    curve = tmp_path / 'res' / 'smoke' / 'halfcheetah_2x3' / method / 'seed0.csv'  # <results_root>/<preset>/<task>/<method>/seed<k>.csv
    rows = list(csv.DictReader(open(curve)))
    assert [int(x['step']) for x in rows] == [0, 1000, 2000] and all(math.isfinite(float(x['return'])) for x in rows)
    rec = json.loads(curve.with_suffix('.json').read_text())  # the provenance record beside the curve
    assert (rec['preset'], rec['task'], rec['method'], rec['seed'], rec['status']) == ('smoke', 'halfcheetah_2x3', method, 0, 'finished')
    ckpts = tmp_path / 'run' / 'checkpoints'  # the runner's checkpoint store: LATEST names the newest complete checkpoint
    assert (ckpts / (ckpts / 'LATEST').read_text().strip() / 'state.pt').exists() and out.exists()
    assert 'paper_mean' in out.read_text()  # the paper's numbers were shown beside ours

def test_exp_notebook_smoke_mappo(tmp_path):
    out = tmp_path / 'exp_mappo.ipynb'
    r = subprocess.run([str(BIN / 'papermill'), str(ROOT / 'nbs' / 'exp_mamujoco.ipynb'), str(out), '-k', 'python3',
                        '-p', 'task', 'halfcheetah_2x3', '-p', 'method', 'mappo', '-p', 'preset', 'smoke',
                        '-p', 'run_dir', str(tmp_path / 'run'), '-p', 'results_root', str(tmp_path / 'res'), '-p', 'threads', '1'],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    check_outputs(tmp_path, 'mappo', out)

def test_exp_notebook_progress_reaches_the_terminal(tmp_path):
    "As a user runs it (papermill's defaults, an output path, parameters only): the terminal sees the preset and progress lines with an ETA while the run goes on."
    out = tmp_path / 'exp_dima.ipynb'
    env = {k: v for k, v in os.environ.items() if k not in ('DIMA_NO_PROGRESS', 'DIMA_PROGRESS_INTERVAL', 'PYTEST_CURRENT_TEST')}
    p = subprocess.Popen([str(BIN / 'papermill'), str(ROOT / 'nbs' / 'exp_mamujoco.ipynb'), str(out),
                          '-p', 'task', 'halfcheetah_2x3', '-p', 'preset', 'smoke',
                          '-p', 'run_dir', str(tmp_path / 'run'), '-p', 'results_root', str(tmp_path / 'res')],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    lines = []  # (arrival time, line) as the terminal would show them
    def read(stream):
        for line in stream:  # papermill's own bar redraws with carriage returns and no newline: a line of ours may follow it
            for part in line.rstrip('\n').split('\r'):
                cut = [part.find(m) for m in ('[progress] ', 'dima on ', 'expected wall time: ') if m in part]
                lines.append((time.monotonic(), part[min(cut):] if cut else part))
    readers = [threading.Thread(target=read, args=(s,), daemon=True) for s in (p.stdout, p.stderr)]
    for t in readers: t.start()
    rc = p.wait(timeout=900); end = time.monotonic()
    for t in readers: t.join(timeout=10)
    text = '\n'.join(l for _, l in lines)
    assert rc == 0, text[-3000:]
    check_outputs(tmp_path, 'dima', out)
    assert any(l.startswith('dima on halfcheetah_2x3, seed 0, 2,000 env steps on ') and l.endswith(': preset smoke (as asked)')
               for _, l in lines), text[-3000:]
    assert any(l.startswith('expected wall time: ') for _, l in lines), text[-3000:]
    prog = [(t, l) for t, l in lines if l.startswith('[progress] dima halfcheetah_2x3 seed 0 (smoke)')]
    live = [(t, l) for t, l in prog if '| ETA ' in l and 'done;' not in l]
    assert len(live) >= 2, text[-3000:]  # a line at the first pass and at each evaluation
    assert any('provisional' in l for _, l in live) and any('| return ' in l for _, l in live), text[-3000:]
    # they arrived while the notebook still ran (the curve cell and the kernel's shutdown come after training), not at the end
    assert end - live[0][0] > 1.0, (end - live[0][0], text[-3000:])
    assert any('2,000/2,000 env steps (100%)' in l and 'done; ETA 0:00:00' in l for _, l in prog), text[-3000:]
