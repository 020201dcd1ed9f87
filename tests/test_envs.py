"Environments: no import cycle, seeds that never overlap, bad actions refused, snapshots that resume bit for bit."
import io, subprocess, sys
import numpy as np
import pytest
import torch
from dima_nb.envs import (make_env, EnvConfig, EnvBatch, derive_seeds, episode_seed, run_episode, env_version, TASKS,
                          IsaacBiDexEnv)

ENV_MODULES = ('base', 'mamujoco', 'linear', 'dexhands', 'tasks')

def _envs_imports(name:str)->set:
    "The `dima_nb.envs` modules that module `name` imports anywhere in its source (lazy imports included)."
    import ast, importlib, importlib.util, inspect
    mod, out = importlib.import_module(name), set()
    for n in ast.walk(ast.parse(inspect.getsource(mod))):
        if isinstance(n, ast.ImportFrom): names = [importlib.util.resolve_name('.' * n.level + (n.module or ''), mod.__package__)]
        elif isinstance(n, ast.Import): names = [a.name for a in n.names]
        else: continue
        out |= {m for m in names if m.startswith('dima_nb.envs')}
    return out

def test_no_import_cycle():
    "Each task module imports only `base`; `tasks` imports them all and nothing imports `tasks` back."
    assert _envs_imports('dima_nb.envs.base') == set()
    for m in ('mamujoco', 'linear', 'dexhands'): assert _envs_imports(f'dima_nb.envs.{m}') == {'dima_nb.envs.base'}, m
    assert _envs_imports('dima_nb.envs.tasks') == {f'dima_nb.envs.{m}' for m in ('base', 'mamujoco', 'linear', 'dexhands')}

@pytest.mark.parametrize('mod', ENV_MODULES)
def test_each_module_imports_first_in_a_fresh_interpreter(mod):
    subprocess.run([sys.executable, '-c', f"import dima_nb.envs.{mod}"], check=True, capture_output=True)

def test_derived_seeds_never_overlap():
    streams = ('train', 'eval', 'eval-env')
    seeds = [s for run in range(100) for st in streams for s in derive_seeds(run, 20, st)]
    assert len(set(seeds)) == len(seeds) == 6000
    assert derive_seeds(5, 40, 'train')[:20] == derive_seeds(5, 20, 'train')
    assert not set(seeds) & {episode_seed(run, k) for run in range(100) for k in range(20)}

def _roundtrip(snap):
    buf = io.BytesIO(); torch.save(snap, buf); buf.seek(0)
    return torch.load(buf, weights_only=False)

def _trajectory(env, acts):
    out = []
    for a in acts:
        o, s, r, te, tr, _ = env.step(a); out.append((o, s, r, te, tr))
        if te or tr: o, s, _ = env.reset(); out.append((o, s))
    return out

def _same(a, b):
    return len(a) == len(b) and all(len(x) == len(y) and all(np.array_equal(u, v) for u, v in zip(x, y)) for x, y in zip(a, b))

@pytest.mark.parametrize('task,mode', [('halfcheetah_2x3', 'dima'), ('ant_2x4', 'local'), ('walker2d_2x3', 'dima'),
                                       ('linear_3agent', 'dima'), ('door_open_outward', 'dima')])
def test_snapshot_resumes_bit_for_bit_in_a_fresh_env(task, mode):
    env = make_env(task, seed=1, obs_mode=mode); env.reset()
    for _ in range(40):
        if any(env.step(env.random_actions())[3:5]): env.reset()
    snap = env.snapshot()
    acts = np.random.default_rng(0).uniform(-1, 1, (120, env.n_agents, env.act_dim))
    first = _trajectory(env, acts)
    fresh = make_env(task, seed=1, obs_mode=mode); fresh.restore(_roundtrip(snap))
    assert _same(_trajectory(fresh, acts), first)

def test_env_batch_snapshot():
    cfg, seeds = EnvConfig(task='walker2d_2x3'), derive_seeds(0, 2, 'train')
    eb = cfg.make_batch(seeds); eb.reset()
    acts = np.random.default_rng(0).uniform(-1, 1, (80, 2, 2, 3))
    for a in acts[:20]: eb.step(a)
    snap = eb.snapshot()
    first = [eb.step(a)[:5] for a in acts[20:]]
    eb2 = cfg.make_batch(seeds); eb2.restore(_roundtrip(snap))
    assert _same([eb2.step(a)[:5] for a in acts[20:]], first)

@pytest.mark.parametrize('bad,says', [(np.zeros((3, 2), complex), 'complex'), (np.full((3, 2), 'x'), 'strings'),
                                      (np.array([[None, 0]] * 3, dtype=object), 'Python objects'), (None, 'None')])
def test_actions_that_are_not_real_numbers(bad, says):
    env = make_env('linear_3agent'); env.reset()
    with pytest.raises(ValueError, match=says): env.step(bad)
    eb = EnvBatch([make_env('linear_3agent', seed=s) for s in (1, 2)]); eb.reset()
    with pytest.raises(ValueError, match=says): eb.step(None if bad is None else np.stack([bad, bad]))
    iso = make_env('isaac:StandIn', num_envs=2, act_dim=2, num_agents=3); iso.reset()
    with pytest.raises(ValueError, match=says): iso.step(None if bad is None else np.stack([bad, bad]))

def test_run_episode_and_stand_in():
    ep = run_episode(make_env('halfcheetah_2x3'), lambda o, s: np.zeros((2, 3)), max_steps=5)
    assert (ep.length, ep.truncated.tolist(), ep.states.shape, ep.actions.dtype) == (5, [False] * 4 + [True], (6, 17), np.float32)
    env = EnvConfig(task='isaac:StandIn').make_batch(derive_seeds(0, 4, 'train'))
    assert isinstance(env, IsaacBiDexEnv) and 'isaacgym' not in sys.modules
    with pytest.raises(NotImplementedError, match='Isaac Gym'): env.snapshot()
    assert all(env_version(t) for t in TASKS)
