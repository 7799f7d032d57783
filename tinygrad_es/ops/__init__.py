"""Las operaciones primitivas, una familia por archivo: cada `forward` al lado de su `backward`.

Todo lo demás (mean, log_softmax, var, clip...) se compone de estas en `tensor.py`, así que
su gradiente sale gratis. softmax es primitiva (`softmax.py`) porque fusionada ahorra nodos.
"""
