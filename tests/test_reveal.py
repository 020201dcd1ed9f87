"The presets keep the paper's diffusion; the method's name picks the reveal variant (methods.dima.DIMA_VARIANTS)."
import pytest
from dima_nb.runs.config import experiment_config
from dima_nb.world_model.diffusion import DiffusionConfig, reveal_variant, REVEAL_VARIANTS, sampler_steps
from dima_nb.methods.dima import DimaMethod, DIMA_VARIANTS

def test_presets_keep_the_papers_diffusion():
    for preset in ('smoke', 'cpu', 'paper'):
        assert experiment_config(preset).wm.diffusion == DiffusionConfig() == reveal_variant('single')

def test_our_variant_is_the_chain_variant_at_the_same_cost():
    d = DimaMethod.configure(experiment_config('cpu', method='dima_chain')).wm.diffusion
    assert (d.reveal, d.chain_frac, d.chain_step) == ('cumulative', 0.75, 'last') and d.reveal != 'joint'
    assert sampler_steps(d, 3) == 3  # as many denoiser calls as the joint ablation

def test_a_conflicting_override_is_refused():
    with pytest.raises(ValueError, match='dima_joint'):
        DimaMethod.configure(experiment_config('cpu', method='dima', overrides={'wm.diffusion.reveal': 'joint'}))

def test_variants_are_valid():
    for name in REVEAL_VARIANTS: reveal_variant(name).validate()
    for m in DIMA_VARIANTS: DimaMethod.configure(experiment_config('smoke', method=m)).wm.diffusion.validate()
