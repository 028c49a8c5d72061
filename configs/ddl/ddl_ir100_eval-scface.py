# SCface closed-set identification (rank-1 / rank-5 per distance d1 4.2 m,
# d2 2.6 m, d3 1.0 m; mugshot gallery, cosine) of a DDL IR-100 checkpoint.
# The images must be aligned 112x112 crops in
#   data/scface/mugshot/<subject>_frontal.jpg
#   data/scface/surveillance/<subject>_cam<c>_<d>.jpg
# with the test subjects listed in data/scface/test_subjects.txt (the
# paper's fine-tune/test split of the 130 subjects is not released):
#   python tools/test.py configs/ddl/ddl_ir100_eval-scface.py CKPT
_base_ = ['./ddl_ir100_8xb32_ms1mv2-lowres.py']

scface_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(112, 112)),
    dict(
        type='PackInputs',
        meta_keys=('sample_idx', 'img_path', 'subject', 'role', 'distance',
                   'camera')),
]
test_dataloader = dict(
    _delete_=True,
    batch_size=128,
    num_workers=4,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SCfaceDataset',
        data_root='data/scface/',
        subject_file='test_subjects.txt',
        pipeline=scface_pipeline))
test_evaluator = dict(_delete_=True, type='FaceIdentificationMetric',
                      topk=(1, 5))
