from .decode_image import DecodeImageFromBytes
from .face_align import ARCFACE_TEMPLATE_112, FaceAlign5Points

__all__ = ['DecodeImageFromBytes', 'FaceAlign5Points', 'ARCFACE_TEMPLATE_112']
