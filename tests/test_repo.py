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

def _import_graph():
    "Module -> the dima_nb modules it imports at module level (package imports count as their __init__)."
    import ast
    pkg = ROOT / 'dima_nb'
    mods = {('dima_nb.' + '.'.join(p.relative_to(pkg).with_suffix('').parts)).removesuffix('.__init__'): p
            for p in pkg.rglob('*.py') if '__pycache__' not in p.parts and p.name != '_modidx.py'}
    graph = {}
    for name, path in mods.items():
        base = name.split('.') if path.name == '__init__.py' else name.split('.')[:-1]
        deps = set()
        for node in ast.parse(path.read_text()).body:  # module level only: imports inside functions are lazy
            if isinstance(node, ast.ImportFrom):
                target = '.'.join(base[:len(base) - node.level + 1] + ([node.module] if node.module else [])) if node.level else node.module
                if target and target.startswith('dima_nb'):
                    for alias in node.names:
                        sub = f'{target}.{alias.name}'
                        deps.add(sub if sub in mods else target)
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name.startswith('dima_nb')}
        graph[name] = {d for d in deps if d in mods and d != name}
    return graph

def test_no_import_cycles():
    graph, state, cycles = _import_graph(), {}, []
    def visit(m, stack):
        state[m] = 'open'
        for d in sorted(graph[m]):
            if state.get(d) == 'open': cycles.append(stack[stack.index(d):] + [d])
            elif d not in state: visit(d, stack + [d])
        state[m] = 'done'
    for m in sorted(graph):
        if m not in state: visit(m, [m])
    assert not cycles, f"import cycles: {cycles}"

def test_readme_layout_lists_every_module():
    "The README's layout table names every module of the package."
    text = (ROOT / 'README.md').read_text()
    missing = [m for m in _import_graph() if m != 'dima_nb' and f"`{m.removeprefix('dima_nb.')}`" not in text]
    assert not missing, f"modules missing from the README's layout table: {missing}"

def test_readme_leads_with_the_current_headline():
    "The README's results table is the one `results.ipynb` last wrote from the committed runs, and its figure exists."
    text, head = (ROOT / 'README.md').read_text(), (ROOT / 'outputs' / 'results' / 'headline.md').read_text().strip()
    assert head in text, "README.md's results table differs from outputs/results/headline.md: run `make readme` after results.ipynb"
    assert text.index(head) < text.index('## Quick start'), "the README should lead with the results"
    assert (ROOT / 'outputs' / 'results' / 'headline.png').exists()

def test_readme_shows_the_current_findings():
    "The README's probability-of-improvement table is the one `results.ipynb` last wrote (outputs/results/findings.md)."
    text, find = (ROOT / 'README.md').read_text(), (ROOT / 'outputs' / 'results' / 'findings.md').read_text().strip()
    assert find in text, "README.md's findings differ from outputs/results/findings.md: paste them into nbs/index.ipynb and run `make readme`"

def test_headline_matches_the_committed_runs():
    "outputs/results/headline.md is what the committed curves give now (nothing stale stays committed)."
    from dima_nb.core import repo_path
    from dima_nb.runs.config import PRESETS
    from dima_nb.reports.report import load_runs, paper_results, returns_table, vs_paper
    from dima_nb.reports.figures import headline_table, markdown_table
    root = repo_path('outputs/results')
    presets = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name in PRESETS and p.name != 'smoke')
    runs = load_runs(root, presets=presets)
    budgets = [50000, 100000, 200000, 300000, 1000000]  # results.ipynb's default
    ours = returns_table(runs, budgets)
    t1 = vs_paper(ours, paper_results('data/paper_results.csv'), 1)
    table = markdown_table(headline_table(t1, min_seeds=3)).strip()
    assert table in (root / 'headline.md').read_text(), "outputs/results/headline.md is stale: rerun nbs/results.ipynb with figures True"
