# RANet ablation on MPII: SimpleBaseline-ResNet-50 + PDA only.
_base_ = ['simplebaseline_res50_8xb64-210e_mpii-256x256.py']
custom_imports = dict(imports=['mmext.pose'], allow_failed_imports=False)
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale'),
        dict(
            type='ParsingBasedDataAugmentation',
            part_library='data/lip/part_library/',
            prob=0.5,
            num_parts=(1, 4)),
        dict(type='RandomFlip', direction='horizontal'),
        dict(type='RandomBBoxTransform', shift_prob=0),
        dict(type='TopdownAffine', input_size=(256, 256)),
        dict(
            type='GenerateTarget',
            encoder=dict(
                type='MSRAHeatmap',
                input_size=(256, 256),
                heatmap_size=(64, 64),
                sigma=2)),
        dict(type='PackPoseInputs')
    ]))
