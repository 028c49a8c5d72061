from .ddl_recognizer import DDLRecognizer
from .face_recognizer import FaceRecognizer

__all__ = ['DDLRecognizer', 'FaceRecognizer']
