# The no-attention baseline of the CWAN quickstart: cwan_quickstart.py with
# CWANLoss attention_weight 0 (L1 on L and ab only); everything else
# identical.
_base_ = ['./cwan_quickstart.py']
model = dict(loss=dict(attention_weight=0.))
work_dir = './work_dirs/cwan_noatt_quickstart_baseline'
