"The documentation site builds from the notebooks (`make docs`), with every notebook's page and the API documented."
import subprocess, sys, time
from conftest import ROOT

def test_docs_build(tmp_path):
    sys.path.insert(0, str(ROOT / 'tools'))
    from build_docs import page_name
    dest, t = tmp_path / '_docs', time.perf_counter()
    out = subprocess.run([sys.executable, str(ROOT / 'tools' / 'build_docs.py'), '--dest', str(dest), '--workers', '2'],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    print(f"docs built in {time.perf_counter() - t:.0f} s")
    nbs = sorted((ROOT / 'nbs').glob('*.ipynb'))
    missing = [p.name for p in nbs if p.stem != 'index' and not (dest / page_name(p)).exists()]
    assert not missing and (dest / 'index.html').exists() and (dest / 'site.css').exists(), missing
    pages = {p.name: p.read_text() for p in dest.glob('*.html')}
    front = pages['index.html']
    assert '<h1>dima_nb</h1>' in front and 'id="quick-start"' in front and '<math' in front  # the README's notebook, maths as MathML
    tasks = pages['tasks.html']  # show_doc: the signature with each parameter's comment, and the docstring
    assert 'id="make_env"' in tasks and 'episode_seed(seed, k)' in tasks and 'Make any task of the project behind one interface.' in tasks
    assert 'Everything a resumed run needs' in pages['world_model.html']
    assert 'href="envs.html#envbatch"' in tasks  # nbdev's links between symbols point into the site
    for name, html in pages.items():
        assert 'example.invalid' not in html and '{target=' not in html and '#| ' not in html, name
