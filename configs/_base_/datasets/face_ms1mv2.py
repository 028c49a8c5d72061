# MS1MV2 ("faces_emore", refined MS-Celeb-1M by insightface): 85,742
# identities, 5,822,653 aligned 112x112 faces in train.rec/train.idx.
_base_ = ['./face_recordio.py']
data_root = 'data/faces_emore/'
train_dataloader = dict(dataset=dict(data_root=data_root))
