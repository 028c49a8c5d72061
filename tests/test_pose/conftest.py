import pytest
from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def mmpose_scope():
    """Build pose modules in the mmpose scope, whatever earlier tests set."""
    with DefaultScope.overwrite_default_scope('mmpose'):
        yield
