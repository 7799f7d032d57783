"""Archivos dañados u hostiles: cada uno da un ModelFileError en español que nombra el archivo y qué
falla, sin ejecutar nada y sin gastar más memoria que la del modelo (medido con un límite de
memoria en un subproceso)."""
import io
import json
import pathlib
import subprocess
import sys
import textwrap
import zipfile

import h5py
import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras.saving import ModelFileError

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures"
MLP = FIXTURES / "keras" / "mlp.keras"  # Dense(16) -> Dropout -> Dense(32) -> Dropout -> Dense(10), sobre 64 rasgos
OLD_CNN = FIXTURES / "tinygrad_es_v1" / "cnn.keras"


def members_of(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def with_config(tmp_path, edit, source=MLP):
    members = members_of(source)
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    return write_zip(tmp_path / "editado.keras", members)


def with_weights(tmp_path, edit, source=MLP):
    """Una copia del .keras con su model.weights.h5 cambiado por edit(h5file)."""
    members = members_of(source)
    h5_path = tmp_path / "pesos.h5"
    h5_path.write_bytes(members["model.weights.h5"])
    with h5py.File(h5_path, "a") as f:
        edit(f)
    members["model.weights.h5"] = h5_path.read_bytes()
    return write_zip(tmp_path / "editado.keras", members)


def first_dense(config):
    return config["config"]["layers"][1]["config"]


def replace_dataset(path, value, **options):
    def edit(f):
        del f[path]
        f.create_dataset(path, data=value, **options)
    return edit


CONFIG_CASES = {
    "config [1,2]": (lambda c: c.clear() or c.update({"class_name": "Sequential", "config": [1, 2]}),
                     "debería tener su lista de capas"),
    "sin capas": (lambda c: c["config"].pop("layers"), "debería tener su lista de capas"),
    "capa desconocida": (lambda c: c["config"]["layers"][1].update(class_name="MultiHeadAttention"),
                         r"usa la capa 'dense' \(MultiHeadAttention\), que tinygrad_es no tiene"),
    "función lambda": (lambda c: first_dense(c).update(activation={"class_name": "__lambda__", "config": {
        "code": "print('hola')"}}), "no ejecuta código de un archivo"),
    "clase registrada": (lambda c: c["config"]["layers"][1].update(registered_name="mi_paquete>MiDensa"),
                         r"función u objeto propio.*custom_objects"),
    "regularizador": (lambda c: first_dense(c).update(kernel_regularizer={"class_name": "L3", "config": {"l3": 0.1}}),
                      r"kernel_regularizer de la capa 'dense' \(Dense\) es el regularizador L3, que tinygrad_es no "
                      r"tiene"),
    "argumento no válido": (lambda c: first_dense(c).update(units=-3), r"no se puede crear la capa 'dense'.*units"),
    "optimizador desconocido": (lambda c: c["compile_config"]["optimizer"].update(class_name="Optimo"),
                                "usa el optimizador Optimo, que tinygrad_es no tiene"),
    "dtype raro": (lambda c: first_dense(c).update(dtype="complex64"), "tipo de datos 'complex64'"),
    "units=10**12": (lambda c: first_dense(c).update(units=10**12), r"describe un modelo de [\d,]+ parámetros"),
    "units=10**6": (lambda c: first_dense(c).update(units=10**6),
                    r"'layers/dense/vars/0' \(la capa dense \(Dense\), peso 'kernel'\) tiene forma \(64, 16\) y el "
                    r"modelo necesita \(64, 1000000\)"),
}


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_bad_configs(case, tmp_path):
    edit, message = CONFIG_CASES[case]
    path = with_config(tmp_path, edit)
    with pytest.raises(ModelFileError, match=rf"'.*editado.keras'.*{message}"):
        keras.models.load_model(path)


WEIGHT_CASES = {
    "complejos": (replace_dataset("layers/dense/vars/1", np.zeros(16, np.complex64)), "números complejos"),
    "textos": (replace_dataset("layers/dense/vars/1", np.array(["a"] * 16, dtype="S3")), "no contiene números"),
    "forma": (replace_dataset("layers/dense/vars/1", np.zeros(17, np.float32)), r"tiene forma \(17,\)"),
    "de más": (lambda f: f["layers/dense/vars"].create_dataset("2", data=[1.0]), "tiene 2 pesos y el archivo guarda 3"),
    "enlace blando": (lambda f: (f.move("layers/dense", "otra"),
                                 f.__setitem__("layers/dense", h5py.SoftLink("/otra"))), "enlace"),
    "enlace externo": (lambda f: (f.__delitem__("layers/dense"),
                                  f.__setitem__("layers/dense", h5py.ExternalLink("/etc/passwd", "/x"))), "enlace"),
    "dataset externo": (replace_dataset("layers/dense/vars/1", None, shape=(16,), dtype="f4",
                                        external=[("/dev/zero", 0, 64)]), "fuera del archivo"),
    "faltan capas": (lambda f: f.__delitem__("layers/dense_2"), "el archivo tiene 4 capas y el modelo 5"),
}


@pytest.mark.parametrize("case", WEIGHT_CASES)
def test_bad_weights(case, tmp_path):
    edit, message = WEIGHT_CASES[case]
    path = with_weights(tmp_path, edit)
    with pytest.raises(ModelFileError, match=rf"'.*editado.keras'.*{message}"):
        keras.models.load_model(path)


def test_not_a_model_file(tmp_path):
    (tmp_path / "ruido.keras").write_bytes(b"esto no es un zip" * 10)
    with pytest.raises(ModelFileError, match="truncado o dañado"):
        keras.models.load_model(tmp_path / "ruido.keras")
    members = members_of(MLP)
    for missing, message in (("config.json", "le falta 'config.json'"), ("model.weights.h5", "le falta 'model")):
        path = write_zip(tmp_path / "incompleto.keras", {k: v for k, v in members.items() if k != missing})
        with pytest.raises(ModelFileError, match=message):
            keras.models.load_model(path)
    for text, message in ((b"[1, 2]", "debería ser un objeto JSON"), (b"{no es json", "no es un JSON válido"),
                          (b"\xff\xfe", "no es un JSON válido"), (b"[" * 100_000, "no es un JSON válido"),
                          (b"[" + b"0," * 1_500_000 + b"0]", "elementos JSON")):
        path = write_zip(tmp_path / "config.keras", {**members, "config.json": text})
        with pytest.raises(ModelFileError, match=rf"'.*config.keras'.*{message}"):
            keras.models.load_model(path)


def test_corrupted_compressed_member_is_explained(tmp_path):
    """Un miembro recomprimido (deflate) con bytes cambiados: ni zlib.error ni BadZipFile escapan."""
    path = write_zip(tmp_path / "comprimido.keras", members_of(MLP), zipfile.ZIP_DEFLATED)
    keras.models.load_model(path)  # recomprimido pero sano: se carga
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("model.weights.h5")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + 100:start + 400] = bytes(300)
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"'.*comprimido.keras'.*truncado o dañado"):
        keras.models.load_model(path)


def test_nan_weights_load_with_a_spanish_warning(tmp_path):
    path = with_weights(tmp_path, replace_dataset("layers/dense/vars/1", np.full(16, np.nan, np.float32)))
    with pytest.warns(UserWarning, match=r"'.*editado.keras' tiene pesos con NaN o infinitos \(layers/dense/vars/1\)"):
        model = keras.models.load_model(path)
    assert np.isnan(model.layers[0].bias.numpy()).all()


def old_format_with(tmp_path, arrays, manifest=None):
    """El cnn del formato anterior con su npz cambiado: `arrays` sustituye arrays (y la lista, si se da)."""
    members = members_of(OLD_CNN)
    with zipfile.ZipFile(io.BytesIO(members["model.weights.npz"])) as npz:
        inner = {name: npz.read(name) for name in npz.namelist()}
    for key, value in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=True)
        inner[f"{key}.npy"] = buffer.getvalue()
    if manifest is not None:
        buffer = io.BytesIO()
        np.save(buffer, manifest)
        inner["__manifest__.npy"] = buffer.getvalue()
    npz_bytes = io.BytesIO()
    with zipfile.ZipFile(npz_bytes, "w") as npz:
        for name, data in inner.items():
            npz.writestr(name, data)
    members["model.weights.npz"] = npz_bytes.getvalue()
    return write_zip(tmp_path / "viejo.keras", members)


@pytest.mark.parametrize("arrays, manifest, message", [
    ({}, np.arange(3), r"la lista de pesos \(__manifest__\) debería ser un texto JSON"),
    ({}, np.array(json.dumps({"no": "lista"})), r"debería ser una lista de"),
    ({"0001": np.array(["a", "b", "c"])}, None, "no contiene números"),
    ({"0001": np.array([object(), 1, 2], dtype=object)}, None, "guarda objetos de Python"),
    ({"0001": np.zeros(3, np.complex128)}, None, "números complejos"),
])
def test_bad_old_format_files(arrays, manifest, message, tmp_path):
    path = old_format_with(tmp_path, arrays, manifest)
    with pytest.raises(ModelFileError, match=rf"'.*viejo.keras'.*{message}"):
        keras.models.load_model(path)


# ---------------------------------------------------------------- memoria acotada, medida
MEMORY_CHECK = textwrap.dedent("""
    import resource, sys
    from tinygrad_es import keras
    from tinygrad_es.keras.saving import ModelFileError

    def vm_bytes():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize"))

    limit = vm_bytes() + (384 << 20)  # 384 MiB por encima de lo que ya usa el proceso
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for path in sys.argv[1:]:
        try:
            keras.models.load_model(path)
        except ModelFileError as error:
            print("ModelFileError", str(error).replace("\\n", " "))
        else:
            print("CARGADO", path)
    print("pico_kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
""")


def weights_bomb(path, size=1 << 30):
    """Un .keras de ~1 MB cuyo model.weights.h5 se descomprime en `size` bytes de ceros."""
    members = members_of(MLP)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("metadata.json", "config.json"):
            archive.writestr(name, members[name])
        with archive.open("model.weights.h5", "w", force_zip64=True) as f:
            chunk = bytes(16 << 20)
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return path


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="mide la memoria con /proc y RLIMIT_AS")
def test_hostile_archives_fail_with_bounded_memory(tmp_path):
    bomb = weights_bomb(tmp_path / "bomba.keras")
    config_bomb = tmp_path / "bomba_config.keras"
    members = members_of(MLP)
    with zipfile.ZipFile(config_bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", b" " * (512 << 20))
        archive.writestr("model.weights.h5", members["model.weights.h5"])
    (tmp_path / "grande").mkdir()
    (tmp_path / "enorme").mkdir()
    (tmp_path / "relleno").mkdir()
    huge = with_config(tmp_path / "enorme", lambda c: first_dense(c).update(units=10**12))
    big = with_config(tmp_path / "grande", lambda c: first_dense(c).update(units=10**7))  # 2.6 GB si se construyera
    filled = with_weights(tmp_path / "relleno", replace_dataset(  # declara 256 MiB y no guarda nada
        "layers/dense/vars/0", None, shape=(64, 1 << 20), dtype="f4", chunks=(64, 1 << 12), compression="gzip"),
        source=with_config(tmp_path / "relleno", lambda c: first_dense(c).update(units=1 << 20)))
    paths = [bomb, config_bomb, huge, big, filled]
    assert max(p.stat().st_size for p in paths) < 2 << 20  # archivos pequeños...
    result = subprocess.run([sys.executable, "-c", MEMORY_CHECK, *map(str, paths)], capture_output=True, text=True,
                            timeout=300)
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr[-2000:]
    assert [line.split()[0] for line in lines[:-1]] == ["ModelFileError"] * len(paths), lines
    assert "descomprimido" in lines[0] and "config.json" in lines[1] and "parámetros" in lines[2]
    assert "necesita (64, 10000000)" in lines[3] and "bomba de descompresión" in lines[4]
    print("\n".join(lines))
    assert int(lines[-1].split()[1]) < 200 * 1024  # ...y cargarlos no sube la memoria más de 200 MiB
