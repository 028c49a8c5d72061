"""Flow rendering."""
from .flow_vis import flow_to_color, make_color_wheel

__all__ = ['flow_to_color', 'make_color_wheel']
