# The CurricularFace-FT baseline of ddl_ir100_8xb32_ms1mv2-lowres.py: the
# same checkpoint, branches (easy + degraded hard images) and schedule, with
# DDL off, so the margin-head CE on both single-image branches is all that
# trains (the pair branches are loaded but unused). The paper's baseline is
# ArcFace-FT; ours keeps the head of the DDL run so that DDL is the only
# difference.
_base_ = ['./ddl_ir100_8xb32_ms1mv2-lowres.py']

model = dict(ddl_loss=None)
