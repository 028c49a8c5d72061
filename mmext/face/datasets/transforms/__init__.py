from .decode_image import DecodeImageFromBytes
from .face_align import ARCFACE_TEMPLATE_112, FaceAlign5Points
from .random_low_resolution import RandomLowResolution, RandomScaleAugment

__all__ = [
    'DecodeImageFromBytes', 'FaceAlign5Points', 'ARCFACE_TEMPLATE_112',
    'RandomLowResolution', 'RandomScaleAugment'
]
