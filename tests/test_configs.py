"Every config is documented, serialisable, and the presets are sane."
import dataclasses, json
import pytest
from dima_nb.core import ConfigBase, get_preset, PRESETS
from dima_nb.runs.config import ExperimentConfig, RunConfig, RolloutConfig, DimaConfig, experiment_config
from dima_nb.learners.mappo import MAPPOConfig
from dima_nb.world_model.diffusion import DiffusionConfig
from dima_nb.world_model.denoiser import DenoiserConfig
from dima_nb.world_model.reward import RewardConfig
from dima_nb.world_model.vqvae import VQVAEConfig
from dima_nb.world_model.model import WorldModelConfig
from dima_nb.envs import EnvConfig
from dima_nb.data.buffer import BufferConfig

CONFIGS = [ExperimentConfig, RunConfig, RolloutConfig, DimaConfig, EnvConfig, BufferConfig, MAPPOConfig, DiffusionConfig,
           DenoiserConfig, RewardConfig, VQVAEConfig, WorldModelConfig]

@pytest.mark.parametrize('cls', CONFIGS, ids=lambda c: c.__name__)
def test_every_field_is_documented(cls):
    docs = cls.field_docs()
    missing = [f.name for f in dataclasses.fields(cls) if not docs.get(f.name)]
    assert not missing, f"{cls.__name__}: fields without a '# comment' on their line: {missing}"

@pytest.mark.parametrize('name', ['smoke', 'cpu', 'paper'])
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


def test_dima_joint_is_the_papers_joint_ablation(tmp_path):
    "dima_joint reveals every action at every step and trains with the plain loss (no sampler-state training)."
    from dima_nb.runs.config import experiment_config
    from dima_nb.runs.train import make_runner
    seq = experiment_config('smoke', method='dima')
    assert seq.wm.diffusion.reveal == 'cumulative' and seq.wm.diffusion.chain_frac > 0  # the default 'dima' variant
    tr = make_runner(experiment_config('smoke', method='dima_joint'), run_dir=tmp_path / 'run', quiet=True)
    assert (tr.cfg.wm.diffusion.reveal, tr.cfg.wm.diffusion.chain_frac) == ('joint', 0.0)

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
