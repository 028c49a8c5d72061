import pytest
from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def mmpretrain_scope():
    """Build face modules in mmpretrain's scope, whatever earlier tests
    set."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield


@pytest.fixture(scope='session')
def quickstart_dir(tmp_path_factory):
    """``$MMEXT_QUICKSTART_DIR`` with the CurricularFace data, made once."""
    from mmext.face.datasets.face_identity_quickstart_data import \
        prepare_quickstart_data
    root = tmp_path_factory.mktemp('quickstart')
    prepare_quickstart_data(str(root / 'curricularface'))
    return root
