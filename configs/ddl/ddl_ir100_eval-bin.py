# The paper's pose table (LFW, CFP-FP, CPLFW; VGG2-FP as well) for a DDL
# IR-100 checkpoint of ddl_ir100_8xb32_vggface2-pose.py: pair verification
# on insightface's .bin sets in data/faces_emore/:
#   python tools/test.py configs/ddl/ddl_ir100_eval-bin.py CKPT
_base_ = ['./ddl_ir100_8xb32_vggface2-pose.py']

test_dataloader = dict(
    dataset=dict(
        bin_files=['lfw.bin', 'cfp_fp.bin', 'cplfw.bin', 'vgg2_fp.bin']))
