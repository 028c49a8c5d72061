"""The enhancement models (mmagic's "editors")."""
from .base_edit_model import BaseEditModel
from .cwan import CWAN

__all__ = ['BaseEditModel', 'CWAN']
