"""Las operaciones primitivas, una familia por archivo: cada `forward` al lado de su `backward`.

Todo lo demás (mean, softmax, var, clip...) se compone de estas en `tensor.py`, así que su
gradiente sale gratis.
"""
