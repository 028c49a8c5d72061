"""Packaging for mmext, with the ``.mim`` folder that ``mim`` expects.

``mim train mmext CONFIG`` looks for configs and tools in
``mmext/.mim/``.  OpenMMLab's usual ``add_mim_extension()`` only acts on
``setup.py develop`` (legacy editable) and ``sdist``/``bdist_wheel``; pip >=
25.3 builds editables through PEP 660 (``editable_wheel``), so here the
folder is prepared for every build command: symlinks for editable installs,
copies for wheels and sdists.
"""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

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
    """Link (editable) or copy (wheel, sdist) mim's files into mmext/.mim."""
    if {'develop', 'editable_wheel'} & set(sys.argv):
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
        zip_safe=False)
