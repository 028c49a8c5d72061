# DDL with the class centres sharded over the ranks (Partial FC): the model,
# data and schedule of configs/ddl/ddl_ir18_quickstart.py (16 items per
# branch a step) on 2 ranks of 8 items per branch, the 200 centres split
# 100 / 100, half of each shard sampled per step. DDLRecognizer gives the
# sharded head each rank's own embeddings (it gathers them itself) and DDL
# the gathered ones. On CPU:
#   bash tools/dist_train.sh \
#       configs/partial_fc/ddl-pfc_ir18_2xb16_quickstart-data.py 2
# The quickstart data are generated on first use, as by tools/quickstart.py.
_base_ = ['../ddl/ddl_ir18_quickstart.py']

model = dict(
    head=dict(
        _delete_=True,
        type='PartialFCHead',
        num_classes=200,
        in_channels=128,
        scale=32.,
        sample_rate=0.5,
        margin=dict(type='CurricularFaceMargin', margin=0.5, momentum=0.99)))
# DDP must not average the shards
model_wrapper_cfg = dict(type='PartialFCDataParallel')
train_dataloader = dict(batch_size=8)  # per branch, x 2 ranks = 16
custom_hooks = [dict(type='PartialFCCheckpointHook')]
env_cfg = dict(dist_cfg=dict(backend='gloo'))
