"""Packaging for mmext, with the ``.mim`` folder that ``mim`` expects.

``mim train mmext CONFIG`` finds the package as ``<location of the mmext
distribution>/mmext`` and looks there for ``.mim/tools``, ``.mim/configs``
and ``.mim/model-index.yml``:

* wheels and sdists (``pip install .``, ``mim install .``) carry copies of
  ``tools/``, ``configs/`` and ``model-index.yml`` in ``mmext/.mim``;
* a legacy ``setup.py develop`` install (setuptools < 80) puts the checkout
  itself on ``sys.path``, so ``mmext/.mim`` in the checkout holds symlinks;
* a PEP 660 editable install (``pip install -e .``, ``mim install -e .``;
  every install with setuptools >= 80) leaves only a ``.pth`` file and the
  ``.dist-info`` in site-packages, where mim finds nothing.  Its wheel
  (:class:`MimEditableWheel`) therefore also carries ``mmext/.mim`` for
  site-packages, made of forwarders to the checkout: every tool runs the
  checkout's script, every config inherits the checkout's config, and
  ``model-index.yml`` imports the checkout's metafiles.  Edits in the
  checkout take effect at once; a new tool or config needs a reinstall.
"""
import json
import os
import os.path as osp
import shlex
import shutil
import sys

from setuptools import find_packages, setup
from setuptools.command.editable_wheel import editable_wheel

ROOT = osp.dirname(osp.abspath(__file__))
MIM_FILES = ['tools', 'configs', 'model-index.yml']


def read_version() -> str:
    namespace: dict = {}
    with open(osp.join(ROOT, 'mmext', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


def parse_requirements(fname: str) -> list:
    """Requirement lines of ``requirements/<fname>``, without comments."""
    reqs = []
    with open(osp.join(ROOT, 'requirements', fname)) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                reqs.append(line)
    return reqs


def add_mim_extension() -> None:
    """Link (legacy develop) or copy (wheel, sdist) mim's files into
    mmext/.mim of the checkout."""
    if 'develop' in sys.argv:
        mode = 'symlink'
    elif {'sdist', 'bdist_wheel', 'build', 'build_py', 'install'} & set(
            sys.argv):
        mode = 'copy'
    else:
        return
    mim_path = osp.join(ROOT, 'mmext', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in MIM_FILES:
        src = osp.join(ROOT, name)
        dst = osp.join(mim_path, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            try:
                os.symlink(osp.relpath(src, mim_path), dst)
                continue
            except OSError:
                pass
        if osp.isdir(src):
            shutil.copytree(src, dst,
                            ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copyfile(src, dst)


def mim_forwarders(root: str) -> dict:
    """``mmext/.mim`` of a PEP 660 editable install: forwarders to ``root``.

    Args:
        root (str): The checkout.

    Returns:
        dict: Text of each file, keyed by its path inside the wheel.
    """
    header = '# mmext editable install, written by setup.py: forwards to\n' \
        '# {}\n'
    files = {}
    for folder in ('tools', 'configs'):
        for dirpath, dirnames, filenames in os.walk(osp.join(root, folder)):
            dirnames[:] = sorted(d for d in dirnames if d != '__pycache__')
            for name in sorted(filenames):
                path = osp.join(dirpath, name)
                arcname = 'mmext/.mim/' + osp.relpath(path, root)
                if name.endswith('.py') and folder == 'tools':
                    files[arcname] = header.format(path) + (
                        'import runpy\nimport sys\n\n'
                        f'sys.argv[0] = {path!r}\n'
                        f'sys.path[0] = {osp.dirname(path)!r}\n'
                        "runpy.run_path(sys.argv[0], run_name='__main__')\n")
                elif name.endswith('.py'):
                    files[arcname] = header.format(path) + \
                        f'_base_ = [{path!r}]\n'
                elif name.endswith('.sh'):
                    files[arcname] = ('#!/usr/bin/env bash\n' +
                                      header.format(path) +
                                      f'exec bash {shlex.quote(path)} "$@"\n')
    metafiles = sorted(
        osp.join(dirpath, 'metafile.yml')
        for dirpath, _, filenames in os.walk(osp.join(root, 'configs'))
        if 'metafile.yml' in filenames)
    files['mmext/.mim/model-index.yml'] = header.format(
        osp.join(root, 'model-index.yml')) + 'Import:\n' + ''.join(
            f'- {json.dumps(path)}\n' for path in metafiles)
    return files


class MimEditableWheel(editable_wheel):
    """A PEP 660 editable wheel that mim can use (see the module docstring).

    ``import mmext`` resolves through a ``.pth`` entry for
    ``build/editable/`` in the checkout, which holds only a link ``mmext``
    to the checkout's package, so nothing else of the checkout (``tests``,
    ``tools``) becomes importable.  The checkout's ``mmext/__init__.py`` wins
    over the ``.mim``-only ``mmext`` folder in site-packages, which is a mere
    namespace portion for the import system.
    """

    def _select_strategy(self, name, tag, build_lib):
        # setuptools' strategies (a static .pth or a meta path finder); the
        # finder would lose to the namespace portion in site-packages.
        return _ForwardingStrategy(name, ROOT)


class _ForwardingStrategy:
    """Writes the ``.pth`` entry and the ``mmext/.mim`` forwarders."""

    def __init__(self, name: str, root: str) -> None:
        self.name = name
        self.root = root

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def __call__(self, wheel, files, mapping) -> None:
        link_dir = osp.join(self.root, 'build', 'editable')
        os.makedirs(link_dir, exist_ok=True)
        link = osp.join(link_dir, 'mmext')
        if osp.islink(link):
            os.remove(link)
        elif osp.exists(link):
            raise FileExistsError(f'{link} exists and is not a symlink; '
                                  'remove it and reinstall')
        os.symlink(osp.join(self.root, 'mmext'), link)
        wheel.writestr(f'__editable__.{self.name}.pth', f'{link_dir}\n')
        for arcname, text in mim_forwarders(self.root).items():
            wheel.writestr(arcname, text)


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmext',
        version=read_version(),
        description='Tencent Youtu Lab papers as OpenMMLab modules',
        long_description=open(osp.join(ROOT, 'README.md')).read(),
        long_description_content_type='text/markdown',
        keywords='computer vision, openmmlab, face recognition, detection, '
        'pose, action recognition, optical flow',
        packages=find_packages(
            exclude=('configs', 'configs.*', 'tools', 'tools.*', 'tests',
                     'tests.*', 'projects', 'projects.*')),
        include_package_data=True,
        python_requires='>=3.9',
        license='Apache License 2.0',
        classifiers=[
            'Programming Language :: Python :: 3',
            'Programming Language :: Python :: 3.11',
            'Operating System :: POSIX :: Linux',
        ],
        # The stack is installed by tools/install.sh (mmcv 2.1.0 must be
        # built from source, mmpose/mmaction2 without their declared
        # dependencies), so only what pip can resolve safely is declared.
        install_requires=['mmengine==0.10.7', 'numpy'],
        extras_require={
            'tests': parse_requirements('tests.txt'),
            'mim': parse_requirements('mminstall.txt'),
        },
        cmdclass={'editable_wheel': MimEditableWheel},
        zip_safe=False)
