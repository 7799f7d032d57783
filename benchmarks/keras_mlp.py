"""Un paso de entrenamiento del MLP del curso (784-16-32-10, Dropout 0.2, RMSprop, lote 64), en
tinygrad_es.keras y en PyTorch eager con la misma red, pérdida y optimizador. Objetivo: razón <= 1.0.

    python benchmarks/keras_mlp.py
"""
import numpy as np

from common import median_time, ratio_line, try_import_torch
from tinygrad_es import keras
from tinygrad_es.keras.layers import Dense, Dropout, Input
from tinygrad_es.keras.models import Sequential
from tinygrad_es.keras.optimizers import RMSprop
from tinygrad_es.runtime import training_scope


def keras_step(x, y):
    model = Sequential([Input(shape=(784,)), Dense(16, activation="relu"), Dropout(0.2),
                        Dense(32, activation="relu"), Dropout(0.2), Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer=RMSprop(), metrics=["accuracy"])
    model.fit(x, y, batch_size=64, verbose=0)  # crea el estado del optimizador y las métricas
    return lambda: model.train_step((x, y))


def torch_step(torch, x, y):
    nn = torch.nn
    net = nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 32), nn.ReLU(),
                        nn.Dropout(0.2), nn.Linear(32, 10), nn.Softmax(-1))
    opt = torch.optim.RMSprop(net.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def step():
        opt.zero_grad()
        p = net(tx).clamp(1e-7, 1 - 1e-7)
        loss = -(ty * p.log()).sum(-1).mean()  # categorical_crossentropy de Keras
        loss.backward()
        opt.step()
        float(loss.detach()), (p.argmax(-1) == ty.argmax(-1)).float().mean().item()  # loss y accuracy

    return step


def main():
    rng = np.random.default_rng(0)
    x = rng.random((64, 784), dtype=np.float32)
    y = keras.utils.to_categorical(rng.integers(0, 10, 64), 10).astype(np.float32)
    with training_scope():  # como dentro de fit: BLAS de un hilo y malloc que reutiliza la memoria
        ours = median_time(keras_step(x, y), repeat=300, warmup=20)
    torch = try_import_torch()
    theirs = None
    if torch is not None:
        torch.set_num_threads(1)  # redes pequeñas: un hilo es lo más rápido y lo más estable
        theirs = median_time(torch_step(torch, x, y), repeat=300, warmup=20)
    print(ratio_line("paso de fit, MLP del curso (lote 64)", ours, theirs))


if __name__ == "__main__":
    main()
