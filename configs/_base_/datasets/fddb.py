# The FDDB protocol for a face detector (Jain and Learned-Miller, 2010):
# train and validate on WIDER FACE (the base below), test on FDDB.  FDDB is
# read from the official release without conversion by FDDBDataset and
# scored by FDDBMetric with the ROC of the official `evaluate` program
# (keys fddb/discrete@<n>fp and fddb/continuous@<n>fp, true positive rates
# in [0, 1] at n false positives over the dataset).  Layout of fddb_root:
#   originalPics/<year>/<month>/<day>/big/img_<n>.jpg
#   FDDB-folds/FDDB-fold-{01..10}-ellipseList.txt
# ann_file is the FDDB-folds folder: all ten folds, 2845 images and 5171
# faces, the usual protocol for a detector trained elsewhere; name one
# FDDB-fold-XX-ellipseList.txt in both the dataset and the metric to test a
# single fold.  A config that changes fddb_root must also set
# test_dataloader.dataset.data_root and test_evaluator.ann_file.
# test_evaluator.submission_file writes the detections in the official
# output format, which tools/analysis_tools/fddb_eval.py scores.
_base_ = ['./wider_face_official.py']

fddb_root = 'data/FDDB/'

# the WIDER FACE test dataloader (single scale, original size) on FDDB
test_dataloader = dict(
    dataset=dict(
        type='FDDBDataset',
        data_root=fddb_root,
        ann_file='FDDB-folds/',
        data_prefix=dict(img='originalPics/')))
# 1000 false positives: the operating point FDDB results are quoted at
test_evaluator = dict(
    _delete_=True,
    type='FDDBMetric',
    ann_file=fddb_root + 'FDDB-folds/',
    fp_levels=(1000, ))
