"""Lo que comparten los ejemplos: sus argumentos de línea de órdenes, guardar figuras y elegir datos.

Cada ejemplo acepta
- `--rapido`: una ejecución de pocos segundos, la que corre CI: menos datos, menos épocas o un
  modelo más pequeño (cada ejemplo dice cuáles en su `--help`), pero que sigue mostrando lo que
  enseña la lección;
- `--salida DIR`: la carpeta donde se guardan las figuras PNG (por defecto `salida/`).

Si faltan los datos, el ejemplo lo dice en una frase (qué falta y cómo conseguirlo) y termina con
código 2, sin traza de Python.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tinygrad_es.cli import ArgumentParser


def argumentos(descripcion: str, rapido: str, con_dataset: bool = False) -> argparse.Namespace:
    """Lee --rapido (`rapido` dice qué recorta), --salida y (si `con_dataset`) --dataset; crea la carpeta de salida."""
    parser = ArgumentParser(description=descripcion)
    parser.add_argument("--rapido", action="store_true", help=f"ejecución de pocos segundos: {rapido}")
    parser.add_argument("--salida", type=Path, default=Path("salida"),
                        help="carpeta donde guardar las figuras PNG (por defecto: salida/)")
    if con_dataset:
        parser.add_argument("--dataset", choices=["mnist", "fashion_mnist"], default="mnist",
                            help="conjunto de imágenes: mnist (por defecto) o fashion_mnist")
    args = parser.parse_args()
    args.salida.mkdir(parents=True, exist_ok=True)
    return args


def faltan_datos(frase: str) -> None:
    """Termina el ejemplo con una sola frase (qué falta y cómo conseguirlo) y código 2, sin traza."""
    print(frase)
    sys.exit(2)


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

    MNIST se descarga la primera vez. Si no se puede (sin conexión), se dice qué hacer; con
    --rapido se sigue con Fashion-MNIST, que viene en un paquete del sistema, para que el ejemplo
    (y CI) pueda ejecutarse igualmente.
    """
    from tinygrad_es.datasets import download
    from tinygrad_es.keras import datasets

    cache = Path(download.cache_root()) / "datasets"
    if args.dataset == "mnist":
        try:
            return datasets.mnist.load_data(), [str(d) for d in range(10)]
        except (OSError, ValueError):
            aviso = (f"No se pudo obtener MNIST (sin conexión o descarga dañada): descárgalo en otro equipo y "
                     f"copia mnist.npz en {cache}/, o ejecuta el ejemplo con --dataset fashion_mnist")
            if not args.rapido:
                faltan_datos(aviso + ".")
            print(aviso + "; con --rapido sigo con Fashion-MNIST.")
            args.dataset = "fashion_mnist"
    try:
        return datasets.fashion_mnist.load_data(), NOMBRES_FASHION
    except (OSError, ValueError):
        faltan_datos("No se pudo obtener Fashion-MNIST (sin conexión o archivos dañados): en Debian o Ubuntu, "
                     "instálalo con `sudo apt install dataset-fashion-mnist`; si no, copia sus cuatro archivos .gz "
                     f"en {cache / 'fashion-mnist'}/.")


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
