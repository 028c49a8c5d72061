# RANet ablation on MPII: SimpleBaseline-ResNet-50 + ERE only (after
# residual stages 2-4, the ResNet stem is kept).
_base_ = ['simplebaseline_res50_8xb64-210e_mpii-256x256.py']
custom_imports = dict(imports=['mmext.pose'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        type='RANetResNet',
        fps=None,
        ere=dict(num_regions=4, reduction=4, dilation=2),
        ere_stages=(False, True, True, True)))
