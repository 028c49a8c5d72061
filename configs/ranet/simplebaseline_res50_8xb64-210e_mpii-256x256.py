# Baseline for RANet on MPII: mmpose's SimpleBaseline-ResNet-50, unchanged
# (val PCKh@0.5 0.882 in mmpose's model zoo).
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/mpii/'
    'td-hm_res50_8xb64-210e_mpii-256x256.py'
]
