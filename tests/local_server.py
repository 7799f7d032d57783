"""Un servidor HTTP en 127.0.0.1 para probar descargas sin tocar internet.

Cada ruta sirve un cuerpo, un código de estado y, si se quiere, un Content-Length falso (para
simular una transferencia cortada), otro Content-Type o una pausa tras cada byte (un servidor
lentísimo). `stop()` lo apaga: desde ahí, cualquier descarga falla.
"""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = b"datos de prueba para get_file\n" * 1000  # 30 KB: varios trozos de lectura


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        status, body, length, content_type, byte_delay = self.server.routes.get(
            self.path, (404, b"", None, None, 0.0))
        if status != 200:
            self.send_error(status)
            return
        self.send_response(200)
        # Un Content-Length mayor que el cuerpo simula una conexión que se corta a mitad.
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.send_header("Content-Type", content_type)
        self.end_headers()
        try:
            if not byte_delay:
                self.wfile.write(body)
            for i in range(len(body) if byte_delay else 0):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                time.sleep(byte_delay)
        except OSError:  # el cliente colgó (p. ej. al agotar su plazo): no es un error del servidor
            pass

    def log_message(self, *args):  # sin ruido en la salida de pytest
        pass


class LocalServer:
    """Un servidor HTTP en un hilo: `serve(path, body)` publica un archivo; `url(path)` da su dirección."""

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.routes, self.httpd.requests = {}, []
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()
        self.running = True

    @property
    def requests(self):
        return self.httpd.requests

    def serve(self, path, body=BODY, status=200, length=None, content_type="application/octet-stream",
              byte_delay=0.0) -> str:
        self.httpd.routes[path] = (status, body, length, content_type, byte_delay)
        return self.url(path)

    def url(self, path) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def stop(self):
        """Apaga el servidor y libera el puerto: desde aquí, cualquier descarga falla al conectar."""
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join()
            self.running = False
