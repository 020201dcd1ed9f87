"Every experiment and figure notebook through papermill at the smoke preset: it runs and writes its table or figure."
import csv, json, math, shutil, subprocess
import pytest
from conftest import BIN, ROOT

def papermill(nb, out, **params):
    "Execute nbs/<nb>.ipynb with parameters into `out`; fail the test with the notebook's error."
    args = [str(BIN / 'papermill'), str(ROOT / 'nbs' / f'{nb}.ipynb'), str(out), '-k', 'python3']
    for k, v in params.items(): args += ['-p', k, str(v)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    return out.read_text()

def rows(path): return list(csv.DictReader(open(path)))

def record(curve):
    "The provenance record beside a results CSV."
    return json.loads(curve.with_suffix('.json').read_text())

@pytest.fixture(scope='module')
def work(tmp_path_factory):
    "One folder for the module: the fixed dataset and the world models are made once and shared."
    return tmp_path_factory.mktemp('exp')

# the world-model notebooks share these: a tiny dataset, smoke-sized models
WM = dict(task='halfcheetah_2x3', preset='smoke', rounds=2, episodes=2, test_episodes=1)

def test_wm_error(work):
    papermill('exp_wm_error', work / 'wm_error.ipynb', **WM, seeds='0,1', n_segments=16,
              data_dir=work / 'data', model_dir=work / 'models', out_dir=work / 'table8')
    r = rows(work / 'table8' / 'halfcheetah_2x3.csv')
    assert {(x['model'], x['seed'], x['horizon']) for x in r} == {(m, s, h) for m in ('Sequential', 'Joint') for s in '01' for h in ('15', '20')}
    assert {x['preset'] for x in r} == {'smoke'}
    assert all(math.isfinite(float(x['cum_obs_l1'])) and float(x['cum_obs_l1']) > 0 for x in r)
    h15 = {(x['model'], x['seed']): float(x['cum_obs_l1']) for x in r if x['horizon'] == '15'}
    h20 = {(x['model'], x['seed']): float(x['cum_obs_l1']) for x in r if x['horizon'] == '20'}
    assert all(h20[k] > h15[k] for k in h15)  # cumulative: more steps, more error
    assert len(rows(work / 'table8' / 'halfcheetah_2x3_curves.csv')) == 2 * 2 * 20
    assert (work / 'data' / 'halfcheetah_2x3' / 'train' / 'replay_buffer.npz').exists()
    assert (work / 'models' / 'halfcheetah_2x3' / 'joint_seed1.pt').exists()
    # MAMBA and MARIE added later on the same data: their rows join the table, the others are kept
    papermill('exp_wm_error', work / 'wm_error_obs.ipynb', **WM, seeds='0', variants='mamba,marie', n_segments=16,
              data_dir=work / 'data', model_dir=work / 'models', out_dir=work / 'table8')
    r2 = rows(work / 'table8' / 'halfcheetah_2x3.csv')
    assert ({(x['model'], x['seed']) for x in r2 if x['horizon'] == '15'}
            == {(m, s) for m in ('Sequential', 'Joint') for s in '01'} | {('MAMBA', '0'), ('MARIE', '0')})
    m = [x for x in r2 if x['model'] in ('MAMBA', 'MARIE')]
    assert len(m) == 4 and all(math.isfinite(float(x['cum_obs_l1'])) and float(x['cum_obs_l1']) > 0 and x['cum_state_l1'] == '' for x in m)
    assert len(rows(work / 'table8' / 'halfcheetah_2x3_curves.csv')) == 2 * 2 * 20 + 2 * 20
    assert (work / 'models' / 'halfcheetah_2x3' / 'marie_seed0.pt').exists()

def test_fig_long_horizon(work):
    out = work / 'figs'
    text = papermill('fig_long_horizon', work / 'long.ipynb', **WM, data_dir=work / 'data', model_dir=work / 'models', out_dir=out,
                     horizon=12, context_steps=5, frame_every=6, variants='single,joint', obs_variants='mamba,marie')
    for f in ('long_horizon.png', 'long_horizon_frames.png', 'long_horizon.gif'): assert (out / f'halfcheetah_2x3_{f}').stat().st_size > 1000
    assert 'mamba: loaded from' in text and 'marie: loaded from' in text  # the models exp_wm_error trained
    r = rows(out / 'halfcheetah_2x3_long_horizon.csv')
    assert {x['model'] for x in r} == {'real', 'single', 'joint', 'mamba', 'marie'} and len(r) == 5 * 12
    assert all(x['state_l1'] == '' and float(x['obs_l1']) > 0 for x in r if x['model'] in ('mamba', 'marie'))
    assert all(float(x['state_l1']) > 0 and float(x['obs_l1']) > 0 for x in r if x['model'] in ('single', 'joint'))

def test_fig_permutation(work):
    out = work / 'figs'
    papermill('fig_permutation', work / 'perm.ipynb', **WM, data_dir=work / 'data', model_dir=work / 'models', out_dir=out,
              horizon=10, n_segments=8)
    assert (out / 'halfcheetah_2x3_permutation.png').stat().st_size > 1000
    r = rows(out / 'halfcheetah_2x3_permutation.csv')
    assert len(r) == 10 and all(x['orders'] == '2' and float(x['model_error']) > 0 for x in r)

def test_ablation_joint(work):
    res = work / 'results'
    papermill('exp_ablation_joint', work / 'ablation.ipynb', task='halfcheetah_2x3', preset='smoke', budgets='1000,2000', seeds=0,
              results_root=res, resume=False, threads=1)
    r = rows(res / 'smoke' / 'ablation' / 'halfcheetah_2x3.csv')  # <results_root>/<preset>/ablation/<task>.csv
    assert [(x['preset'], x['budget']) for x in r] == [('smoke', '1000'), ('smoke', '2000')]
    assert all(math.isfinite(float(x['dima_mean'])) and math.isfinite(float(x['dima_joint_mean'])) for x in r)
    curve = res / 'smoke' / 'halfcheetah_2x3' / 'dima_joint' / 'seed0.csv'
    assert [int(x['step']) for x in rows(curve)] == [0, 1000, 2000]
    assert (record(curve)['preset'], record(curve)['method'], record(curve)['status']) == ('smoke', 'dima_joint', 'finished')

def test_bidexhands(work):
    res = work / 'results'
    text = papermill('exp_bidexhands', work / 'dex.ipynb', task='door_open_outward', method='dima', preset='smoke',
                     run_dir=work / 'run_dex', results_root=res, threads=1)
    curve = res / 'smoke' / 'door_open_outward' / 'dima' / 'seed0.csv'
    r = rows(curve)
    assert [int(x['step']) for x in r] == [0, 1000, 2000] and all(math.isfinite(float(x['return'])) for x in r)
    assert (record(curve)['preset'], record(curve)['task'], record(curve)['seed']) == ('smoke', 'door_open_outward', 0)
    assert 'paper_mean' in text and 'MuJoCo rebuild' in text

def test_wm_error_on_a_runs_dataset(work):
    "Table 8 as the paper measures it: world models trained on a training run's replay (here the smoke DIMA run above)."
    out = work / 'table8_run'
    papermill('exp_wm_error', work / 'wm_error_run.ipynb', task='door_open_outward', preset='smoke', rounds=1, seeds='0',
              variants='single', horizons='3,5', n_segments=8, data_dir=work / 'data', model_dir=work / 'models', out_dir=out,
              dataset='dex_dima_seed0', run_dir=work / 'run_dex', test_every=2)
    meta = json.loads((work / 'data' / 'dex_dima_seed0' / 'dataset.json').read_text())
    assert (meta['task'], meta['method'], meta['preset'], meta['policy'], meta['run_status']) == ('door_open_outward', 'dima', 'smoke', 'training run', 'finished')
    assert meta['train_transitions'] + meta['test_transitions'] == meta['env_steps'] >= 2000 and meta['commit']
    r = rows(out / 'door_open_outward.csv')
    assert {(x['dataset'], x['model'], x['horizon']) for x in r} == {('dex_dima_seed0', 'Sequential', h) for h in ('3', '5')}
    assert all(math.isfinite(float(x['cum_obs_l1'])) and int(x['train_transitions']) == meta['train_transitions'] for x in r)
    assert (work / 'models' / 'door_open_outward' / 'dex_dima_seed0' / 'single_seed0.pt').exists()

def test_results(work):
    "results.ipynb over the smoke runs above, named explicitly: provenance, Table 1 rows, the ablation, Table 8 and the figure."
    res = work / 'results'
    (res / 'smoke' / 'table8').mkdir(parents=True, exist_ok=True)
    shutil.copy(work / 'table8' / 'halfcheetah_2x3.csv', res / 'smoke' / 'table8' / 'halfcheetah_2x3.csv')
    text = papermill('results', work / 'results.ipynb', results_root=res, presets='smoke', figures=True)
    assert (res / 'smoke' / 'figures' / 'learning_curves.png').stat().st_size > 1000
    for s in ('door_open_outward', 'dima_joint', 'Sequential', 'paper_budget', 'cells have a number of ours',
              'smoke/door_open_outward/dima/seed0', 'presets reported: smoke'): assert s in text, s
    # left to itself it reports no smoke run: smoke runs are tests, not results
    text = papermill('results', work / 'results_default.ipynb', results_root=res)
    assert 'presets reported: (none); found under' in text and 'smoke/door_open_outward' not in text

def test_reveal(work):
    papermill('exp_reveal', work / 'reveal.ipynb', task='linear_3agent', variants='chain,joint', seeds=0, episodes=4, test_episodes=2,
              preset='smoke', width=32, depth=1, denoiser_steps=20, batch_size=32, n_segments=16, imagine_batch=16, out_dir=work / 'reveal')
    r = rows(work / 'reveal' / 'linear_3agent.csv')
    assert [x['variant'] for x in r] == ['joint', 'chain'] and all(math.isfinite(float(x['one_step_l1'])) for x in r)

@pytest.mark.parametrize('method', ['dima', 'mappo'])
def test_bidexhands_isaac_backend_on_the_stand_in(work, method):
    "The run skeleton drives Isaac Gym's already-batched environment (here its stand-in) for DIMA and the model-free methods."
    res = work / 'results_standin'
    papermill('exp_bidexhands', work / f'dex_standin_{method}.ipynb', task='door_open_outward', method=method, preset='smoke',
              backend='standin', run_dir=work / f'run_standin_{method}', results_root=res, threads=1)
    curve = res / 'smoke' / 'isaac_StandIn' / method / 'seed0.csv'
    r = rows(curve)
    assert [int(x['step']) for x in r][0] == 0 and int(r[-1]['step']) >= 2000 and all(math.isfinite(float(x['return'])) for x in r)
    assert record(curve)['task'] == 'isaac:StandIn' and record(curve)['status'] == 'finished'
