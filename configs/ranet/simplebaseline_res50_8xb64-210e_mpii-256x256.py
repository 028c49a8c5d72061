# Baseline for RANet on MPII: mmpose's SimpleBaseline-ResNet-50, unchanged
# (val PCKh@0.5 0.882 in mmpose's model zoo).
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/mpii/'
    'td-hm_res50_8xb64-210e_mpii-256x256.py'
]

custom_imports = dict(imports=['mmext.pose'], allow_failed_imports=False)
# mmpose's MPII reader with every annotation entry checked first (same data;
# a missing key or a wrong joint count is an error naming file and entry)
train_dataloader = dict(dataset=dict(type='MpiiJsonDataset'))
val_dataloader = dict(dataset=dict(type='MpiiJsonDataset'))
test_dataloader = val_dataloader
