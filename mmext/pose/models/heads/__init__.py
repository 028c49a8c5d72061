"""Pose heads."""
from .cascade_voting_fusion_head import CascadeVotingFusionHead

__all__ = ['CascadeVotingFusionHead']
