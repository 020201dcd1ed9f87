"The world model's default reveal variant keeps sequential reveal; the paper's scheme stays one override away."
from dima_nb.runs.config import experiment_config
from dima_nb.world_model.diffusion import DiffusionConfig, reveal_variant, REVEAL_VARIANTS, sampler_steps

def test_default_preset_uses_the_dima_variant():
    for preset in ('smoke', 'cpu', 'paper'):
        d = experiment_config(preset).wm.diffusion
        assert d == reveal_variant('dima') and d.reveal != 'joint' and d.chain_frac > 0
        assert sampler_steps(d, 3) == 3  # as many denoiser calls as the joint ablation

def test_single_reproduces_the_paper():
    cfg = experiment_config('cpu', overrides={'wm.diffusion': reveal_variant('single').to_dict()})
    assert cfg.wm.diffusion == DiffusionConfig() and cfg.wm.diffusion.reveal == 'single' and cfg.wm.diffusion.chain_frac == 0

def test_variants_are_valid():
    for name in REVEAL_VARIANTS: reveal_variant(name).validate()
