from .ddl_loss import DDLLoss
from .fan_adversarial_loss import FANAdversarialLoss

__all__ = ['DDLLoss', 'FANAdversarialLoss']
