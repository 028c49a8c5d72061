# CurricularFace quickstart with the class centres sharded over the ranks
# (Partial FC): the model, data and schedule of
# configs/curricularface/curricularface_ir18_quickstart.py (global batch 64)
# on 2 ranks of 32, the 200 centres split 100 / 100, half of each shard
# sampled per step (positives always kept). On CPU:
#   bash tools/dist_train.sh \
#       configs/partial_fc/curricularface-pfc_ir18_2xb32_quickstart-data.py 2
# The quickstart data are generated on first use, as by tools/quickstart.py.
_base_ = ['../curricularface/curricularface_ir18_quickstart.py']
custom_imports = dict(imports=['mmext.face'], allow_failed_imports=False)

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
train_dataloader = dict(batch_size=32)  # x 2 ranks = the quickstart's 64
# every rank's shard and its optimizer state in the checkpoints
custom_hooks = [dict(type='PartialFCCheckpointHook')]
env_cfg = dict(dist_cfg=dict(backend='gloo'))
