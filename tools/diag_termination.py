"""Does a world-model run's imagined world end episodes where the real task does? A diagnostic for MAMuJoCo Ant runs.

Loads a run folder's latest checkpoint (world model, policy, replay) and looks at real falls, the steps where Ant's
torso left the healthy height range (0.2, 1.0) and the task ended, from two sources: episodes of the run's
deterministic policy from fresh reset seeds, and the most recent terminated episodes of the run's replay (what the
models were trained on). At each fall step t_f it reports
- the reward model's end probability P(end) = 1 - sigmoid(continuation logit) on the real window (teacher forced),
  and its mean on all other steps of the same episodes (false alarms: P(end) > 0.5);
- open loop, k = 1, 5, 10: the states after s_{t_f-k+1} imagined with the true actions; the predicted torso height of
  s_{t_f+1} (is it out of the healthy range, as the real one is?) and P(end) at t_f on the imagined window.
Prints one JSON line (append it to a .jsonl file).

Usage: python tools/diag_termination.py RUN_DIR [N_EPISODES=8] [N_REPLAY_FALLS=32]
"""
import json, sys
import numpy as np
import torch
from dima_nb.data.buffer import ReplayBuffer
from dima_nb.explore import load_run, real_episode
from dima_nb.runs.runner import CheckpointStore, git_state
from dima_nb.world_model.offline import open_loop

Z_RANGE = (0.2, 1.0)  # Ant v5's healthy_z_range; entry 0 of the global state is the torso height

def p_end(wm, states:np.ndarray, actions:np.ndarray)->np.ndarray:
    "P(end) of the last step of each window: states [B, W, S], actions [B, W, N, A]."
    with torch.no_grad():
        _, c = wm.reward(torch.as_tensor(states, dtype=torch.float32), torch.as_tensor(actions, dtype=torch.float32))
    return 1 - torch.sigmoid(c[:, -1]).numpy()

def policy_episodes(rm, n:int, seed0:int=900_000)->list[tuple]:
    "n real episodes of the run's deterministic policy: (states [T+1, S], actions [T, N, A], terminated)."
    env = rm.cfg.env.make(0)
    eps = [real_episode(env, rm.act, steps=env.episode_limit, seed=seed0 + k) for k in range(n)]
    env.close()
    return [(e.states, e.actions, e.length < env.episode_limit) for e in eps]  # only a termination ends one early

def replay_episodes(run_dir, cfg, n:int)->tuple[list[tuple], dict]:
    "The n most recent terminated episodes of the run's replay, and counts over the whole replay."
    buf = ReplayBuffer.load(CheckpointStore(run_dir).latest()/'replay', cfg.buffer)
    eps = [buf.get_episode(i) for i in range(buf.n_episodes)]
    ended = [(e['states'], e['actions'], True) for e in eps if e['terminated'][-1]]
    return ended[-n:], {'transitions': len(buf), 'episodes': len(eps), 'terminated': len(ended)}

def diagnose(wm, episodes:list[tuple], gen:torch.Generator)->dict:
    "Teacher-forced and open-loop P(end) at the falls of `episodes` (those long enough for the windows)."
    T, L = wm.T, wm.reward.cfg.seq_len
    at_fall, elsewhere, z_fall = [], [], []
    ol = {k: {'pred_z': [], 'p_end': []} for k in (1, 5, 10)}
    for s, a, fell in episodes:
        n = len(a)
        if n < max(L, T + 10): continue
        ts = np.arange(L - 1, n)
        p = p_end(wm, np.stack([s[t - L + 1:t + 1] for t in ts]), np.stack([a[t - L + 1:t + 1] for t in ts]))
        if not fell: elsewhere.extend(p); continue
        at_fall.append(p[-1]); elsewhere.extend(p[:-1]); z_fall.append(float(s[-1, 0]))
        tf = n - 1
        for k in ol:
            t0 = tf - k + 1  # the last real state is s_{t0}; predict s_{t0+1} .. s_{tf+1}
            hs, act = torch.as_tensor(s[None, t0 - T + 1:t0 + 1]), torch.as_tensor(a[None, t0 - T + 1:tf + 1])
            with torch.no_grad(): pred = open_loop(wm, hs, act, generator=gen)[0].numpy()
            im = s.copy(); im[t0 + 1:tf + 2] = pred
            ol[k]['pred_z'].append(float(pred[-1, 0]))
            ol[k]['p_end'].append(float(p_end(wm, im[None, tf - L + 1:tf + 1], a[None, tf - L + 1:tf + 1])[0]))
    lo, hi = Z_RANGE
    r = lambda x: [round(float(v), 3) for v in x]
    return {'falls': len(at_fall), 'real_z_after_fall': r(z_fall),
            'teacher_forced': {'p_end_at_fall': r(at_fall), 'p_end_at_fall_mean': round(float(np.mean(at_fall)), 3) if at_fall else None,
                               'p_end_elsewhere_mean': round(float(np.mean(elsewhere)), 5) if elsewhere else None,
                               'false_alarms': int(np.sum(np.asarray(elsewhere) > 0.5)), 'steps_elsewhere': len(elsewhere)},
            **{f'open_loop_k{k}': {'pred_z_after_fall': r(v['pred_z']),
                                   'pred_out_of_range': int(sum(not lo <= z <= hi for z in v['pred_z'])),
                                   'p_end_at_fall': r(v['p_end']),
                                   'p_end_at_fall_mean': round(float(np.mean(v['p_end'])), 3) if v['p_end'] else None}
               for k, v in ol.items()}}

if __name__ == '__main__':
    torch.set_num_threads(1)
    run_dir, n_eps = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8
    n_rep = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    rm = load_run(run_dir, device='cpu')
    if not rm.cfg.env.task.startswith('ant'): raise SystemExit(f"this diagnostic reads Ant's torso height; {run_dir} is {rm.cfg.env.task}")
    g = torch.Generator().manual_seed(0)
    pol = policy_episodes(rm, n_eps)
    rep, counts = replay_episodes(run_dir, rm.cfg, n_rep)
    print(json.dumps({'run': str(run_dir), 'method': rm.cfg.run.method, 'task': rm.cfg.env.task, 'seed': rm.cfg.run.seed,
                      'env_steps': rm.env_steps, 'code': git_state().get('commit'),
                      'policy': {'episodes': n_eps, 'lengths': [len(a) for _, a, _ in pol], **diagnose(rm.wm, pol, g)},
                      'replay': {**counts, 'recent_terminated_used': len(rep), **diagnose(rm.wm, rep, g)}}))
