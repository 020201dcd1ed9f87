"The public API as a researcher meets it: entry points at the top level, `help` that shows documentation, imagined steps typed like real ones, and a quiet start."
import dataclasses, importlib, inspect, pkgutil, subprocess, sys
from pathlib import Path
import numpy as np
import torch
import dima_nb

def _public_objects():
    "Every public function, class and method defined in a module of `dima_nb`, by dotted name."
    for info in pkgutil.walk_packages(dima_nb.__path__, 'dima_nb.'):
        if info.name.endswith('._modidx'): continue
        mod = importlib.import_module(info.name)
        for name in getattr(mod, '__all__', []):
            obj = getattr(mod, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or obj.__module__ != mod.__name__: continue
            yield f'{info.name}.{name}', obj
            if not inspect.isclass(obj): continue
            for attr, v in vars(obj).items():
                v = v.__func__ if isinstance(v, (staticmethod, classmethod)) else v.fget if isinstance(v, property) else v
                if inspect.isfunction(v) and (not attr.startswith('_') or attr == '__init__'): yield f'{info.name}.{name}.{attr}', v

def test_top_level_entry_points():
    "`dima_nb.make_env`, `dima_nb.train`, ... are the objects of their modules."
    from dima_nb.envs.tasks import make_env, TASKS
    from dima_nb.runs.train import train
    from dima_nb.runs.config import experiment_config
    from dima_nb.world_model.model import WorldModel, WorldModelConfig
    from dima_nb.world_model.offline import random_buffer
    from dima_nb.reports.report import load_runs, plot_curves, vs_paper
    for ours, theirs in ((dima_nb.make_env, make_env), (dima_nb.TASKS, TASKS), (dima_nb.train, train),
                         (dima_nb.experiment_config, experiment_config), (dima_nb.WorldModel, WorldModel),
                         (dima_nb.WorldModelConfig, WorldModelConfig), (dima_nb.random_buffer, random_buffer),
                         (dima_nb.load_runs, load_runs), (dima_nb.plot_curves, plot_curves), (dima_nb.vs_paper, vs_paper)):
        assert ours is theirs, theirs
    assert {'smoke', 'cpu', 'paper'} <= set(dima_nb.PRESETS)
    assert all(hasattr(dima_nb, n) for n in dima_nb.__all__)

def test_import_is_light():
    "`import dima_nb` alone imports neither PyTorch nor a simulator nor the plotting stack."
    out = subprocess.run([sys.executable, '-c', "import sys, dima_nb; print([m for m in ('torch', 'mujoco', 'gymnasium', "
                          "'matplotlib', 'pandas') if m in sys.modules])"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]'

def test_help_shows_no_notebook_markers():
    "No public function's documentation is a `# %%` cell marker (what `help` falls back to without a docstring)."
    bad = [name for name, obj in _public_objects()
           if '# %%' in (inspect.getdoc(obj) or '') or (inspect.getdoc(obj) is None and '# %%' in (inspect.getcomments(obj) or ''))]
    assert not bad, f"documentation that is a notebook cell marker (give them a docstring): {bad}"

def test_main_entry_points_document_their_parameters():
    "The top-level entry points have a docstring and a comment on every parameter (what `show_doc` and the docs show)."
    from fastcore.docments import docments
    missing = {}
    for name in dima_nb.__all__:
        obj = getattr(dima_nb, name)
        if not callable(obj) or isinstance(obj, (dict, tuple)): continue
        if not inspect.getdoc(obj): missing[name] = 'docstring'; continue
        if inspect.isclass(obj) and (dataclasses.is_dataclass(obj) or '__init__' not in vars(obj)): continue  # fields: their own comments
        f = obj.__init__ if inspect.isclass(obj) else obj
        sig, doc = inspect.signature(f), docments(f)
        undoc = [p for p, v in sig.parameters.items() if p != 'self' and v.kind not in (v.VAR_POSITIONAL, v.VAR_KEYWORD) and not doc.get(p)]
        if undoc: missing[name] = undoc
    assert not missing, f"entry points with undocumented parameters: {missing}"

def test_imagined_flags_are_typed_like_the_real_ones():
    "The imagined environment's terminated/truncated are booleans, as the real batched environment's are."
    from dima_nb import make_env, random_buffer, WorldModel, world_model_preset, ImaginedEnv
    from dima_nb.envs import EnvBatch
    env, buf = random_buffer('linear_3agent', episodes=2, seed=0)
    real = EnvBatch([make_env('linear_3agent', seed=s) for s in (1, 2)])
    real.reset()
    _, _, _, term, trunc, _ = real.step(np.stack([e.random_actions() for e in real.envs]))
    wm = WorldModel(world_model_preset('smoke'), env.n_agents, env.state_dim, env.obs_dim, env.act_dim, obs_mask=env.obs_mask)
    im = ImaginedEnv(wm, buf, batch=2, horizon=1)
    im.reset()
    _, _, _, iterm, itrunc, _ = im.step(torch.zeros(2, env.n_agents, env.act_dim))
    assert term.dtype == trunc.dtype == np.bool_
    assert iterm.dtype == itrunc.dtype == torch.bool
    assert iterm.cpu().numpy().dtype == term.dtype and itrunc.cpu().numpy().dtype == trunc.dtype
    assert itrunc.all() and not iterm.any()  # the horizon is one step; ends come through `cont`

def test_start_up_is_quiet():
    "Making the tasks prints nothing of gymnasium-robotics' Adroit notice (environments the project does not use)."
    code = ("from dima_nb import make_env\n"
            "for t in ('halfcheetah_2x3', 'door_open_outward', 'linear_3agent'): make_env(t).reset()\n"
            "from dima_nb.envs.base import import_gymnasium_robotics; import_gymnasium_robotics()\n"
            "import gymnasium_robotics\n")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert 'Adroit' not in out.stderr + out.stdout, out.stderr
    assert not out.stdout.strip(), out.stdout

def test_module_docstrings_are_whole():
    "Every module says what it is in one whole sentence: its notebook's one-line `> ` summary, all of it (nbdev keeps only the first line)."
    import json, re
    from conftest import ROOT
    short = {}
    names = ['dima_nb'] + [m.name for m in pkgutil.walk_packages(dima_nb.__path__, 'dima_nb.') if not m.name.endswith('._modidx')]
    for name in names:
        mod = importlib.import_module(name)
        nb = re.search(r'File to edit: (\S+\.ipynb)\.', inspect.getsource(mod))
        cells = json.loads((Path(mod.__file__).parent / nb.group(1)).read_text())['cells'] if nb else []
        first = next((''.join(c['source']) for c in cells if c['cell_type'] == 'markdown'), '')
        quote = [l for l in first.splitlines() if l.startswith('>')]
        after = first.splitlines()[first.splitlines().index(quote[0]) + 1:][:1] if quote else []
        doc = (mod.__doc__ or '').strip()
        if not doc.endswith('.') or len(quote) != 1 or (after and after[0].strip()): short[name] = doc[-60:]
    assert not short, f"module docstrings that stop short (make the notebook's `> ` summary one whole line): {short}"
