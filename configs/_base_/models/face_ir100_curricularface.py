# CurricularFace on IR-100 ("IR-101" in the paper: units 3-13-30-3), 112x112
# RGB faces in [-1, 1], 512-d embedding. num_classes is set by the data.
model = dict(
    type='FaceRecognizer',
    data_preprocessor=dict(
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5], to_rgb=True),
    backbone=dict(
        type='IResNet',
        depth=100,
        embedding_size=512,
        input_size=(112, 112),
        dropout=0.4),  # official CurricularFace output layer
    head=dict(
        type='CurricularFaceHead',
        num_classes=85742,
        in_channels=512,
        scale=64.,
        margins=0.5,
        momentum=0.99,  # weight of the history in the EMA of t (official)
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='Normal', layer='Linear', std=0.01)),
    # Flip-summed, L2-normalised embeddings (the .bin protocol).
    test_cfg=dict(flip=True, normalize=True))
