"Model-free baselines end to end: the CLI, resume, NaN handling, bad checkpoints."
import csv, json, math, subprocess
import pytest, torch
from conftest import BIN
from dima_nb.runs.config import experiment_config
from dima_nb.runs.runner import Runner
from dima_nb.methods.modelfree import OnPolicy

def _cfg(tmp_path, method='mappo', steps=600, **ov):
    return experiment_config('smoke', task='linear_3agent', method=method, env_steps=steps,
                             overrides={'run.results_root': str(tmp_path / 'results'), 'run.eval_every': 200,
                                        'run.checkpoint_every': 200, 'rollout.rollout_len': 50} | ov)

@pytest.mark.parametrize('method', ['mappo', 'happo'])
def test_cli_smoke_run(tmp_path, method):
    r = subprocess.run([str(BIN / 'dima-train'), '--task', 'halfcheetah_2x3', '--method', method, '--preset', 'smoke',
                        '--run_dir', str(tmp_path / 'run'), '--set', f'{{"run.results_root": "{tmp_path / "res"}"}}'],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    rows = list(csv.DictReader(open(tmp_path / 'res' / 'smoke' / 'halfcheetah_2x3' / method / 'seed0.csv')))
    assert [int(x['step']) for x in rows] == [0, 1000, 2000] and all(math.isfinite(float(x['return'])) for x in rows)
    rec = json.loads((tmp_path / 'res' / 'smoke' / 'halfcheetah_2x3' / method / 'seed0.json').read_text())
    assert rec['preset'] == 'smoke' and rec['status'] == 'finished' and rec['env_steps'] == 2000 and rec['config']['run']['method'] == method
    assert rec['git']['commit'] and rec['packages']['torch'] and rec['seeds']['train_envs'] and 'v5' in rec['env_version']
    for f in ('config.json', 'checkpoints/LATEST', 'metrics/train.csv', 'metrics/eval.csv', 'metrics/perf.csv'): assert (tmp_path / 'run' / f).exists()
    assert any((tmp_path / 'run' / 'tb').iterdir())

def test_unknown_method_is_rejected(tmp_path):
    r = subprocess.run([str(BIN / 'dima-train'), '--method', 'qmix', '--preset', 'smoke', '--run_dir', str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and 'valid methods: dima, dima_joint, dima_chain, dima_chain_joint, mappo, happo' in r.stderr

def test_stop_and_resume_restores_everything(tmp_path):
    first = Runner(_cfg(tmp_path, steps=400), OnPolicy, tmp_path / 'run', quiet=True); first.run()
    w = {k: v.clone() for k, v in first.method.learner.actors.state_dict().items()}
    resumed = Runner(_cfg(tmp_path, steps=800), OnPolicy, tmp_path / 'run', quiet=True)
    assert (resumed.env_steps, resumed.method.updates) == (first.env_steps, first.method.updates) and resumed.env_steps == 400
    for k, v in resumed.method.learner.actors.state_dict().items(): assert torch.equal(v, w[k]), k
    assert [e['step'] for e in resumed.evals] == [e['step'] for e in first.evals]
    resumed.run()
    assert resumed.env_steps == 800 and [e['step'] for e in resumed.evals] == [0, 200, 400, 600, 800]

def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path, monkeypatch):
    Runner(_cfg(tmp_path, steps=400), OnPolicy, tmp_path / 'run', quiet=True).run()
    ptr = tmp_path / 'run' / 'checkpoints' / 'LATEST'; good = ptr.read_text()
    r2 = Runner(_cfg(tmp_path, steps=800), OnPolicy, tmp_path / 'run', quiet=True)
    monkeypatch.setattr(r2.method.learner, 'update', lambda *a, **k: {'value_loss': float('nan')})
    with pytest.raises(FloatingPointError, match='last good checkpoint'): r2.run()
    assert ptr.read_text() == good

def test_pointer_to_a_missing_checkpoint_gives_a_clear_error(tmp_path):
    (tmp_path / 'run' / 'checkpoints').mkdir(parents=True); (tmp_path / 'run' / 'checkpoints' / 'LATEST').write_text('ckpt-x')
    with pytest.raises(ValueError, match='changed by hand'): Runner(_cfg(tmp_path), OnPolicy, tmp_path / 'run', quiet=True)
