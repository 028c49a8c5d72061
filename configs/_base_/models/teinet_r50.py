# The TEINet-R50 backbone: mmaction2's ResNet-50 with the Motion
# Enhanced Module (MEM) and the Temporal Interaction Module (TIM) in every
# bottleneck, ImageNet-initialised.  The recipe configs keep the model of an
# mmaction2 TSM / TANet recipe and replace its backbone with this one; as
# that recipe already defines `model` and mmengine refuses a key defined in
# two bases, the backbone is given under a name of its own:
#   model = dict(backbone=dict(_delete_=True, num_segments=num_segments,
#                              **_base_.teinet_backbone), ...)
teinet_backbone = dict(
    type='TEINet',
    pretrained='torchvision://resnet50',
    depth=50,
    norm_eval=False,
    # MEM on the block-input channels with reduction 8 (30.4M params).
    mem_cfg=dict(reduction=8),
    # TIM: depthwise temporal conv, kernel 3, TSM-shift initialisation.
    tim_cfg=dict(kernel_size=3, init='shift', shift_div=8))
