"""Los ejemplos de examples/ se ejecutan de principio a fin con --rapido.

Cada uno corre en un proceso aparte, como lo lanzaría un estudiante (`python examples/X.py
--rapido --salida DIR`): debe terminar con código 0, escribir en español lo que se espera de él y
dejar sus figuras PNG (no vacías) en DIR.

Para que el resultado no dependa de la red, los procesos reciben un proxy inexistente: MNIST no se
puede descargar y los ejemplos 4 y 5 deben decirlo y seguir (en --rapido) con Fashion-MNIST.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parent.parent
EJEMPLOS = RAIZ / "examples"

# ejemplo: (frases que su salida debe contener, figuras que debe escribir)
ESPERADO = {
    "01_activaciones.py": (
        ["Funciones de activación", "Máximo de la derivada de la sigmoide: 0.2500", "se desvanece"],
        ["activaciones.png"],
    ),
    "02_neurona.py": (
        ["y = σ(wᵀx + b) = 0.9994997988929205", "Perceptrón", "exactitud", "Frontera aprendida"],
        ["perceptron.png"],
    ),
    "03_playground.py": (
        ["Círculos", "XOR sin capa oculta", "XOR con una capa oculta", "Espiral", "Regresión", "exactitud"],
        ["circulos_sigmoid.png", "circulos_relu.png", "xor_sin_oculta.png", "xor_con_oculta.png",
         "espiral.png", "regresion.png"],
    ),
    "04_mnist_mlp.py": (
        ["No se pudo obtener MNIST", "--dataset fashion_mnist", "Total params: 13,434", "val_accuracy",
         "Pérdida en test", "Exactitud en test"],
        ["ejemplos_test.png", "historia.png"],
    ),
    "05_cnn.py": (
        ["No se pudo obtener MNIST", "Total params: 102,570", "val_accuracy", "Pérdida en test", "Exactitud en test"],
        ["ejemplos_test.png", "historia.png", "filtros.png", "mapas_de_caracteristicas.png"],
    ),
    "06_lstm_texto.py": (
        ["Longitud del corpus", "Total de caracteres únicos", "Número de secuencias",
         "Generando texto después de la época: 0", "diversidad: 0.2", "diversidad: 1.2", "Generando con semilla"],
        ["perdida.png"],
    ),
    "07_optimizadores.py": (
        ["SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam", "pérdida final"],
        ["optimizadores.png"],
    ),
}

SIN_RED = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "MPLBACKEND": "Agg"}


def ejecutar(nombre, *argumentos, entorno=None, timeout=180):
    env = {**os.environ, **SIN_RED, **(entorno or {})}
    return subprocess.run([sys.executable, str(EJEMPLOS / nombre), *argumentos], capture_output=True,
                          text=True, encoding="utf-8", env=env, timeout=timeout, cwd=RAIZ)


def test_cada_ejemplo_tiene_su_prueba():
    scripts = sorted(p.name for p in EJEMPLOS.glob("[0-9][0-9]_*.py"))
    assert scripts == sorted(ESPERADO), f"examples/ tiene {scripts} y esta prueba conoce {sorted(ESPERADO)}"


# Los ejemplos de imágenes leen Fashion-MNIST del paquete de Debian `dataset-fashion-mnist`.
FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
CON_IMAGENES = {"04_mnist_mlp.py", "05_cnn.py"}


@pytest.mark.parametrize("nombre", sorted(ESPERADO))
def test_ejemplo_rapido(nombre, tmp_path):
    frases, figuras = ESPERADO[nombre]
    entorno = None
    if nombre in CON_IMAGENES:
        if not FASHION_MNIST.is_dir():
            pytest.skip(f"falta {FASHION_MNIST}: apt-get install dataset-fashion-mnist")
        # Una caché vacía: aunque tengas mnist.npz guardado, aquí MNIST «no está» y se prueba la alternativa.
        entorno = {"TINYGRAD_ES_HOME": str(tmp_path / "cache")}
    resultado = ejecutar(nombre, "--rapido", "--salida", str(tmp_path / "figuras"), entorno=entorno)
    salida = resultado.stdout + resultado.stderr
    assert resultado.returncode == 0, f"{nombre} terminó con código {resultado.returncode}:\n{salida[-3000:]}"
    faltan = [f for f in frases if f not in salida]
    assert not faltan, f"{nombre} no escribió {faltan}; su salida fue:\n{salida[-3000:]}"
    for figura in figuras:
        ruta = tmp_path / "figuras" / figura
        assert ruta.exists() and ruta.stat().st_size > 0, f"{nombre} no escribió la figura {figura} en --salida"


def test_sin_mnist_y_sin_rapido_explica_que_hacer(tmp_path):
    """Sin --rapido no se cambia de datos a escondidas: se explica cómo conseguir MNIST y se sale con error."""
    resultado = ejecutar("04_mnist_mlp.py", "--salida", str(tmp_path),
                         entorno={"TINYGRAD_ES_HOME": str(tmp_path / "cache_vacia")}, timeout=60)
    assert resultado.returncode == 2
    assert "No se pudo obtener MNIST" in resultado.stdout
    assert "mnist.npz" in resultado.stdout and "--dataset fashion_mnist" in resultado.stdout
