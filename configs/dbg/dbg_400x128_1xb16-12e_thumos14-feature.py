# DBG on THUMOS14 (train on the validation set, test on the test set) with
# two-stream snippet features and 128-snippet sliding windows. The official
# repository has no THUMOS14 code: the windowing (128 snippets, stride 64),
# the snippet interval (5 frames) and the two-stream 400-d features follow
# the BSN/BMN practice the paper compares with [choice]; the training recipe
# is DBG's (Adam, batch 16, lr 1e-3 for 8 epochs then 1e-4 for 4, per-part
# weight decay). Proposals of overlapping windows are merged per video and
# re-ranked by soft-NMS with DBG's parameters (the paper's "+Soft-NMS" rows).
_base_ = ['dbg_400x100_1xb16-12e_activitynet-feature.py']

window_size = 128
snippet_interval = 5  # frames per feature snippet
model = dict(
    temporal_dim=window_size,
    feat_dim=400,
    stream_dims=(200, 200),
    post_process_top_k=500,  # per window, before merging
    feature_extraction_interval=snippet_interval)

dataset_type = 'SlidingWindowFeatureDataset'
data_root = 'data/thumos14/features/'  # <video_name>.csv, one row / snippet
ann_file_train = 'data/thumos14/annotations/thumos14_val.json'
ann_file_test = 'data/thumos14/annotations/thumos14_test.json'

train_pipeline = [
    dict(type='LoadLocalizationFeature'),
    dict(type='CropFeatureWindow'),
    dict(
        type='PackLocalizationInputs',
        keys=('gt_bbox', ),
        meta_keys=('video_name', ))
]
test_pipeline = [
    dict(type='LoadLocalizationFeature'),
    dict(type='CropFeatureWindow'),
    dict(
        type='PackLocalizationInputs',
        meta_keys=('video_name', 'duration_second', 'duration_frame',
                   'annotations', 'window_offset', 'video_duration_second'))
]
window_cfg = dict(
    type=dataset_type,
    window_size=window_size,
    window_stride=window_size // 2,
    snippet_interval=snippet_interval,
    data_prefix=dict(video=data_root))
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        ann_file=ann_file_train,
        pipeline=train_pipeline,
        **window_cfg))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        ann_file=ann_file_test,
        pipeline=test_pipeline,
        test_mode=True,
        **window_cfg))
test_dataloader = val_dataloader

work_dir = './work_dirs/dbg_400x128_1xb16-12e_thumos14-feature'
val_evaluator = dict(
    _delete_=True,
    type='SlidingWindowARMetric',
    proposal_nums=(50, 100, 200, 500, 1000),
    soft_nms_alpha=0.75,
    soft_nms_low_threshold=0.65,
    soft_nms_high_threshold=0.9,
    dump_config=dict(out=f'{work_dir}/results.json'))
test_evaluator = val_evaluator
