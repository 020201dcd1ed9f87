"The DIMA method in the run skeleton: exact resume across a budget change, checkpoint errors, NaN handling, the entry point."
import subprocess
import numpy as np, pytest, torch
from conftest import BIN
from dima_nb.runs.config import experiment_config
from dima_nb.runs.runner import Runner
from dima_nb.methods.dima import DimaMethod

def _cfg(tmp_path, steps, method='dima'):
    return experiment_config('smoke', task='linear_3agent', method=method, env_steps=steps,
                             overrides={'run.eval_every': 100, 'run.checkpoint_every': 100, 'run.results_root': str(tmp_path / 'res'),
                                        'dima.start_steps': 100, 'dima.train_every': 20, 'dima.policy_warmup_rounds': 2})

def _weights(m):
    return {**{f'wm.{k}': v for k, v in m.wm.state_dict().items()},
            **{f'actor.{k}': v for k, v in m.learner.actors.state_dict().items()},
            **{f'critic.{k}': v for k, v in m.learner.critic.state_dict().items()}}

def test_stop_and_resume_matches_an_uninterrupted_run(tmp_path):
    torch.set_num_threads(1)
    whole = Runner(_cfg(tmp_path, 400), DimaMethod, tmp_path / 'whole', quiet=True); whole.run()
    Runner(_cfg(tmp_path, 200), DimaMethod, tmp_path / 'split', quiet=True).run()  # stopped at 200 ...
    split = Runner(_cfg(tmp_path, 400), DimaMethod, tmp_path / 'split', quiet=True)  # ... and resumed with a larger budget
    assert split.env_steps >= 200
    split.run()
    a, b = split.method, whole.method
    for k in ('episodes', 'wm_rounds', 'policy_updates'): assert getattr(a, k) == getattr(b, k), k
    assert split.env_steps == whole.env_steps and len(a.buffer) == len(b.buffer)
    for x, y in ((a.buffer.get_episode(i), b.buffer.get_episode(i)) for i in range(b.buffer.n_episodes)):
        for k in ('states', 'actions', 'rewards'): np.testing.assert_array_equal(x[k], y[k])
    wa, wb = _weights(a), _weights(b)
    for k in wb: assert torch.equal(wa[k], wb[k]), k
    assert [e['return_mean'] for e in split.evals] == [e['return_mean'] for e in whole.evals]

def test_missing_and_corrupt_checkpoints(tmp_path):
    with pytest.raises(FileNotFoundError, match='no checkpoint'): Runner(_cfg(tmp_path, 100), DimaMethod, tmp_path / 'none', resume=True)
    Runner(_cfg(tmp_path, 100), DimaMethod, tmp_path / 'bad', quiet=True).run()
    latest = tmp_path / 'bad' / 'checkpoints' / (tmp_path / 'bad' / 'checkpoints' / 'LATEST').read_text().strip()
    (latest / 'state.pt').write_bytes(b'garbage')
    with pytest.raises(ValueError, match='Could not read checkpoint'): Runner(_cfg(tmp_path, 200), DimaMethod, tmp_path / 'bad')
    assert (latest / 'state.pt').read_bytes() == b'garbage'  # a refused start changes nothing

def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    Runner(_cfg(tmp_path, 200), DimaMethod, tmp_path / 'run', quiet=True).run()
    ptr = tmp_path / 'run' / 'checkpoints' / 'LATEST'; good = ptr.read_text()
    r2 = Runner(_cfg(tmp_path, 400), DimaMethod, tmp_path / 'run', quiet=True)
    monkeypatch.setattr(r2.method.wm, 'update', lambda buf: {'denoiser/loss': float('nan')})
    with pytest.raises(FloatingPointError, match='last good'): r2.run()
    assert ptr.read_text() == good
    import json
    assert json.loads(_cfg(tmp_path, 400).record_path().read_text())['status'] == 'failed'

@pytest.mark.parametrize('args,msg', [(['--task', 'ant_3x3'], 'valid tasks'), (['--method', 'dreamer'], 'valid methods')])
def test_cli_rejects_unknown_names(tmp_path, args, msg):
    r = subprocess.run([str(BIN / 'dima-train'), '--preset', 'smoke', '--run_dir', str(tmp_path), *args],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and msg in r.stderr
