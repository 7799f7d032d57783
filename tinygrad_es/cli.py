"""Un `argparse.ArgumentParser` que habla español de la primera línea a la última.

argparse escribe en inglés lo que no viene del programa: `usage:`, `options:`, `show this help
message and exit` y sus errores (`unrecognized arguments`, `invalid choice`...). Los traduce con
gettext para todo el proceso; aquí se traducen solo en los parsers de tinygrad_es (la demo, los
ejemplos y los benchmarks), sin tocar el módulo argparse de quien lo importe.

    >>> parser = ArgumentParser(description="Ejemplo 4: el perceptrón multicapa")
    >>> parser.add_argument("--rapido", action="store_true", help="una ejecución de pocos segundos")
"""
from __future__ import annotations

import argparse
import re
import sys

# Los mensajes de error de argparse (en 3.10-3.13), de inglés a español.
ERRORS = [
    (r"unrecognized arguments: ", "argumentos desconocidos: "),
    (r"the following arguments are required: ", "faltan los argumentos obligatorios: "),
    (r"^argument ", "argumento "),
    (r"invalid choice: (.*?) \(choose from (.*)\)", r"opción no válida: \1 (elige entre \2)"),
    (r"invalid (\w+) value: ", r"valor no válido (\1): "),
    (r"expected one argument", "falta su valor"),
    (r"expected at least one argument", "falta al menos un valor"),
    (r"expected at most one argument", "admite como mucho un valor"),
    (r"expected (\d+) arguments?", r"espera \1 valores"),
    (r"ignored explicit argument ", "sobra el valor "),
    (r"not allowed with argument ", "no se puede usar con el argumento "),
    (r"ambiguous option: (.*) could match ", r"opción ambigua: \1 puede ser "),
]


class HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="uso: " if prefix is None else prefix)


class ArgumentParser(argparse.ArgumentParser):
    """Como `argparse.ArgumentParser`, con la ayuda (`-h`), los títulos y los errores en español."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help="muestra esta ayuda y termina")

    def error(self, message: str):
        for english, spanish in ERRORS:
            message = re.sub(english, spanish, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")
