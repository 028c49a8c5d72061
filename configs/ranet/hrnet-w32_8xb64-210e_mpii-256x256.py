# Baseline for RANet-HRNet on MPII: mmpose's HRNet-W32, unchanged
# (val PCKh@0.5 0.900 in mmpose's model zoo).
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/mpii/'
    'td-hm_hrnet-w32_8xb64-210e_mpii-256x256.py'
]
