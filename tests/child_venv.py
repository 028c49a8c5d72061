"""A fresh virtual environment that sees the running one's packages.

Packaging tests install mmext into a new environment and run it there.
``python -m venv --system-site-packages`` would inherit the *base*
interpreter's packages, not those of the virtual environment the tests run
in (where ``tools/install.sh`` put the stack), so instead the new
environment gets a ``.pth`` file listing the running interpreter's
site-packages folders.  Only plain paths are listed: the ``.pth`` files
inside them (such as an editable install of mmext) are not processed, so
mmext comes from what the test installs into the new environment.
"""
import os.path as osp
import site
import subprocess
import sys
import sysconfig
from typing import List


def parent_site_packages() -> List[str]:
    """The site-packages folders of the running interpreter, in order."""
    paths = list(site.getsitepackages())
    if site.ENABLE_USER_SITE and osp.isdir(site.getusersitepackages()):
        paths.append(site.getusersitepackages())
    return [p for p in paths if osp.isdir(p)]


def make_child_venv(folder: str) -> str:
    """Create a virtual environment in ``folder`` and return its python.

    Args:
        folder (str): Where to create it (must not exist yet).

    Returns:
        str: Path of the new environment's ``python``.
    """
    subprocess.run([sys.executable, '-m', 'venv', folder], check=True)
    python = osp.join(folder, 'bin', 'python')
    purelib = subprocess.run(
        [python, '-c', 'import sysconfig; '
         'print(sysconfig.get_paths()["purelib"])'],
        check=True, capture_output=True, text=True).stdout.strip()
    with open(osp.join(purelib, 'zz_parent_environment.pth'), 'w') as f:
        f.write('\n'.join(parent_site_packages()) + '\n')
    assert sysconfig.get_paths()['purelib'] != purelib
    return python
