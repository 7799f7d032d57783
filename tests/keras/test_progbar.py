"""La barra de progreso: cadenas exactas (con un reloj falso), redibujado, verbose=2 y ProgbarLogger."""
import io
import re
import sys

import numpy as np
import pytest

from tinygrad_es.keras import progbar as P
from tinygrad_es.keras.callbacks import CallbackList, ProgbarLogger

BAR = "━" * 20
METRICS = [("accuracy", 0.59684), ("loss", 1.18771)]


class Clock:
    """Un reloj que marca lo que el test le dice."""

    def __init__(self, t=100.0):
        self.t = t

    def __call__(self):
        return self.t


class FakeTTY(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def not_in_jupyter(monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    monkeypatch.delenv("PYCHARM_HOSTED", raising=False)


def make(target=938, verbose=1, stream=None):
    clock = Clock()
    stream = stream if stream is not None else io.StringIO()
    return P.Progbar(target, verbose=verbose, stream=stream, clock=clock), clock, stream


def test_plain_output_only_the_final_line():
    """A un archivo o a un registro de CI: solo la línea final, sin colores ni \\r ni \\b."""
    bar, clock, out = make()
    for step in range(1, 938):
        clock.t = 100.004 + step * 0.004
        bar.update(step, METRICS)
    clock.t = 104.0
    bar.update(938, METRICS + [("val_accuracy", 0.90451), ("val_loss", 0.33081)], finalize=True)
    assert out.getvalue() == (
        f"938/938 {BAR} 4s 4ms/step - accuracy: 0.5968 - loss: 1.1877 - val_accuracy: 0.9045 - val_loss: 0.3308\n"
    )


def test_updates_are_throttled_except_the_final_one():
    bar, clock, out = make(target=10, stream=FakeTTY())
    clock.t = 100.01
    bar.update(1, [("loss", 1.0)])
    clock.t = 100.02  # 10 ms después: no se redibuja
    bar.update(2, [("loss", 0.9)])
    clock.t = 100.03
    bar.update(10, [("loss", 0.5)])  # current == target: final, se dibuja siempre
    lines = out.getvalue().split("\r")[1:]
    assert len(lines) == 2
    assert re.sub(r"\x1b\[\d+m", "", lines[1]).rstrip() == f"10/10 {BAR} 0s 2ms/step - loss: 0.5000"


def test_terminal_redraws_in_place_with_colours():
    bar, clock, out = make(target=4, stream=FakeTTY())
    clock.t = 101.0
    bar.update(1, [("loss", 0.25)])
    clock.t = 102.0
    bar.update(2, [])
    clock.t = 104.0
    bar.update(4, [("loss", 0.125)])
    text = out.getvalue()
    first, second, final = text.split("\r")[1:]
    green, white = "\x1b[32m", "\x1b[37m"
    assert first == f"\x1b[1m1/4\x1b[0m {green}{'━' * 5}\x1b[0m{white}{'━' * 15}\x1b[0m \x1b[1m3s\x1b[0m 1s/step - loss: 0.2500"
    assert second.startswith(f"\x1b[1m2/4\x1b[0m {green}{'━' * 10}\x1b[0m")
    # la línea final: toda la barra en verde, el tramo blanco vacío (como Keras) y salto de línea
    assert final == (f"\x1b[1m4/4\x1b[0m {green}{BAR}\x1b[0m{white}\x1b[0m \x1b[1m4s\x1b[0m 1s/step - loss: 0.1250\n")


def test_shorter_line_is_padded_over_the_previous_one():
    bar, clock, out = make(target=2, stream=FakeTTY())
    clock.t = 100.5
    bar.update(1, [("loss", 1.0), ("extra_long_metric_name", 2.0)])
    bar.values.pop("extra_long_metric_name")  # la siguiente línea es más corta
    clock.t = 101.0
    bar.update(2, [("loss", 1.0)])
    first, final = out.getvalue().split("\r")[1:]
    visible = lambda s: re.sub(r"\x1b\[\d+m", "", s)  # noqa: E731
    assert len(visible(final).rstrip("\n")) == len(visible(first))


def test_jupyter_counts_as_interactive(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipykernel", object())
    assert P.interactive_output(io.StringIO())
    monkeypatch.delitem(sys.modules, "ipykernel")
    assert not P.interactive_output(io.StringIO())
    assert P.interactive_output(FakeTTY())


def test_verbose_2_writes_one_summary_line():
    bar, clock, out = make(target=422, verbose=2)
    clock.t = 100.002
    bar.update(1, [("accuracy", 0.5)])
    clock.t = 101.0
    bar.update(422, [("accuracy", 0.96654), ("loss", 0.11112)], finalize=True)
    assert out.getvalue() == "422/422 - 1s - 2ms/step - accuracy: 0.9665 - loss: 0.1111\n"


def test_verbose_0_is_silent():
    bar, clock, out = make(target=3, verbose=0)
    for step in (1, 2, 3):
        clock.t += 1
        bar.update(step, [("loss", 1.0)])
    assert out.getvalue() == ""


@pytest.mark.parametrize("seconds, text", [(5.9, "5s"), (65, "1:05"), (3723, "1:02:03")])
def test_eta_format(seconds, text):
    assert P.format_eta(seconds) == text


@pytest.mark.parametrize("seconds, text", [
    (2.4, " 2s/step"), (0.0042, " 4ms/step"), (0.00085, " 850us/step"), (0.0, " 0s/step")])
def test_time_per_step_format(seconds, text):
    assert P.format_time_per_unit(seconds) == text


def test_value_format():
    assert P.format_value(0.59684) == " 0.5968"
    assert P.format_value(0.0001) == " 1.0000e-04"
    assert P.format_value(np.float32(0.25)) == " 0.2500"
    assert P.format_value("texto") == " texto"
    assert P.format_value(-0.5) == " -0.5000"
    assert P.format_value(-0.5, absolute=False) == " -5.0000e-01"  # verbose=2 de Keras


def test_unencodable_bar_falls_back_to_equals():
    class Ascii(io.StringIO):
        def write(self, s):
            s.encode("ascii")
            return super().write(s)

    out = Ascii()
    bar, clock, _ = make(target=1, stream=out)
    clock.t = 100.5
    bar.update(1, [("loss", 1.0)])
    assert out.getvalue() == f"1/1 {'=' * 20} 0s 500ms/step - loss: 1.0000\n"


# ---------------------------------------------------------------- ProgbarLogger
def _fit_like(capsys, verbose, epochs=2, steps=3, with_validation=True):
    cbs = CallbackList([], add_history=False, add_progbar=True, verbose=verbose, epochs=epochs, steps=steps)
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for batch in range(steps):
            cbs.on_train_batch_begin(batch)
            cbs.on_train_batch_end(batch, {"loss": 1.0 / (batch + 1), "accuracy": 0.5})
        logs = {"loss": 0.5, "accuracy": 0.75}
        if with_validation:  # la validación dentro de fit no dibuja barra
            cbs.on_test_begin()
            cbs.on_test_batch_end(0, {"loss": 9.0})
            cbs.on_test_end({"loss": 9.0})
            logs.update(val_loss=0.25, val_accuracy=0.875)
        cbs.on_epoch_end(epoch, logs)
    cbs.on_train_end()
    return capsys.readouterr().out


TIMES = r"\d+s \d+(s|ms|us)/step"


def test_logger_verbose_1_prints_epoch_headers_and_sorted_metrics(capsys):
    out = _fit_like(capsys, verbose="auto")
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2"
    assert "Epoch 2/2" in lines
    final = [line for line in lines if line.startswith("3/3")]
    assert len(final) == 2
    assert re.fullmatch(rf"3/3 {BAR} {TIMES} - accuracy: 0.7500 - loss: 0.5000 - val_accuracy: 0.8750 - "
                        r"val_loss: 0.2500", final[0])
    assert "9.0000" not in out  # nada de la validación por lotes


def test_logger_to_a_log_file_one_clean_line_per_epoch(capsys):
    """Salida a un archivo (capsys no es un terminal): 'Epoch i/n' y una línea final por época, nada más."""
    out = _fit_like(capsys, verbose=1, epochs=3, steps=50)
    lines = out.splitlines()
    assert len(lines) == 6 and lines[::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert all(re.fullmatch(rf"50/50 {BAR} {TIMES} - accuracy: 0.7500 - .*", line) for line in lines[1::2])
    assert not re.search(r"[\x00-\x09\x0b-\x1f]", out)  # ningún carácter de control salvo el salto de línea


def test_logger_single_epoch_has_no_header(capsys):
    out = _fit_like(capsys, verbose=1, epochs=1)
    assert "Epoch" not in out


def test_logger_verbose_2_one_line_per_epoch(capsys):
    out = _fit_like(capsys, verbose=2)
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4
    assert re.fullmatch(r"3/3 - \d+s - \d+(s|ms|us)/step - accuracy: 0.7500 - loss: 0.5000 - "
                        r"val_accuracy: 0.8750 - val_loss: 0.2500", lines[1])


def test_logger_verbose_0_silent(capsys):
    cbs = CallbackList([ProgbarLogger()], verbose=0, epochs=2, steps=3)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out == ""


def test_logger_evaluate_and_predict(capsys):
    cbs = CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=2)
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 0.3, "accuracy": 0.9})
    cbs.on_test_batch_end(1, {"loss": 0.2, "accuracy": 0.95})
    cbs.on_test_end({"loss": 0.2, "accuracy": 0.95})
    final = capsys.readouterr().out.splitlines()[-1]
    assert re.fullmatch(rf"2/2 {BAR} {TIMES} - accuracy: 0.9500 - loss: 0.2000", final)
    cbs = CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=313)
    cbs.on_predict_begin()
    for b in range(313):
        cbs.on_predict_batch_end(b, {"outputs": [1, 2]})
    cbs.on_predict_end()
    final = capsys.readouterr().out.splitlines()[-1]
    assert re.fullmatch(rf"313/313 {BAR} {TIMES}", final)  # sin métricas


def test_logger_one_batch_predict_prints_one_line(capsys, monkeypatch):
    for stream_is_tty in (False, True):
        monkeypatch.setattr(P, "interactive_output", lambda stream: stream_is_tty)
        cbs = CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=1)
        cbs.on_predict_begin()
        cbs.on_predict_batch_end(0, {"outputs": [1]})
        cbs.on_predict_end()
        out = re.sub(r"\x1b\[\d+m", "", capsys.readouterr().out)
        assert "\r" not in out or stream_is_tty
        visible = re.sub(r"[^\n]*\r", "", out)  # lo que queda a la vista: cada \r redibuja la línea
        assert visible.count("1/1 ") == 1 and visible.endswith("\n") and visible.count("\n") == 1, repr(out)
