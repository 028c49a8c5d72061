# Pair verification on insightface's .bin sets (10-fold accuracy, TAR@FAR).
# The sets live beside train.rec in insightface's release folders.
bin_root = 'data/faces_emore/'
verification_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(
        type='PackInputs',
        meta_keys=('sample_idx', 'set_name', 'pair_index', 'pair_pos',
                   'issame')),
]
val_dataloader = dict(
    batch_size=128,
    num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VerificationBinDataset',
        data_root=bin_root,
        # arcface_torch's val_targets during training
        bin_files=['lfw.bin', 'cfp_fp.bin', 'agedb_30.bin'],
        pipeline=verification_pipeline))
val_evaluator = dict(type='FaceVerificationMetric', num_folds=10)
test_dataloader = dict(
    batch_size=128,
    num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VerificationBinDataset',
        data_root=bin_root,
        # the five sets of the CurricularFace paper
        bin_files=[
            'lfw.bin', 'cfp_fp.bin', 'agedb_30.bin', 'calfw.bin', 'cplfw.bin'
        ],
        pipeline=verification_pipeline))
test_evaluator = val_evaluator
