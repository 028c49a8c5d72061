# The CurricularFace-FT baseline of the DDL quickstart: the same model, data,
# branches and schedule with DDL off (CurricularFace CE on the easy and the
# hard branch only). The paper's baseline is ArcFace-FT; ours keeps the head
# of the DDL run so that DDL is the only difference.
_base_ = ['./ddl_ir18_quickstart.py']

model = dict(ddl_loss=None)
