from .fan_non_identity_encoder import FANNonIdentityEncoder
from .iresnet import IBasicBlock, IResNet

__all__ = ['FANNonIdentityEncoder', 'IBasicBlock', 'IResNet']
