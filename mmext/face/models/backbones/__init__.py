from .iresnet import IBasicBlock, IResNet

__all__ = ['IBasicBlock', 'IResNet']
