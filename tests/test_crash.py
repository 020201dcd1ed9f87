"""Runs you can trust: a run killed with SIGKILL at any moment and restarted ends bit-identical to an
uninterrupted one (weights, replay buffer, evaluations, metrics CSVs), leaves no temporary files, and
a run folder refuses a different config without being touched."""
import json, os, random, signal, subprocess, time
from pathlib import Path
import numpy as np, pytest, torch
from conftest import BIN, ROOT

SETTINGS = {
    'dima': ('linear_3agent', 400, {'run.eval_every': 100, 'run.checkpoint_every': 100, 'run.log_every': 50,
                                    'dima.start_steps': 100, 'dima.policy_warmup_rounds': 2}),
    'mappo': ('halfcheetah_2x3', 1000, {'run.eval_every': 400, 'run.checkpoint_every': 200, 'run.log_every': 200}),
    'happo': ('halfcheetah_2x3', 1000, {'run.eval_every': 400, 'run.checkpoint_every': 200, 'run.log_every': 200}),
    'hasac': ('halfcheetah_2x3', 1000, {'run.eval_every': 400, 'run.checkpoint_every': 200, 'run.log_every': 200}),
    'mamba': ('linear_3agent', 600, {'run.eval_every': 100, 'run.checkpoint_every': 100, 'run.log_every': 50,
                                     'mamba.start_steps': 100}),
    'marie': ('linear_3agent', 600, {'run.eval_every': 100, 'run.checkpoint_every': 100, 'run.log_every': 50,
                                     'marie.start_steps': 100}),
}

def _cmd(method, run, res, **env_over):
    task, steps, ov = SETTINGS[method]
    return [str(BIN / 'dima-train'), '--task', task, '--method', method, '--preset', 'smoke', '--threads', '1',
            '--env_steps', str(steps), '--run_dir', str(run), '--set', json.dumps(ov | {'run.results_root': str(res)})]

def _env(crash=None):
    e = dict(os.environ, OMP_NUM_THREADS='1', DIMA_NO_PROGRESS='1')
    e.pop('DIMA_CRASH_AT', None)
    if crash: e['DIMA_CRASH_AT'] = crash
    return e

def _run(method, run, res, crash=None, timeout=600):
    return subprocess.run(_cmd(method, run, res), env=_env(crash), capture_output=True, text=True, timeout=timeout, cwd=ROOT)

def _latest(run): 
    d = run / 'checkpoints'
    return d / (d / 'LATEST').read_text().strip()

def _same(a, b, path='state'):
    "Recursively compare two checkpoint states; tensors and arrays bit for bit."
    if isinstance(a, dict):
        assert set(a) == set(b), f"{path}: keys differ {set(a) ^ set(b)}"
        for k in a:
            if k in ('wall_time_s', 'started', 'resumes', 'saves', 'phase_s'): continue  # bookkeeping of the runs themselves
            _same(a[k], b[k], f'{path}.{k}')
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{path}: lengths {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)): _same(x, y, f'{path}[{i}]')
    elif torch.is_tensor(a): assert torch.equal(a, b), path
    elif isinstance(a, np.ndarray): np.testing.assert_array_equal(a, b, err_msg=path)
    else: assert a == b, f"{path}: {a!r} != {b!r}"

def _compare(run_a, res_a, run_b, res_b, method):
    task = SETTINGS[method][0]
    sa = torch.load(_latest(run_a) / 'state.pt', weights_only=False); sb = torch.load(_latest(run_b) / 'state.pt', weights_only=False)
    _same(sa['method'], sb['method'], 'method'); _same(sa['runner'], sb['runner'], 'runner'); _same(sa['env'], sb['env'], 'env')
    _same(sa['rng'], sb['rng'], 'rng')
    if method.startswith('dima') or method in ('mamba', 'marie'):
        za, zb = np.load(_latest(run_a) / 'replay' / 'replay_buffer.npz'), np.load(_latest(run_b) / 'replay' / 'replay_buffer.npz')
        assert set(za.files) == set(zb.files)
        for k in za.files: np.testing.assert_array_equal(za[k], zb[k], err_msg=k)
    if method == 'hasac':  # the transition replay (rows, write position, sampling generator)
        _same(torch.load(_latest(run_a) / 'replay.pt'), torch.load(_latest(run_b) / 'replay.pt'), 'replay')
    curve = Path('smoke') / task / method / 'seed0.csv'
    assert (res_a / curve).read_text() == (res_b / curve).read_text()
    for g in ('train', 'eval'): assert (run_a / 'metrics' / f'{g}.csv').read_text() == (run_b / 'metrics' / f'{g}.csv').read_text(), g
    steps = lambda p: [l.split(',')[0] for l in p.read_text().splitlines()]
    assert steps(run_a / 'metrics' / 'perf.csv') == steps(run_b / 'metrics' / 'perf.csv')
    for root in (run_b, res_b):
        left = [p for p in root.rglob('*') if p.name.endswith('.tmp') or p.name.startswith('.tmp-')]
        assert not left, f"temporary files left: {left}"
    assert json.loads((res_b / curve).with_suffix('.json').read_text())['status'] == 'finished'
    # TensorBoard: the killed run's events after each checkpoint are purged on resume, so every step appears once
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    def tb(run):
        ea = EventAccumulator(str(run / 'tb')); ea.Reload()
        return {tag: [(e.step, e.value) for e in ea.Scalars(tag)] for tag in ea.Tags()['scalars'] if not tag.startswith('perf/')}
    ta, tb_ = tb(run_a), tb(run_b)
    assert ta.keys() == tb_.keys() and ta == tb_

def _metrics_snapshot(run):
    "Size and modification time of each metrics CSV (a file being replaced at that instant reads as absent)."
    snap = []
    for f in sorted((run / 'metrics').glob('*.csv')):
        try: st = f.stat(); snap.append((f.name, st.st_size, st.st_mtime_ns))
        except FileNotFoundError: pass
    return tuple(snap)

def _kill_after_writes(p, run, writes, delay, timeout=300)->bool:
    "SIGKILL `p` `delay` s after its metrics files have changed `writes` times; False if it ended first."
    last, seen, t0 = _metrics_snapshot(run), 0, time.monotonic()
    while p.poll() is None and seen < writes and time.monotonic() - t0 < timeout:
        time.sleep(0.002)
        s = _metrics_snapshot(run)
        if s != last: seen, last = seen + 1, s
    time.sleep(delay)
    hit = p.poll() is None
    if hit: p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    return hit

@pytest.mark.parametrize('method', ['dima', 'mappo', 'happo', 'hasac', 'mamba', 'marie'])
def test_killed_and_resumed_equals_uninterrupted(tmp_path, method):
    whole = _run(method, tmp_path / 'whole', tmp_path / 'res_whole')
    assert whole.returncode == 0, whole.stderr[-3000:]
    run, res = tmp_path / 'killed', tmp_path / 'res_killed'
    # deliberate kills: between the replay buffer and state.pt, and just before the pointer moves
    for point in ('checkpoint:between_data_and_state:2', 'checkpoint:before_pointer:3'):
        r = _run(method, run, res, crash=point)
        assert r.returncode == -signal.SIGKILL, (point, r.returncode, r.stderr[-2000:])
    # kills at random moments inside training: after the run's 1st or 2nd write of its metrics (so past start-up,
    # whatever the machine's speed), plus a random delay of up to 0.3 s
    rng, hits = random.Random(1234 + len(method)), 0
    for _ in range(3):
        p = subprocess.Popen(_cmd(method, run, res), env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        hits += _kill_after_writes(p, run, rng.choice((1, 2)), rng.uniform(0.0, 0.3))
    assert hits >= 2, f"only {hits} of the random kills found the run still going"
    last = _run(method, run, res)
    assert last.returncode == 0, last.stderr[-3000:]
    _compare(tmp_path / 'whole', tmp_path / 'res_whole', run, res, method)

def _tree(root):
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(root.rglob('*')) if p.is_file()}

def test_resume_with_another_config_is_refused_and_changes_nothing(tmp_path):
    run, res = tmp_path / 'run', tmp_path / 'res'
    r = _run('mappo', run, res); assert r.returncode == 0, r.stderr[-2000:]
    before = _tree(run)
    cmd = _cmd('mappo', run, res); cmd[cmd.index('halfcheetah_2x3')] = 'walker2d_2x3'
    r = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode != 0 and 'env.task' in r.stderr and 'halfcheetah_2x3' in r.stderr and 'resume=False' in r.stderr, r.stderr[-2000:]
    cmd = _cmd('mappo', run, res); cmd[cmd.index('smoke')] = 'cpu'
    r = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode != 0 and 'preset' in r.stderr, r.stderr[-2000:]
    assert _tree(run) == before
    # a budget change is allowed: the run continues
    cmd = _cmd('mappo', run, res); cmd[cmd.index('--env_steps') + 1] = '1200'
    r = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    # resume=False moves the folder aside, never deletes it
    r = subprocess.run(_cmd('mappo', run, res) + ['--resume', 'False'], env=_env(), capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    aside = [p for p in tmp_path.iterdir() if p.name.startswith('run.old-')]
    assert len(aside) == 1 and (aside[0] / 'checkpoints' / 'LATEST').exists()
    # ... and the old run's curve and record, which the new run would overwrite, go aside too, named in the new record
    seed = res / 'smoke' / 'halfcheetah_2x3' / 'mappo' / 'seed0.json'
    old = sorted((seed.parent / 'replaced').glob('seed0-*.json'))
    assert len(old) == 1 and 'moved them aside' in r.stdout, (old, r.stdout[-2000:])
    rec_old, rec_new = json.loads(old[0].read_text()), json.loads(seed.read_text())
    assert (rec_old['status'], rec_old['env_steps'], rec_new['status']) == ('finished', 1200, 'finished')
    assert rec_new['replaced'] == {'curve': str(old[0].with_suffix('.csv')), 'record': str(old[0])}
    assert old[0].with_suffix('.csv').read_text().splitlines()[-1].startswith('1200,')

def test_smoke_run_leaves_results_and_git_untouched():
    "A smoke run with the default paths writes under outputs/tmp (ignored), never into outputs/results."
    git = lambda: subprocess.run(['git', 'status', '--porcelain'], cwd=ROOT, capture_output=True, text=True).stdout
    results = ROOT / 'outputs' / 'results'
    before, res_before = git(), _tree(results) if results.exists() else {}
    r = subprocess.run([str(BIN / 'dima-train'), '--task', 'linear_3agent', '--method', 'mappo', '--preset', 'smoke',
                        '--threads', '1', '--env_steps', '200', '--resume', 'False'],
                       env=_env(), capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (ROOT / 'outputs' / 'tmp' / 'results' / 'smoke' / 'linear_3agent' / 'mappo' / 'seed0.json').exists()
    assert git() == before and (_tree(results) if results.exists() else {}) == res_before
