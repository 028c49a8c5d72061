# IJB-B 1:1 template verification (TAR at FAR 1e-6 ... 1e-1) of a
# CurricularFace IR-101 checkpoint, insightface's protocol: 5-point alignment
# (template with x += 8), flip-summed features that keep their norm,
# weighted by the detector score, per-media mean then sum per template.
#   python tools/test.py \
#       configs/curricularface/curricularface_ir101_eval-ijbb.py CKPT
_base_ = ['./curricularface_ir101_8xb64_ms1mv2.py']

ijb_name = 'ijbb'
ijb_root = 'data/IJB_release/IJBB/'
model = dict(test_cfg=dict(flip=True, normalize=False))
test_dataloader = dict(
    _delete_=True,
    batch_size=128,
    num_workers=8,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='IJBDataset',
        data_root=ijb_root,
        name=ijb_name,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='FaceAlign5Points', out_size=(112, 112)),
            dict(
                type='PackInputs',
                meta_keys=('sample_idx', 'img_path', 'template_id', 'media_id',
                           'faceness_score')),
        ]))
test_evaluator = dict(
    _delete_=True,
    type='IJBTemplateMetric',
    pair_file=ijb_root + 'meta/' + ijb_name + '_template_pair_label.txt',
    prefix=ijb_name)
