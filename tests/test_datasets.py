"""Los cargadores de datos: MNIST, Fashion-MNIST (archivos IDX) y el texto de Nietzsche con sus ayudas.

Sin internet: MNIST se prueba con un .npz pequeño servido en 127.0.0.1; Fashion-MNIST con los
archivos reales del paquete de Debian (si están instalados) y con archivos IDX pequeños servidos
en local; Nietzsche con la copia que viaja dentro del paquete.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import os
import urllib.error
import urllib.request

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


from tinygrad_es import manual_seed
from tinygrad_es.datasets import fashion_mnist, mnist, nietzsche
from tinygrad_es.datasets.download import DownloadError
from tinygrad_es.keras.utils import get_file
from tinygrad_es.errors import ShapeError

needs_debian = pytest.mark.skipif(
    not os.path.isdir(fashion_mnist.DEBIAN_DIR),
    reason="falta Fashion-MNIST completo: instala el paquete de Debian (apt-get install dataset-fashion-mnist)",
)


@pytest.fixture
def no_network(monkeypatch):
    """Cualquier intento de descarga falla en el acto (y la prueba lo notaría)."""
    def refuse(*args, **kwargs):
        raise AssertionError("esta prueba no debe descargar nada")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


# --- MNIST ---------------------------------------------------------------------------------------

def test_mnist_usa_la_url_y_el_hash_de_keras():
    assert mnist.ORIGIN == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    assert mnist.FILE_HASH == "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _fake_mnist(rng, n_train=6, n_test=4):
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def test_mnist_load_data_descarga_comprueba_y_devuelve_los_arrays(server, home, monkeypatch):
    arrays = _fake_mnist(np.random.default_rng(0))
    body = _npz(**arrays)
    monkeypatch.setattr(mnist, "ORIGIN", server.serve("/mnist.npz", body))
    monkeypatch.setattr(mnist, "FILE_HASH", hashlib.sha256(body).hexdigest())
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        assert got.dtype == np.uint8
        np.testing.assert_array_equal(got, arrays[key])
    assert os.path.exists(home / "datasets" / "mnist.npz")
    server.stop()
    assert mnist.load_data()[0][0].shape == (6, 28, 28)  # segunda vez, de la caché


def test_mnist_con_otro_contenido_falla_y_no_guarda_nada(server, home, monkeypatch):
    monkeypatch.setattr(mnist, "ORIGIN", server.serve("/mnist.npz", _npz(**_fake_mnist(np.random.default_rng(1)))))
    with pytest.raises(ValueError, match="incompleto o dañado"):
        mnist.load_data()  # el hash real de Keras no coincide con este archivo
    assert os.listdir(home / "datasets") == []


def test_mnist_sin_conexion_dice_donde_copiar_el_archivo(server, home, monkeypatch):
    url = server.url("/mnist.npz")
    server.stop()
    monkeypatch.setattr(mnist, "ORIGIN", url)
    with pytest.raises(DownloadError, match="no hubo conexión") as info:
        mnist.load_data(path="mnist.npz")
    assert str(home / "datasets" / "mnist.npz") in str(info.value)


def test_mnist_rechaza_un_npz_con_objetos_de_python(server, home, monkeypatch):
    """allow_pickle=False: un .npz con objetos (que ejecutarían código al cargarse) no se abre."""
    arrays = _fake_mnist(np.random.default_rng(2))
    arrays["x_train"] = np.array([{"no": "numeros"}], dtype=object)
    body = _npz(**arrays)
    monkeypatch.setattr(mnist, "ORIGIN", server.serve("/mnist.npz", body))
    monkeypatch.setattr(mnist, "FILE_HASH", hashlib.sha256(body).hexdigest())
    with pytest.raises(ValueError, match="allow_pickle"):
        mnist.load_data()


@pytest.mark.parametrize("damage", ["html", "cortado"])
def test_mnist_danado_en_la_cache_se_descarga_de_nuevo(server, home, monkeypatch, capsys, damage):
    body = _npz(**_fake_mnist(np.random.default_rng(3)))
    monkeypatch.setattr(mnist, "ORIGIN", server.serve("/mnist.npz", body))
    monkeypatch.setattr(mnist, "FILE_HASH", hashlib.sha256(body).hexdigest())
    cached = home / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"<html>Not Found</html>" if damage == "html" else body[:1000])
    assert mnist.load_data()[0][0].shape == (6, 28, 28)
    assert f"Se encontró {cached}, pero parece incompleto o desactualizado" in capsys.readouterr().out
    cached.write_bytes(body[:1000])
    server.stop()  # sin red, el error dice qué archivo sustituir
    with pytest.raises(DownloadError, match=f"cópialo exactamente en {cached}"):
        mnist.load_data()


# --- Fashion-MNIST -------------------------------------------------------------------------------

@needs_debian
def test_fashion_mnist_de_debian_sin_descargar(home, no_network):
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    shapes = (x_train.shape, y_train.shape, x_test.shape, y_test.shape)
    assert shapes == ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    # Fashion-MNIST está equilibrado: 6000 prendas de cada clase para entrenar y 1000 para probar.
    np.testing.assert_array_equal(np.bincount(y_train), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)
    assert x_train.min() == 0 and x_train.max() == 255
    assert y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]  # las primeras etiquetas del archivo original
    assert not os.path.exists(home / "datasets")  # no ha tocado la caché
    assert len(fashion_mnist.CLASS_NAMES) == 10


def _idx(array: np.ndarray, code=0x08) -> bytes:
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + array.astype(fashion_mnist.IDX_DTYPES[code]).tobytes()


def test_fashion_mnist_sin_debian_descarga_los_cuatro_archivos(server, home, monkeypatch, tmp_path):
    rng = np.random.default_rng(0)
    arrays = _fake_mnist(rng, n_train=5, n_test=3)
    for key, fname in fashion_mnist.FILES.items():
        server.serve(f"/base/{fname}", gzip.compress(_idx(arrays[key])))
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(tmp_path / "no-existe"))
    monkeypatch.setattr(fashion_mnist, "ORIGIN", server.url("/base/"))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert sorted(os.listdir(home / "datasets" / "fashion-mnist")) == sorted(fashion_mnist.FILES.values())
    assert len(server.requests) == 4


def test_fashion_mnist_detecta_imagenes_y_etiquetas_que_no_casan(server, home, monkeypatch, tmp_path):
    arrays = _fake_mnist(np.random.default_rng(0), n_train=5, n_test=3)
    arrays["y_train"] = arrays["y_train"][:4]
    for key, fname in fashion_mnist.FILES.items():
        server.serve(f"/base/{fname}", gzip.compress(_idx(arrays[key])))
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(tmp_path / "no-existe"))
    monkeypatch.setattr(fashion_mnist, "ORIGIN", server.url("/base/"))
    with pytest.raises(ValueError, match="5 imágenes de forma .* y 4 etiquetas"):
        fashion_mnist.load_data()


@settings(max_examples=30, deadline=None)
@given(
    array=hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6),
        elements={"allow_nan": False},
    ),
    compress=st.booleans(),
)
def test_read_idx_recupera_cualquier_array(tmp_path_factory, array, compress):
    code = {np.dtype(v).newbyteorder("="): k for k, v in fashion_mnist.IDX_DTYPES.items()}[array.dtype]
    raw = _idx(array, code)
    path = tmp_path_factory.mktemp("idx") / ("a.idx.gz" if compress else "a.idx")
    path.write_bytes(gzip.compress(raw) if compress else raw)
    got = fashion_mnist.read_idx(str(path))
    assert got.dtype == array.dtype and got.shape == array.shape
    np.testing.assert_array_equal(got, array)


def test_read_idx_rechaza_archivos_cortados_o_ajenos(tmp_path):
    good = _idx(np.zeros((3, 4), dtype=np.uint8))
    (tmp_path / "cortado.idx").write_bytes(good[:-2])
    expected = r"incompleto o dañado: su cabecera anuncia un array \(3, 4\) \(24 bytes\) y el archivo tiene 22 bytes"
    with pytest.raises(ValueError, match=expected):
        fashion_mnist.read_idx(str(tmp_path / "cortado.idx"))
    (tmp_path / "largo.idx").write_bytes(good + b"x")
    with pytest.raises(ValueError, match=r"\(24 bytes\) y el archivo tiene más de 24 bytes"):
        fashion_mnist.read_idx(str(tmp_path / "largo.idx"))
    (tmp_path / "html.idx").write_bytes(b"<html>Not Found</html>")
    with pytest.raises(ValueError, match="no es un archivo IDX: su cabecera empieza por 3c68746d"):
        fashion_mnist.read_idx(str(tmp_path / "html.idx"))
    (tmp_path / "cortado.idx.gz").write_bytes(gzip.compress(good)[:-10])
    with pytest.raises(ValueError, match=r"cortado.idx.gz está incompleto o dañado: no se puede descomprimir \(EOFError"):
        fashion_mnist.read_idx(str(tmp_path / "cortado.idx.gz"))
    (tmp_path / "html.idx.gz").write_bytes(b"<html>Not Found</html>")
    with pytest.raises(ValueError, match=r"html.idx.gz está incompleto o dañado: no se puede descomprimir \(BadGzip"):
        fashion_mnist.read_idx(str(tmp_path / "html.idx.gz"))


def test_read_idx_no_reserva_lo_que_anuncia_una_cabecera_enorme(tmp_path):
    """Una cabecera que anuncia 4·10⁹ × 4·10⁹ bytes no se lee: se comprueba contra lo que caben los datos."""
    (tmp_path / "enorme.idx").write_bytes(bytes([0, 0, 0x08, 2]) + np.array([4e9, 4e9], dtype=">u4").tobytes())
    with pytest.raises(ValueError, match=r"se esperan como mucho 47040000 bytes"):
        fashion_mnist.read_idx(str(tmp_path / "enorme.idx"), fashion_mnist.MAX_BYTES)


@pytest.mark.parametrize("damage", [b"<html>Not Found</html>", b"\x1f\x8b\x08\x00corte", b"\x00\x00\x08\x05"])
def test_fashion_mnist_danado_en_la_cache_se_descarga_de_nuevo(server, home, monkeypatch, tmp_path, capsys, damage):
    arrays = _fake_mnist(np.random.default_rng(0), n_train=5, n_test=3)
    for key, fname in fashion_mnist.FILES.items():
        server.serve(f"/base/{fname}", gzip.compress(_idx(arrays[key])))
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(tmp_path / "no-existe"))
    monkeypatch.setattr(fashion_mnist, "ORIGIN", server.url("/base/"))
    damaged = home / "datasets" / "fashion-mnist" / "train-images-idx3-ubyte.gz"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(damage)
    np.testing.assert_array_equal(fashion_mnist.load_data()[0][0], arrays["x_train"])
    out = capsys.readouterr().out
    assert str(damaged) in out and "de nuevo." in out  # dice qué archivo estaba mal
    damaged.write_bytes(damage)
    server.stop()  # sin red: el error nombra el archivo y dónde copiarlo
    with pytest.raises(DownloadError, match=f"cópialo exactamente en {damaged}"):
        fashion_mnist.load_data()


def test_fashion_mnist_danado_en_debian_dice_como_reinstalarlo(home, monkeypatch, tmp_path, no_network):
    arrays = _fake_mnist(np.random.default_rng(0), n_train=5, n_test=3)
    for key, fname in fashion_mnist.FILES.items():
        (tmp_path / fname).write_bytes(gzip.compress(_idx(arrays[key])))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(b"roto")
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="t10k-labels-idx1-ubyte.gz está incompleto.*apt-get install --reinstall"):
        fashion_mnist.load_data()


# --- Nietzsche: de dónde sale el texto -----------------------------------------------------------

REFERENCE_SHA256 = "cd3662888df2d740000f58da00b05987220a12a4399187d3971c6bdce0268b12"  # la copia del curso


@pytest.fixture(scope="module")
def course_text():
    """El corpus entero, leído una vez de la copia del paquete, para las pruebas de las ayudas."""
    with gzip.open(nietzsche.PACKAGED, "rt", encoding="utf-8") as f:
        return f.read().lower()


def test_load_text_sin_red_ni_cache_usa_la_copia_del_paquete(home, no_network):
    with gzip.open(nietzsche.PACKAGED, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == REFERENCE_SHA256
    text = nietzsche.load_text()
    assert len(text) == 600_894 and text == text.lower()
    assert text.startswith("preface\n\n\nsupposing that truth is a woman--what then?")
    assert not os.path.exists(home / "datasets" / "nietzsche.txt")  # nada se copia a la caché


def test_load_text_prefiere_la_copia_descargada_en_la_cache(home, no_network):
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "nietzsche.txt").write_text("PREFACE\n\nOtra Copia", encoding="utf-8")
    assert nietzsche.load_text() == "preface\n\notra copia"


def test_load_text_download_usa_la_url_de_keras(server, home, monkeypatch, capsys):
    monkeypatch.setattr(nietzsche, "ORIGIN", server.serve("/nietzsche.txt", "PREFACE\n\nSupposing Ä".encode()))
    assert nietzsche.load_text(download=True) == "preface\n\nsupposing ä"
    assert "Descargando datos de" in capsys.readouterr().out
    assert os.path.exists(home / "datasets" / "nietzsche.txt")
    server.stop()
    assert nietzsche.load_text() == "preface\n\nsupposing ä"  # después, de la caché


@pytest.fixture
def offline(monkeypatch):
    def no_connection(*args, **kwargs):
        raise urllib.error.URLError("sin red")

    monkeypatch.setattr(urllib.request, "urlopen", no_connection)


def test_la_celda_del_curso_sin_conexion_usa_la_copia_del_paquete(home, offline, capsys):
    # La celda [10] del curso, literal: get_file con la URL de Keras.
    path = get_file('nietzsche.txt', origin='https://s3.amazonaws.com/text-datasets/nietzsche.txt')
    assert path == str(home / "datasets" / "nietzsche.txt")
    with open(path, "rb") as f, gzip.open(nietzsche.PACKAGED, "rb") as packaged:
        assert f.read() == packaged.read()
    assert capsys.readouterr().out.splitlines()[-1] == (
        "No se pudo descargar: se usa la copia de nietzsche.txt que viaja con tinygrad_es (el texto del curso).")
    assert get_file('nietzsche.txt', origin=nietzsche.ORIGIN) == path  # ya en la caché: sin mensajes
    assert capsys.readouterr().out == ""


def test_sin_conexion_otra_url_o_con_hash_sigue_siendo_un_error(home, offline):
    with pytest.raises(DownloadError, match="no hubo conexión"):
        get_file("otro.txt", origin="https://example.com/nietzsche.txt")
    with pytest.raises(DownloadError, match="no hubo conexión"):
        get_file("nietzsche.txt", origin=nietzsche.ORIGIN, file_hash="0" * 64)
    assert not os.path.exists(home / "datasets" / "nietzsche.txt")


def test_nietzsche_usa_la_url_del_ejemplo_de_keras():
    assert nietzsche.ORIGIN == "https://s3.amazonaws.com/text-datasets/nietzsche.txt"


# --- Nietzsche: las ayudas del curso -------------------------------------------------------------

def test_vocabulario_y_secuencias_del_curso(course_text):
    chars, char_indices, indices_char = nietzsche.vocabulary(course_text)
    assert len(chars) == 57 and chars == sorted(set(course_text))
    assert all(indices_char[char_indices[c]] == c for c in chars)
    sentences, next_chars = nietzsche.make_sequences(course_text, maxlen=40, step=3)
    assert len(sentences) == len(next_chars) == 200_285
    assert sentences[1] == course_text[3:43] and next_chars[1] == course_text[43]
    assert sentences[-1] == course_text[600_852:600_892] and next_chars[-1] == course_text[600_892]


def _course_vectorize(sentences, next_chars, char_indices, maxlen):
    """El bucle del curso, tal cual, como referencia."""
    x = np.zeros((len(sentences), maxlen, len(char_indices)), dtype=bool)
    y = np.zeros((len(sentences), len(char_indices)), dtype=bool)
    for i, sentence in enumerate(sentences):
        for t, char in enumerate(sentence):
            x[i, t, char_indices[char]] = 1
            y[i, char_indices[next_chars[i]]] = 1
    return x, y


def test_vectorize_como_el_bucle_del_curso(course_text):
    _, char_indices, _ = nietzsche.vocabulary(course_text)
    # Un trozo con los caracteres no ASCII (ä, é, æ...) para probar el paso por UTF-32.
    start = course_text.index("æ") - 3000
    sentences, next_chars = nietzsche.make_sequences(course_text[start:start + 6000], maxlen=40, step=3)
    x, y = nietzsche.vectorize(sentences, next_chars, char_indices)
    x_ref, y_ref = _course_vectorize(sentences, next_chars, char_indices, 40)
    assert x.dtype == np.bool_ and x.shape == (len(sentences), 40, 57) and y.shape == (len(sentences), 57)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(y, y_ref)
    x32, y32 = nietzsche.vectorize(sentences, next_chars, char_indices, dtype="float32")
    assert x32.dtype == np.float32 and y32.dtype == np.float32
    np.testing.assert_array_equal(x32, x_ref.astype(np.float32))


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet="abcñé ü.\n", min_size=2, max_size=120), maxlen=st.integers(1, 10), step=st.integers(1, 4)
)
def test_secuencias_y_vectorize_en_textos_cualesquiera(text, maxlen, step):
    if len(text) <= maxlen:
        with pytest.raises(ValueError, match="necesita un texto de más de maxlen"):
            nietzsche.make_sequences(text, maxlen, step)
        return
    sentences, next_chars = nietzsche.make_sequences(text, maxlen, step)
    assert len(sentences) == len(range(0, len(text) - maxlen, step))
    assert all(text.find(s + c) >= 0 for s, c in zip(sentences, next_chars))
    _, char_indices, _ = nietzsche.vocabulary(text)
    x, y = nietzsche.vectorize(sentences, next_chars, char_indices)
    x_ref, y_ref = _course_vectorize(sentences, next_chars, char_indices, maxlen)
    np.testing.assert_array_equal(x, x_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_encode_prepara_la_semilla_para_generar():
    _, char_indices, _ = nietzsche.vocabulary("abc ")
    x = nietzsche.encode(["ab c"], char_indices, dtype=np.float32)
    assert x.shape == (1, 4, 4) and x.dtype == np.float32
    assert x[0].argmax(axis=1).tolist() == [char_indices[c] for c in "ab c"]


def test_errores_de_las_ayudas():
    _, char_indices, _ = nietzsche.vocabulary("abc")
    with pytest.raises(ValueError, match=r"los caracteres \['z'\] no están en char_indices"):
        nietzsche.encode(["abz"], char_indices)
    with pytest.raises(ShapeError, match=r"misma longitud \(maxlen\) y hay de longitudes \[2, 3\]"):
        nietzsche.encode(["ab", "abc"], char_indices)
    with pytest.raises(ShapeError, match="3 secuencias y 2 caracteres siguientes"):
        nietzsche.vectorize(["ab", "bc", "ca"], ["c", "a"], char_indices)
    with pytest.raises(ValueError, match="maxlen debe ser un entero positivo"):
        nietzsche.make_sequences("abcdef", maxlen=0)
    with pytest.raises(ValueError, match="step debe ser un entero positivo"):
        nietzsche.make_sequences("abcdef", step=1.5)


# --- sample: la temperatura ----------------------------------------------------------------------

PREDS = np.array([0.5, 0.3, 0.15, 0.05, 0.0], dtype=np.float32)


def _frequencies(temperature, draws=20_000):
    manual_seed(0)
    counts = np.bincount([nietzsche.sample(PREDS, temperature) for _ in range(draws)], minlength=len(PREDS))
    return counts / draws


def _tempered(temperature):
    with np.errstate(divide="ignore"):
        p = np.exp(np.log(PREDS.astype(np.float64)) / temperature)
    return p / p.sum()


def test_sample_con_temperatura_baja_elige_casi_siempre_el_mas_probable():
    assert _frequencies(0.01, draws=2000)[0] == 1.0
    freq = _frequencies(0.2)
    np.testing.assert_allclose(freq, _tempered(0.2), atol=0.01)  # 0.5^5 frente a 0.3^5: el primero un 92 %
    assert freq[0] > 0.9


def test_sample_con_temperatura_1_sigue_las_probabilidades():
    np.testing.assert_allclose(_frequencies(1.0), PREDS, atol=0.015)


def test_sample_con_temperatura_alta_aplana_la_distribucion():
    freq = _frequencies(1.2)
    np.testing.assert_allclose(freq, _tempered(1.2), atol=0.015)
    assert freq[3] > PREDS[3]  # lo improbable sale más a menudo que con T=1
    freq = _frequencies(50.0)
    np.testing.assert_allclose(freq[:4], 0.25, atol=0.03)  # casi uniforme entre los posibles...
    assert freq[4] == 0.0  # ...pero lo imposible (probabilidad 0) nunca sale


def test_sample_es_reproducible_con_manual_seed():
    assert _frequencies(1.0, draws=200).tolist() == _frequencies(1.0, draws=200).tolist()
    manual_seed(3)
    first = [nietzsche.sample(PREDS, 1.0) for _ in range(50)]
    manual_seed(3)
    assert [nietzsche.sample(PREDS, 1.0) for _ in range(50)] == first
    assert isinstance(first[0], int)


def test_sample_errores():
    with pytest.raises(ValueError, match="temperature debe ser positiva y recibió 0"):
        nietzsche.sample(PREDS, 0)
    expected = r"un solo ejemplo \(p. ej. model.predict\(x\)\[0\]\) y recibió un array de forma \(1, 5\)"
    with pytest.raises(ShapeError, match=expected):
        nietzsche.sample(PREDS[None, :])
    with pytest.raises(ValueError, match="no todos cero"):
        nietzsche.sample(np.zeros(5))
    with pytest.raises(ValueError, match="valores entre -0.5"):
        nietzsche.sample([0.5, -0.5, 1.0])
