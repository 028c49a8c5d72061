import os

import cv2
import numpy as np

import mmext  # noqa: F401
from mmext.face.datasets import FaceRecordIODataset, VerificationBinDataset
from mmext.face.datasets import face_identity_quickstart_data as quickstart


def test_files_in_the_real_formats(quickstart_dir):
    root = str(quickstart_dir / 'curricularface')
    train = FaceRecordIODataset(data_root=root)
    assert len(train) == quickstart.NUM_TRAIN_IDS * \
        quickstart.IMAGES_PER_TRAIN_ID
    assert train.num_identities == quickstart.NUM_TRAIN_IDS
    labels = train.get_gt_labels()
    assert labels[0] == 0 and labels[-1] == quickstart.NUM_TRAIN_IDS - 1
    val = VerificationBinDataset(data_root=root, bin_files='val.bin')
    assert len(val) == 2 * quickstart.NUM_VAL_PAIRS
    issame = [val.get_data_info(i)['issame'] for i in range(0, len(val), 2)]
    assert sum(issame) == quickstart.NUM_VAL_PAIRS // 2


def test_idempotent_and_deterministic(quickstart_dir):
    root = str(quickstart_dir / 'curricularface')
    stamps = {
        f: os.stat(os.path.join(root, f)).st_mtime_ns
        for f in os.listdir(root)
    }
    quickstart.prepare_quickstart_data(root)
    assert {
        f: os.stat(os.path.join(root, f)).st_mtime_ns
        for f in os.listdir(root)
    } == stamps
    # The same identity and seed render the same image.
    first, second = (
        quickstart.render_face(
            quickstart.sample_identity(np.random.RandomState(3)),
            np.random.RandomState(4)) for _ in range(2))
    assert np.array_equal(first, second)
    train = FaceRecordIODataset(data_root=root)
    rng = np.random.RandomState(quickstart.TRAIN_SEED)
    identity = quickstart.sample_identity(rng)
    expected = quickstart.render_face(identity, rng)
    # Decoded the way training does (BGR, to RGB in the preprocessor), the
    # stored image is the rendered RGB one up to JPEG noise.
    bgr = train.get_data_info(0)['img_bytes']
    stored = cv2.imdecode(np.frombuffer(bgr, np.uint8), cv2.IMREAD_COLOR)
    error = np.abs(stored[..., ::-1].astype(int) - expected).mean()
    swapped = np.abs(stored.astype(int) - expected).mean()
    assert error < 10 < swapped
