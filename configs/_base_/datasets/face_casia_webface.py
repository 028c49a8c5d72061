# CASIA-WebFace (insightface "faces_webface_112x112"): 10,572 identities,
# 490,623 aligned 112x112 faces in train.rec/train.idx.
_base_ = ['./face_recordio.py']
data_root = 'data/faces_webface_112x112/'
bin_root = data_root
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=bin_root))
test_dataloader = dict(dataset=dict(data_root=bin_root))
