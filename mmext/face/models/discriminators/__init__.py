from .fan_feature_discriminator import FANFeatureDiscriminator
from .fan_image_discriminator import FANImageDiscriminator

__all__ = ['FANFeatureDiscriminator', 'FANImageDiscriminator']
