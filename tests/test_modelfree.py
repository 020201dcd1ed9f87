"Model-free baselines end to end: the CLI, checkpoints, resume, NaN handling."
import csv, math, subprocess
import pytest, torch
from conftest import BIN
from dima_nb.runs.config import experiment_config
from dima_nb.methods.modelfree import ModelFreeRunner

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
    rows = list(csv.DictReader(open(tmp_path / 'res' / 'halfcheetah_2x3' / method / 'seed0.csv')))
    assert [int(x['step']) for x in rows] == [0, 1000, 2000] and all(math.isfinite(float(x['return'])) for x in rows)
    for f in ('config.json', 'state.pt', 'metrics/train.csv', 'metrics/eval.csv'): assert (tmp_path / 'run' / f).exists()
    assert any((tmp_path / 'run' / 'tb').iterdir())

def test_unknown_method_is_rejected(tmp_path):
    r = subprocess.run([str(BIN / 'dima-train'), '--method', 'qmix', '--preset', 'smoke', '--run_dir', str(tmp_path)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and 'valid methods: dima, dima_joint, mappo, happo' in r.stderr

def test_stop_and_resume_restores_everything(tmp_path):
    first = ModelFreeRunner(_cfg(tmp_path, steps=400), tmp_path / 'run', quiet=True); first.run()
    w = {k: v.clone() for k, v in first.learner.actors.state_dict().items()}
    resumed = ModelFreeRunner(_cfg(tmp_path, steps=800), tmp_path / 'run', quiet=True)
    assert (resumed.env_steps, resumed.updates) == (first.env_steps, first.updates) and resumed.env_steps == 400
    for k, v in resumed.learner.actors.state_dict().items(): assert torch.equal(v, w[k]), k
    assert resumed.learner.critic.head.stats()[1] == first.learner.critic.head.stats()[1]
    assert [e['step'] for e in resumed.evals] == [e['step'] for e in first.evals]
    resumed.run()
    assert resumed.env_steps == 800 and [e['step'] for e in resumed.evals] == [0, 200, 400, 600, 800]

def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path, monkeypatch):
    runner = ModelFreeRunner(_cfg(tmp_path, steps=400), tmp_path / 'run', quiet=True); runner.run()
    good = torch.load(tmp_path / 'run' / 'state.pt', weights_only=False)['env_steps']
    runner2 = ModelFreeRunner(_cfg(tmp_path, steps=800), tmp_path / 'run', quiet=True)
    monkeypatch.setattr(runner2.learner, 'update', lambda *a, **k: {'value_loss': float('nan')})
    with pytest.raises(FloatingPointError, match='last good checkpoint'): runner2.run()
    assert torch.load(tmp_path / 'run' / 'state.pt', weights_only=False)['env_steps'] == good

def test_corrupt_checkpoint_gives_a_clear_error(tmp_path):
    (tmp_path / 'run').mkdir(); (tmp_path / 'run' / 'state.pt').write_bytes(b'not a checkpoint')
    with pytest.raises(ValueError, match='Could not read checkpoint'): ModelFreeRunner(_cfg(tmp_path), tmp_path / 'run', quiet=True)
