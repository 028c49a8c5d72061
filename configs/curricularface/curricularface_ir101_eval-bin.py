# Evaluate a CurricularFace IR-101 checkpoint on all of insightface's .bin
# verification sets (flip-summed embeddings, 10-fold accuracy, TAR@FAR=1e-3):
#   python tools/test.py \
#       configs/curricularface/curricularface_ir101_eval-bin.py CKPT
_base_ = ['./curricularface_ir101_8xb64_ms1mv2.py']

test_dataloader = dict(
    dataset=dict(bin_files=[
        'lfw.bin', 'cfp_fp.bin', 'cfp_ff.bin', 'agedb_30.bin', 'calfw.bin',
        'cplfw.bin', 'vgg2_fp.bin'
    ]))
