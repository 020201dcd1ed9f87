"`make demo`'s entry point, run as a user would."
import csv, math, subprocess
from conftest import BIN

def test_demo_cli_writes_returns(tmp_path):
    r = subprocess.run([str(BIN / 'dima-demo'), '--task', 'halfcheetah_2x3', '--episodes', '2', '--out', str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(open(tmp_path / 'random_halfcheetah_2x3.csv')))
    assert len(rows) == 2
    assert all(int(x['length']) == 1000 and math.isfinite(float(x['return'])) for x in rows)
    assert 'env steps/s' in r.stdout

def test_demo_cli_rejects_unknown_task(tmp_path):
    r = subprocess.run([str(BIN / 'dima-demo'), '--task', 'hopper_3x1', '--out', str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and 'valid tasks' in r.stderr
