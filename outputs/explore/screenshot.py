"""Screenshot of the explorer (nbs/16_explore.ipynb) in JupyterLab, in a real (headless) Chromium.

Run from the repository root, with Playwright's Python package in any environment (not the project's):

    python3 -m venv /tmp/pwvenv && /tmp/pwvenv/bin/pip install playwright
    /tmp/pwvenv/bin/python outputs/explore/screenshot.py

It copies the notebook to outputs/tmp/explore/screenshot/ (ignored by git, so JupyterLab's autosave never
touches nbs/), starts JupyterLab from the project's .venv on localhost, runs all cells, waits for the widgets,
sets the step slider to h = 8 and the value slider to -0.9 through their readouts (as a user typing into them),
and saves outputs/explore/explorer.png.
"""
import argparse, os, secrets, shutil, subprocess, sys, time, urllib.request
from pathlib import Path
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
NB = 'outputs/tmp/explore/screenshot/16_explore.ipynb'
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync']

def wait_for_server(url:str, timeout:float=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200: return
        except OSError: time.sleep(1)
    raise TimeoutError(f"JupyterLab did not answer at {url}")

def set_readout(page, slider, text:str):
    "Type a value into a slider's readout and press Enter, as a user would."
    ro = slider.locator('.widget-readout')
    ro.click(); page.keyboard.press('Control+A'); page.keyboard.type(text); page.keyboard.press('Enter')

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--port', type=int, default=8899)
    ap.add_argument('--chromium', default='/usr/bin/chromium')
    ap.add_argument('--out', default='outputs/explore/explorer.png')
    ap.add_argument('--timeout', type=float, default=900, help='seconds to wait for the notebook to run')
    a = ap.parse_args()
    nb = ROOT / NB
    nb.parent.mkdir(parents=True, exist_ok=True); shutil.copy(ROOT / 'nbs/16_explore.ipynb', nb)
    token = secrets.token_hex(16)
    env = os.environ | {'OMP_NUM_THREADS': '1', 'MUJOCO_GL': os.environ.get('MUJOCO_GL', 'egl')}
    lab = subprocess.Popen([str(ROOT / '.venv/bin/jupyter'), 'lab', '--no-browser', '--allow-root', '--ip', '127.0.0.1',
                            '--port', str(a.port), f'--ServerApp.token={token}', f'--ServerApp.root_dir={ROOT}',
                            '--LabApp.expose_app_in_browser=True'],
                           cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(nb.parent / 'lab.log', 'w'))
    try:
        base = f'http://127.0.0.1:{a.port}'
        wait_for_server(f'{base}/api/status?token={token}')
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=a.chromium, args=ARGS)
            page = browser.new_page(viewport={'width': 1560, 'height': 1180})
            page.goto(f'{base}/lab/tree/{NB}?token={token}')
            page.wait_for_selector('.jp-Notebook', timeout=120_000)
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                                   "&& window.jupyterapp.shell.currentWidget.sessionContext?.session?.kernel", timeout=120_000)
            page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
            t0 = time.time()
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")  # returns when the cells have run
            box = page.locator('.widget-vbox:has(img.widget-image)').first
            box.wait_for(state='attached', timeout=a.timeout * 1000)
            page.wait_for_function("() => [...document.querySelectorAll('img.widget-image')].filter(i => i.naturalWidth > 0).length >= 3",
                                   timeout=120_000)
            print(f"notebook ran and widgets rendered in {time.time() - t0:.0f}s")
            sliders = page.locator('.widget-hslider')
            step = sliders.filter(has_text='step h').first
            value = sliders.filter(has_text='value').first
            step.scroll_into_view_if_needed()
            set_readout(page, step, '8')
            page.wait_for_function("() => [...document.querySelectorAll('.widget-html-content')].some(e => e.innerText.includes('shown: t = 48'))",
                                   timeout=120_000)
            set_readout(page, value, '-0.9')
            page.wait_for_function("() => [...document.querySelectorAll('.widget-html-content')].some(e => e.innerText.includes('Edit:'))",
                                   timeout=120_000)
            page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                                   timeout=120_000)
            page.wait_for_timeout(3000)  # let the new images load
            for toast in page.locator('.Toastify__toast').all():  # JupyterLab's question about news, if it asks
                try: toast.locator('button:has-text("No")').click(timeout=2000)
                except Exception: pass
            page.locator('.jp-Cell:has(img.widget-image) .jp-Cell-outputWrapper').first.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(1000)
            out = ROOT / a.out; out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
            print(f"wrote {out}")
            browser.close()
    finally:
        lab.terminate()
        try: lab.wait(30)
        except subprocess.TimeoutExpired: lab.kill()

if __name__ == '__main__':
    sys.exit(main())
