from .ddl_loss import DDLLoss

__all__ = ['DDLLoss']
