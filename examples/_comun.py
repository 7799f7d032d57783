"""Lo que comparten los ejemplos: sus argumentos de línea de órdenes, guardar figuras y elegir datos.

Cada ejemplo acepta
- `--rapido`: una ejecución de pocos segundos (subconjuntos pequeños, una época), la que corre CI;
- `--salida DIR`: la carpeta donde se guardan las figuras PNG (por defecto `salida/`).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def argumentos(descripcion: str, con_dataset: bool = False) -> argparse.Namespace:
    """Lee --rapido, --salida y (si `con_dataset`) --dataset; crea la carpeta de salida."""
    parser = argparse.ArgumentParser(description=descripcion)
    parser.add_argument("--rapido", action="store_true",
                        help="ejecución de pocos segundos: pocos datos y una sola época")
    parser.add_argument("--salida", type=Path, default=Path("salida"),
                        help="carpeta donde guardar las figuras PNG (por defecto: salida/)")
    if con_dataset:
        parser.add_argument("--dataset", choices=["mnist", "fashion_mnist"], default="mnist",
                            help="conjunto de imágenes: mnist (por defecto) o fashion_mnist")
    args = parser.parse_args()
    args.salida.mkdir(parents=True, exist_ok=True)
    return args


def guardar(fig, args: argparse.Namespace, nombre: str) -> Path:
    """Guarda la figura (de `tinygrad_es.plot` o de matplotlib) como PNG en la carpeta de salida."""
    ruta = args.salida / nombre
    fig.savefig(ruta, dpi=100)
    print(f"Figura guardada en {ruta}")
    return ruta


NOMBRES_FASHION = ["camiseta", "pantalón", "jersey", "vestido", "abrigo",
                   "sandalia", "camisa", "zapatilla", "bolso", "botín"]


def cargar_imagenes(args: argparse.Namespace):
    """(x_train, y_train), (x_test, y_test), nombres de clase: MNIST o Fashion-MNIST según --dataset.

    MNIST se descarga la primera vez. Si no se puede (sin conexión), se explica qué hacer; con
    --rapido se sigue con Fashion-MNIST, que viene en un paquete del sistema, para que el ejemplo
    (y CI) pueda ejecutarse igualmente.
    """
    from tinygrad_es.keras import datasets

    if args.dataset == "mnist":
        try:
            return datasets.mnist.load_data(), [str(d) for d in range(10)]
        except OSError as error:
            print(f"No se pudo obtener MNIST: {error}")
            print("Para seguir: copia mnist.npz donde indica el mensaje anterior (la caché de tinygrad_es, "
                  "~/.tinygrad_es/datasets/ o $TINYGRAD_ES_HOME/datasets/) o ejecuta el ejemplo con "
                  "--dataset fashion_mnist.")
            if not args.rapido:
                sys.exit(2)
            print("Modo --rapido: sigo con Fashion-MNIST.")
            args.dataset = "fashion_mnist"
    return datasets.fashion_mnist.load_data(), NOMBRES_FASHION


def informe_de_test(model, x_test, y_test, etiquetas_test, nombres, history, titulo, args, semilla):
    """Pérdida y exactitud en test, cinco imágenes de test con su predicción y las curvas de
    entrenamiento (lo que imprimen y dibujan los ejemplos 4 y 5). Devuelve los índices elegidos."""
    import numpy as np

    from tinygrad_es import plot

    score = model.evaluate(x_test, y_test, verbose=0)
    print("Pérdida en test:", score[0])
    print("Exactitud en test:", score[1])

    indices = np.random.default_rng(semilla).choice(len(x_test), 5, replace=False)
    predicciones = model.predict(x_test[indices], verbose=0).argmax(axis=1)
    guardar(plot.image_grid(x_test[indices], etiquetas_test[indices], predicciones, class_names=nombres,
                            title="Imágenes de test: etiqueta y predicción"), args, "ejemplos_test.png")
    guardar(plot.history(history, title=titulo), args, "historia.png")
    return indices
