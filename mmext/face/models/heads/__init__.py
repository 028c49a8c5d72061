from .curricularface_head import CurricularFaceHead

__all__ = ['CurricularFaceHead']
