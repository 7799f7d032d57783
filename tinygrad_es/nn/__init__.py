"""Redes neuronales sin clases: `nn.functional` reúne las funciones derivables (conv2d, lstm...)."""
from . import functional
