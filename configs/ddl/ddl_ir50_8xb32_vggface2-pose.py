# The reference task of TFace (commit aa54764, tasks/ddl/train_config.yaml):
# IR-50 with a CurricularFace head per single-image branch (TFace sizes each
# head to its branch; both branches here index VGGFace2's identities, so one
# head is shared), 4 branches x 32 per GPU, SGD lr 1e-3, 2 epochs, wd 5e-4
# without BN decay, momentum 0.9, mean/std 0.5, fine-tuned from a
# CurricularFace IR-50 checkpoint (TFace's BACKBONE_RESUME / HEAD_RESUME).
_base_ = ['./ddl_ir100_8xb32_vggface2-pose.py']

model = dict(backbone=dict(depth=50))
# a CurricularFace IR-50 trained on the same VGGFace2 identities (TFace
# resumes the head as well as the backbone): for example
# curricularface_ir50_8xb64_casia-webface.py with this config's data
load_from = 'work_dirs/curricularface_ir50_8xb64_vggface2/epoch_24.pth'
