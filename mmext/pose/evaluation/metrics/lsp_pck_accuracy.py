"""PCK normalised by torso size, the LSP protocol."""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import MMLogger, print_log
from mmpose.evaluation.functional import keypoint_pck_accuracy
from mmpose.evaluation.metrics import PCKAccuracy
from mmpose.registry import METRICS

#: LSP joint pairs averaged into the per-part scores that papers report.
LSP_PARTS = dict(
    Head=(13, 12),
    Shoulder=(8, 9),
    Elbow=(7, 10),
    Wrist=(6, 11),
    Hip=(2, 3),
    Knee=(1, 4),
    Ankle=(0, 5))


@METRICS.register_module()
class LspPCKAccuracy(PCKAccuracy):
    """PCK@``thr`` with the torso as reference, as evaluated on LSP.

    A predicted joint is correct when its distance to the ground truth is
    below ``thr`` times the torso size of the person, the distance between
    the left shoulder and the right hip of the ground truth (the usual
    LSP PCK@0.2 convention, e.g. Yang & Ramanan, Chen & Yuille, Chu et al.).
    mmpose's ``PCKAccuracy(norm_item='torso')`` cannot be used for it: it
    takes joints 4 and 5 (JHMDB's shoulders) as the torso.

    Reported keys: ``PCK`` (over all joints with a ground truth, weighted by
    their count, as ``MpiiPCKAccuracy`` does), ``'<Part> PCK'`` for Head
    (head top, neck), Shoulder, Elbow, Wrist, Hip, Knee and Ankle (the mean
    of the left and right joint), and ``PCK@<thr/2>``.

    A person whose ground-truth torso is shorter than ``min_torso`` pixels
    (e.g. an invisible shoulder or hip) cannot be normalised; it is left
    out of the scores with a warning that counts such persons.

    Args:
        thr (float): Threshold as a fraction of the torso. Defaults to 0.2.
        torso_indices (tuple[int, int]): Joint indices whose distance is the
            torso size. Defaults to ``(9, 2)``: left shoulder and right hip
            in LSP's order. Use ``(13, 2)`` for MPII's order.
        parts (dict, optional): Part name to joint indices averaged into
            ``'<Part> PCK'``. Defaults to :data:`LSP_PARTS`; ``{}`` turns
            them off.
        min_torso (float): Smallest usable torso, in pixels. Defaults to 1.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the metric names.
    """

    def __init__(self,
                 thr: float = 0.2,
                 torso_indices: Tuple[int, int] = (9, 2),
                 parts: Optional[Dict[str, Sequence[int]]] = None,
                 min_torso: float = 1.,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(
            thr=thr,
            norm_item='torso',
            collect_device=collect_device,
            prefix=prefix)
        if len(torso_indices) != 2:
            raise ValueError('LspPCKAccuracy: torso_indices must be two '
                             f'joint indices, got {torso_indices!r}')
        self.torso_indices = tuple(int(i) for i in torso_indices)
        self.parts = dict(LSP_PARTS if parts is None else parts)
        self.min_torso = min_torso

    def process(self, data_batch: Sequence[dict],
                data_samples: Sequence[dict]) -> None:
        """Store prediction, ground truth, visibility and torso size.

        Args:
            data_batch (Sequence[dict]): A batch of data from the loader.
            data_samples (Sequence[dict]): The model outputs, each with
                ``pred_instances.keypoints`` (1, K, 2) and
                ``gt_instances.keypoints`` / ``keypoints_visible``.
        """
        a, b = self.torso_indices
        for data_sample in data_samples:
            gt = data_sample['gt_instances']
            gt_coords = np.asarray(gt['keypoints'], dtype=np.float64)
            num_keypoints = gt_coords.shape[1]
            if max(a, b) >= num_keypoints:
                raise ValueError(
                    f'LspPCKAccuracy: torso_indices {self.torso_indices} '
                    f'out of range for {num_keypoints} keypoints')
            mask = np.asarray(gt['keypoints_visible']).astype(bool)
            mask = mask.reshape(1, num_keypoints)
            torso = np.linalg.norm(gt_coords[0, a] - gt_coords[0, b])
            self.results.append(
                dict(
                    pred_coords=np.asarray(
                        data_sample['pred_instances']['keypoints']),
                    gt_coords=gt_coords,
                    mask=mask,
                    torso_size=np.array([[torso, torso]])))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute PCK, per-part PCK and PCK at half the threshold.

        Args:
            results (list): What :meth:`process` stored.

        Returns:
            dict[str, float]: Scores in percent.
        """
        logger: MMLogger = MMLogger.get_current_instance()
        pred = np.concatenate([r['pred_coords'] for r in results])
        gt = np.concatenate([r['gt_coords'] for r in results])
        mask = np.concatenate([r['mask'] for r in results])
        torso = np.concatenate([r['torso_size'] for r in results])
        usable = torso[:, 0] >= self.min_torso
        if not usable.all():
            print_log(
                f'LspPCKAccuracy: {int((~usable).sum())} of {len(usable)} '
                f'persons have a ground-truth torso (joints '
                f'{self.torso_indices}) under {self.min_torso} px and are '
                'not scored',
                logger=logger,
                level=30)
        pred, gt, mask, torso = (pred[usable], gt[usable], mask[usable],
                                 torso[usable])
        if not mask.any():
            raise ValueError('LspPCKAccuracy: no joint can be scored')
        logger.info(f'Evaluating {self.__class__.__name__} '
                    f'(PCK@{self.thr} normalised by the torso)...')

        def per_joint(thr: float) -> np.ndarray:
            acc, _, _ = keypoint_pck_accuracy(pred, gt, mask, thr,
                                              torso.copy())
            # mmpose marks joints without any ground truth with -1
            return np.where(acc < 0, np.nan, 100. * acc)

        counts = mask.sum(axis=0)
        weights = counts / counts.sum()
        pck = per_joint(self.thr)
        metrics = {
            f'{name} PCK': float(np.nanmean(pck[list(joints)]))
            for name, joints in self.parts.items()
        }
        metrics['PCK'] = float(np.nansum(pck * weights))
        metrics[f'PCK@{self.thr / 2:g}'] = float(
            np.nansum(per_joint(self.thr / 2) * weights))
        return metrics
