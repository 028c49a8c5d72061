# IJB-C 1:1 template verification (TAR at FAR 1e-6 ... 1e-1) of a
# CurricularFace IR-101 checkpoint, insightface's protocol: 5-point alignment
# (template with x += 8), flip-summed features that keep their norm,
# weighted by the detector score, per-media mean then sum per template.
#   python tools/test.py \
#       configs/curricularface/curricularface_ir101_eval-ijbc.py CKPT
_base_ = ['./curricularface_ir101_eval-ijbb.py']

ijb_name = 'ijbc'
ijb_root = 'data/IJB_release/IJBC/'
test_dataloader = dict(dataset=dict(data_root=ijb_root, name=ijb_name))
test_evaluator = dict(
    pair_file=ijb_root + 'meta/' + ijb_name + '_template_pair_label.txt',
    prefix=ijb_name)
