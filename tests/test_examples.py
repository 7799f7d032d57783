"""Los ejemplos de examples/ se ejecutan de principio a fin con --rapido.

Cada uno corre en un proceso aparte, como lo lanzaría un estudiante (`python examples/X.py
--rapido --salida DIR`): debe terminar con código 0, escribir en español lo que se espera de él y
dejar sus figuras PNG (no vacías) en DIR.

Para que el resultado no dependa de la red, los procesos reciben un proxy inexistente: MNIST no se
puede descargar y los ejemplos 4 y 5 deben decirlo y seguir (en --rapido) con Fashion-MNIST.
"""
import os
import re
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

# Con --rapido, cada ejemplo debe seguir enseñando su lección (nada de resultados al azar):
# ejemplo: [(expresión con un número, condición que debe cumplir cada número encontrado)]
LECCION = {
    "03_playground.py": [(r"Círculos, .*exactitud (\S+)", lambda v: v > 0.9),
                         (r"XOR sin capa oculta: .*exactitud (\S+)", lambda v: v < 0.8),
                         (r"XOR con una capa oculta: .*exactitud (\S+)", lambda v: v > 0.95),
                         (r"Espiral, .*exactitud (\S+)", lambda v: v > 0.75)],
    "04_mnist_mlp.py": [(r"Exactitud en test: (\S+)", lambda v: v > 0.6)],
    "05_cnn.py": [(r"Exactitud en test: (\S+)", lambda v: v > 0.5)],
    "06_lstm_texto.py": [(r"Pérdida al final de cada época: \[.*?(\S+)\]$", lambda v: v < 3.0)],
    "07_optimizadores.py": [(r"^\w+ +\S+ +(\S+)$", lambda v: v > 0.7)],
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
INGLES = ["usage:", "options:", "optional arguments", "show this help", "positional arguments"]


@pytest.mark.parametrize("nombre", sorted(ESPERADO))
def test_ejemplo_rapido(nombre, tmp_path):
    frases, figuras = ESPERADO[nombre]
    entorno = None
    if nombre in CON_IMAGENES:
        if not FASHION_MNIST.is_dir():
            pytest.skip(f"falta Fashion-MNIST en {FASHION_MNIST}: instálalo con apt-get install dataset-fashion-mnist")
        # Una caché vacía: aunque tengas mnist.npz guardado, aquí MNIST «no está» y se prueba la alternativa.
        entorno = {"TINYGRAD_ES_HOME": str(tmp_path / "cache")}
    resultado = ejecutar(nombre, "--rapido", "--salida", str(tmp_path / "figuras"), entorno=entorno)
    salida = resultado.stdout + resultado.stderr
    assert resultado.returncode == 0, f"{nombre} terminó con código {resultado.returncode}:\n{salida[-3000:]}"
    faltan = [f for f in frases if f not in salida]
    assert not faltan, f"{nombre} no escribió {faltan}; su salida fue:\n{salida[-3000:]}"
    for patron, cumple in LECCION.get(nombre, []):
        valores = [float(v) for v in re.findall(patron, salida, flags=re.M)]
        assert valores and all(cumple(v) for v in valores), f"{nombre} con --rapido: {patron} dio {valores}"
    for figura in figuras:
        ruta = tmp_path / "figuras" / figura
        assert ruta.exists() and ruta.stat().st_size > 0, f"{nombre} no escribió la figura {figura} en --salida"


def test_sin_mnist_y_sin_rapido_explica_que_hacer(tmp_path):
    """Sin --rapido no se cambia de datos a escondidas: una frase dice cómo conseguir MNIST y se sale con error."""
    resultado = ejecutar("04_mnist_mlp.py", "--salida", str(tmp_path),
                         entorno={"TINYGRAD_ES_HOME": str(tmp_path / "cache_vacia")}, timeout=60)
    assert resultado.returncode == 2 and "Traceback" not in resultado.stdout + resultado.stderr
    lineas = [linea for linea in resultado.stdout.splitlines() if not linea.startswith("Descargando datos de")]
    assert lineas == [
        "No se pudo obtener MNIST (sin conexión o descarga dañada): descárgalo en otro equipo y copia mnist.npz en "
        f"{tmp_path / 'cache_vacia' / 'datasets'}/, o ejecuta el ejemplo con --dataset fashion_mnist."
    ]


@pytest.mark.parametrize("nombre", sorted(ESPERADO))
def test_ayuda_en_espanol_de_la_primera_linea_a_la_ultima(nombre):
    resultado = ejecutar(nombre, "--help", timeout=60)
    assert resultado.returncode == 0, resultado.stderr
    ayuda = resultado.stdout
    assert ayuda.startswith(f"uso: {nombre} [-h] [--rapido] [--salida SALIDA]")
    assert "opciones:" in ayuda and "muestra esta ayuda y termina" in ayuda
    assert re.search(r"--rapido +ejecución de pocos segundos: ", ayuda)
    assert not [palabra for palabra in INGLES if palabra in ayuda.lower()], ayuda


def test_errores_de_argumentos_en_espanol():
    resultado = ejecutar("04_mnist_mlp.py", "--dataset", "cifar", timeout=60)
    assert resultado.returncode == 2
    assert resultado.stderr.startswith("uso: 04_mnist_mlp.py")
    assert "error: argumento --dataset: opción no válida: 'cifar' (elige entre" in resultado.stderr
    resultado = ejecutar("07_optimizadores.py", "--rapdio", timeout=60)
    assert "error: argumentos desconocidos: --rapdio" in resultado.stderr


def test_demo_ayuda_en_espanol():
    ayuda = subprocess.run([sys.executable, "-m", "tinygrad_es", "--help"], capture_output=True, text=True,
                           check=True, timeout=60).stdout
    assert ayuda.startswith("uso: python -m tinygrad_es") and "--epocas EPOCAS" in ayuda
    assert not [palabra for palabra in INGLES if palabra in ayuda.lower()], ayuda


@pytest.mark.parametrize("nombre", sorted(CON_IMAGENES))
def test_sin_ningun_dato_una_frase_y_codigo_2(nombre, tmp_path):
    """Sin MNIST ni Fashion-MNIST: una frase que dice qué falta y cómo conseguirlo, sin traza de Python."""
    codigo = (f"import runpy, sys; sys.path.insert(0, {str(EJEMPLOS)!r}); "
              "from tinygrad_es.datasets import fashion_mnist; fashion_mnist.DEBIAN_DIR = '/no/existe'; "
              f"sys.argv = [{nombre!r}, '--rapido', '--salida', {str(tmp_path)!r}]; "
              f"runpy.run_path({str(EJEMPLOS / nombre)!r}, run_name='__main__')")
    env = {**os.environ, **SIN_RED, "TINYGRAD_ES_HOME": str(tmp_path / "cache")}
    resultado = subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, env=env, timeout=60)
    assert resultado.returncode == 2, resultado.stdout + resultado.stderr
    assert "Traceback" not in resultado.stdout + resultado.stderr
    lineas = [linea for linea in resultado.stdout.splitlines() if not linea.startswith("Descargando datos de")]
    assert lineas[0].startswith("No se pudo obtener MNIST") and "--dataset fashion_mnist" in lineas[0]
    assert lineas[1:] == [
        "No se pudo obtener Fashion-MNIST (sin conexión o archivos dañados): en Debian o Ubuntu, instálalo con "
        "`sudo apt install dataset-fashion-mnist`; si no, copia sus cuatro archivos .gz en "
        f"{tmp_path / 'cache' / 'datasets' / 'fashion-mnist'}/."
    ]
