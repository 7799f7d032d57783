"""Mover un tensor entre la CPU y la GPU como operación derivable: `ToDevice`.

`x.cuda()` es `ToDevice.apply(x, device='cuda')`: hacia delante copia los datos a la GPU y
hacia atrás devuelve el gradiente al dispositivo de donde vino x. Así un grafo puede empezar
en la CPU, seguir en la GPU y la hoja recibe su gradiente donde vive.
"""
from ..autograd import Function
from ..runtime.device import device_of, to_device


class ToDevice(Function):
    def forward(self, a, device):
        self.save_for_backward(device_of(a))
        return to_device(a, device)

    def backward(self, grad):
        (source,) = self.saved
        return to_device(grad, source)
