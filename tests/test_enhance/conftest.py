import pytest
from mmengine.registry import DefaultScope


@pytest.fixture(autouse=True)
def mmext_scope():
    """Build enhance modules in the mmext scope, whatever earlier tests
    set."""
    with DefaultScope.overwrite_default_scope('mmext'):
        yield
