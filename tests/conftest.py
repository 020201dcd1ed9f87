import os, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's bin folder (pytest runs inside .venv)
os.environ.setdefault('MPLBACKEND', 'Agg')
os.environ.setdefault('DIMA_NO_PROGRESS', '1')

@pytest.fixture
def root(): return ROOT

@pytest.fixture
def venv_bin(): return BIN
