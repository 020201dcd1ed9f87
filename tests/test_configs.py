"Every config is documented, serialisable, and the presets are sane."
import dataclasses, json
import pytest
from dima_nb.core import ConfigBase, get_preset, PRESETS
from dima_nb.runs.config import ExperimentConfig, RunConfig, RolloutConfig, DimaConfig, experiment_config
from dima_nb.learners.mappo import MAPPOConfig
from dima_nb.learners.hasac import HasacConfig, harl_tuned
from dima_nb.world_model.diffusion import DiffusionConfig
from dima_nb.world_model.denoiser import DenoiserConfig
from dima_nb.world_model.reward import RewardConfig
from dima_nb.world_model.vqvae import VQVAEConfig
from dima_nb.world_model.model import WorldModelConfig
from dima_nb.envs import EnvConfig
from dima_nb.data.buffer import BufferConfig

CONFIGS = [ExperimentConfig, RunConfig, RolloutConfig, DimaConfig, EnvConfig, BufferConfig, MAPPOConfig, DiffusionConfig,
           DenoiserConfig, RewardConfig, VQVAEConfig, WorldModelConfig, HasacConfig]

@pytest.mark.parametrize('cls', CONFIGS, ids=lambda c: c.__name__)
def test_every_field_is_documented(cls):
    docs = cls.field_docs()
    missing = [f.name for f in dataclasses.fields(cls) if not docs.get(f.name)]
    assert not missing, f"{cls.__name__}: fields without a '# comment' on their line: {missing}"

@pytest.mark.parametrize('name', ['smoke', 'cpu', 'cpu_v0', 'paper'])
def test_presets_round_trip_json(name):
    cfg = get_preset(name)
    assert ExperimentConfig.from_json(cfg.to_json()) == cfg
    assert json.loads(cfg.to_json())['preset'] == name

def test_budgets_grow_from_smoke_to_paper():
    steps = [get_preset(n).run.env_steps for n in ('smoke', 'cpu', 'paper')]
    assert steps == sorted(steps) and steps[-1] == 1_000_000

def test_papermill_style_overrides():
    cfg = experiment_config('smoke', task='walker2d_3x2', method='mappo', seed=2, overrides={'run': {'eval_episodes': 3}})
    assert (cfg.env.task, cfg.run.method, cfg.run.seed, cfg.run.eval_episodes) == ('walker2d_3x2', 'mappo', 2, 3)
    with pytest.raises(ValueError, match='valid tasks'): experiment_config('smoke', task='ant_8x1')


def test_cpu_v0_is_the_cpu_schedule_before_issue_15():
    "cpu_v0 (what the DIMA results under outputs/results/cpu_v0 ran with) differs from cpu in the three schedule settings only."
    from dima_nb.runs.config import config_diff
    diff = {k: (a, b) for k, a, b in config_diff(get_preset('cpu').to_dict(), get_preset('cpu_v0').to_dict())}
    assert diff == {'preset': ('cpu', 'cpu_v0'), 'wm.reward_steps': (100, 200), 'wm.reward.dropout': (0.0, 0.1),
                    'dima.imagine_batch': (300, 600)}, diff


ABLATION_PAIRS = {('dima', 'dima_joint'): ['wm.diffusion.reveal'],  # the paper's ablation (Tables 2, 3, 8)
                  ('dima_chain', 'dima_chain_joint'): ['wm.diffusion.reveal']}  # the same question for our variant

@pytest.mark.parametrize('preset', ['smoke', 'cpu', 'paper'])
def test_each_ablation_pair_differs_in_exactly_the_documented_setting(preset):
    from dima_nb.methods.dima import DimaMethod
    from dima_nb.runs.config import config_diff
    for (a, b), keys in ABLATION_PAIRS.items():
        ca, cb = (DimaMethod.configure(experiment_config(preset, method=m)) for m in (a, b))
        assert [k for k, *_ in config_diff(ca.to_dict(), cb.to_dict()) if k != 'run.method'] == keys, (a, b)

@pytest.mark.parametrize('preset', ['smoke', 'cpu', 'paper'])
def test_dima_is_the_papers_scheme_in_every_preset(preset):
    "The name decides the algorithm: `dima` reveals one agent per step in descending order and trains with the paper's loss."
    from dima_nb.methods.dima import DimaMethod
    d = DimaMethod.configure(experiment_config(preset, method='dima')).wm.diffusion
    assert (d.reveal, d.order, d.chain_frac, d.extra_joint_steps, d.sigma_offset) == ('single', 'descending', 0.0, 0, 0.3)
    c = DimaMethod.configure(experiment_config(preset, method='dima_chain')).wm.diffusion
    assert (c.reveal, c.chain_frac) == ('cumulative', 0.75)

def test_the_run_seed_decides_every_seed(tmp_path):
    "`run.seed` (however it is set) derives every environment's seed; two run seeds share no environment or evaluation seed."
    from dima_nb.runs.train import make_runner
    from dima_nb.envs import derive_seeds
    mk = lambda name, **kw: make_runner(experiment_config('smoke', task='linear_3agent', method='mappo', **kw)
                                        .override({'run.results_root': str(tmp_path / 'res')}), tmp_path / name, quiet=True)
    a, b, c = mk('a', overrides={'run.seed': 3}), mk('b', seed=3), mk('c', seed=4)
    assert a.seeds == b.seeds and a.seeds['train_envs'] == derive_seeds(3, 2, 'train')
    assert [e.seed for e in a.env.envs] == a.seeds['train_envs']
    for k in ('train_envs', 'eval_episodes'): assert not set(a.seeds[k]) & set(c.seeds[k]), k
    assert 'seed' not in EnvConfig.field_names()  # no second seed that an override could leave behind
    assert a.method.learner.cfg.algo == 'mappo' and b.cfg.run.seed == 3

@pytest.mark.parametrize('preset', ['smoke', 'cpu', 'paper'])
def test_hasac_config_round_trips_and_takes_harls_tuned_settings(preset):
    "`method='hasac'`: the preset's section survives JSON; outside smoke, HARL's tuned settings for the task, under overrides."
    cfg = experiment_config(preset, task='walker2d_2x3', method='hasac')
    assert ExperimentConfig.from_json(cfg.to_json()) == cfg
    tuned = harl_tuned('walker2d_2x3')
    got = {k: getattr(cfg.hasac, k) for k in tuned}
    assert (got == tuned) == (preset != 'smoke'), got
    assert cfg.hasac.updates_per_transition == 0.05  # HARL's ratio in every preset
    assert experiment_config(preset, task='walker2d_2x3', method='hasac', overrides={'hasac.n_step': 7}).hasac.n_step == 7
