"The repository's own promises: notebooks are clean and `dima_nb/` is exactly what they export."
import json, shutil, subprocess
from pathlib import Path
from conftest import ROOT, BIN

def test_notebooks_are_clean():
    dirty = []
    for p in sorted((ROOT / 'nbs').rglob('*.ipynb')):
        nb = json.loads(p.read_text())
        if any(c['cell_type'] == 'code' and (c.get('outputs') or c.get('execution_count')) for c in nb['cells']):
            dirty.append(p.name)
    assert not dirty, f"notebooks with outputs (run `make export` or nbdev_clean): {dirty}"

def test_library_matches_notebooks(tmp_path):
    for name in ('nbs', 'dima_nb'): shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns('__pycache__'))
    shutil.copy(ROOT / 'settings.ini', tmp_path / 'settings.ini')
    subprocess.run([str(BIN / 'nbdev_export')], cwd=tmp_path, check=True, capture_output=True)
    rel = lambda base: {str(p.relative_to(base)) for p in base.rglob('*.py') if '__pycache__' not in p.parts}
    ours, exported = rel(ROOT / 'dima_nb'), rel(tmp_path / 'dima_nb')
    stale = sorted(f for f in ours & exported if (tmp_path / 'dima_nb' / f).read_text() != (ROOT / 'dima_nb' / f).read_text())
    new = sorted(exported - ours)
    assert not stale and not new, f"dima_nb/ is out of step with nbs/ (run nbdev_export): changed {stale}, missing {new}"

def test_readme_mentions_the_two_commands():
    text = (ROOT / 'README.md').read_text()
    assert 'make demo' in text and 'make test' in text
