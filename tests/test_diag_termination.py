"tools/diag_termination.py: what it counts at a fall, on an untrained smoke world model and hand-made episodes."
import importlib.util
import numpy as np
import pytest
import torch
from conftest import ROOT
from dima_nb.methods.dima import DimaMethod
from dima_nb.runs.config import experiment_config
from dima_nb.world_model.model import WorldModel

def _tool():
    spec = importlib.util.spec_from_file_location('diag_termination', ROOT / 'tools' / 'diag_termination.py')
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    return mod

@pytest.fixture(scope='module')
def wm():
    torch.manual_seed(0)
    cfg = DimaMethod.configure(experiment_config('smoke', task='ant_2x4', method='dima', device='cpu'))
    env = cfg.env.make(0)
    m = WorldModel(cfg.wm, env.n_agents, env.state_dim, env.obs_dim, env.act_dim, env.obs_mask, torch.device('cpu')).eval()
    env.close()
    return m

def _episode(wm, n, z_end, rng):
    s = rng.normal(size=(n + 1, wm.state_dim)).astype(np.float32); s[:, 0] = 0.55; s[-1, 0] = z_end
    a = rng.uniform(-1, 1, size=(n, wm.n_agents, wm.act_dim)).astype(np.float32)
    return s, a

def test_counts_at_a_fall(wm):
    tool, rng = _tool(), np.random.default_rng(0)
    L, T = wm.reward.cfg.seq_len, wm.T
    n = max(L, T + 10) + 5
    fall, stand, short = _episode(wm, n, 1.07, rng), _episode(wm, n, 0.55, rng), _episode(wm, max(L, T + 10) - 1, 1.2, rng)
    out = tool.diagnose(wm, [(*fall, True), (*stand, False), (*short, True)], torch.Generator().manual_seed(0))
    assert out['falls'] == 1 and out['real_z_after_fall'] == [1.07]  # the short episode is skipped
    tf = out['teacher_forced']
    assert tf['steps_elsewhere'] == 2 * (n - L + 1) - 1  # every window of both episodes but the fall's own
    # the fall step's end probability on the real window equals the tool's own p_end on that window
    p = tool.p_end(wm, fall[0][None, n - L:n], fall[1][None, n - L:n])[0]
    assert tf['p_end_at_fall'] == [round(float(p), 3)]
    # with k = 1 only the state after the fall is imagined: the fall step's window is all real
    assert out['open_loop_k1']['p_end_at_fall'] == tf['p_end_at_fall']
    for k in (1, 5, 10):
        ol = out[f'open_loop_k{k}']
        assert len(ol['pred_z_after_fall']) == 1
        z = ol['pred_z_after_fall'][0]
        assert ol['pred_out_of_range'] == int(not 0.2 <= z <= 1.0)

def test_imagined_states_change_the_end_probability(wm):
    "k = 5 imagines states inside the fall step's window: an untrained model's guesses differ from the real states there."
    tool, rng = _tool(), np.random.default_rng(1)
    n = max(wm.reward.cfg.seq_len, wm.T + 10) + 5
    s, a = _episode(wm, n, 1.07, rng)
    out = tool.diagnose(wm, [(s, a, True)], torch.Generator().manual_seed(0))
    assert out['open_loop_k5']['p_end_at_fall'] != out['teacher_forced']['p_end_at_fall']
