"The DIMA training loop end to end: exact resume, checkpoint errors, NaN handling, the entry point."
import subprocess
import numpy as np, pytest, torch
from conftest import BIN
from dima_nb.runs.config import experiment_config
from dima_nb.runs.train import DimaTrainer, train

def _cfg(tmp_path, steps, method='dima'):
    return experiment_config('smoke', task='linear_3agent', method=method, env_steps=steps,
                             overrides={'run.eval_every': 100, 'run.checkpoint_every': 100, 'run.results_root': str(tmp_path / 'res'),
                                        'dima.start_steps': 100, 'dima.policy_warmup_rounds': 2})

def _weights(tr):
    return {**{f'wm.{k}': v for k, v in tr.wm.state_dict().items()},
            **{f'actor.{k}': v for k, v in tr.learner.actors.state_dict().items()},
            **{f'critic.{k}': v for k, v in tr.learner.critic.state_dict().items()}}

def test_stop_and_resume_matches_an_uninterrupted_run(tmp_path):
    torch.set_num_threads(1)
    whole = DimaTrainer(_cfg(tmp_path, 400), tmp_path / 'whole', quiet=True); whole.run()
    DimaTrainer(_cfg(tmp_path, 200), tmp_path / 'split', quiet=True).run()  # stopped at 200 ...
    split = DimaTrainer(_cfg(tmp_path, 400), tmp_path / 'split', quiet=True)  # ... and resumed
    assert split.env_steps >= 200
    split.run()
    for k in ('env_steps', 'episodes', 'wm_rounds', 'policy_updates'): assert getattr(split, k) == getattr(whole, k), k
    assert len(split.buffer) == len(whole.buffer)
    for a, b in ((split.buffer.get_episode(i), whole.buffer.get_episode(i)) for i in range(whole.buffer.n_episodes)):
        for k in ('states', 'actions', 'rewards'): np.testing.assert_array_equal(a[k], b[k])
    wa, wb = _weights(split), _weights(whole)
    for k in wb: assert torch.equal(wa[k], wb[k]), k
    assert [e['return_mean'] for e in split.evals] == [e['return_mean'] for e in whole.evals]

def test_missing_and_corrupt_checkpoints(tmp_path):
    with pytest.raises(FileNotFoundError, match='no checkpoint'): DimaTrainer(_cfg(tmp_path, 100), tmp_path / 'none', resume=True)
    (tmp_path / 'bad').mkdir(); (tmp_path / 'bad' / 'state.pt').write_bytes(b'garbage')
    with pytest.raises(ValueError, match='Could not read checkpoint'): DimaTrainer(_cfg(tmp_path, 100), tmp_path / 'bad')

def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(tmp_path, monkeypatch):
    tr = DimaTrainer(_cfg(tmp_path, 200), tmp_path / 'run', quiet=True); tr.run()
    good = torch.load(tmp_path / 'run' / 'state.pt', weights_only=False)['counters']['env_steps']
    tr2 = DimaTrainer(_cfg(tmp_path, 400), tmp_path / 'run', quiet=True)
    monkeypatch.setattr(tr2.wm, 'update', lambda buf: {'denoiser/loss': float('nan')})
    with pytest.raises(FloatingPointError, match='last good checkpoint'): tr2.run()
    assert torch.load(tmp_path / 'run' / 'state.pt', weights_only=False)['counters']['env_steps'] == good

@pytest.mark.parametrize('args,msg', [(['--task', 'ant_3x3'], 'valid tasks'), (['--method', 'dreamer'], 'valid methods')])
def test_cli_rejects_unknown_names(tmp_path, args, msg):
    r = subprocess.run([str(BIN / 'dima-train'), '--preset', 'smoke', '--run_dir', str(tmp_path), *args],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and msg in r.stderr
