# Ablation: CWAN on LOL-v1 without the colour-attention term (CWANLoss
# attention_weight 0: L1 on L and on ab only, as the released loss names
# L1_loss / L1_AB_Loss alone would give); the networks, data and schedule
# are the LOL-v1 config's.
_base_ = ['./cwan_1xb16_lol-v1-128x128.py']
model = dict(loss=dict(attention_weight=0.))
