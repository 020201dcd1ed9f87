"""The `paper` preset against the release's settings, value by value.

RELEASE lists what `../shared/DIMA_FACTS.md` ("Release's settings") records of the authors' release, as
(dotted config key, the release's value, where the facts file says it). The test fails on any difference,
and on any release setting the config no longer has; sampler-step counts are checked per agent count."""
import pytest
from dima_nb.runs.config import experiment_config, _flatten
from dima_nb.methods.dima import DimaMethod
from dima_nb.world_model.diffusion import sampler_steps
from dima_nb.world_model.unet import make_denoiser_net
from dima_nb.world_model.denoiser import count_params

RELEASE = [
    # state scaling, EDM preconditioning, training and sampling levels
    ('wm.diffusion.sigma_data', 0.5, 'normalised, then scaled by sigma_data = 0.5'),
    ('wm.diffusion.sigma_offset', 0.3, 'offset noise 0.3'),
    ('wm.diffusion.p_mean', -0.4, 'log-normal, P_mean -0.4'),
    ('wm.diffusion.p_std', 1.2, 'P_std 1.2'),
    ('wm.diffusion.train_sigma_min', 2e-3, 'clipped to [2e-3, 20]'),
    ('wm.diffusion.train_sigma_max', 20.0, 'clipped to [2e-3, 20]'),
    ('wm.diffusion.sigma_min', 2e-3, 'Karras schedule, sigma_min 2e-3'),
    ('wm.diffusion.sigma_max', 5.0, 'sigma_max 5'),
    ('wm.diffusion.rho', 7.0, 'rho 7'),
    ('wm.diffusion.solver', 'euler', 'Euler'),
    ('wm.diffusion.extra_joint_steps', 0, 'no steps beyond the agent-by-agent ones'),
    ('wm.diffusion.reveal', 'single', "the current step sees exactly one agent's action"),
    ('wm.diffusion.order', 'descending', 'fixed descending order (Assumption 1)'),
    ('wm.diffusion.chain_frac', 0.0, 'trained on forward-noised data only'),
    # the network
    ('wm.denoiser.history', 3, '3 past states (and their joint actions)'),
    ('wm.denoiser.arch', 'unet', 'a 1-D U-Net over time with a Perceiver action conditioner'),
    ('wm.denoiser.unet_channels', [64, 64, 64], 'channels [64,64,64]'),
    ('wm.denoiser.unet_depths', [2, 2, 2], 'depths [2,2,2]'),
    ('wm.denoiser.unet_mid_blocks', 2, '2 middle blocks'),
    ('wm.denoiser.noise_emb_dim', 256, 'Fourier features (256) of c_noise'),
    ('wm.denoiser.act_emb_dim', 256, 'Linear-SiLU-Linear to 256'),
    ('wm.denoiser.cond_dim', 256, 'Linear to 256; the conditioning vector'),
    ('wm.denoiser.perceiver_latents', 32, '32 latents x 512'),
    ('wm.denoiser.perceiver_dim', 512, '32 latents x 512'),
    ('wm.denoiser.perceiver_heads', 8, '8 heads x 64'),
    ('wm.denoiser.perceiver_head_dim', 64, '8 heads x 64'),
    ('wm.denoiser.perceiver_layers', 2, '2 self-attention layers'),
    ('wm.denoiser.perceiver_ff_mult', 4, 'GEGLU feed-forward x4'),
    # denoiser training
    ('wm.denoiser.ar_steps', 3, '6-step segments; 3 successive one-step predictions'),
    ('wm.denoiser.lr', 1e-4, 'AdamW lr 1e-4'),
    ('wm.denoiser.weight_decay', 0.01, 'weight decay 0.01'),
    ('wm.denoiser.warmup_steps', 100, '100 warm-up steps'),
    ('wm.denoiser.grad_clip', 1.0, 'grad clip 1'),
    ('wm.denoiser.batch_size', 64, 'batch 64 segments'),
    ('wm.denoiser.ema_decay', 0.995, 'EMA of weights 0.995'),
    ('buffer.recency_weights', [0.1, 0.1, 0.1, 0.7], 'recency weights 0.1, 0.1, 0.1, 0.7'),
    ('buffer.capacity', 250_000, 'Replay capacity 250k'),
    # reward / termination model
    ('wm.reward.n_layers', 6, 'causal transformer (6 layers'),
    ('wm.reward.n_heads', 4, '4 heads'),
    ('wm.reward.width', 256, 'width 256'),
    ('wm.reward.dropout', 0.1, 'dropout 0.1'),
    ('wm.reward.seq_len', 15, 'sequence length 15'),
    ('wm.reward.batch_size', 128, 'batch 128'),
    # state decoder
    ('wm.vqvae.n_tokens', 12, '12 tokens of 64 dims'),
    ('wm.vqvae.token_dim', 64, '12 tokens of 64 dims'),
    ('wm.vqvae.codebook_size', 256, 'codebook 256 entries'),
    ('wm.vqvae.ema_decay', 0.8, '(EMA 0.8)'),
    ('wm.vqvae.commitment', 10.0, 'L1 reconstruction + 10 x commitment'),
    ('wm.vqvae.batch_size', 256, '200 decoder steps (batch 256)'),
    # policy
    ('policy.algo', 'mappo', 'MAPPO'),
    ('policy.actor_hidden', [128, 128, 128], 'shared actor (3 x 128'),
    ('policy.critic_hidden', [256, 256], 'centralised critic ... 2 x 256'),
    ('policy.value_norm', True, 'value normalisation'),
    ('policy.clip', 0.1, 'Clip 0.1'),
    ('policy.entropy_coef', 1e-3, 'entropy 1e-3'),
    ('policy.actor_lr', 5e-4, 'Adam lr 5e-4'),
    ('policy.critic_lr', 5e-4, 'Adam lr 5e-4'),
    ('policy.gamma', 0.99, 'gamma 0.99'),
    ('policy.lam', 0.95, 'lambda 0.95'),
    ('policy.epochs', 5, '5 PPO epochs on the full batch'),
    ('policy.minibatches', 1, '5 PPO epochs on the full batch'),
    # schedule
    ('dima.train_every', 200, 'at least 200 new env steps have arrived since the last round'),
    ('dima.start_steps', 5_000, 'and the buffer holds 5,000 steps'),
    ('wm.decoder_steps', 200, '200 decoder steps'),
    ('wm.denoiser_steps', 200, '200 denoiser steps'),
    ('wm.reward_steps', 200, '200 reward-model steps'),
    ('dima.policy_warmup_rounds', 10, '(from the 10th round)'),
    ('dima.policy_rounds', 5, '5 x [imagine ...'),
    ('dima.imagine_batch', 600, 'imagine 600 trajectories'),
    ('dima.horizon', 15, 'x 15 steps'),
    ('run.eval_every', 1_000, 'about every 1,000 env steps'),
    ('run.eval_episodes', 10, '10 deterministic episodes'),
    ('run.env_steps', 1_000_000, 'MAMuJoCo 1M env steps'),
]

@pytest.fixture(scope='module')
def paper():
    cfg = experiment_config('paper', method='dima')
    return DimaMethod.configure(cfg)

@pytest.mark.parametrize('key,value,source', RELEASE, ids=[r[0] for r in RELEASE])
def test_paper_preset_is_the_release(paper, key, value, source):
    flat = _flatten(paper.to_dict())
    assert key in flat, f"the config has no {key} any more (the release: {source})"
    got = flat[key]
    if isinstance(value, float): assert got == pytest.approx(value), f"{key}: ours {got!r}, the release {value!r} ({source})"
    else: assert got == value, f"{key}: ours {got!r}, the release {value!r} ({source})"

@pytest.mark.parametrize('n,steps', [(2, 4), (3, 3), (4, 4), (6, 6)])
def test_release_sampler_steps(paper, n, steps):
    "n_agents steps when n > 2, 2 * n_agents when n = 2 (each agent covers two consecutive levels)."
    assert sampler_steps(paper.wm.diffusion, n) == steps

def test_release_network_size(paper):
    "About 14M parameters, most of them the Perceiver."
    net = make_denoiser_net(paper.wm.denoiser, 17, 2, 3)
    n = count_params(net)
    assert 13e6 <= n <= 15.5e6 and count_params(net.perceiver) > n / 2

def test_sizes_only_differ_between_presets():
    "The algorithm is the same in every preset: the release's gate, replay weights, targets and sampler rule."
    keys = ('buffer.recency_weights', 'dima.train_every', 'wm.denoiser.ar_steps', 'wm.diffusion.steps_per_agent',
            'wm.diffusion.reveal', 'wm.diffusion.chain_frac', 'wm.diffusion.sigma_offset')
    flats = {p: _flatten(DimaMethod.configure(experiment_config(p, method='dima')).to_dict()) for p in ('smoke', 'cpu', 'cpu_v0', 'paper')}
    for k in keys: assert len({repr(f[k]) for f in flats.values()}) == 1, (k, {p: f[k] for p, f in flats.items()})
