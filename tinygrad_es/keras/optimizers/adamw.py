"""AdamW, como en Keras 3 (keras/src/optimizers/adamw.py): Adam con decaimiento de pesos desacoplado."""
from __future__ import annotations

from typing import Optional

from .adam import Adam


class AdamW(Adam):
    """Adam más decaimiento de pesos desacoplado (Loshchilov y Hutter): en cada paso, antes de la
    ecuación de Adam, w -= w·weight_decay·lr (lo hace la base, como en todos los optimizadores;
    aquí weight_decay vale 0.004 por defecto y es obligatorio). Con los sesgos fuera:

        opt = AdamW(learning_rate=0.001)
        opt.exclude_from_weight_decay(var_names=["bias"])

    En la GPU usa el kernel fusionado de Adam.
    """

    def __init__(self, learning_rate: float = 0.001, weight_decay: Optional[float] = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: Optional[float] = 1e-7, amsgrad: bool = False, **kwargs):
        if weight_decay is None:
            raise ValueError(
                "AdamW: weight_decay debe ser un número (0.004 por defecto); si no quieres decaimiento de pesos, "
                "usa Adam."
            )
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         weight_decay=weight_decay, **kwargs)
