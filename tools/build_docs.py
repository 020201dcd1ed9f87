"""Build the documentation site from the notebooks in `nbs/`: one HTML page per notebook, with the API of every exported
function and class as nbdev documents it (signature, parameter comments, docstring), in a plain static site under `_docs/`.

Quarto, which `nbdev_docs` renders with, cannot be installed on the project's machines: its PyPI package (`quarto-cli`)
is a source distribution that downloads the Quarto binary from GitHub while it builds, and these machines reach only
the package registries. So this script renders the site itself: nbdev's own notebook processors (front matter,
`show_doc` after every export, links between symbols) prepare each notebook, and nbconvert's markdown renderer turns it
into HTML. Notebooks are stored without outputs, so only what the API pages need runs: exported cells, cells made only
of imports, and the `show_doc` calls. Maths becomes MathML at build time, so the site needs no network.

`make docs` runs it (`python tools/build_docs.py --dest _docs`); `tests/test_docs.py` builds the site in CI.
"""
import argparse, ast, html, os, re, shutil, sys, time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = (('Library', r'^\d'), ('Packages', r'^pkg_'), ('Experiments', r'^(exp_|fig_|results)'), ('Benchmarks', r'^bench_'))
_DIRECTIVE = re.compile(r'^\s*#\|\s*(.*?)\s*$')
_SOURCE_LINK = re.compile(r'\[source\]\((?P<url>[^)]*)\)\{[^}]*\}')
_MATH_FALLBACK = '<code class="tex">{}</code>'

def page_name(nb:Path)->str:
    "The page a notebook becomes, as nbdev names it (`01c_tasks.ipynb` -> `tasks.html`), so symbol links resolve."
    from nbdev.doclinks import _nbpath2html
    return _nbpath2html(Path(nb.name)).name

def section_of(stem:str)->str:
    "The sidebar section of the notebook named `stem`."
    return next((name for name, pat in SECTIONS if re.match(pat, stem)), 'Other')

def _to_mathml(tex:str, display:str)->str:
    try:
        from latex2mathml.converter import convert
        return convert(tex, display=display)
    except Exception: return _MATH_FALLBACK.format(html.escape(tex))

def _slug(text:str)->str:
    "A heading's id as pandoc (and so nbdev's symbol links) makes it: `ConfigBase.describe` -> `configbase.describe`."
    text = re.sub(r'<[^>]+>', '', html.unescape(text)).strip().lower()
    return re.sub(r'\s+', '-', re.sub(r'[^\w\s.-]', '', text))

def _markdown():
    "A markdown-to-HTML function: nbconvert's renderer, with MathML maths and pandoc's heading ids."
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
    class Renderer(IPythonRenderer):
        def inline_math(self, body): return _to_mathml(body, 'inline')
        def block_math(self, body): return _to_mathml(body, 'block')
        def latex_environment(self, name, body): return _to_mathml(f'\\begin{{{name}}}{body}\\end{{{name}}}', 'block')
        def heading(self, text, level, **attrs):
            i = _slug(text)
            return f'<h{level} id="{i}">{text}<a class="anchor" href="#{i}">#</a></h{level}>\n'
    md = MarkdownWithMath(renderer=Renderer(escape=False))
    return md.render

def _inline(md, text:str)->str:
    "Markdown of one line (a title, a description) as HTML without the paragraph around it."
    return re.sub(r'^<p>(.*)</p>\s*$', r'\1', md(text).strip(), flags=re.DOTALL)

def _process(nb):
    "nbdev's processors for the docs, except that only exported cells, import-only cells and `show_doc` calls run."
    from nbdev.processors import FilterDefaults, exec_show_docs
    class exec_api(exec_show_docs):
        def __call__(self, cell):
            if _runs_for_docs(cell): super().__call__(cell)
    class Procs(FilterDefaults):
        def base_procs(self): return [exec_api if p is exec_show_docs else p for p in super().base_procs()]
    Procs()(nb)

def _runs_for_docs(cell)->bool:
    "Whether a cell runs for the API pages: exports and `show_doc` calls, and imports when a cell holds nothing else."
    if cell.cell_type != 'code' or not cell.source: return False
    if cell.directives_.keys() & {'export', 'exports', 'exporti', 'exec_doc'}: return True
    trees = cell.parsed_()
    if not trees: return False
    if all(isinstance(t, (ast.Import, ast.ImportFrom)) for t in trees): return True
    return all(isinstance(t, ast.Expr) and getattr(getattr(t.value, 'func', None), 'id', '') == 'show_doc' for t in trees)

def _split_title_cell(nb):
    "Keep the prose after a notebook's `# title` and `> description` (nbdev's front matter would drop the whole cell)."
    from execnb.nbio import mk_cell
    for i, c in enumerate(nb.cells):
        if c.cell_type != 'markdown': continue
        lines = c.source.splitlines()
        if not lines or not lines[0].startswith('# '): return
        head = [l for l in lines if l.startswith(('# ', '> '))][:2]
        rest = '\n'.join(l for l in lines if l not in head).strip()
        if rest:
            c.set_source('\n\n'.join(head))
            nb.cells.insert(i + 1, mk_cell(rest, 'markdown'))
        return

def _directives(source:str)->tuple[dict, str]:
    "The Quarto/nbdev `#|` options of a code cell and its code without them."
    opts, code = {}, []
    for line in source.splitlines():
        m = _DIRECTIVE.match(line)
        if m and not code:
            k, _, v = m.group(1).partition(':')
            opts[k.strip()] = v.strip()
        else: code.append(line)
    return opts, '\n'.join(code).strip()

def _output_html(out, md)->str:
    data = out.get('data', {})
    text = lambda v: ''.join(v) if isinstance(v, list) else str(v)
    if out.get('output_type') == 'stream': return f'<pre class="output">{html.escape(text(out.get("text", "")))}</pre>'
    if out.get('output_type') == 'error': return f'<pre class="output error">{html.escape(out.get("ename", ""))}: {html.escape(out.get("evalue", ""))}</pre>'
    if 'text/markdown' in data:
        src = _SOURCE_LINK.sub(lambda m: f'<span class="source">{html.escape(m["url"].split("/blob/main/")[-1])}</span>', text(data['text/markdown']))
        return f'<div class="output md">{md(src)}</div>'
    if 'text/html' in data: return f'<div class="output">{text(data["text/html"])}</div>'
    for mime in ('image/png', 'image/jpeg'):
        if mime in data: return f'<img class="output" src="data:{mime};base64,{text(data[mime]).strip()}">'
    if 'image/svg+xml' in data: return f'<div class="output">{text(data["image/svg+xml"])}</div>'
    if 'text/plain' in data: return f'<pre class="output">{html.escape(text(data["text/plain"]))}</pre>'
    return ''

def _cell_html(cell, md, highlight)->str:
    if cell.cell_type == 'markdown': return md(cell.source) if cell.get('source') else ''
    if cell.cell_type != 'code': return ''
    opts, code = _directives(cell.get('source') or '')
    if opts.get('include') == 'false': return ''
    parts = [highlight(code)] if code and opts.get('echo') != 'false' else []
    if opts.get('output') != 'false': parts += [_output_html(o, md) for o in cell.get('outputs', [])]
    return '\n'.join(p for p in parts if p)

def render_notebook(path:Path)->dict:
    "One notebook as a page: its name, section, title and description (HTML), and body (HTML)."
    from execnb.nbio import read_nb
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    path = Path(path)
    nb = read_nb(path)
    _split_title_cell(nb)
    cwd = os.getcwd()
    try:
        os.chdir(path.parent)  # notebooks run from nbs/, as under nbdev_test
        _process(nb)
    finally: os.chdir(cwd)
    md, fm = _markdown(), getattr(nb, 'frontmatter_', {}) or {}
    code = lambda src: highlight(src, PythonLexer(), HtmlFormatter(cssclass='highlight'))
    body = '\n'.join(h for c in nb.cells if (h := _cell_html(c, md, code)))
    return dict(name=page_name(path), stem=path.stem, section=section_of(path.stem), source=f'nbs/{path.name}',
                title=_inline(md, fm.get('title', path.stem)), description=_inline(md, fm.get('description', '')), body=body)

CSS = """
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; display: flex; }
nav { width: 260px; flex: none; height: 100vh; position: sticky; top: 0; overflow-y: auto; background: #f6f8fa;
      border-right: 1px solid #d0d7de; padding: 18px 16px; box-sizing: border-box; font-size: 14px; }
nav .brand { font-size: 20px; font-weight: 700; color: #1f2328; text-decoration: none; }
nav .tagline { color: #57606a; font-size: 13px; margin: 4px 0 14px; }
nav h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #57606a; margin: 16px 0 4px; }
nav a.page { display: block; padding: 3px 6px; border-radius: 4px; color: #0550ae; text-decoration: none; }
nav a.page:hover { background: #eaeef2; } nav a.page.current { background: #ddf4ff; font-weight: 600; }
main { max-width: 920px; padding: 24px 40px 60px; min-width: 0; }
header h1 { margin: 0 0 6px; font-size: 30px; } header .description { font-size: 18px; color: #57606a; margin-top: 0; }
h2 { border-bottom: 1px solid #d8dee4; padding-bottom: 4px; margin-top: 32px; } h3 { margin-top: 26px; }
a.anchor { margin-left: 6px; color: #afb8c1; text-decoration: none; font-size: .8em; visibility: hidden; }
h1:hover a.anchor, h2:hover a.anchor, h3:hover a.anchor, h4:hover a.anchor { visibility: visible; }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px; font-size: 88%; }
pre { background: #f6f8fa; border: 1px solid #d8dee4; border-radius: 6px; padding: 10px 12px; overflow-x: auto; font-size: 13.5px; line-height: 1.45; }
pre code { background: none; padding: 0; font-size: 100%; }
.highlight { margin: 12px 0; } .highlight pre { margin: 0; }
pre.output { background: #fff; } pre.output.error { color: #cf222e; }
.output.md { border-left: 3px solid #0969da; padding: 2px 0 2px 14px; margin: 14px 0; }
.output.md hr { display: none; } .output.md h3 { margin-top: 6px; } .output.md pre { white-space: pre-wrap; }
.source { float: right; font-size: 12px; color: #57606a; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; margin: 12px 0; font-size: 14px; display: block; overflow-x: auto; }
th, td { border: 1px solid #d0d7de; padding: 5px 10px; text-align: left; vertical-align: top; } th { background: #f6f8fa; }
blockquote { color: #57606a; border-left: 3px solid #d0d7de; margin-left: 0; padding-left: 14px; }
footer { margin-top: 48px; color: #57606a; font-size: 13px; border-top: 1px solid #d8dee4; padding-top: 10px; }
math[display="block"] { margin: 12px 0; }
"""

def _page(p:dict, pages:list, title:str, tagline:str, links:dict)->str:
    nav = [f'<a class="brand" href="index.html">{html.escape(title)}</a>', f'<p class="tagline">{tagline}</p>']
    for sec in ['Start'] + [s for s, _ in SECTIONS] + ['Other']:
        items = [q for q in pages if q['section'] == sec]
        if not items: continue
        if sec != 'Start': nav.append(f'<h2>{sec}</h2>')
        nav += [f'<a class="page{" current" if q is p else ""}" href="{q["name"]}">{"Overview" if sec == "Start" else q["title"]}</a>'
                for q in items]
    body = p['body']
    for old, new in links.items(): body = body.replace(old, new)
    desc = f'<p class="description">{p["description"]}</p>' if p['description'] else ''
    plain_title = re.sub(r'<[^>]+>', '', p['title'])
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{plain_title} – {html.escape(title)}</title><link rel="stylesheet" href="site.css"></head>\n'
            f'<body><nav>{"".join(nav)}</nav>\n<main><header><h1>{p["title"]}</h1>{desc}</header>\n{body}\n'
            f'<footer>Made from <code>{p["source"]}</code> by <code>make docs</code>.</footer></main></body></html>\n')

def build(dest:Path=ROOT/'_docs', # where the site goes (emptied first)
          nbs:Path=ROOT/'nbs', # the notebooks
          workers:int=2, # processes rendering notebooks at once (0: in this process)
          only:list[str]|None=None, # notebook stems to render (default: every notebook)
         )->list[dict]: # the pages written
    "Render every notebook in `nbs` to a page of a static site in `dest`, with `index.html` from `index.ipynb`."
    from configparser import ConfigParser
    from pygments.formatters import HtmlFormatter
    cfg = ConfigParser(); cfg.read(ROOT / 'settings.ini')
    c = cfg['DEFAULT']
    paths = sorted(p for p in Path(nbs).glob('*.ipynb') if not p.name.startswith(('_', '.')) and (not only or p.stem in only))
    if workers:
        with ProcessPoolExecutor(workers, mp_context=get_context('spawn')) as ex: pages = list(ex.map(render_notebook, paths))
    else: pages = [render_notebook(p) for p in paths]
    for p in pages:
        if p['stem'] == Path(c.get('readme_nb', 'index.ipynb')).stem: p.update(name='index.html', section='Start')
    pages.sort(key=lambda p: (p['section'] != 'Start', p['stem']))
    # nbdev links symbols to pages under doc_host + doc_baseurl; the site is one flat folder, so they become relative
    links = {f"{c['doc_host']}{c['doc_baseurl']}/": '', f"{c['doc_host']}{c['doc_baseurl']}": 'index.html'}
    links |= {f'href="{p["stem"]}.ipynb"': f'href="{p["name"]}"' for p in pages}
    dest = Path(dest)
    shutil.rmtree(dest, ignore_errors=True); dest.mkdir(parents=True)
    (dest / 'site.css').write_text(CSS + HtmlFormatter().get_style_defs('.highlight'))
    tagline = html.escape(c.get('description', ''))
    for p in pages: (dest / p['name']).write_text(_page(p, pages, c['lib_name'], tagline, links))
    return pages

def main():
    ap = argparse.ArgumentParser(description=build.__doc__)
    ap.add_argument('--dest', default=str(ROOT / '_docs'), help='where the site goes (emptied first)')
    ap.add_argument('--workers', type=int, default=2, help='processes rendering notebooks at once (0: in this process)')
    ap.add_argument('--only', nargs='*', help='notebook stems to render (default: every notebook)')
    a = ap.parse_args()
    t = time.perf_counter()
    sys.path.insert(0, str(Path(__file__).parent))
    import build_docs  # worker processes find the renderer by its module's name, not as __main__
    pages = build_docs.build(Path(a.dest), workers=a.workers, only=a.only)
    print(f"{len(pages)} pages in {a.dest} ({time.perf_counter() - t:.0f} s); open {Path(a.dest) / 'index.html'}")

if __name__ == '__main__': main()
