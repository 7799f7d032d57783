"""La barra de progreso de Keras 3:

    938/938 ━━━━━━━━━━━━━━━━━━━━ 4s 4ms/step - accuracy: 0.5968 - loss: 1.1877

- `938/938`: lotes hechos / lotes de la época (alineado a la derecha con el ancho del total).
- La barra: 20 caracteres `━`; en un terminal o en Jupyter, la parte hecha en verde.
- Mientras avanza, el tiempo que falta (ETA: `7s`, `1:05`, `1:02:03`); al terminar, el tiempo
  total de la época en segundos.
- El tiempo por paso (`4ms/step`, `1s/step`, `850us/step`), sin contar el primer paso (que
  incluye el arranque) en cuanto hay más de uno.
- Las métricas tal como llegan (ya son medias de la época), con 4 decimales, o en notación
  científica si |valor| <= 1e-3.

En un terminal o en Jupyter la línea se redibuja en su sitio (`\\r`), como mucho cada `interval`
segundos (salvo la final) para no frenar el entrenamiento. Si la salida va a un archivo o a un
registro de CI, solo se escribe la línea final, sin colores ni caracteres de control: una línea
limpia por época en `fit` y una en `predict`/`evaluate` (Keras 3 escribe ahí cada redibujado con
`\\b` y `\\r`).

verbose=1 dibuja la barra; verbose=2 escribe solo la línea final:
`422/422 - 1s - 2ms/step - accuracy: 0.9665 - loss: 0.1111`.
"""
import numbers
import os
import sys
import time

BAR_CHAR = "━"  # U+2501; si la salida no puede codificarlo se escribe "="
BOLD, GREEN, WHITE, RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def interactive_output(stream) -> bool:
    """¿Se puede redibujar la línea? En un terminal (TTY), en Jupyter o en la consola de PyCharm."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) or "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def write(text, stream=None):
    """Escribe y vacía el búfer (para que se vea en el momento), con '=' si '━' no se puede codificar."""
    stream = stream or sys.stdout
    try:
        stream.write(text)
    except UnicodeEncodeError:
        stream.write(text.replace(BAR_CHAR, "="))
    stream.flush()


def format_value(value, absolute=True) -> str:
    """4 decimales; notación científica para valores pequeños (|v| <= 1e-3), como Keras."""
    if not isinstance(value, numbers.Real):
        return f" {value}"
    value = float(value)
    big = abs(value) > 1e-3 if absolute else value > 1e-3
    return f" {value:.4f}" if big else f" {value:.4e}"


def format_time_per_unit(seconds, unit_name="step") -> str:
    """' 4ms/step', ' 2s/step' o ' 850us/step'."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def format_eta(seconds) -> str:
    """'7s', '1:05' (más de un minuto) o '1:02:03' (más de una hora)."""
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


class Progbar:
    """Una barra de progreso para `target` pasos. `update(paso_actual, [(nombre, valor), ...])`."""

    def __init__(self, target, width=20, verbose=1, interval=0.05, unit_name="step", stream=None, clock=None):
        self.target, self.width, self.verbose = target, width, verbose
        self.interval, self.unit_name = interval, unit_name
        self.stream = stream  # None: sys.stdout en el momento de escribir
        self.clock = clock or time.monotonic  # las pruebas ponen un reloj falso
        self.values = {}  # nombre -> último valor, en el orden en que aparecieron
        self._start = self.clock()
        self._last_update = None
        self._time_after_first_step = None
        self._prev_width = 0

    def update(self, current, values=None, finalize=None):
        """Dibuja el paso `current` con esos valores; `finalize` (por defecto, current >= target) cierra la línea."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            self.values[name] = value
        now = self.clock()
        time_per_step = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            throttled = self._last_update is not None and now - self._last_update < self.interval
            if finalize or (not throttled and interactive_output(self.stream or sys.stdout)):
                self._draw(current, now, time_per_step, finalize)
                self._last_update = now
        elif self.verbose == 2 and finalize:
            self._write_summary(current, now, time_per_step)

    def _estimate_step_duration(self, current, now):
        """Segundos por paso; en cuanto hay más de un paso, sin contar el primero (incluye el arranque)."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_step = (now - self._time_after_first_step) / (current - 1)
        else:
            per_step = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_step

    def _draw(self, current, now, time_per_step, finalize):
        stream = self.stream or sys.stdout
        dynamic = interactive_output(stream)
        count, bar = self._count_and_bar(current, color=dynamic)
        plain_count, plain_bar = self._count_and_bar(current, color=False)
        if finalize or self.target is None:
            timing = f"{now - self._start:.0f}s"
        else:
            timing = format_eta(time_per_step * (self.target - current))
        info = format_time_per_unit(time_per_step, self.unit_name) + self._metrics()
        line = f"{count} {bar} {BOLD}{timing}{RESET}{info}" if dynamic else f"{count} {bar} {timing}{info}"
        visible_width = len(f"{plain_count} {plain_bar} {timing}{info}")
        if dynamic:
            padding = " " * max(self._prev_width - visible_width, 0)
            write("\r" + line + padding + ("\n" if finalize else ""), stream)
        else:  # solo la línea final (ver update)
            write(line + "\n", stream)
        self._prev_width = visible_width

    def _count_and_bar(self, current, color):
        if self.target is None:
            return f"{current:7d}/Unknown", ""
        count = f"{current:{len(str(self.target))}d}/{self.target}"
        done = int(self.width * current / self.target) if self.target else self.width
        done = min(done, self.width)
        if not color:
            return count, BAR_CHAR * self.width
        green = f"{GREEN}{BAR_CHAR * done}{RESET}" if done > 0 else ""
        return f"{BOLD}{count}{RESET}", f"{green}{WHITE}{BAR_CHAR * (self.width - done)}{RESET}"

    def _metrics(self, absolute=True) -> str:
        return "".join(f" - {name}:{format_value(value, absolute)}" for name, value in self.values.items())

    def _write_summary(self, current, now, time_per_step):
        """verbose=2: una sola línea al final: '422/422 - 1s - 2ms/step - accuracy: 0.9665 - loss: 0.1111'."""
        count = f"{current:{len(str(self.target))}d}/{self.target}" if self.target else f"{current}"
        # Keras compara aquí valor > 1e-3 (no su valor absoluto): una pérdida negativa sale en notación científica.
        line = (f"{count} - {now - self._start:.0f}s -{format_time_per_unit(time_per_step, self.unit_name)}"
                f"{self._metrics(absolute=False)}\n")
        write(line, self.stream)
