"""tools/misc/check_install.py: which pip check lines fail an install."""
import importlib.util
import os.path as osp

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _tool():
    spec = importlib.util.spec_from_file_location(
        'check_install', osp.join(ROOT, 'tools', 'misc', 'check_install.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pip_check_allows_only_the_skipped_requirements():
    tool = _tool()
    assert tool.pip_check_problems('No broken requirements found.\n') == []
    output = ('mmpose 1.3.2 requires chumpy, which is not installed.\n'
              'mmaction2 1.2.0 requires opencv-contrib-python, which is not '
              'installed.\n'
              'openmim 0.3.9 requires opendatalab, which is not installed.\n'
              'mmdet 3.3.0 requires shapely, which is not installed.\n'
              'mmengine 0.10.7 has requirement numpy<2, but you have numpy '
              '2.4.6.\n')
    assert tool.pip_check_problems(output) == [
        'mmdet 3.3.0 requires shapely, which is not installed.',
        'mmengine 0.10.7 has requirement numpy<2, but you have numpy 2.4.6.',
    ]
    # Names are compared as pip normalises them.
    assert tool.pip_check_problems(
        'MMPose 1.3.2 requires Chumpy, which is not installed.') == []
