from .fan_decoder import FANDecoder

__all__ = ['FANDecoder']
