import pytest


@pytest.fixture(scope='session')
def quickstart_dir(tmp_path_factory):
    """``$MMEXT_QUICKSTART_DIR`` with the CurricularFace data, made once."""
    from mmext.face.datasets.quickstart import prepare_quickstart_data
    root = tmp_path_factory.mktemp('quickstart')
    prepare_quickstart_data(str(root / 'curricularface'))
    return root
