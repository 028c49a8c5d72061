from .ddl_recognizer import DDLRecognizer
from .face_recognizer import FaceRecognizer
from .fan import FAN

__all__ = ['DDLRecognizer', 'FAN', 'FaceRecognizer']
