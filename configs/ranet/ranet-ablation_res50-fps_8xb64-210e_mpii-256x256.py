# RANet ablation on MPII: SimpleBaseline-ResNet-50 + FPS only (the stem is
# replaced, everything else is the plain ResNet-50).
_base_ = ['simplebaseline_res50_8xb64-210e_mpii-256x256.py']
custom_imports = dict(imports=['mmext.pose'], allow_failed_imports=False)
model = dict(
    backbone=dict(type='RANetResNet', fps=dict(mid_channels=32), ere=None))
