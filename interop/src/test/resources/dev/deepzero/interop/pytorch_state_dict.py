# Trains deepzero's deep-cnn architecture, built in PyTorch layer for layer, for a few steps (so BatchNorm's
# running statistics and num_batches_tracked move), then writes into OUT:
#   state-f32.safetensors   model.state_dict() as PyTorch holds it (F32 weights, I64 num_batches_tracked)
#   state-f16.safetensors   the weights as float16, state-bf16.safetensors as bfloat16 (counters stay I64)
#   expected.safetensors    "inputs" [8, 1, 28, 28] and the eval-mode logits of each: "f32", "f16", "bf16"
#                           (the half-precision models' weights rounded, then evaluated in float32)
# The safetensors files are written by the small writer below (json + struct): the safetensors package is not
# in Debian. Run with /usr/bin/python3 (Debian's python3-torch).
import json, struct, sys
import torch
from torch import nn

out = sys.argv[1]
torch.manual_seed(0)
torch.set_num_threads(1)

DTYPES = {torch.float32: ('F32', 'f'), torch.int64: ('I64', 'q'), torch.float16: ('F16', 'e')}


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if t.dtype == torch.bfloat16:
            # bfloat16 is the top half of a float32: take those 16 bits of each value.
            bits = t.float().view(torch.int32).flatten().tolist()
            data = b''.join(struct.pack('<H', (b >> 16) & 0xffff) for b in bits)
            code = 'BF16'
        else:
            code, fmt = DTYPES[t.dtype]
            values = t.flatten().tolist()
            data = struct.pack('<%d%s' % (len(values), fmt), *values)
        header[name] = {'dtype': code, 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    h = json.dumps(header).encode('utf-8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for c in chunks:
            f.write(c)


model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(64, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(),
    nn.Dropout(0.25), nn.Flatten(), nn.Linear(128 * 7 * 7, 256), nn.BatchNorm1d(256), nn.ReLU(),
    nn.Dropout(0.5), nn.Linear(256, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
model.train()
for step in range(5):
    x = torch.rand(16, 1, 28, 28)
    y = torch.randint(0, 10, (16,))
    loss = nn.functional.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
model.eval()

inputs = torch.rand(8, 1, 28, 28)
state = model.state_dict()
expected = {'inputs': inputs}
for tag, dtype in (('f32', torch.float32), ('f16', torch.float16), ('bf16', torch.bfloat16)):
    converted = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in state.items()}
    write_safetensors('%s/state-%s.safetensors' % (out, tag), converted)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in converted.items()})
    with torch.no_grad():
        expected[tag] = model(inputs)
write_safetensors(out + '/expected.safetensors', expected)
print(int(state['1.num_batches_tracked']))
